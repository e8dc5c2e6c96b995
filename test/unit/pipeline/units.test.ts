import assert from 'node:assert/strict';
import { test } from 'node:test';
import { costOf, parsePriceTable, priceFor } from '../../../src/core/llm/pricing';
import { ProviderError } from '../../../src/core/llm/provider';
import { retryDelay } from '../../../src/core/llm/retry';
import { decodeJsonAnswer } from '../../../src/core/llm/jsonAnswer';
import { notebookJson } from '../../../src/core/pipeline/notebook';
import { dependencyWaves } from '../../../src/core/pipeline/schedule';
import { fileSchema } from '../../../src/core/pipeline/schemas';
import { yamlWithoutComments } from '../../../src/core/pipeline/prompts';

test('files whose dependencies are written run together; a cycle is broken in plan order with a warning', () => {
  const { waves, warnings } = dependencyWaves([
    { path: 'config.py', dependsOn: [] },
    { path: 'attention.py', dependsOn: [] },
    { path: 'encoder.py', dependsOn: ['attention.py', 'config.py'] },
    { path: 'tests/test_encoder.py', dependsOn: ['encoder.py', 'missing.py'] },
  ]);
  assert.deepEqual(waves, [['config.py', 'attention.py'], ['encoder.py'], ['tests/test_encoder.py']]);
  assert.match(warnings[0]!, /missing\.py, which is not in the plan/);
  const cycle = dependencyWaves([
    { path: 'a.py', dependsOn: ['b.py'] },
    { path: 'b.py', dependsOn: ['a.py'] },
  ]);
  assert.deepEqual(cycle.waves, [['a.py'], ['b.py']]);
  assert.match(cycle.warnings[0]!, /cycle through a\.py/);
});

test("a model's JSON is found inside fences and chatter, and checked against the schema", () => {
  const ok = decodeJsonAnswer('Sure:\n```json\n{"path": "a.py", "content": "x = 1"}\n```', fileSchema);
  assert.deepEqual(ok, { ok: true, value: { path: 'a.py', content: 'x = 1' } });
  const bad = decodeJsonAnswer('{"path": "a.py"}', fileSchema);
  assert.equal(bad.ok, false);
  assert.match((bad as { error: string }).error, /^content: /);
  // A cut-off object is mended as far as it goes; the field it lacks is named.
  assert.match((decodeJsonAnswer('Sure! {"path": "a.py", "cont', fileSchema) as { error: string }).error, /^content: /);
});

test('Retry-After wins over backoff; backoff grows and is capped', () => {
  const policy = { retries: 5, baseDelayMs: 1000, maxDelayMs: 8000 };
  assert.equal(retryDelay(new ProviderError('rate-limit', '429', { status: 429, retryAfterMs: 3000 }), 0, policy), 3000);
  assert.equal(retryDelay(new ProviderError('rate-limit', '429', { status: 429, retryAfterMs: 120_000 }), 0, policy), 8000);
  const d0 = retryDelay(new ProviderError('server', '500'), 0, policy);
  const d3 = retryDelay(new ProviderError('server', '500'), 3, policy);
  assert.ok(d0 >= 500 && d0 <= 1000, `first delay ${d0}`);
  assert.ok(d3 >= 4000 && d3 <= 8000, `fourth delay ${d3}`);
  assert.equal(new ProviderError('auth', '401').retryable, false);
});

test('cost: cached prompt tokens at the cached price, dated model names find their family, unknown models cost nothing known', () => {
  const prices = { 'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 }, 'gpt-4o-mini': { input: 0.15, output: 0.6 } };
  assert.equal(
    costOf({ promptTokens: 1_000_000, cachedPromptTokens: 400_000, completionTokens: 100_000 }, 'gpt-4o', prices),
    0.6 * 2.5 + 0.4 * 1.25 + 0.1 * 10,
  );
  assert.equal(priceFor('gpt-4o-mini-2024-07-18', prices), prices['gpt-4o-mini']);
  assert.equal(costOf({ promptTokens: 10, cachedPromptTokens: 0, completionTokens: 10 }, 'llama3.1:8b', prices), undefined);
  assert.match(String(parsePriceTable({ m: { input: '1' } })), /numeric "input" and "output"/);
});

test('the notebook is valid nbformat 4', () => {
  const nb = JSON.parse(
    notebookJson([
      { kind: 'markdown', source: '# Eq. 1\ntext' },
      { kind: 'code', source: 'import torch\nprint(1)' },
    ]),
  );
  assert.equal(nb.nbformat, 4);
  assert.deepEqual(nb.cells[0].source, ['# Eq. 1\n', 'text']);
  assert.equal(nb.cells[1].execution_count, null);
  assert.deepEqual(nb.cells[1].outputs, []);
});

test('the plan carries config values without their comments; a "#" inside quotes stays', () => {
  const yaml = ['# header comment', 'model:', '  d_model: 64  # [UNSPECIFIED] width', '', '  name: "run #1"  # §2', "  tag: 'a#b'"].join(
    '\n',
  );
  assert.equal(yamlWithoutComments(yaml), ['model:', '  d_model: 64', '  name: "run #1"', "  tag: 'a#b'"].join('\n'));
});
