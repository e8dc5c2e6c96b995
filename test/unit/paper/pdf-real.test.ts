// Real papers (ACL Anthology, CC BY 4.0) from ../shared/papers, checked against what the PDF
// prints (verified page by page with pdftotext) and against GROBID's TEI beside each PDF.
// Where GROBID is wrong the test says so instead of copying the mistake.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Paper } from '../../../src/core/paper/model';
import { parsePdf } from '../../../src/core/paper/pdf';

const PAPERS = path.resolve(process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd(), '../shared/papers');
const skip = fs.existsSync(PAPERS) ? false : `no real papers at ${PAPERS} (../shared/papers is absent on this machine)`;

const cache = new Map<string, Promise<Paper>>();
function read(name: string): Promise<Paper> {
  let p = cache.get(name);
  if (!p) {
    p = (async () => {
      const file = path.join(PAPERS, name);
      const r = await parsePdf(new Uint8Array(fs.readFileSync(file)), { location: file });
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      return r.value;
    })();
    cache.set(name, p);
  }
  return p;
}

/** GROBID's numbered heads: [n, title] from `<head n="3.2">Title</head>`. */
function teiHeads(name: string): [string, string][] {
  const xml = fs.readFileSync(path.join(PAPERS, name.replace(/\.pdf$/, '.tei.xml')), 'utf8');
  return [...xml.matchAll(/<head n="([^"]+)">([^<]*)<\/head>/g)].map((m) => [m[1]!, m[2]!]);
}

/** GROBID's equation labels: "(1)" → "1". */
function teiEquationLabels(name: string): string[] {
  const xml = fs.readFileSync(path.join(PAPERS, name.replace(/\.pdf$/, '.tei.xml')), 'utf8');
  return [...xml.matchAll(/<formula[^>]*>.*?<label>\(([^)]+)\)<\/label><\/formula>/g)].map((m) => m[1]!);
}

function numbered(paper: Paper): [string, string, number][] {
  return paper.sections.filter((s) => s.number).map((s) => [s.number, s.title, s.page]);
}

test('N18-3011 (Semantic Scholar literature graph): title, authors and abstract', { skip }, async () => {
  const paper = await read('N18-3011.pdf');
  assert.equal(paper.title, 'Construction of the Literature Graph in Semantic Scholar');
  assert.equal(paper.authors.length, 23);
  assert.deepEqual(paper.authors.slice(0, 3), ['Waleed Ammar', 'Dirk Groeneveld', 'Chandra Bhagavatula']);
  assert.equal(paper.authors[22], 'Oren Etzioni');
  assert.match(
    paper.abstract,
    /^We describe a deployed scalable system for organizing published scientific literature into a heterogeneous graph/,
  );
  assert.match(paper.abstract, /used to enable semantic features in www\.semanticscholar\.org\.$/);
});

test('N18-3011: every numbered section heading with its number, title and page', { skip }, async () => {
  const paper = await read('N18-3011.pdf');
  assert.deepEqual(numbered(paper), [
    ['1', 'Introduction', 1],
    ['2', 'Structure of The Literature Graph', 2],
    ['2.1', 'Node Types', 2],
    ['2.2', 'Edge Types', 2],
    ['3', 'Extracting Metadata', 2],
    ['4', 'Entity Extraction and Linking', 4],
    ['4.1', 'Approaches', 4],
    ['4.2', 'Entity Extraction Models', 4],
    ['4.3', 'Knowledge Bases', 5],
    ['4.4', 'Entity Linking Models', 5],
    ['5', 'Other Research Problems', 6],
    ['6', 'Conclusion and Future Work', 7],
  ]);
  // GROBID agrees on every numbered head of this paper.
  assert.deepEqual(
    numbered(paper).map(([n, t]) => [n, t]),
    teiHeads('N18-3011.pdf'),
  );
  const refs = paper.sections.find((s) => s.id === 'sec:references');
  assert.equal(refs?.page, 8);
  assert.equal(refs?.level, 1);
});

test('N18-3011: no numbered equations, because the paper prints none', { skip }, async () => {
  const paper = await read('N18-3011.pdf');
  // GROBID finds three display formulas (the LSTM equations of §4.2 and the mention
  // features of §4.4) but none carries a printed number, so none can be cited as "Eq. n".
  assert.deepEqual(teiEquationLabels('N18-3011.pdf'), []);
  assert.deepEqual(paper.equations, []);
  assert.deepEqual(
    paper.tables.map((t) => [t.number, t.page]),
    [
      ['1', 3],
      ['2', 4],
      ['3', 5],
      ['4', 6],
    ],
  );
  assert.deepEqual(
    paper.figures.map((f) => [f.number, f.page, f.text]),
    [['1', 1, 'Figure 1: Part of the literature graph.']],
  );
});

test('SPECTER (2020.acl-main.207): title, authors, abstract, letter-spaced small capitals', { skip }, async () => {
  const paper = await read('2020.acl-main.207.pdf');
  assert.equal(paper.title, 'SPECTER: Document-level Representation Learning using Citation-informed Transformers');
  assert.deepEqual(paper.authors, ['Arman Cohan', 'Sergey Feldman', 'Iz Beltagy', 'Doug Downey', 'Daniel S. Weld']);
  assert.match(paper.abstract, /^Representation learning is a critical ingredient for natural language processing systems\./);
  // "S PECTER" and "S CI D OCS" are small capitals in two font sizes; pdftotext splits them.
  assert.match(paper.abstract, /We propose SPECTER, a new method/);
  assert.match(paper.abstract, /we introduce SCIDOCS, a new evaluation benchmark/);
  assert.match(paper.abstract, /outperforms a variety of competitive baselines on the benchmark\.1$/);
});

