import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParsedTag } from '../../../src/core/citations/grammar';
import { parseTagText, refLabel } from '../../../src/core/citations/grammar';

/** The refs of every tag in `text`, as people read them: "§3.2 Eq. 4". */
function labels(text: string): string[] {
  return parseTagText(text).map((t) => t.refs.map(refLabel).join(' '));
}

// Spellings seen in reimplementation repositories and paper-to-code tools' output.
const SPELLINGS: [string, string[]][] = [
  ['# §3.2', ['§3.2']],
  ['# § 3.2.1 Scaled Dot-Product Attention', ['§3.2.1']],
  ['# §A.1', ['§A.1']],
  ['# see §A', ['Appendix A']],
  ['# Sec. 3.2', ['§3.2']],
  ['# Sec 3.2', ['§3.2']],
  ['# Sect. 4', ['§4']],
  ['# Section 3.2', ['§3.2']],
  ['# as described in section 5.4.', ['§5.4']],
  ['# Eq. 4', ['Eq. 4']],
  ['# Eq. (4)', ['Eq. 4']],
  ['# Eq.(4)', ['Eq. 4']],
  ['# Eq.~(4)', ['Eq. 4']],
  ['# eq 4', ['Eq. 4']],
  ['# Eqn. 3', ['Eq. 3']],
  ['# Equation 4', ['Eq. 4']],
  ['# Equation (12)', ['Eq. 12']],
  ['# Eqs. 4–5', ['Eq. 4 Eq. 5']],
  ['# Eqs. 4-5', ['Eq. 4 Eq. 5']],
  ['# Eqs. (4)–(6)', ['Eq. 4 Eq. 5 Eq. 6']],
  ['# Eqs. 4 and 5', ['Eq. 4 Eq. 5']],
  ['# Eqs. 4, 5, 7', ['Eq. 4 Eq. 5 Eq. 7']],
  ['# Eq. (4) and (5)', ['Eq. 4 Eq. 5']],
  ['# Equations 1 to 3', ['Eq. 1 Eq. 2 Eq. 3']],
  ['# Eq. 3a', ['Eq. 3a']],
  ['# Eq. A.1', ['Eq. A.1']],
  ['# Table 1', ['Table 1']],
  ['# Tab. 3', ['Table 3']],
  ['# Table A.2', ['Table A.2']],
  ['# Tables 1 and 2', ['Table 1 Table 2']],
  ['# Fig. 2', ['Fig. 2']],
  ['# Fig 2', ['Fig. 2']],
  ['# Figure 2', ['Fig. 2']],
  ['# Figs. 2–3', ['Fig. 2 Fig. 3']],
  ['# Figure 2b', ['Fig. 2b']],
  ['# Alg. 1', ['Alg. 1']],
  ['# Algorithm 1, line 5', ['Alg. 1']],
  ['# Appendix B', ['Appendix B']],
  ['# Appendix B.2', ['§B.2']],
  ['# App. C', ['Appendix C']],
  ['# §3.2, Eq. 4', ['§3.2 Eq. 4']],
  ['# §3.2; Eq. (4)', ['§3.2 Eq. 4']],
  ['# Eq. 4 in §3.2', ['Eq. 4 §3.2']],
  ['# §3.2 (Eq. 4)', ['§3.2 Eq. 4']],
  ['# §3.2 and Table 1', ['§3.2 Table 1']],
  ['# §5.3, Eq. 3 — learning-rate schedule', ['§5.3 Eq. 3']],
  ['# §§3.1, 3.2', ['§3.1 §3.2']],
  ['# §3.1–3.3', ['§3.1 §3.3']],
  ['// §3.2 (JavaScript)', ['§3.2']],
  ['/* Eq. 4 */', ['Eq. 4']],
  ['-- Table 2 --', ['Table 2']],
  ['# §3.2 ... and later Table 1', ['§3.2', 'Table 1']],
  ['# Eq. 4 — as in Eq. 3 of §2', ['Eq. 4']],
  ['# §3.2 "h = 8" Table 1', ['§3.2', 'Table 1']],
];

test('a table of real-world spellings parses to the references a reader sees', () => {
  for (const [text, expected] of SPELLINGS) assert.deepEqual(labels(text), expected, text);
});

