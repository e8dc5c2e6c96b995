// Answers as real models and servers send them (../shared/bugreports/model-json-repairs):
// fences and prose, trailing commas and comments, LaTeX written with one backslash, an
// answer cut at the output limit every time.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { decodeJsonAnswer } from '../../../src/core/llm/jsonAnswer';
import type { ChatProvider, ChatRequest, ChatResponse } from '../../../src/core/llm/provider';
import { callStructured } from '../../../src/core/pipeline/call';
import { analysisSchema, fileSchema } from '../../../src/core/pipeline/schemas';

const BUGS = path.resolve(process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd(), '../shared/bugreports/model-json-repairs');
const skip = fs.existsSync(BUGS) ? false : `${BUGS} is absent (the shared bug reports are beside the repository on developer machines)`;
const anyObject = z.record(z.string(), z.unknown());
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

test('LaTeX written with single backslashes decodes as LaTeX, never as control characters', { skip }, () => {
  const r = decodeJsonAnswer(fs.readFileSync(path.join(BUGS, 'analysis-response.txt'), 'utf8'), anyObject);
  assert.ok(r.ok, !r.ok ? r.error : '');
  assert.deepEqual(r.value, JSON.parse(fs.readFileSync(path.join(BUGS, 'analysis-expected.json'), 'utf8')));
  assert.doesNotMatch(JSON.stringify(Object.values(r.value)), /\\[fbr](?![a-z])/);
  for (const v of Object.values(r.value)) assert.doesNotMatch(String(v), CONTROL);
});

test('a fenced plan with prose around it, trailing commas and a # comment is read in full', { skip }, () => {
  const r = decodeJsonAnswer(fs.readFileSync(path.join(BUGS, 'plan-response-fenced.txt'), 'utf8'), anyObject);
  assert.ok(r.ok, !r.ok ? r.error : '');
  assert.deepEqual(r.value['Task list'], ['config.yaml', 'dataset_loader.py', 'model.py', 'trainer.py', 'main.py']);
  assert.deepEqual(r.value['Required packages'], ['numpy==1.26.4', 'torch==2.3.0', 'pyyaml']);
  // The comment is gone, not kept as a third element of the pair.
  assert.equal((r.value['Logic Analysis'] as string[][])[1]!.length, 2);
  assert.match(String(r.value['Anything UNCLEAR']), /\},\{ so we assume 0\.1\.$/);
});

test('code with real newlines and tabs keeps them; \\nu or \\ni at a line start in code stays code', () => {
  const code = 'import torch\n\ndef f(x):\n\treturn x\nnu = 1\ni = 0\ntheta = 2\nprint("a\\\\n")\n';
  const r = decodeJsonAnswer(`Here it is:\n${JSON.stringify({ path: 'a.py', content: code })}`, fileSchema);
  assert.ok(r.ok);
  assert.equal(r.value.content, code);
  const math = decodeJsonAnswer('{"path": "a.py", "content": "y = \\nu_t + \\tau \\to \\infty"}', fileSchema);
  assert.ok(math.ok);
  assert.equal(math.value.content, 'y = \\nu_t + \\tau \\to \\infty');
});

test('a quote in running text and a raw control character do not break the answer', () => {
  const r = decodeJsonAnswer('{"path": "a.py", "content": "the "base" model\u000c\r\nnext"}', fileSchema);
  assert.ok(r.ok, !r.ok ? r.error : '');
  assert.equal(r.value.content, 'the "base" model\nnext');
});

test('a field that still fails is named', () => {
  const r = decodeJsonAnswer(
    '```json\n{"path": "a.py", "summary": "s", "steps": [{"what": "x"}], "interfaces": [], "unspecified": []}\n```',
    analysisSchema,
  );
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, /^steps\.0\.cite: /);
  assert.equal(decodeJsonAnswer('Sorry, I cannot help with that.', fileSchema).ok, false);
});

test('an answer cut at the output limit every time ends in one line naming the limit and what to do', { skip }, async () => {
  const raw = JSON.parse(fs.readFileSync(path.join(BUGS, 'plan-response-truncated.json'), 'utf8'));
  const choice = raw.choices[0];
  const requests: ChatRequest[] = [];
  const provider: ChatProvider = {
    name: 'probe',
    enforcesJsonSchema: false,
    async chat(request): Promise<ChatResponse> {
      requests.push(request);
      return {
        text: choice.message.content,
        finishReason: choice.finish_reason,
        usage: { promptTokens: raw.usage.prompt_tokens, completionTokens: raw.usage.completion_tokens, cachedPromptTokens: 0 },
        model: raw.model,
      };
    },
  };
  const out = await callStructured(
    provider,
    { model: 'probe-model', messages: [{ role: 'user', content: '## Task: plan-logic' }] },
    anyObject,
    { maxContinuations: 3 },
  );
  assert.equal(out.value, undefined);
  assert.equal(out.error?.kind, 'output-limit');
  assert.match(out.error!.message, /output limit of 4,096 tokens/);
  assert.match(out.error!.message, /--max-tokens/);
  assert.match(out.error!.message, /resume/);
  assert.doesNotMatch(out.error!.message, /\n/);
  // Four tries (the first and three continuations), and no repair call that would be cut again.
  assert.equal(requests.length, 4);
});
