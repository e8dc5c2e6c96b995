import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParsedTag } from '../../../src/core/citations/grammar';
import { parseTagText } from '../../../src/core/citations/grammar';
import { nearest, resolveRef, resolveTag } from '../../../src/core/citations/resolve';
import { attentionPaper } from '../../fixtures/citations/attention-paper';

const paper = attentionPaper();
const tag = (text: string): ParsedTag => {
  const [t] = parseTagText(text);
  assert.ok(t, `no tag in ${text}`);
  return t;
};
const resolve = (text: string) => resolveTag(paper, tag(text));

test('a section resolves to its heading, its text (subsections included) and its page', () => {
  const r = resolveRef(paper, { kind: 'section', number: '3.2' });
  assert.ok(r.resolved);
  assert.equal(r.title, 'Attention');
  assert.equal(r.heading, '3.2 Attention');
  assert.equal(r.page, 3);
  assert.match(r.text, /^3\.2 Attention\n/);
  assert.match(r.text, /An attention function maps a query/);
  assert.match(r.text, /h = 8 parallel attention layers/, '§3.2 includes §3.2.2');
  assert.doesNotMatch(r.text, /feed-forward network/, 'but not §3.3');
  assert.ok(r.anchors.length > 1 && r.anchors.every((a) => a.page >= 3 && a.rects.length));
});

test('an equation resolves to its text, section and place; a caption to its caption', () => {
  const e = resolveRef(paper, { kind: 'equation', number: '1' });
  assert.ok(e.resolved);
  assert.equal(e.text, 'Attention(Q, K, V ) = softmax( QK T √ d k )V');
  assert.equal(e.section, '3.2.1');
  assert.equal(e.page, 4);
  assert.deepEqual(e.anchors, [{ page: 4, rects: paper.equations[0]!.rects }]);
  const t = resolveRef(paper, { kind: 'table', number: '3' });
  assert.ok(t.resolved);
  assert.equal(t.title, 'Variations on the Transformer architecture.');
  assert.match(t.text, /^Table 3: Variations/);
  const f = resolveRef(paper, { kind: 'figure', number: '2b' });
  assert.ok(f.resolved, 'a figure panel resolves to its figure');
  const a = resolveRef(paper, { kind: 'section', number: 'A' });
  assert.ok(a.resolved);
  assert.equal(a.title, 'Attention Visualizations');
});

// A correct reimplementation's tags: none of them may be flagged.
const CORRECT = [
  '# §3.2.2 "d_k = d_v = d_model/h = 64" — per-head width',
  '# §3.2.2: “we employ h = 8 parallel attention layers”',
  '# §3.2.1, Eq. 1 — scaled dot-product attention',
  '# §3.2, Eq. (1)',
  '# Eq. 1 "divide each by \\sqrt{d_k}"',
  '# §3.3, Eq. 2 "d_ff = 2048"',
  '# §3.1 "residual connection around each of the two sub-layers"',
  '# §5.2 "beta_2 = 0.98"',
  '# §5.2, Eq. 4 "warmup_steps = 4000"',
  '# §5.3 "P_drop = 0.1"',
  '# §5.3 "label smoothing of value ϵ_ls = 0.1"',
  '# Table 3',
  '# Fig. 2 "Multi-Head Attention consists of several attention layers"',
  '# Appendix A',
  '# §A.1',
  '# §2 "compute a representation of the sequence"',
  '# §3.2.2 "found it beneficial to linearly project"',
  '# [UNSPECIFIED] dropout on the attention weights; we use 0.1',
  '# [PARTIALLY_SPECIFIED] §5.2 "We varied the learning rate" — shape unclear',
  '# [ASSUMPTION] §3.1 pre-norm vs post-norm not ablated',
];

test('no correct tag is flagged', () => {
  for (const text of CORRECT) {
    const r = resolve(text);
    assert.equal(r.resolved, true, `${text}: ${r.reason}`);
    assert.deepEqual(r.reasons, []);
  }
});

