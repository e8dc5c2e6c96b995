// The reader on a one-column paper typeset by pdflatex: test/fixtures/latex/tree.pdf is the
// LaTeX fixture's own PDF (see test/fixtures/latex/build-tree-pdf.sh). Computer Modern's bold
// and roman report the same metrics, \thanks marks sit on the title, align rows, \tag symbols,
// subequations and multline all print their numbers their own way.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import type { Paper } from '../../../src/core/paper/model';
import { parsePdf } from '../../../src/core/paper/pdf';

const file = path.resolve(process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd(), 'test/fixtures/latex/tree.pdf');
const skip = fs.existsSync(file) ? false : `${file} is missing`;
let paper: Paper;

before(async () => {
  if (skip) return;
  const r = await parsePdf(new Uint8Array(fs.readFileSync(file)), { location: file });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  paper = r.value;
});

test('title without its \\thanks mark, authors without affiliations or e-mail', { skip }, () => {
  assert.equal(paper.title, 'TinyNet: A Small Paper for Testing Parsers');
  assert.deepEqual(paper.authors, ['Ada Lovelace', 'Alan Turing']);
  assert.equal(paper.abstract, 'We present TinyNet, a network with 50% fewer parameters than its teacher. It reaches 92.1% accuracy.');
});

test('numbered headings at three depths and in the appendix, bold in the body size included', { skip }, () => {
  assert.deepEqual(
    paper.sections.map((s) => [s.number, s.title, s.level, s.page]),
    [
      ['1', 'Introduction', 1, 1],
      ['2', 'Method', 1, 1],
      ['2.1', 'Attention', 2, 1],
      ['2.1.1', 'Multiple heads', 3, 2],
      ['3', 'Experiments', 1, 4],
      ['', 'Acknowledgements', 1, 5],
      ['A', 'Proofs', 1, 5],
      ['A.1', 'Proof of the bound', 2, 5],
    ],
  );
});

test('every printed equation number, with its section and page', { skip }, () => {
  assert.deepEqual(
    paper.equations.map((e) => [e.number, e.section, e.page]),
    [
      ['1', '2.1', 1],
      ['2', '2.1', 2],
      ['3', '2.1', 2],
      ['∗', '2.1', 2],
      ['4', '2.1', 2],
      ['5a', '2.1.1', 2],
      ['5b', '2.1.1', 2],
      ['6', '3', 4],
      ['7', '3', 4],
      ['8', '3', 4],
      ['9', 'A', 5],
      ['10', 'A.1', 5],
      ['A.⋆', 'A.1', 5],
    ],
  );
  const text = (n: string) => paper.equations.find((e) => e.number === n)!.text;
  assert.match(text('1'), /Attention\(Q, K, V ?\) = softmax/);
  // An align row without a number stays with the numbered row above it.
  assert.match(text('2'), /^ht = tanh\(W xt \+ U ht−1\) yt = Woht$/);
  // multline: both rows are one equation.
  assert.match(text('8'), /^f ?\(x\) = a0 \+ a1x \+ a2x2$/);
  // Separate unnumbered displays above \begin{equation} are not pulled into it.
  assert.equal(text('4'), 'E = mc2');
});

test('captions, the algorithm label without a colon included', { skip }, () => {
  assert.deepEqual(
    [...paper.figures, ...paper.tables, ...paper.algorithms].map((c) => [c.id, c.section, c.page, c.text]),
    [
      ['fig:1', '2.1.1', 3, 'Figure 1: The architecture of TinyNet. Arrows show data flow.'],
      ['fig:2', '3', 4, 'Figure 2: Two panels, one figure number.'],
      ['tab:1', '2.1.1', 4, 'Table 1: Results on ImageNet; higher is better.'],
      ['alg:1', '2.1', 2, 'Algorithm 1 Training TinyNet'],
    ],
  );
});

test('display math rebuilt from the glyph layout: scripts, a fraction with a radical, big delimiters, a sum with limits, an accent', {
  skip,
}, () => {
  const latex = new Map(
    paper.passages.filter((p) => p.kind === 'equation').flatMap((p) => (p.equationNumbers ?? []).map((n) => [n, p.latex] as const)),
  );
  // pdf.js alone reads Eq. 1 as "QK⊤ Attention(Q, K, V ) = softmax √ V dk" and Eq. 9 as "XN L = ℓ(yi,y î) i=1".
  assert.equal(latex.get('1'), 'Attention(Q, K, V) = softmax(\\frac{QK^⊤}{\\sqrt{d_k}})V');
  assert.equal(latex.get('2'), 'h_t = tanh(W x_t + U h_{t−1}) \\\\ y_t = W_o h_t');
  assert.equal(latex.get('4'), 'E = mc^2');
  assert.equal(latex.get('6'), 'L = L_{ce} + λL_{reg}');
  assert.equal(latex.get('9'), 'L = ∑_{i=1}^N ℓ(y_i,ŷ_i)');
  // Equation.latex stays the source's: a PDF alone has none.
  assert.ok(paper.equations.every((e) => e.latex === undefined));
});

test("an algorithm's lines under its caption are code, and the prose after the float is not", { skip }, () => {
  const at = paper.passages.findIndex((p) => p.kind === 'caption' && p.text.startsWith('Algorithm 1'));
  assert.ok(at >= 0);
  assert.deepEqual([paper.passages[at + 1]!.kind, paper.passages[at + 1]!.text], ['code', 'initialise θ']);
  assert.equal(paper.passages[at + 2]!.kind, 'paragraph');
});
