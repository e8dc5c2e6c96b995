import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProviderError } from '../../../src/core/llm/provider';
import type { ChatRequest } from '../../../src/core/llm/provider';
import type { LmDeps, LmModelLike } from '../../../src/extension/llm/lmProvider';
import { createLmProvider, toTurns } from '../../../src/extension/llm/lmProvider';

/** A LanguageModelError as vscode makes it: an Error with a code naming the case. */
class FakeLmError extends Error {
  constructor(
    readonly code: string,
    message = code,
  ) {
    super(message);
  }
}

interface Msg {
  role: 'user' | 'assistant';
  text: string;
}

interface FakeToken {
  cancelled: boolean;
  disposed: boolean;
}

function fakeDeps(tokens: FakeToken[] = []): LmDeps {
  return {
    user: (text): Msg => ({ role: 'user', text }),
    assistant: (text): Msg => ({ role: 'assistant', text }),
    tokenSource: () => {
      const token: FakeToken = { cancelled: false, disposed: false };
      tokens.push(token);
      return { token, cancel: () => void (token.cancelled = true), dispose: () => void (token.disposed = true) };
    },
    isLmError: (e): e is { code: string; message: string } => e instanceof FakeLmError,
  };
}

interface FakeModelOptions {
  chunks?: string[];
  /** Thrown by sendRequest. */
  refuse?: unknown;
  /** Thrown by the stream after the chunks. */
  breakWith?: unknown;
  countFails?: boolean;
  maxInputTokens?: number;
  /** Called between chunks, to abort mid-stream. */
  between?: (i: number) => void;
}

function fakeModel(o: FakeModelOptions = {}) {
  const sent: { messages: Msg[]; token: unknown }[] = [];
  const model: LmModelLike = {
    id: 'copilot-gpt-4.1',
    name: 'GPT-4.1',
    vendor: 'copilot',
    family: 'gpt-4.1',
    maxInputTokens: o.maxInputTokens ?? 100_000,
    async sendRequest(messages, _options, token) {
      sent.push({ messages: messages as Msg[], token });
      if (o.refuse) throw o.refuse;
      const chunks = o.chunks ?? ['O', 'K'];
      return {
        text: (async function* () {
          for (const [i, c] of chunks.entries()) {
            o.between?.(i);
            yield c;
          }
          if (o.breakWith) throw o.breakWith;
        })(),
      };
    },
    // One token per word, so counts are easy to check.
    async countTokens(text) {
      if (o.countFails) throw new Error('no tokenizer');
      return text.split(/\s+/).filter(Boolean).length;
    },
  };
  return { model, sent };
}

const request = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'copilot-gpt-4.1',
  messages: [
    { role: 'system', content: 'You reimplement papers.' },
    { role: 'user', content: 'Write attention.py now' },
  ],
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected a ProviderError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

test('the answer streams to onText and comes back whole, finished, under the model id', async () => {
  const { model } = fakeModel({ chunks: ['def ', 'attention', '(q, k, v):'] });
  const provider = createLmProvider(model, fakeDeps());
  const deltas: string[] = [];
  const response = await provider.chat(request(), { onText: (d) => deltas.push(d) });
  assert.deepEqual(deltas, ['def ', 'attention', '(q, k, v):']);
  assert.equal(response.text, 'def attention(q, k, v):');
  assert.equal(response.finishReason, 'stop');
  assert.equal(response.model, 'copilot-gpt-4.1');
  assert.equal(provider.name, 'vscode.lm copilot/GPT-4.1');
  assert.equal(provider.enforcesJsonSchema, false);
});

test('a system message becomes the start of the first user message, and same-role turns merge', async () => {
  const { model, sent } = fakeModel();
  const provider = createLmProvider(model, fakeDeps());
  await provider.chat(
    request({
      messages: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'U1' },
        { role: 'assistant', content: 'A1' },
        { role: 'assistant', content: 'A2' },
        { role: 'user', content: 'U2' },
      ],
    }),
  );
  assert.deepEqual(sent[0]!.messages, [
    { role: 'user', text: 'S\n\nU1' },
    { role: 'assistant', text: 'A1\n\nA2' },
    { role: 'user', text: 'U2' },
  ]);
  assert.deepEqual(toTurns([{ role: 'system', content: 'only' }]), [{ role: 'user', content: 'only' }]);
});

test('a json request goes out as plain text: the schema is in the prompt already', async () => {
  const { model, sent } = fakeModel({ chunks: ['{"files": []}'] });
  const response = await createLmProvider(model, fakeDeps()).chat(request({ json: { name: 'plan', schema: { type: 'object' } } }));
  assert.equal(response.text, '{"files": []}');
  assert.equal(sent.length, 1);
});

