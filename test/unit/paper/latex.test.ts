// The LaTeX reader on a source tree the project writes itself (test/fixtures/latex): the numbers
// a reader of the compiled PDF would see, for sections, equations and captions.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { parseLatexTree } from '../../../src/core/paper/latex';
import { folderTree } from '../../../src/core/paper/latex-source';
import type { Paper } from '../../../src/core/paper/model';

const ROOT = path.resolve(process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd(), 'test/fixtures/latex');

function parseTree(dir: string, main?: string): Paper {
  const r = parseLatexTree(folderTree(path.join(ROOT, dir), dir), { location: dir }, main);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

test('sections: numbers incl. \\input/\\include files, starred and \\paragraph unnumbered, appendix A / A.1', () => {
  const p = parseTree('tree');
  assert.deepEqual(
    p.sections.map((s) => [s.number, s.title, s.level]),
    [
      ['1', 'Introduction', 1],
      ['2', 'Method', 1],
      ['2.1', 'Attention', 2],
      ['2.1.1', 'Multiple heads', 3],
      ['3', 'Experiments', 1],
      ['', 'Setup', 2],
      ['', 'Acknowledgements', 1],
      ['', 'References', 1],
      ['A', 'Proofs', 1],
      ['A.1', 'Proof of the bound', 2],
    ],
  );
  assert.ok(
    p.sections.every((s) => s.page === 0 && s.rects.length === 0),
    'no positions from source alone',
  );
  assert.equal(p.sections.find((s) => s.number === '2')?.label, 'sec:method');
  assert.equal(p.sections.find((s) => s.number === 'A.1')?.id, 'sec:A.1');
  assert.ok(!p.sections.some((s) => /commented out|iffalse/.test(s.title)), 'commented and \\iffalse sections are not read');
  // \paragraph{…} is a run-in heading inside §2.1.1, not a section: its text keeps that number.
  const runIn = p.passages.find((x) => x.runIn === 'Initialisation.')!;
  assert.equal(runIn.text, 'Initialisation. Weights start at zero.');
  assert.equal(runIn.sectionId, 'sec:2.1.1');
});

test('equations: continuous numbering, align rows, \\nonumber/\\notag, \\tag, starred, subequations, shorthand \\be', () => {
  const p = parseTree('tree');
  assert.deepEqual(
    p.equations.map((e) => [e.number, e.section, e.label ?? '']),
    [
      ['1', '2.1', 'eq:attn'],
      ['2', '2.1', 'eq:rnn'],
      ['3', '2.1', 'eq:out'],
      ['*', '2.1', 'eq:star'],
      ['4', '2.1', 'eq:be'],
      // The subequations group is an equation of its own, before its parts.
      ['5', '2.1.1', 'eq:heads'],
      ['5a', '2.1.1', 'eq:q'],
      ['5b', '2.1.1', 'eq:k'],
      ['6', '3', 'eq:loss'],
      ['7', '3', ''],
      ['8', '3', 'eq:poly'],
      ['9', 'A', 'eq:app-loss'],
      ['10', 'A.1', 'eq:app-x'],
      ['A.⋆', 'A.1', 'eq:app-star'],
    ],
  );
  const attn = p.equations[0]!;
  assert.match(attn.latex ?? '', /\\mathrm\{Attention\}\(Q, K, V\) = \\mathrm\{softmax\}/, 'LaTeX kept');
  assert.doesNotMatch(attn.latex ?? '', /\\label/);
  assert.equal(attn.text, 'Attention(Q, K, V) = softmax(QK^⊤/√d_k)V');
  // The unnumbered row belongs to the numbered one it leads to.
  assert.match(p.equations[2]!.latex ?? '', /y_t &= W_o h_t \\\\\s*p_t/);
  assert.equal(p.equations.find((e) => e.number === '9')?.text, 'L = ∑_(i=1)^N ℓ(y_i, ŷ_i)');
});

test('captions: figure, table*, algorithm numbered in order with labels; sub-figure captions take no number', () => {
  const p = parseTree('tree');
  assert.deepEqual(
    p.figures.map((c) => [c.number, c.section, c.label, c.text]),
    [
      ['1', '2.1.1', 'fig:arch', 'Figure 1: The architecture of TinyNet. Arrows show data flow.'],
      ['2', '3', 'fig:panels', 'Figure 2: Two panels, one figure number.'],
    ],
  );
  assert.deepEqual(
    p.tables.map((c) => [c.number, c.label, c.text]),
    [['1', 'tab:results', 'Table 1: Results on ImageNet; higher is better.']],
  );
  assert.deepEqual(
    p.algorithms.map((c) => [c.number, c.label, c.text]),
    [['1', 'alg:train', 'Algorithm 1 Training TinyNet']],
  );
});

test('front matter: title without \\thanks, authors without affiliations or e-mails, abstract without comments', () => {
  const p = parseTree('tree');
  assert.equal(p.title, 'TinyNet: A Small Paper for Testing Parsers');
  assert.deepEqual(p.authors, ['Ada Lovelace', 'Alan Turing']);
  assert.equal(p.abstract, 'We present TinyNet, a network with 50% fewer parameters than its teacher. It reaches 92.1% accuracy.');
  assert.equal(p.source.kind, 'latex');
  assert.match(p.id, /^sha256:[0-9a-f]{16}$/);
  assert.deepEqual(p.warnings, []);
});

test('passages: paragraphs per section with \\ref and \\eqref resolved; footnotes apart; comments gone', () => {
  const p = parseTree('tree');
  const intro = p.passages.filter((x) => x.sectionId === 'sec:1');
  assert.deepEqual(
    intro.map((x) => [x.kind, x.text]),
    [
      ['heading', '1 Introduction'],
      ['paragraph', 'Attention (Eq. (1)) is all TinyNet needs; Section 2 says how, and Figure 1 shows it.'],
      ['footnote', 'Code will be released.'],
    ],
  );
  assert.ok(p.passages.some((x) => x.kind === 'paragraph' && x.text === 'Table 1 and Eq. (6) sum it up.'));
  assert.ok(p.passages.some((x) => x.sectionId === 'sec:2' && x.text === 'Our model maps x ∈ ℝ^d to a distribution.'));
  assert.ok(
    p.passages.every((x) => !/comment|%/.test(x.text) || /50%|92\.1%/.test(x.text)),
    'no comment text leaks',
  );
  assert.equal(p.passages[0]!.kind, 'abstract');
});

test('\\numberwithin{equation}{section}: 1.1, 1.2, \\tag{T}, 2.1, and A.1 in the appendix', () => {
  const p = parseTree('.', 'numberwithin.tex');
  assert.deepEqual(
    p.equations.map((e) => [e.number, e.section]),
    [
      ['1.1', '1'],
      ['1.2', '1'],
      ['T', '1'],
      ['2.1', '2.1'],
      ['A.1', 'A'],
      ['A.2', 'A'],
    ],
  );
  assert.deepEqual(p.authors, ['A. Author', 'B. Author']);
  assert.deepEqual(
    p.sections.find((s) => s.number === '2'),
    { id: 'sec:2', number: '2', title: 'Second', level: 1, page: 0, rects: [], label: 'sec:second' },
    '\\label inside the title',
  );
  assert.deepEqual(
    p.figures.map((f) => f.number),
    ['1'],
    'figures are not numbered within sections unless asked',
  );
});

test('a folder: the main file is the one with \\documentclass and \\begin{document}', () => {
  const p = parseTree('tree');
  assert.equal(p.sections.length, 10);
  const none = parseLatexTree(folderTree(path.join(ROOT, 'no-main'), 'no-main'), { location: 'no-main' });
  assert.ok(!none.ok);
  assert.match(none.error.message, /^no main \.tex file \(with \\documentclass\) in no-main/);
});