test('SPECTER: every numbered section heading, where GROBID merges and misreads some', { skip }, async () => {
  const paper = await read('2020.acl-main.207.pdf');
  assert.deepEqual(numbered(paper), [
    ['1', 'Introduction', 1],
    ['2', 'Model', 2],
    ['2.1', 'Overview', 2],
    ['2.2', 'Background: Pretrained Transformers', 2],
    ['2.3', 'Citation-Based Pretraining Objective', 3],
    ['2.4', 'Selecting Negative Distractors', 3],
    ['2.5', 'Inference', 3],
    ['3', 'SCIDOCS Evaluation Framework', 3],
    ['3.1', 'Document Classification', 4],
    ['3.2', 'Citation Prediction', 4],
    ['3.3', 'User Activity', 4],
    ['3.4', 'Recommendation', 5],
    ['4', 'Experiments', 5],
    ['5', 'Results', 6],
    ['6', 'Analysis', 7],
    ['7', 'Related Work', 8],
    ['8', 'Conclusions and Future Work', 9],
    ['A', 'Appendix A - Baseline Details', 12],
  ]);
  const grobid = teiHeads('2020.acl-main.207.pdf');
  // GROBID's mistakes on this paper, each checked against the PDF:
  // - it merges "2 Model" and "2.1 Overview" (two lines) into one head "Model 2.1 Overview";
  assert.deepEqual(
    grobid.find(([n]) => n === '2'),
    ['2', 'Model 2.1 Overview'],
  );
  // - it takes the appendix list item "5. ELMo ELMo (Peters et al., 2018) provides ..." for a head;
  assert.deepEqual(
    grobid.find(([n]) => n === '5.'),
    ['5.', 'ELMo ELMo'],
  );
  // - it misses the appendix heading "A Appendix A - Baseline Details" on page 12.
  assert.equal(
    grobid.find(([n]) => n === 'A'),
    undefined,
  );
  // Everything else GROBID numbers, we find with the same number and title.
  const ours = new Map(numbered(paper).map(([n, t]) => [n, t]));
  for (const [n, t] of grobid) {
    if (n === '2' || n === '5.') continue;
    assert.equal(ours.get(n), t, `§${n}`);
  }
  assert.deepEqual(
    paper.sections.filter((s) => !s.number).map((s) => [s.id, s.title, s.page]),
    [
      ['sec:acknowledgements', 'Acknowledgements', 9],
      ['sec:references', 'References', 9],
    ],
  );
});

test('SPECTER: numbered equations with number, section, page and where they stand', { skip }, async () => {
  const paper = await read('2020.acl-main.207.pdf');
  assert.deepEqual(
    paper.equations.map((e) => [e.number, e.section, e.page]),
    [
      ['1', '2.2', 2],
      ['2', '2.3', 3],
    ],
  );
  // GROBID labels only (1); the "(2)" of the triplet loss ends up inside its formula text.
  assert.deepEqual(teiEquationLabels('2020.acl-main.207.pdf'), ['1']);
  const [e1, e2] = paper.equations as [Paper['equations'][0], Paper['equations'][0]];
  assert.equal(e1.text, 'v = Transformer(input)[CLS],');
  assert.match(e2.text, /^L = max\{\(d \(PQ, P\+\) − d \(PQ, P−\) \+ m\), 0\}$/);
  // Eq. 1 stands in the right column of page 2, Eq. 2 in the left column of page 3 (A4 pages).
  assert.ok(
    e1.rects.every((r) => r.x > 297 && r.y > 200 && r.y < 260),
    JSON.stringify(e1.rects),
  );
  assert.ok(
    e2.rects.every((r) => r.x + r.width < 297 && r.y > 330 && r.y < 370),
    JSON.stringify(e2.rects),
  );
  // The number's own rect sits at the right edge of the column.
  assert.ok(e1.rects.some((r) => Math.abs(r.x - 512.8) < 1 && r.width < 15));
});

test('SPECTER: captions, and a paragraph that runs from page 1 to page 2', { skip }, async () => {
  const paper = await read('2020.acl-main.207.pdf');
  assert.deepEqual(
    [...paper.figures, ...paper.tables].map((c) => [c.id, c.section, c.page]),
    [
      ['fig:1', '2.1', 2],
      ['fig:2', '6', 8],
      ['tab:1', '5', 7],
      ['tab:2', '6', 7],
      ['tab:3', '6', 8],
    ],
  );
  const p = paper.passages.find((x) => x.text.startsWith('In this paper, we introduce a new method for learning general-purpose vector'))!;
  assert.deepEqual(
    p.anchors.map((a) => a.page),
    [1, 2],
  );
  assert.match(p.text, /substantially outperform the state-of-the-art on a variety of document-level tasks/);
  // Page numbers at the foot of each page are furniture, not passages.
  assert.ok(!paper.passages.some((x) => /^22\d\d$/.test(x.text)));
});
