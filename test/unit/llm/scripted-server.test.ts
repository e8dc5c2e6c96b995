import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import OpenAI from 'openai';
import { CONTINUE_PROMPT, REPAIR_PROMPT } from '../../../src/core/pipeline/tasks';
import type { Script } from '../../fixtures/llm/script';
import { chunkText, loadScriptFile, parseCliArgs, startScriptedServer, validateScript } from '../../fixtures/llm/scriptedServer';
import type { ScriptedServer } from '../../fixtures/llm/scriptedServer';

const ATTENTION =
  'def attention(q, k, v):\n    """§2, Eq. 1"""\n    return (q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5).softmax(-1) @ v\n';
const PLAN = { files: ['model/attention.py', 'train.py'], notes: 'Adam, lr 1e-3 [UNSPECIFIED]' };

const SCRIPT: Script = {
  replies: [
    { when: '## Task: code model/attention.py', content: ATTENTION },
    { when: '## Task: plan-overview', content: PLAN },
    { when: 'attention', content: 'generic attention answer' },
  ],
};

type Messages = OpenAI.Chat.Completions.ChatCompletionMessageParam[];
const ask = (task: string, extra = ''): Messages => [
  { role: 'system', content: 'You reimplement papers.' },
  { role: 'user', content: `${task}\n${extra}` },
];

async function withServer(script: Script, fn: (s: ScriptedServer) => Promise<void>, options?: Parameters<typeof startScriptedServer>[1]) {
  const server = await startScriptedServer(script, options);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

const client = (s: ScriptedServer, maxRetries = 0, apiKey = 'k') => new OpenAI({ baseURL: s.url, apiKey, maxRetries });

async function streamText(c: OpenAI, messages: Messages) {
  const stream = await c.chat.completions.create({ model: 'm', messages, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  let roles = 0;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    if (chunk.usage) usage = chunk.usage;
    for (const ch of chunk.choices) {
      if (ch.delta.role) roles++;
      text += ch.delta.content ?? '';
      finish = ch.finish_reason ?? finish;
    }
  }
  return { text, finish, usage, roles, chunks };
}

test('non-stream: the scripted answer, finish "stop", usage from the text lengths', async () => {
  await withServer(SCRIPT, async (s) => {
    const messages = ask('## Task: code model/attention.py');
    const r = await client(s).chat.completions.create({ model: 'gpt-test', messages });
    assert.equal(r.object, 'chat.completion');
    assert.equal(r.model, 'gpt-test');
    assert.equal(r.choices[0].message.role, 'assistant');
    assert.equal(r.choices[0].message.content, ATTENTION);
    assert.equal(r.choices[0].finish_reason, 'stop');
    const promptChars = messages.reduce((n, m) => n + String(m.content).length, 0);
    assert.deepEqual(
      [r.usage?.prompt_tokens, r.usage?.completion_tokens, r.usage?.total_tokens, r.usage?.prompt_tokens_details?.cached_tokens],
      [Math.ceil(promptChars / 4), Math.ceil(ATTENTION.length / 4), Math.ceil(promptChars / 4) + Math.ceil(ATTENTION.length / 4), 0],
    );
    assert.equal(s.requests.length, 1);
    assert.deepEqual([s.requests[0].stream, s.requests[0].status, s.requests[0].body.model], [false, 200, 'gpt-test']);
  });
});

test('stream: role chunk first, ~40-character pieces, finish chunk, then a usage chunk with no choices', async () => {
  await withServer(SCRIPT, async (s) => {
    const r = await streamText(client(s), ask('## Task: code model/attention.py'));
    assert.equal(r.text, ATTENTION);
    assert.equal(r.finish, 'stop');
    assert.equal(r.roles, 1);
    // role + ceil(len/40) content + finish + usage
    assert.equal(r.chunks, 1 + Math.ceil(ATTENTION.length / 40) + 2);
    assert.equal(r.usage?.completion_tokens, Math.ceil(ATTENTION.length / 4));
    assert.deepEqual([s.requests[0].stream, s.requests[0].status], [true, 200]);

    // Without include_usage there is no usage chunk.
    const stream = await client(s).chat.completions.create({ model: 'm', messages: ask('## Task: code model/attention.py'), stream: true });
    let withUsage = 0;
    for await (const chunk of stream) if (chunk.usage) withUsage++;
    assert.equal(withUsage, 0);
  });
});

test('the longest matching `when` wins; an object is sent as its JSON; no match is a 400 naming the task', async () => {
  await withServer(SCRIPT, async (s) => {
    const c = client(s);
    const code = await c.chat.completions.create({ model: 'm', messages: ask('## Task: code model/attention.py', 'implement attention') });
    assert.equal(code.choices[0].message.content, ATTENTION);
    const generic = await c.chat.completions.create({ model: 'm', messages: ask('## Task: code other.py', 'about attention') });
    assert.equal(generic.choices[0].message.content, 'generic attention answer');
    const plan = await c.chat.completions.create({ model: 'm', messages: ask('## Task: plan-overview') });
    assert.deepEqual(JSON.parse(plan.choices[0].message.content ?? ''), PLAN);
    assert.equal(plan.choices[0].message.content, JSON.stringify(PLAN, null, 2));

    const err = await c.chat.completions.create({ model: 'm', messages: ask('## Task: docs README.md', 'x') }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError);
    assert.equal(err.status, 400);
    assert.match(err.message, /scripted server: no reply for ## Task: docs README\.md/);
    const err2 = await c.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(200) }] })
      .catch((e: unknown) => e);
    assert.ok(err2 instanceof OpenAI.APIError);
    assert.match(err2.message, new RegExp(`no reply for ${'x'.repeat(80)}(?!x)`));
  });
});