// Prose and code that must never be taken for a citation.
const NOT_TAGS = [
  '# build a table of results',
  '# the section of the code that loads data',
  '# a figure would help here',
  '# equation solver for the linear system',
  '# second pass over the data',
  '# equal weights for every head',
  '# apply the mask',
  '# tab-separated values',
  '# sectional view',
  'x = a.eq(4)',
  'assert table1 == 3',
  '# Eq4Module and Fig2Plotter are classes',
  '# figs are saved in figures/',
  '# [TODO] fix this',
  '# unspecified behaviour',
  '# Section A of the form is filled by the user',
];

test('ordinary prose and identifiers are not tags', () => {
  for (const text of NOT_TAGS) {
    const tags = parseTagText(text);
    // "Section A" is an appendix reference by the grammar; it is the one accepted risk.
    if (text.includes('Section A')) continue;
    assert.deepEqual(tags, [], text);
  }
});

test('offsets point at the tag and at each number', () => {
  const text = '    # §3.2, Eq. (4) — project into h heads';
  const [t] = parseTagText(text) as [ParsedTag];
  assert.equal(t.raw, '§3.2, Eq. (4) — project into h heads');
  assert.equal(text.slice(t.start, t.end), t.raw);
  assert.deepEqual(
    t.refs.map((r) => text.slice(r.start, r.end)),
    ['3.2', '4'],
  );
  assert.equal(t.note, 'project into h heads');
  assert.equal(t.quote, undefined);
});

test('a quoted phrase after a tag, straight or curly, with or without a colon', () => {
  const cases: [string, string][] = [
    ['# §3.2.2 "d_k = d_v = d_model/h = 64"', 'd_k = d_v = d_model/h = 64'],
    ['# §3.2.2: “we employ h = 8 parallel attention layers”', 'we employ h = 8 parallel attention layers'],
    ['# §5.4 „label smoothing of value ϵ_ls = 0.1“', 'label smoothing of value ϵ_ls = 0.1'],
  ];
  for (const [text, quote] of cases) {
    const [t] = parseTagText(text) as [ParsedTag];
    assert.equal(t.quote, quote, text);
    assert.equal(text.slice(t.quoteStart, t.quoteEnd), quote);
  }
});

test("single quotes are code, not a quotation: §3 'layernorm' checks no words", () => {
  const [t] = parseTagText("# §3 uses 'layernorm' as in the paper") as [ParsedTag];
  assert.equal(t.quote, undefined);
  assert.equal(parseTagText("# Eq. 4 'scaled by 1/sqrt(d_k)'")[0]!.quote, undefined);
  assert.equal(parseTagText('# Eq. 4 ‘scaled by 1/sqrt(d_k)’')[0]!.quote, 'scaled by 1/sqrt(d_k)');
});

test("references in a flag's reasoning are mentions, each its own tag, never one compound citation", () => {
  const text = '# [ASSUMPTION] BERT-base width, so v of Eq. (1) is 768-d; not stated in §6 for SPECTER; Table 2 lists 768';
  const tags = parseTagText(text);
  assert.deepEqual(
    tags.map((t) => t.refs.map((r) => `${r.kind} ${r.number}`)),
    [[], ['equation 1'], ['section 6'], ['table 2']],
  );
  assert.equal(tags[0]!.flag, 'ASSUMPTION');
  // A citation right after the flag is the flag's own.
  const own = parseTagText('# [PARTIALLY_SPECIFIED] §5.3 "warmup_steps = 4000" — shape after warmup, cf. Eq. 3');
  assert.deepEqual(
    own[0]!.refs.map((r) => r.number),
    ['5.3'],
  );
  assert.equal(own[0]!.quote, 'warmup_steps = 4000');
  assert.deepEqual(
    own[1]!.refs.map((r) => r.number),
    ['3'],
  );
  // A quote right after a mention is the mention's, checked against it alone.
  const [flag, mention] = parseTagText('# [UNSPECIFIED] §7, Table 11 values are missing; §4 "except for LLM training"; 0.5 as fallback');
  assert.deepEqual(
    flag!.refs.map((r) => r.number),
    ['7', '11'],
  );
  assert.equal(flag!.quote, undefined);
  assert.deepEqual(
    mention!.refs.map((r) => r.number),
    ['4'],
  );
  assert.equal(mention!.quote, 'except for LLM training');
  // An [ASSUMPTION] without a citation of its own quotes its reasoning, not the paper.
  assert.equal(parseTagText(`# [ASSUMPTION] match torch's "not implemented for '<dtype>'" message`)[0]!.quote, undefined);
  assert.equal(parseTagText('# [PARTIALLY_SPECIFIED] warmup "4000 steps" is ambiguous')[0]!.quote, '4000 steps');
});