test("usage is the model's own token count of the prompt and of the answer", async () => {
  const { model } = fakeModel({ chunks: ['one two ', 'three'] });
  const response = await createLmProvider(model, fakeDeps()).chat(request());
  // "You reimplement papers." (3) + "Write attention.py now" (3), merged into one user turn.
  assert.deepEqual(response.usage, { promptTokens: 6, completionTokens: 3, cachedPromptTokens: 0 });
});

test('without a tokenizer the usage is chars / 4 and marked estimated', async () => {
  const { model } = fakeModel({ chunks: ['12345678'], countFails: true });
  const response = await createLmProvider(model, fakeDeps()).chat(request());
  const prompt = 'You reimplement papers.\n\nWrite attention.py now';
  assert.deepEqual(response.usage, {
    promptTokens: Math.ceil(prompt.length / 4),
    completionTokens: 2,
    cachedPromptTokens: 0,
    estimated: true,
  });
});

test('aborting cancels the token, stops the stream and fails as cancelled', async () => {
  const abort = new AbortController();
  const tokens: FakeToken[] = [];
  const { model, sent } = fakeModel({ chunks: ['a', 'b', 'c'], between: (i) => i === 1 && abort.abort() });
  const deltas: string[] = [];
  const error = await rejection(
    createLmProvider(model, fakeDeps(tokens)).chat(request(), { signal: abort.signal, onText: (d) => deltas.push(d) }),
  );
  assert.equal(error.kind, 'cancelled');
  assert.deepEqual(deltas, ['a']);
  assert.equal(tokens.length, 1);
  assert.equal(sent[0]!.token, tokens[0], 'the request carries the token that abort cancels');
  assert.deepEqual(tokens[0], { cancelled: true, disposed: true });
});

test('an aborted signal fails at once, without asking the model', async () => {
  const abort = new AbortController();
  abort.abort();
  const { model, sent } = fakeModel();
  assert.equal((await rejection(createLmProvider(model, fakeDeps()).chat(request(), { signal: abort.signal }))).kind, 'cancelled');
  assert.equal(sent.length, 0);
});

test('a vscode cancellation error is cancelled too', async () => {
  const canceled = Object.assign(new Error('Canceled'), { name: 'Canceled' });
  const { model } = fakeModel({ refuse: canceled });
  assert.equal((await rejection(createLmProvider(model, fakeDeps()).chat(request()))).kind, 'cancelled');
});

test('each LanguageModelError code maps to its kind, with a message that says what to do', async () => {
  const kindOf = async (error: unknown) => rejection(createLmProvider(fakeModel({ refuse: error }).model, fakeDeps()).chat(request()));

  const denied = await kindOf(new FakeLmError('NoPermissions'));
  assert.equal(denied.kind, 'auth');
  assert.equal(denied.message, 'VS Code did not allow PaperTrail to use GPT-4.1; allow it when asked, or choose another model');
  assert.equal(denied.retryable, false);

  const blocked = await kindOf(new FakeLmError('Blocked', 'quota exceeded'));
  assert.equal(blocked.kind, 'rate-limit');
  assert.equal(blocked.retryable, true);

  const gone = await kindOf(new FakeLmError('NotFound'));
  assert.equal(gone.kind, 'not-found');
  assert.match(gone.message, /GPT-4\.1.*choose another model/);

  const unknown = await kindOf(new FakeLmError('Unknown', 'something odd'));
  assert.equal(unknown.kind, 'other');
  assert.match(unknown.message, /something odd/);

  const tooLong = await kindOf(new FakeLmError('Unknown', 'Message exceeds token limit.'));
  assert.equal(tooLong.kind, 'bad-request');
  assert.match(tooLong.message, /too long for GPT-4\.1.*larger context/);
});

test('a stream that breaks after it started is a retryable connection failure', async () => {
  const { model } = fakeModel({ chunks: ['a'], breakWith: new Error('socket hang up') });
  const error = await rejection(createLmProvider(model, fakeDeps()).chat(request()));
  assert.equal(error.kind, 'connection');
  assert.equal(error.retryable, true);
});

test('a prompt larger than the model takes is refused before anything is sent', async () => {
  const tokens: FakeToken[] = [];
  const { model, sent } = fakeModel({ maxInputTokens: 5 });
  const error = await rejection(createLmProvider(model, fakeDeps(tokens)).chat(request()));
  assert.equal(error.kind, 'bad-request');
  assert.equal(error.message.includes('\n'), false);
  assert.match(error.message, /^The paper is too long for GPT-4\.1 \(6 tokens; it takes 5\): choose a model with a larger context\.$/);
  assert.equal(sent.length, 0);
  assert.equal(tokens[0]!.disposed, true);
});
