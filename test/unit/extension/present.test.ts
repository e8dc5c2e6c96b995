import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResolvedRef, TagResolution } from '../../../src/core/citations/resolve';
import { equationLatex, hoverMarkdown, lensTitle, revealTargetFor } from '../../../src/extension/citations/present';

const section: ResolvedRef = {
  resolved: true,
  kind: 'section',
  number: '3.2',
  label: '§3.2',
  title: 'Multi-Head Attention',
  heading: '3.2 Multi-Head Attention',
  page: 4,
  text: '3.2 Multi-Head Attention\nInstead of performing a single attention function …',
  section: '3.2',
  id: 'sec:3.2',
  anchors: [
    { page: 4, rects: [{ x: 72, y: 500, width: 200, height: 12 }] },
    { page: 5, rects: [{ x: 72, y: 700, width: 200, height: 40 }] },
  ],
};
const equation: ResolvedRef = {
  resolved: true,
  kind: 'equation',
  number: '1',
  label: 'Eq. 1',
  title: 'Equation 1',
  heading: 'Eq. 1',
  page: 4,
  text: 'Attention(Q, K, V) = softmax(QK^T / sqrt(d_k)) V',
  section: '3.2',
  id: 'eq:1',
  anchors: [{ page: 4, rects: [{ x: 90, y: 300, width: 300, height: 14 }] }],
};
const ok = (refs: ResolvedRef[]): TagResolution => ({
  tag: { raw: '', start: 0, end: 0, refs: [] },
  resolved: true,
  refs,
  reasons: [],
  suggestions: [],
});

test('the CodeLens names the section with its title, the equation, and the first page', () => {
  assert.equal(lensTitle(ok([section, equation])), '§3.2 Multi-Head Attention, Eq. 1 · p. 4');
});

test("a broken tag's lens says why", () => {
  const broken: TagResolution = { ...ok([]), resolved: false, reason: 'Eq. 2 is in §4, not §3', reasons: ['Eq. 2 is in §4, not §3'] };
  assert.equal(lensTitle(broken), '$(warning) Eq. 2 is in §4, not §3');
  assert.match(hoverMarkdown(broken), /Broken citation:\*\* Eq\. 2 is in §4, not §3/);
});

test("the reveal target is the first page the reference stands on, with only that page's rectangles", () => {
  assert.deepEqual(revealTargetFor(section), { page: 4, rects: [{ x: 72, y: 500, width: 200, height: 12 }], label: '§3.2' });
});

test('a found quote is revealed where it stands, not at the section heading', () => {
  const withQuote: TagResolution = {
    ...ok([section]),
    quote: { found: true, page: 5, anchors: [{ page: 5, rects: [{ x: 72, y: 700, width: 200, height: 40 }] }] },
  };
  assert.equal(revealTargetFor(section, withQuote)?.page, 5);
});

test('the hover shows an equation as a code block and escapes Markdown in passage text', () => {
  const md = hoverMarkdown(ok([equation]), () => 'command:x');
  assert.match(md, /```text\nAttention\(Q, K, V\) = softmax\(QK\^T \/ sqrt\(d_k\)\) V\n```/);
  assert.match(md, /\[Open in paper\]\(command:x\)/);
  const sectionMd = hoverMarkdown(ok([{ ...section, text: 'uses *stars* and [links]' }]));
  assert.match(sectionMd, /uses \\\*stars\\\* and \\\[links\\\]/);
});

test('a quoted passage that runs onto the next page is marked on both pages; a whole section only where it starts', () => {
  const eq = {
    resolved: true,
    kind: 'equation',
    number: '3',
    label: 'Eq. 3',
    title: 'Equation 3',
    heading: 'Eq. 3',
    page: 4,
    text: 'x',
    section: '2',
    id: 'eq:3',
    anchors: [
      { page: 4, rects: [{ x: 72, y: 80, width: 200, height: 12 }] },
      { page: 5, rects: [{ x: 72, y: 700, width: 200, height: 12 }] },
    ],
  } as const;
  assert.deepEqual(revealTargetFor(eq as never), {
    page: 4,
    rects: [{ x: 72, y: 80, width: 200, height: 12 }],
    continued: [{ page: 5, rects: [{ x: 72, y: 700, width: 200, height: 12 }] }],
    label: 'Eq. 3',
  });
  const section = { ...eq, kind: 'section', label: '§2' };
  assert.equal(revealTargetFor(section as never)?.continued, undefined);
});

test('the hover shows a cited equation typeset (MathJax SVG), then its text; LaTeX that does not typeset falls back to the text', async () => {
  const { mathSvg, svgDataUri } = await import('../../../src/core/paper/mathSvg');
  const svg = mathSvg('\\mathrm{softmax}\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right)V', { color: '#d4d4d4' });
  assert.ok(svg.ok);
  assert.match(svg.value, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(svg.value.includes('#d4d4d4') && !svg.value.includes('currentColor'), 'drawn in the colour asked for');
  const broken = mathSvg('\\frac{a}{');
  assert.equal(broken.ok, false);
  assert.match(mathSvg('\\notamacro{x}').ok ? '' : 'undefined macro refused', /refused/);
  const eq = {
    resolved: true,
    kind: 'equation',
    number: '1',
    label: 'Eq. 1',
    title: 'Equation 1',
    heading: 'Eq. 1',
    page: 1,
    text: 'Attention(Q, K, V) = softmax(QK^T / sqrt(d_k)) V',
    section: '2',
    id: 'eq:1',
    anchors: [],
  } as const;
  const resolution = { resolved: true, refs: [eq], suggestions: [] } as never;
  const md = hoverMarkdown(resolution, undefined, () => svgDataUri(svg.value));
  assert.match(md, /^\*\*Eq\. 1\*\* · p\. 1 · in §2\n\n!\[Eq\. 1\]\(data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+\)\n\n```text\nAttention/);
  assert.doesNotMatch(
    hoverMarkdown(resolution, undefined, () => undefined),
    /!\[/,
  );
});

test('the LaTeX of an equation: the source’s when there is one, else the display rebuilt from the PDF', () => {
  const ref = { id: 'eq:4', number: '4' } as never;
  const paper = (latex: string | undefined, passageLatex: string | undefined) =>
    ({
      equations: [{ id: 'eq:4', number: '4', ...(latex ? { latex } : {}) }],
      passages: [{ kind: 'equation', equationNumbers: ['4'], ...(passageLatex ? { latex: passageLatex } : {}) }],
    }) as never;
  assert.equal(equationLatex(paper('h = Wx + b', 'h=W x+b'), ref), 'h = Wx + b');
  assert.equal(equationLatex(paper(undefined, 'h=W x+b'), ref), 'h=W x+b');
  assert.equal(equationLatex(paper(undefined, 'y = softmax(x) + \\frac{a}{b}'), ref), 'y = \\mathrm{softmax}(x) + \\frac{a}{b}');
  assert.equal(equationLatex(paper(undefined, undefined), ref), undefined);
});

test('a paper read from LaTeX alone has no pages: the hover names no page rather than "p. 0"', () => {
  const md = hoverMarkdown(ok([{ ...section, page: 0, anchors: [] }]));
  assert.doesNotMatch(md, /p\. 0/);
  assert.match(md, /\*\*§/);
});
