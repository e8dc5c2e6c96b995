import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTagText, refLabel } from '../../../src/core/citations/grammar';

/** Each tag of `text` as "key: refs" ("-" for the main paper). */
function keyed(text: string): string[] {
  return parseTagText(text).map((t) => `${t.paper ?? '-'}: ${[...t.refs.map(refLabel), ...(t.flag ? [`[${t.flag}]`] : [])].join(' ')}`);
}

test('a paper key in brackets right before the references names their paper', () => {
  assert.deepEqual(keyed('# [titans] §3.1, Eq. 3 — memory update'), ['titans: §3.1 Eq. 3']);
  assert.deepEqual(keyed('# [Base-Net] Table 2'), ['base-net: Table 2']);
  assert.deepEqual(keyed('# [gated] Eq. (4) "the gate" — mixes'), ['gated: Eq. 4']);
});

test('the key is kept with the flag it cites for, before or after the flag', () => {
  assert.deepEqual(keyed('# [ASSUMPTION] [atlas] §2 — a guess'), ['atlas: §2 [ASSUMPTION]']);
  assert.deepEqual(keyed('# [titans] §3.3 [ASSUMPTION] because it is shorter'), ['titans: §3.3 [ASSUMPTION]']);
  // A keyed mention in a flag's reasoning is its own tag, with its own paper.
  assert.deepEqual(keyed('# [UNSPECIFIED] dropout; [base] Eq. 1 "x" says nothing'), ['-: [UNSPECIFIED]', 'base: Eq. 1']);
});

test('tags without a key are unchanged, and brackets that are not keys stay prose', () => {
  assert.deepEqual(keyed('# §3.2, Eq. 4 — heads'), ['-: §3.2 Eq. 4']);
  // A bibliography marker, a Markdown checkbox and a flag name are never keys.
  assert.deepEqual(keyed('# see [1] Eq. 2'), ['-: Eq. 2']);
  assert.deepEqual(keyed('- [x] Eq. 3 is tested'), ['-: Eq. 3']);
  assert.deepEqual(keyed('# [ASSUMPTION] Eq. 2'), ['-: Eq. 2 [ASSUMPTION]']);
  // A key on one line does not reach the references of the next.
  assert.deepEqual(keyed('# [titans]\n# Eq. 2'), ['-: Eq. 2']);
});

test('two keyed runs on one line are two tags, each with its paper', () => {
  assert.deepEqual(keyed('# [base] Eq. 1 and [variant] Eq. 2'), ['base: Eq. 1', 'variant: Eq. 2']);
});

test('the key offsets are the key inside its brackets', () => {
  const text = '# [titans] §3.1';
  const [t] = parseTagText(text);
  assert.equal(text.slice(t!.paperStart, t!.paperEnd), 'titans');
  assert.equal(t!.raw, '[titans] §3.1');
});