test('quote and note together; the note ends at a comment closer', () => {
  const [t] = parseTagText('/* §3.2 "eight heads" — h = 8 */') as [ParsedTag];
  assert.equal(t.quote, 'eight heads');
  assert.equal(t.note, 'h = 8');
  assert.equal(t.raw, '§3.2 "eight heads" — h = 8');
});

test('note separators: em dash, spaced hyphen, double hyphen, colon', () => {
  for (const sep of [' — ', ' - ', ' -- ', ': ', ' – ']) {
    const [t] = parseTagText(`# Eq. 4${sep}residual connection`) as [ParsedTag];
    assert.deepEqual(t.refs.map(refLabel), ['Eq. 4'], sep);
    assert.equal(t.note, 'residual connection', JSON.stringify(sep));
  }
});

test('an apostrophe is not a quote', () => {
  const [t] = parseTagText("# §3.2 it's the model's width") as [ParsedTag];
  assert.equal(t.quote, undefined);
  assert.equal(t.raw, '§3.2');
});

test('flags carry their trailing text, and any references and quote in it', () => {
  const tags = parseTagText(
    [
      '# [UNSPECIFIED] dropout on attention weights; alternatives: 0.0, 0.1',
      '# [PARTIALLY_SPECIFIED] §5.3 "warmup_steps = 4000" — shape after warmup unclear',
      '# [ASSUMPTION]: pre-norm, as in later work',
      '# [FROM_OFFICIAL_CODE] tensor2tensor uses 1e-9 for Adam epsilon',
      '# §3.3 [ASSUMPTION] ReLU, not GELU',
    ].join('\n'),
  );
  assert.deepEqual(
    tags.map((t) => [t.flag, t.refs.map(refLabel), t.quote, t.note]),
    [
      ['UNSPECIFIED', [], undefined, 'dropout on attention weights; alternatives: 0.0, 0.1'],
      ['PARTIALLY_SPECIFIED', ['§5.3'], 'warmup_steps = 4000', '§5.3 "warmup_steps = 4000" — shape after warmup unclear'],
      ['ASSUMPTION', [], undefined, 'pre-norm, as in later work'],
      ['FROM_OFFICIAL_CODE', [], undefined, 'tensor2tensor uses 1e-9 for Adam epsilon'],
      ['ASSUMPTION', ['§3.3'], undefined, 'ReLU, not GELU'],
    ],
  );
  assert.equal(tags[4]!.raw, '§3.3 [ASSUMPTION] ReLU, not GELU');
});

test('flag spellings: spaces or hyphens inside, any case', () => {
  assert.equal(parseTagText('# [partially specified] x')[0]?.flag, 'PARTIALLY_SPECIFIED');
  assert.equal(parseTagText('# [From-Official-Code] x')[0]?.flag, 'FROM_OFFICIAL_CODE');
});

test('several tags on several lines of a docstring keep their own offsets', () => {
  const doc = 'Multi-head attention.\n\n    §3.2.2 — projections\n    Eq. (1): softmax(QK^T / sqrt(d_k)) V\n';
  const tags = parseTagText(doc);
  assert.deepEqual(
    tags.map((t) => t.raw),
    ['§3.2.2 — projections', 'Eq. (1): softmax(QK^T / sqrt(d_k)) V'],
  );
  for (const t of tags) assert.equal(doc.slice(t.start, t.end), t.raw);
});

test('an em dash after a number is a note, never a range', () => {
  const [t] = parseTagText('# Eq. 4 — 64 heads') as [ParsedTag];
  assert.deepEqual(t.refs.map(refLabel), ['Eq. 4']);
  assert.equal(t.note, '64 heads');
});

test('refLabel', () => {
  assert.equal(refLabel({ kind: 'section', number: 'B' }), 'Appendix B');
  assert.equal(refLabel({ kind: 'section', number: '3.2' }), '§3.2');
  assert.equal(refLabel({ kind: 'algorithm', number: '1' }), 'Alg. 1');
});
