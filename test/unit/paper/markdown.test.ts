// The paper as the model reads it: `papertrail parse --markdown` on real LaTeX (the DyT
// paper), on the bug reports' inputs (../shared/bugreports), and on the fixture tree.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { paperMarkdown } from '../../../src/core/paper/markdown';
import { parsePaper } from '../../../src/core/paper/parse';
import { parseTagText } from '../../../src/core/citations/grammar';
import { resolveTag } from '../../../src/core/citations/resolve';

const SHARED = path.resolve(process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd(), '../shared');
const DYT = path.join(SHARED, 'transcripts/dyt/paper.tex');
const BUGS = path.join(SHARED, 'bugreports');
const skip = fs.existsSync(DYT) && fs.existsSync(BUGS) ? false : `${SHARED} is absent (beside the repository on developer machines)`;

async function parse(source: string) {
  const r = await parsePaper(source, { noCache: true });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

test('DyT (LaTeX): numbered headings, the abstract, Eq. 2 as LaTeX with its number, Table 11 rows, Algorithm 1 as code', {
  skip,
}, async () => {
  const paper = await parse(DYT);
  const md = paperMarkdown(paper);
  assert.equal(paperMarkdown(paper), md, 'deterministic');
  assert.match(
    md,
    /^# Transformers without Normalization\n\nJiachen Zhu, Xinlei Chen, Kaiming He, Yann LeCun, Zhuang Liu\n\n## Abstract\n\nNormalization layers are ubiquitous/,
  );
  for (const h of [
    '## 1 Introduction',
    '## 4 Dynamic Tanh (DyT)',
    '### 6.2 Ablations of tanh and α',
    '### 7.1 Initialization of α for Non-LLM Models',
    '## A Experimental Settings',
    '## C Replacing Batch Normalization with DyT',
  ]) {
    assert.ok(md.includes(`\n${h}\n`), h);
  }
  assert.match(
    md,
    /a DyT layer is defined as follows:\n\n\$\$\n\\mathrm\{DyT\}\(\{\\bm\{x\}\}\) = \\bm\{\\gamma\} \* \\tanh\(\\alpha \{\\bm\{x\}\}\) \+ \\bm\{\\beta\}\n\$\$ \(2\)\n/,
  );
  // Table 11: the tuned α₀ of every LLaMA size, the numbers a reimplementation needs.
  assert.match(md, /\*\*Table 11:\*\* Optimal \$\\alpha_0\$ for different LLaMA models\./);
  assert.match(md, /\| LLaMA 7B \| 4096 \| 32 \| 0\.8\/0\.2 \|\n\| LLaMA 13B \| 5120 \| 40 \| 0\.6\/0\.15 \|/);
  // The algorithm inside a wrapfigure is Algorithm 1, not a figure; its code keeps its indentation.
  assert.match(
    md,
    /\*\*Algorithm 1\*\* Pseudocode of DyT layer\.\n\n```\n# input x has the shape of \[B, T, C\][\s\S]*\n {4}def __init__\(self, C, init_α\):\n {8}super\(\)\.__init__\(\)\n {8}self\.α = Parameter\(ones\(1\) \* init_α\)/,
  );
  assert.equal(
    paper.figures.find((f) => f.number === '5')?.text.startsWith('Figure 5: Training loss curves for ViT-B and ConvNeXt-B'),
    true,
  );
  assert.equal(paper.algorithms.length, 1);
  // A run-in heading is bold inside its numbered section, and its words are in that section.
  assert.match(md, /### 7\.2 Initialization of α for LLMs\n\n\*\*Tuning α_0 enhances LLM performance\.\*\* As discussed earlier/);
  // The words stand under a run-in heading in §7.1: §7 contains them.
  const r = resolveTag(paper, parseTagText('# §7 "we set α_0 = 0.5 as the default value for all non-LLM models"')[0]!);
  assert.ok(r.resolved, r.reason);
  assert.ok(!md.includes('\\paragraph'));
  assert.match(md, /## References\n\n\(The reference list is left out/);
  for (const e of paper.equations) assert.ok(md.includes(`$$ (${e.number})`), `Eq. ${e.number} is in the Markdown`);
});

test('subequations: the group is an equation (Eq. 1–3 resolve), \\eqref of a group label prints (2), labels kept', { skip }, async () => {
  const paper = await parse(path.join(BUGS, 'latex-subequations/paper.tex'));
  assert.deepEqual(
    paper.equations.map((e) => [e.number, e.label ?? '']),
    [
      ['1', 'eq:sys1'],
      ['1a', 'eq:sys1a'],
      ['1b', 'eq:sys1b'],
      ['2', 'eq:sys2'],
      ['2a', 'eq:sys2a'],
      ['2b', 'eq:sys2b'],
      ['3', 'eq:lorenz'],
      ['3a', 'eq:l1'],
      ['3b', 'eq:l2'],
      ['3c', 'eq:l3'],
      ['4', 'eq:energy'],
      ['6', 'eq:last'],
    ],
  );
  for (const n of ['1', '2', '3', '3b', '4', '6']) assert.ok(resolveTag(paper, parseTagText(`# Eq. ${n}`)[0]!).resolved, `Eq. ${n}`);
  assert.equal(
    resolveTag(paper, parseTagText('# Eq. 5')[0]!).resolved,
    false,
    'the hidden subequations block takes number 5 and prints none',
  );
  const md = paperMarkdown(paper);
  assert.match(md, /System \(1\) has parts \(1a\) and \(1b\)\./);
  assert.match(md, /System \(2\) has its label written after the parts\./);
  assert.match(md, /\$\$ \(3a\) \(3b\) \(3c\) of \(3\)/);
  assert.match(md, /\$\$\nx\^2 \+ y\^2 = 1\n\$\$\n/, 'the unnumbered display is kept');
});

test('an e-print with four \\documentclass files: the one compiled (with its .bbl) is read, the others named; \\cite from the .bbl', {
  skip,
}, async () => {
  const paper = await parse(path.join(BUGS, 'eprint-main-file/eprint.tar.gz'));
  assert.equal(paper.title, 'Gated Residual Networks');
  assert.deepEqual(
    paper.sections.filter((s) => s.number).map((s) => s.number),
    ['1', '2', '2.1', 'A'],
  );
  assert.deepEqual(
    paper.equations.map((e) => e.number),
    ['1', '2', '3'],
  );
  assert.ok(paper.passages.some((p) => p.text === 'Residual learning [1] eases optimisation.'));
  assert.ok(
    paper.warnings.some((w) => /^read main_v2\.tex .*3 other files .*main\.tex, ieeeconf\/root\.tex, appendix_supplementary\.tex/.test(w)),
    paper.warnings.join('\n'),
  );
});

test('a page whose two columns are written row by row: title, §1 and §2 in column order, the caption apart, no page-number heading', {
  skip,
}, async () => {
  const paper = await parse(path.join(BUGS, 'pdf-two-column-rows/two-column.pdf'));
  assert.equal(paper.title, 'Sparse Attention Probe');
  assert.deepEqual(paper.authors, []);
  assert.deepEqual(
    paper.sections.map((s) => `${s.number} ${s.title}`),
    ['1 Introduction', '2 Method'],
  );
  const md = paperMarkdown(paper);
  assert.match(
    md,
    /## 1 Introduction\n\nSparse attention reduces the quadratic cost of self-attention to linear time in the sequence length, and in this paper we show that it keeps accuracy\.\n\n## 2 Method\n\nEach query attends to k keys chosen by locality-sensitive hashing of the query vector\.\n\n\*\*Figure 1:\*\* Attention patterns/,
  );
});

test('letter-spaced, TJ-spaced and kerned lines: every line kept, words as printed, ABSTRACT a heading, the unrecoverable one named', {
  skip,
}, async () => {
  const paper = await parse(path.join(BUGS, 'pdf-letter-spacing/spacing.pdf'));
  assert.equal(paper.title, 'SPARSE ATTENTION NETWORKS');
  assert.equal(paper.abstract, 'We train for ten epochs.');
  const text = paper.passages.map((p) => p.text).join('\n');
  for (const line of ['Each query attends to a small set of keys.', 'The keys are chosen by hashing.', 'WAVE Token You', 'Loss goes down.'])
    assert.ok(text.includes(line), line);
  assert.equal(text.match(/Loss goes down\./g)?.length, 2, 'Tc 0.5 and Tc 3 (one item per word) keep their spaces');
  // Tc 1.5 arrives as one item with a space after every glyph: its word breaks are lost, and said.
  assert.ok(
    paper.warnings.some((w) => /^page 1: letter-spaced text whose word breaks the PDF does not keep: "Lossgoesdown\."/.test(w)),
    paper.warnings.join('\n'),
  );
});

test('SPECTER (PDF): Eq. 2 keeps its superscripts, d(P^Q, P^+), in the Markdown', { skip }, async () => {
  const paper = await parse(path.join(SHARED, 'papers/2020.acl-main.207.pdf'));
  const md = paperMarkdown(paper);
  assert.match(md, /\$\$\nL = max\{\(d\(P\^Q,P\^\+\)−d\(P\^Q,P\^−\)\+m\),0\}\n\$\$ \(2\)/);
  assert.match(md, /\$\$\nv = Transformer\(input\)_\{\[CLS\]\},\n\$\$ \(1\)/);
  assert.match(md, /^## 2 Model$/m);
  assert.match(md, /^### 2\.3 Citation-Based Pretraining Objective$/m);
});

test('PDF tables rebuilt from the layout as rows of cells under their caption; a quote from a cell stands in the table', {
  skip,
}, async () => {
  const specter = await parse(path.join(SHARED, 'papers/2020.acl-main.207.pdf'));
  const md = paperMarkdown(specter);
  // Table 2 (small print, one column) and Table 3 (a row of numbers pdf.js reads as one item).
  assert.match(
    md,
    /\| {2}\| CLS \| USR \| CITE \| REC \| Avg\. \|\n\| --- \| --- \| --- \| --- \| --- \| --- \|\n\| SPECTER \| 84\.2 \| 88\.4 \| 91\.5 \| 36\.9 \| 80\.0 \|\n\| − abstract \| 82\.2 \| 72\.2 \| 73\.6 \| 34\.5 \| 68\.1 \|/,
  );
  assert.match(md, /\| Start w\/ BERT-Large \| 81\.7 \| 85\.9 \| 87\.8 \| 36\.1 \| 77\.5 \|\n\n\*\*Table 2:\*\* Ablations/);
  assert.match(md, /\| Training signal \| CLS \| USR \| CITE \| REC \| All \|/);
  assert.match(md, /\| SciBERT fine-tune on co-citation \| 82\.9 \| 84\.3 \| 85\.2 \| 36\.6 \| 76\.4 \|/);
  // Table 1 spans both columns: its rows are whole.
  assert.match(
    md,
    /\| SPECTER \(Ours\) \| 82\.0 \| 86\.4 \| 83\.6 \| 91\.5 \| 84\.5 \| 92\.4 \| 88\.3 \| 94\.9 \| 88\.1 \| 94\.8 \| 53\.9 \| 20\.0 \| 80\.0 \|/,
  );
  const r = resolveTag(specter, parseTagText('# Table 2 "Start w/ BERT-Large"')[0]!);
  assert.ok(r.resolved, r.reason);
  // Body-size tables (N18-3011) are told from prose by their cells.
  const n18 = paperMarkdown(await parse(path.join(SHARED, 'papers/N18-3011.pdf')));
  assert.match(
    n18,
    /\| Field \| Precision \| Recall \| F1 \|\n\| --- \| --- \| --- \| --- \|\n\| title \| 85\.5 \| 85\.5 \| 85\.5 \|[\s\S]*\| bibliography years \| 98\.0 \| 98\.0 \| 98\.0 \|\n\n\*\*Table 1:\*\* Results of the ScienceParse system\./,
  );
  assert.match(n18, /\| Baseline \| 84\.2 \| 54\.2 \|\n\| Neural \| 84\.6 \| 85\.8 \|/);
  // A two-column table of results, and the sentence it interrupted made whole again.
  assert.match(
    n18,
    /\| Description \| F1 \|\n\| --- \| --- \|\n\| Without LM \| 49\.9 \|\n\| With LM \| 54\.1 \|\n\| Avg\. of 15 models with LM \| 55\.2 \|\n\n\*\*Table 3:\*\*/,
  );
  assert.match(n18, /we use three instances of the entity extraction model with a similar architecture/);
  // A header offset from its numbers joins their column: no spare empty column.
  assert.match(
    n18,
    /\| Approach \| CS \| {2}\| Bio \| {2}\|\n\| --- \| --- \| --- \| --- \| --- \|\n\| {2}\| prec\. \| yield \| prec\. \| yield \|\n\| Statistical \| 98\.4 \| 712 \| 94\.4 \| 928 \|/,
  );
});

test('the text inside a figure follows its caption, and a quote from it stands in the figure', { skip }, async () => {
  const specter = await parse(path.join(SHARED, 'papers/2020.acl-main.207.pdf'));
  const md = paperMarkdown(specter);
  assert.match(
    md,
    /\*\*Figure 1:\*\* Overview of SPECTER\.\n\n> Text in the figure: Query paper \(PQ\) Related paper \(P\+\) Unrelated paper \(P−\) · Transformer \(initialized with SciBERT\)/,
  );
  const r = resolveTag(specter, parseTagText('# Fig. 1 "Transformer (initialized with SciBERT)"')[0]!);
  assert.ok(r.resolved, r.reason);
});

test('a hanging indent (a list of questions) is one paragraph, not a break in mid-sentence', { skip }, async () => {
  const n18 = await parse(path.join(SHARED, 'papers/N18-3011.pdf'));
  assert.ok(
    n18.passages.some((p) =>
      p.text.startsWith(
        'What is the percentage of female subjects in depression clinical trials? Which of my co-authors published one or more papers on coreference resolution?',
      ),
    ),
  );
});