test('a truncate fault gives half with finish "length"; the continuation reassembles the full answer', async () => {
  const script: Script = { ...SCRIPT, faults: [{ when: 'model/attention.py', kind: 'truncate' }] };
  await withServer(script, async (s) => {
    const c = client(s);
    const messages = ask('## Task: code model/attention.py');
    const first = await streamText(c, messages);
    assert.equal(first.finish, 'length');
    assert.equal(first.text, ATTENTION.slice(0, Math.ceil(ATTENTION.length / 2)));
    const rest = await c.chat.completions.create({
      model: 'm',
      messages: [...messages, { role: 'assistant', content: first.text }, { role: 'user', content: CONTINUE_PROMPT }],
    });
    assert.equal(rest.choices[0].finish_reason, 'stop');
    assert.equal(first.text + rest.choices[0].message.content, ATTENTION);

    // A repair asks for the whole answer again.
    const repaired = await c.chat.completions.create({
      model: 'm',
      messages: [...messages, { role: 'assistant', content: 'oops' }, { role: 'user', content: `${REPAIR_PROMPT} bad` }],
    });
    assert.equal(repaired.choices[0].message.content, ATTENTION);
  });
});

test('a truncate fault applying twice: two continuations, the pieces still join up', async () => {
  const script: Script = { ...SCRIPT, faults: [{ when: 'model/attention.py', kind: 'truncate', times: 2 }] };
  await withServer(script, async (s) => {
    const c = client(s);
    const messages: Messages = ask('## Task: code model/attention.py');
    let text = '';
    for (let i = 0; i < 3; i++) {
      const r = await c.chat.completions.create({ model: 'm', messages });
      const piece = r.choices[0].message.content ?? '';
      text += piece;
      assert.equal(r.choices[0].finish_reason, i < 2 ? 'length' : 'stop');
      messages.push({ role: 'assistant', content: piece }, { role: 'user', content: CONTINUE_PROMPT });
    }
    assert.equal(text, ATTENTION);
  });
});

test('429 carries retry-after; 500 is an error body; both are recorded with their status', async () => {
  const script: Script = {
    ...SCRIPT,
    faults: [
      { when: 'plan-overview', kind: '429', retryAfter: 7 },
      { when: 'attention.py', kind: '500' },
    ],
  };
  await withServer(script, async (s) => {
    const c = client(s);
    const e429 = await c.chat.completions.create({ model: 'm', messages: ask('## Task: plan-overview') }).catch((e: unknown) => e);
    assert.ok(e429 instanceof OpenAI.RateLimitError);
    assert.equal(e429.status, 429);
    assert.equal(e429.headers.get('retry-after'), '7');
    assert.equal(e429.code, 'rate_limit_exceeded');
    const e500 = await c.chat.completions
      .create({ model: 'm', messages: ask('## Task: code model/attention.py') })
      .catch((e: unknown) => e);
    assert.ok(e500 instanceof OpenAI.InternalServerError);
    assert.equal(e500.status, 500);
    assert.deepEqual(
      s.requests.map((r) => r.status),
      [429, 500],
    );
  });
});

test('maxRetries 2: the SDK retries 500 and 429 until the fault counters run out', async () => {
  const script: Script = {
    ...SCRIPT,
    faults: [
      { when: 'attention.py', kind: '500' },
      { when: 'attention.py', kind: '429', retryAfter: 0.05 },
      { when: 'plan-overview', kind: '500', times: 5 },
    ],
  };
  await withServer(script, async (s) => {
    const c = client(s, 2);
    const r = await c.chat.completions.create({ model: 'm', messages: ask('## Task: code model/attention.py') });
    assert.equal(r.choices[0].message.content, ATTENTION);
    assert.deepEqual(
      s.requests.map((q) => q.status),
      [500, 429, 200],
    );
    // Five 500s outlast two retries: three requests, the error reaches the caller.
    const err = await c.chat.completions.create({ model: 'm', messages: ask('## Task: plan-overview') }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.InternalServerError);
    assert.deepEqual(
      s.requests.slice(3).map((q) => q.status),
      [500, 500, 500],
    );
  });
});

