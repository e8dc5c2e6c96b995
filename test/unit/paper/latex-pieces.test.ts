// The pieces of the LaTeX reader, one table each: comments, math to text, numbering rules,
// main-file choice and \input following on in-memory trees.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latexToPaper, parseLatexTree } from '../../../src/core/paper/latex';
import { stripComments, splitRows } from '../../../src/core/paper/latex-scan';
import { findMainFile, loadLatex, memoryTree } from '../../../src/core/paper/latex-source';
import type { Macros } from '../../../src/core/paper/latex-text';
import { collectMacros, flattenMath, flattenText } from '../../../src/core/paper/latex-text';
import type { Paper } from '../../../src/core/paper/model';

function tree(files: Record<string, string>) {
  return memoryTree('mem', new Map(Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)])));
}

function doc(body: string, preamble = ''): Paper {
  const r = parseLatexTree(tree({ 'main.tex': `\\documentclass{article}\n${preamble}\n\\begin{document}\n${body}\n\\end{document}\n` }), {
    location: 'mem',
  });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

test('comments: % ends the line (and eats the newline), \\% is a percent sign, \\\\% starts a comment', () => {
  const cases: [string, string][] = [
    ['a % note\nb', 'a b'],
    ['50\\% more', '50\\% more'],
    ['line\\\\% comment\nnext', 'line\\\\next'],
    ['x%\n   y', 'xy'],
    ['para\n\n% only a comment\n\nnext', 'para\n\n\nnext'],
    ['one\n% between\ntwo', 'one\ntwo'],
  ];
  for (const [src, want] of cases) assert.equal(stripComments(src), want, JSON.stringify(src));
});

test('math to readable text', () => {
  const macros: Macros = new Map();
  collectMacros(
    '\\newcommand{\\R}{\\mathbb{R}} \\newcommand{\\norm}[1]{\\lVert #1 \\rVert} \\def\\vx{\\mathbf{x}} \\DeclareMathOperator{\\softmax}{softmax}',
    macros,
  );
  const cases: [string, string][] = [
    ['\\frac{QK^T}{\\sqrt{d_k}}', 'QK^T/√d_k'],
    ['\\alpha_t = \\frac{1}{\\sqrt{d}}', 'α_t = 1/√d'],
    ['x \\in \\R^{n \\times d}', 'x ∈ ℝ^(n × d)'],
    ['\\norm{\\vx}_2 \\leq 1', '‖ x ‖_2 ≤ 1'],
    ['\\softmax(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}', 'softmax(z)_i = e^(z_i)/(∑_j e^(z_j))'],
    ['\\hat{y} = \\arg\\max_y p(y \\mid x)', 'ŷ = arg max_y p(y | x)'],
    ['\\mathcal{L}_{\\text{total}} = \\mathcal{L}_{\\mathrm{ce}} + \\lambda \\|\\theta\\|^2', 'L_total = L_ce + λ ‖θ‖^2'],
    ['\\left( a + b \\right)^{2}', '(a + b)^2'],
  ];
  for (const [src, want] of cases) assert.equal(flattenMath(src, { macros }), want, src);
});

test('text: accents, quotes, dashes, fonts and citations', () => {
  const cases: [string, string][] = [
    ['G\\"odel and Schr\\"{o}dinger\'s \\\'etude', "Gödel and Schrödinger's étude"],
    ["``quoted'' -- and --- dashes", '“quoted” – and — dashes'],
    ['\\textbf{bold} \\emph{em} \\texttt{code}~here', 'bold em code here'],
    ['as shown by \\citet{vaswani2017,devlin2019}', 'as shown by [vaswani2017, devlin2019]'],
    ['\\href{https://x.org}{the site} and \\url{https://y.org}', 'the site and https://y.org'],
  ];
  for (const [src, want] of cases) assert.equal(flattenText(src, { macros: new Map() }), want, src);
});

test('align rows split at top-level \\\\ only, not inside aligned/cases or braces', () => {
  assert.deepEqual(
    splitRows('a &= \\begin{cases} 1 \\\\ 2 \\end{cases} \\\\[2pt] b &= {x \\\\ y} \\\\ c').map((r) => r.trim()),
    ['a &= \\begin{cases} 1 \\\\ 2 \\end{cases}', 'b &= {x \\\\ y}', 'c'],
  );
});

test('numbering rules: eqnarray rows, gather, multline, \\tag without counting, equation* with \\tag', () => {
  const p = doc(`
\\section{S}
\\begin{eqnarray} a &=& b \\\\ c &=& d \\\\ e &=& f \\nonumber \\end{eqnarray}
\\begin{gather*} g \\\\ h \\tag{H} \\end{gather*}
\\begin{multline} i \\\\ j \\end{multline}
\\begin{equation*} k \\tag{K} \\end{equation*}
\\begin{equation} l \\end{equation}
\\begin{align} m \\\\ \\end{align}
\\begin{equation} n \\end{equation}`);
  // Checked against pdflatex (TeX Live 2022): a trailing \\\\ in align numbers an empty row, (6).
  assert.deepEqual(
    p.equations.map((e) => e.number),
    ['1', '2', 'H', '3', 'K', '4', '5', '6', '7'],
  );
  assert.equal(p.equations[7]!.latex, '');
});

// Each expectation here was checked against pdflatex (TeX Live 2022) output of the same source.
test('numbering rules: \\setcounter, \\renewcommand{\\theequation}, \\counterwithin, report-class chapters', () => {
  const a = doc(
    '\\section{S}\\begin{equation}a\\end{equation}\\setcounter{equation}{9}\\begin{equation}b\\end{equation}\\renewcommand{\\theequation}{S\\arabic{equation}}\\setcounter{equation}{0}\\begin{equation}c\\end{equation}',
  );
  assert.deepEqual(
    a.equations.map((e) => e.number),
    ['1', '10', 'S1'],
  );
  const b = doc(
    '\\section{A}\\begin{equation}a\\end{equation}\\section{B}\\begin{figure}\\caption{f}\\end{figure}\\begin{equation}b\\end{equation}',
    '\\counterwithin{figure}{section}\\counterwithin{equation}{section}',
  );
  assert.deepEqual([...b.equations.map((e) => e.number), ...b.figures.map((f) => f.number)], ['1.1', '2.1', '2.1']);
  const r = parseLatexTree(
    tree({
      'thesis.tex':
        '\\documentclass{report}\\begin{document}\\chapter{Intro}\\section{Goal}\\subsection{Deep}\\subsubsection{Deeper}\\begin{equation}x\\end{equation}\\appendix\\chapter{More}\\section{M}\\begin{equation}y\\end{equation}\\end{document}',
    }),
    { location: 'm' },
  );
  assert.ok(r.ok);
  assert.deepEqual(
    r.value.sections.map((s) => [s.number, s.level]),
    [
      ['1', 1],
      ['1.1', 2],
      ['1.1.1', 3],
      ['', 4],
      ['A', 1],
      ['A.1', 2],
    ],
  );
  assert.deepEqual(
    r.value.equations.map((e) => e.number),
    ['1.1', 'A.1'],
  );
});

test('\\secnumdepth and \\Roman section numbers', () => {
  const p = doc(
    '\\section{One}\\subsection{Sub}\\section{Two}',
    '\\setcounter{secnumdepth}{1}\\renewcommand{\\thesection}{\\Roman{section}}',
  );
  assert.deepEqual(
    p.sections.map((s) => s.number),
    ['I', '', 'II'],
  );
});

test('the main file: 00README.json, then a conventional name, then the one not \\input by another', () => {
  const main = '\\documentclass{article}\\begin{document}x\\end{document}';
  const cases: [Record<string, string>, string][] = [
    [{ 'a.tex': main, 'paper.tex': main }, 'paper.tex'],
    [{ 'a.tex': main + '\\input{b}', 'b.tex': main }, 'a.tex'],
    [{ 'x/ms.tex': main, 'fig.tex': '\\documentclass{standalone}\\begin{document}f\\end{document}' }, 'x/ms.tex'],
    [{ 'a.tex': main, 'b.tex': main, '00README.json': '{"sources":[{"filename":"b.tex","usage":"toplevel"}]}' }, 'b.tex'],
    [{ 'old-draft.tex': main, 'submission2.tex': main.replace('x', '\\input{sec/intro}'), 'sec/intro.tex': 'i' }, 'submission2.tex'],
  ];
  for (const [files, want] of cases) {
    const r = findMainFile(tree(files));
    assert.ok(r.ok);
    assert.equal(r.value, want, JSON.stringify(Object.keys(files)));
  }
});

test('\\input: with or without .tex, nested, \\subfile bodies, \\import; cycles and missing files are warnings', () => {
  const files = {
    'main.tex':
      '\\documentclass{article}\\begin{document}\\input{a}\\input b.tex \\subfile{c}\\import{d/}{e}\\input{self}\\input{missing}\\end{document}',
    'a.tex': '\\section{A}\\input{sub/aa}',
    'sub/aa.tex': '\\section{AA}',
    'b.tex': '\\section{B}',
    'c.tex': '\\documentclass[main.tex]{subfiles}\\begin{document}\\section{C}\\end{document}',
    'd/e.tex': '\\section{E}',
    'self.tex': '\\section{Self}\\input{self}',
  };
  const src = loadLatex(tree(files), 'main.tex');
  assert.ok(src.ok);
  const p = latexToPaper(src.value, { location: 'mem' });
  assert.deepEqual(
    p.sections.map((s) => s.title),
    ['A', 'AA', 'B', 'C', 'E', 'Self'],
  );
  assert.equal(p.warnings.length, 2, p.warnings.join('\n'));
  assert.match(p.warnings.join('\n'), /\\input\{self\}: inputs itself/);
  assert.match(p.warnings.join('\n'), /\\input\{missing\}: file not found/);
});

test('an e-print path cannot leave its tree', () => {
  const t = tree({ 'main.tex': 'x' });
  assert.equal(t.read('../etc/passwd'), undefined);
  assert.equal(t.read('/etc/passwd'), undefined);
});

test('authors: \\and / \\And blocks, comma lists, superscript marks, ICML and IEEE forms', () => {
  const cases: [string, string, string[]][] = [
    ['', '\\author{Jane Roe$^{1}$, John Doe$^{2*}$ \\\\ $^1$MIT \\quad $^2$CMU}', ['Jane Roe', 'John Doe']],
    ['', '\\author{A One\\inst{1} \\and B Two\\inst{2}}', ['A One', 'B Two']],
    ['\\icmlauthor{Ada Byron}{aff} \\icmlauthor{Bo Li}{aff}', '', ['Ada Byron', 'Bo Li']],
    ['', '\\author{\\IEEEauthorblockN{Ann Lee}\\IEEEauthorblockA{Dept. \\\\ Uni} \\and \\IEEEauthorblockN{Tom Wu}}', ['Ann Lee', 'Tom Wu']],
    ['', '\\author{\\textbf{Li Wei} \\quad \\textbf{Sara Kim} \\\\ Lab}', ['Li Wei', 'Sara Kim']],
    ['', '\\author{Ana Ruiz\\inst{1}\\orcidID{0000-0001-2345-6789} \\and Ben Ode\\inst{2}}', ['Ana Ruiz', 'Ben Ode']],
    ['', '\\author[1]{Cy Dee}\\author[2]{Eve Fox}\\affil[1]{Uni A}\\affil[2]{Uni B}', ['Cy Dee', 'Eve Fox']],
  ];
  for (const [body, preamble, want] of cases) assert.deepEqual(doc(body, preamble).authors, want, preamble || body);
});

test('conference style: ICML title block, theorem counters, cleveref names, \\( \\) math, no layout debris', () => {
  const p = doc(
    `\\twocolumn[
\\icmltitle{A Title in a Block}
\\begin{icmlauthorlist}\\icmlauthor{Ann One}{equal,a}\\icmlauthor{Bob Two}{a}\\end{icmlauthorlist}
\\icmlaffiliation{a}{Somewhere}
\\vskip 0.3in
]
\\section{Intro}
\\section{Theory}
\\begin{lemma}\\label{lem:a} True.\\end{lemma}
\\begin{theorem}[Main]\\label{thm:b} Also true.\\end{theorem}
\\begin{equation}\\label{eq:x} x = 1 \\end{equation}
By \\cref{lem:a}, \\Cref{thm:b}, \\autoref{eq:x} and \\cref{eq:x}, with \\(\\beta \\in \\{0, 1\\}\\).`,
    '\\usepackage[capitalize]{cleveref}\\newtheorem{theorem}{Theorem}[section]\\newtheorem{lemma}[theorem]{Lemma}',
  );
  assert.equal(p.title, 'A Title in a Block');
  assert.deepEqual(p.authors, ['Ann One', 'Bob Two']);
  assert.deepEqual(
    p.equations.map((e) => [e.number, e.label]),
    [['1', 'eq:x']],
    'a theorem label does not land on an equation',
  );
  assert.ok(
    p.passages.some((x) => x.text === 'By Lemma 2.1, Theorem 2.2, Equation 1 and Eq. (1), with β ∈ {0, 1}.'),
    JSON.stringify(p.passages.map((x) => x.text)),
  );
  assert.ok(
    p.passages.every((x) => x.kind === 'equation' || /[a-z]{2}/i.test(x.text)),
    'no "[" or "0.3in]" passages',
  );
});

test('algorithm2e captions read "Algorithm 1: …"; figure* and wrapfigure share the figure counter; \\captionof counts', () => {
  const p = doc(
    '\\begin{algorithm}[t]\\caption{Train}\\label{alg:t}\\end{algorithm}' +
      '\\begin{figure*}\\caption{Wide}\\end{figure*}\\begin{wrapfigure}{r}{0.4\\linewidth}\\caption{Narrow}\\end{wrapfigure}' +
      '\\begin{minipage}{\\linewidth}\\captionof{table}{Loose}\\label{tab:l}\\end{minipage}',
    '\\usepackage[ruled]{algorithm2e}',
  );
  assert.deepEqual(
    [...p.algorithms, ...p.figures, ...p.tables].map((c) => [c.text, c.label ?? '']),
    [
      ['Algorithm 1: Train', 'alg:t'],
      ['Figure 1: Wide', ''],
      ['Figure 2: Narrow', ''],
      ['Table 1: Loose', 'tab:l'],
    ],
  );
});

test('a bibliography written in the document numbers \\cite as the compiled one would, in \\bibitem order', () => {
  const paper = doc(
    [
      '\\section{Intro}',
      'Gates help \\cite{hochreiter1997,cho2014}; so does depth \\citep{he2016}, unlike \\cite{nobody}.',
      '\\begin{thebibliography}{9}',
      '% \\bibitem{commented} is not an item',
      '\\bibitem{cho2014} K. Cho. Learning phrase representations. 2014.',
      '\\bibitem[He et al.(2016)]{he2016} K. He. Deep residual learning. 2016.',
      '\\bibitem{hochreiter1997} S. Hochreiter. Long short-term memory. 1997.',
      '\\end{thebibliography}',
    ].join('\n'),
  );
  const text = paper.passages.map((p) => p.text).join('\n');
  assert.match(text, /Gates help \[3, 1\]; so does depth \[2\], unlike \[nobody\]\./);
});