// Planted defects, each with the reason a reader needs.
const BROKEN: [string, RegExp][] = [
  ['# §3.7 — positional encodings', /^no §3\.7 in the paper \(§3 has §3\.1–3\.5\)$/],
  ['# §9', /^no §9 in the paper \(it has §1–6, Appendix A\)$/],
  ['# Eq. 7', /^no Eq\. 7 in the paper \(it has Eq\. 1–4\)$/],
  ['# Table 5', /^no Table 5 in the paper \(it has Table 1–3\)$/],
  ['# Alg. 1', /^no Alg\. 1 in the paper \(the paper as parsed has no numbered algorithms\)$/],
  ['# §3.2.2, Eq. 2 — attention', /^Eq\. 2 is in §3\.3, not §3\.2\.2$/],
  ['# §3.2.2 "warmup_steps = 4000"', /^the quote "warmup_steps = 4000" is not in §3\.2\.2 \(it is in §5\.2\)$/],
  [
    '# §3.2.2 "d_k = d_v = d_model/h = 128"',
    /^the quote "d_k = d_v = d_model\/h = 128" is not in §3\.2\.2; the paper says "d k = d v = d model \/h = 64"$/,
  ],
  ['# §5.3 "P_drop = 0.2"', /^the quote "P_drop = 0\.2" is not in §5\.3; the paper says "P drop = 0\.1"$/],
  [
    '# §3.1 "the encoder uses gated linear units"',
    /^the quote "the encoder uses gated linear units" is not in §3\.1 \(nor anywhere else in the paper\)$/,
  ],
  ['# [PARTIALLY_SPECIFIED] "cosine decay to zero"', /^the quote "cosine decay to zero" is not in the paper$/],
];

test('planted broken tags are caught, each with the right reason', () => {
  for (const [text, reason] of BROKEN) {
    const r = resolve(text);
    assert.equal(r.resolved, false, text);
    assert.match(r.reason ?? '', reason, text);
  }
});

test('the quote is located for highlighting: passage, page, offsets', () => {
  const r = resolve('# §3.2 "h = 8 parallel attention layers"');
  assert.ok(r.resolved);
  const q = r.quote!;
  assert.equal(q.found, true);
  assert.equal(q.in, '§3.2');
  assert.equal(q.page, 4);
  assert.equal(q.passageText!.slice(q.start, q.end), 'h = 8 parallel attention layers');
});

test('suggestions for a quick fix: nearest sections and equations, the section an equation is in', () => {
  const s = nearest(paper, { kind: 'section', number: '3.7' });
  assert.deepEqual(
    s.map((x) => x.number),
    ['3.5', '3.4', '3.3'],
  );
  assert.equal(s[0]!.label, '§3.5 Positional Encoding');
  assert.deepEqual(
    nearest(paper, { kind: 'equation', number: '7' }).map((x) => x.number),
    ['4', '3', '2'],
  );
  const r = resolve('# §3.2.2, Eq. 2');
  assert.deepEqual(r.suggestions[0], {
    refIndex: 0,
    kind: 'section',
    number: '3.3',
    label: '§3.3 Position-wise Feed-Forward Networks',
    why: 'Eq. 2 is in §3.3',
  });
  const q = resolve('# §3.2.2 "warmup_steps = 4000"');
  assert.deepEqual(
    q.suggestions.map((x) => [x.refIndex, x.number]),
    [[0, '5.2']],
  );
});

test('one hover resolution takes microseconds once the paper is indexed', () => {
  const t = tag('# §3.2.2, Eq. 1 "d_k = d_v = d_model/h = 64" — per-head width');
  resolveTag(paper, t);
  const n = 2000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) resolveTag(paper, t);
  const per = (performance.now() - t0) / n;
  assert.ok(per < 0.5, `${per.toFixed(3)} ms per resolution`);
});