test('reset: a stream breaks after part of the answer; a non-stream call gets a connection error, and a retry gets through', async () => {
  const script: Script = { ...SCRIPT, faults: [{ when: 'attention.py', kind: 'reset', times: 2 }] };
  await withServer(script, async (s) => {
    let received = '';
    const err = await (async () => {
      const stream = await client(s).chat.completions.create({
        model: 'm',
        messages: ask('## Task: code model/attention.py'),
        stream: true,
      });
      for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? '';
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof Error, 'the stream must throw');
    // As with a real provider, the SDK lets undici's error through mid-stream: TypeError "terminated",
    // cause UND_ERR_SOCKET, not an APIConnectionError (that is only for failures before the response).
    assert.ok(err instanceof OpenAI.APIConnectionError || /terminated|socket|closed/i.test(err.message), String(err));
    assert.ok(received.length > 0 && received.length < ATTENTION.length, `part of the answer arrived: ${received.length}`);
    assert.ok(ATTENTION.startsWith(received));
    assert.equal(s.requests[0].status, 0);

    const err2 = await client(s)
      .chat.completions.create({ model: 'm', messages: ask('## Task: code model/attention.py') })
      .catch((e: unknown) => e);
    assert.ok(err2 instanceof OpenAI.APIConnectionError, String(err2));
    // The fault is spent: a retrying client gets through.
    const r = await client(s, 2).chat.completions.create({ model: 'm', messages: ask('## Task: code model/attention.py') });
    assert.equal(r.choices[0].message.content, ATTENTION);
    assert.deepEqual(
      s.requests.map((q) => q.status),
      [0, 0, 200],
    );
  });
});

test('invalid-json: prose and 60% of the JSON, finish "stop"', async () => {
  const script: Script = { ...SCRIPT, faults: [{ when: 'plan-overview', kind: 'invalid-json' }] };
  await withServer(script, async (s) => {
    const c = client(s);
    const r = await c.chat.completions.create({ model: 'm', messages: ask('## Task: plan-overview') });
    const json = JSON.stringify(PLAN, null, 2);
    assert.equal(r.choices[0].message.content, 'Sure! Here is the JSON you asked for:\n' + json.slice(0, Math.floor(json.length * 0.6)));
    assert.equal(r.choices[0].finish_reason, 'stop');
    assert.throws(() => JSON.parse(r.choices[0].message.content ?? ''));
    const again = await c.chat.completions.create({ model: 'm', messages: ask('## Task: plan-overview') });
    assert.deepEqual(JSON.parse(again.choices[0].message.content ?? ''), PLAN);
  });
});

test('apiKey: a wrong key is a 401 invalid_api_key; the right one works; models lists scripted-model', async () => {
  await withServer(
    SCRIPT,
    async (s) => {
      const err = await client(s, 0, 'wrong')
        .chat.completions.create({ model: 'm', messages: ask('## Task: plan-overview') })
        .catch((e: unknown) => e);
      assert.ok(err instanceof OpenAI.AuthenticationError);
      assert.equal(err.status, 401);
      assert.equal(err.code, 'invalid_api_key');
      assert.equal(err.type, 'invalid_request_error');
      const ok = await client(s, 0, 'secret').chat.completions.create({ model: 'm', messages: ask('## Task: plan-overview') });
      assert.deepEqual(JSON.parse(ok.choices[0].message.content ?? ''), PLAN);
      const models = await client(s, 0, 'secret').models.list();
      assert.deepEqual(
        models.data.map((m) => [m.id, m.owned_by]),
        [['scripted-model', 'papertrail']],
      );
      await assert.rejects(client(s, 0, 'wrong').models.list(), (e: unknown) => e instanceof OpenAI.AuthenticationError);
      assert.deepEqual(
        s.requests.map((q) => q.status),
        [401, 200],
      );
    },
    { apiKey: 'secret' },
  );
});

test('cached_tokens: a second request sharing a long prefix reports it, in blocks of 128 tokens', async () => {
  await withServer(SCRIPT, async (s) => {
    const c = client(s);
    const paper = 'The encoder maps an input sequence to continuous representations. '.repeat(100); // 6,600 chars
    const system = { role: 'system' as const, content: paper };
    const first = await c.chat.completions.create({ model: 'm', messages: [system, { role: 'user', content: '## Task: plan-overview' }] });
    assert.equal(first.usage?.prompt_tokens_details?.cached_tokens, 0);
    const second = await c.chat.completions.create({
      model: 'm',
      messages: [system, { role: 'user', content: '## Task: code model/attention.py' }],
    });
    // Shared: the paper, the "\n" joiner and "## Task: " = 6,610 chars = 1,652 tokens, 1,536 in whole blocks.
    assert.equal(second.usage?.prompt_tokens_details?.cached_tokens, 1536);
    // A short shared prefix (under 1,024 tokens) is not cached.
    const short = await c.chat.completions.create({
      model: 'm',
      messages: [
        { role: 'system', content: paper.slice(0, 3000) + 'x' },
        { role: 'user', content: '## Task: plan-overview' },
      ],
    });
    assert.equal(short.usage?.prompt_tokens_details?.cached_tokens, 0);
  });
});

test('latencyMs: the answer comes no sooner; a client aborting meanwhile leaves the server healthy', async () => {
  await withServer({ ...SCRIPT, latencyMs: 150 }, async (s) => {
    const c = client(s);
    const t0 = Date.now();
    const r = await c.chat.completions.create({ model: 'm', messages: ask('## Task: plan-overview') });
    assert.ok(Date.now() - t0 >= 150, `answered after ${Date.now() - t0}ms`);
    assert.deepEqual(JSON.parse(r.choices[0].message.content ?? ''), PLAN);

    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const aborted = await c.chat.completions
      .create({ model: 'm', messages: ask('## Task: plan-overview'), stream: true }, { signal: ac.signal })
      .catch((e: unknown) => e);
    assert.ok(aborted instanceof OpenAI.APIUserAbortError, String(aborted));
    await new Promise((r) => setTimeout(r, 200)); // past the latency: the server must not answer the dead socket

    const after = await streamText(c, ask('## Task: code model/attention.py'));
    assert.equal(after.text, ATTENTION);
    assert.deepEqual(
      s.requests.map((q) => q.status),
      [200, 0, 200],
    );
  });
});

test('bad input: a body that is not JSON, or has no messages, is a 400 error body, not a crash', async () => {
  await withServer(SCRIPT, async (s) => {
    const post = (body: string) =>
      fetch(`${s.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const bad = await post('{not json');
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
    assert.equal((await post('{"messages": 3}')).status, 400);
    assert.equal((await post('[]')).status, 400);
    assert.equal((await fetch(`${s.url}/nothing`)).status, 404);
    assert.equal(s.requests.length, 3);
    assert.equal(s.requests[0].body, '{not json');
    const ok = await client(s).chat.completions.create({ model: 'm', messages: ask('## Task: plan-overview') });
    assert.ok(ok.choices[0].message.content);
  });
});

test('chunkText does not split a surrogate pair', () => {
  const text = 'a'.repeat(39) + '😀' + 'b'.repeat(50);
  const pieces = chunkText(text);
  assert.equal(pieces.join(''), text);
  assert.equal(pieces[0], 'a'.repeat(39) + '😀');
});

test('CLI arguments and script files', () => {
  assert.deepEqual(parseCliArgs(['--port', '0', '--script', 'sample']), { port: 0, script: 'sample' });
  assert.deepEqual(parseCliArgs(['--port=8765', '--script', 'x.json', '--latency', '200', '--api-key', 'k']), {
    port: 8765,
    script: 'x.json',
    latencyMs: 200,
    apiKey: 'k',
  });
  assert.throws(() => parseCliArgs(['--script', 'sample']), /--port is required/);
  assert.throws(() => parseCliArgs(['--port', '0']), /--script is required/);
  assert.throws(() => parseCliArgs(['--port', 'abc', '--script', 's']), /whole number/);
  assert.throws(() => parseCliArgs(['--port', '0', '--script', 's', '--bogus']), /unknown argument "--bogus"/);
  assert.throws(() => parseCliArgs(['--port', '--script', 's']), /--port needs a value/);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-scripted-'));
  const file = path.join(dir, 'script.json');
  fs.writeFileSync(file, JSON.stringify(SCRIPT));
  assert.deepEqual(loadScriptFile(file), SCRIPT);
  fs.writeFileSync(file, '{"replies": [');
  assert.throws(() => loadScriptFile(file), /not valid JSON/);
  assert.throws(() => loadScriptFile(path.join(dir, 'missing.json')), /cannot read script/);
  assert.throws(() => validateScript({ replies: [{ when: 'a', content: 1 }] }), /replies\[0\]\.content/);
  assert.throws(() => validateScript({ replies: [], faults: [{ when: 'a', kind: '503' }] }), /faults\[0\]\.kind/);
  assert.throws(() => validateScript([]), /JSON object/);
  fs.rmSync(dir, { recursive: true, force: true });
});
