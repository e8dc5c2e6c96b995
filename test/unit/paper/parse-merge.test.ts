// Merging source structure with PDF positions, on hand-made papers: what is matched by
// number and title, what by number alone, and what stays without a page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSourceWithPdf } from '../../../src/core/paper/merge';
import type { Paper, Passage, Section } from '../../../src/core/paper/model';
import { PAPER_SCHEMA_VERSION } from '../../../src/core/paper/model';

const R = (y: number) => [{ x: 72, y, width: 200, height: 12 }];

function paper(kind: 'pdf' | 'latex', parts: Partial<Paper>): Paper {
  return {
    schemaVersion: PAPER_SCHEMA_VERSION,
    id: 'sha256:x',
    source: { kind, location: 'x', sha256: kind === 'pdf' ? 'pdfhash' : 'texhash' },
    title: '',
    authors: [],
    abstract: '',
    pageCount: kind === 'pdf' ? 3 : 0,
    pages: kind === 'pdf' ? [1, 2, 3].map(() => ({ width: 612, height: 792 })) : [],
    sections: [],
    equations: [],
    figures: [],
    tables: [],
    algorithms: [],
    passages: [],
    warnings: [],
    ...parts,
  };
}

const sec = (id: string, number: string, title: string, page = 0, level = 1): Section => ({
  id,
  number,
  title,
  level,
  page,
  rects: page ? R(700 - page) : [],
});

test('sections match by number and title (ligatures, small caps and case do not matter), unnumbered ones by title', () => {
  const source = paper('latex', {
    title: 'Exact Title',
    sections: [
      sec('sec:1', '1', 'Introduction'),
      sec('sec:2', '2', 'Efficient Fine-tuning'),
      sec('sec:2.1', '2.1', 'Setup', 0, 2),
      sec('sec:acknowledgements', '', 'Acknowledgements'),
      sec('sec:A', 'A', 'Proofs'),
    ],
  });
  const pdf = paper('pdf', {
    title: 'exact title?',
    sections: [
      sec('sec:1', '1', 'INTRODUCTION', 1),
      sec('sec:2', '2', 'Eﬃcient Fine-Tuning', 2),
      sec('sec:acknowledgments', '', 'Acknowledgements', 3),
      sec('sec:A', 'A', 'Proofs', 3),
    ],
    passages: [
      { id: 'p1', kind: 'paragraph', sectionId: 'sec:2', text: 't', page: 2, anchors: [{ page: 2, rects: R(500) }] },
      { id: 'p2', kind: 'paragraph', sectionId: 'sec:acknowledgments', text: 'thanks', page: 3, anchors: [{ page: 3, rects: R(400) }] },
    ],
  });
  const m = mergeSourceWithPdf(source, pdf, { location: '2401.1', arxivId: '2401.00001v1' });
  assert.deepEqual(
    m.sections.map((s) => [s.id, s.page]),
    [
      ['sec:1', 1],
      ['sec:2', 2],
      ['sec:2.1', 0],
      ['sec:acknowledgements', 3],
      ['sec:A', 3],
    ],
  );
  assert.deepEqual(m.sections[0]!.rects, R(699));
  assert.equal(m.title, 'Exact Title', 'the source spells the title exactly');
  assert.deepEqual(
    m.passages.map((p) => p.sectionId),
    ['sec:2', 'sec:acknowledgements'],
    'passages point at merged section ids',
  );
  assert.equal(m.pageCount, 3);
  assert.deepEqual(m.source, { kind: 'arxiv', location: '2401.1', arxivId: '2401.00001v1', sha256: 'pdfhash' });
  assert.equal(m.id, 'arxiv:2401.00001v1');
  assert.match(m.warnings.join('\n'), /1 of 5 sections from the LaTeX source not found in the PDF, so without a page: 2\.1/);
});

test('a number whose title the PDF garbled still matches when no other source title fits; a wrong title does not', () => {
  const source = paper('latex', { sections: [sec('sec:1', '1', 'Introduction'), sec('sec:2', '2', 'Method')] });
  const pdf = paper('pdf', { sections: [sec('sec:1', '1', 'Intro duc tion', 1), sec('sec:2', '2', 'Introduction', 2)] });
  const m = mergeSourceWithPdf(source, pdf, { location: 'x', arxivId: 'x' });
  assert.deepEqual(
    m.sections.map((s) => s.page),
    [1, 0],
  );
});

test('equations and captions match by number; LaTeX and source text stay; PDF positions come in', () => {
  const source = paper('latex', {
    equations: [
      { id: 'eq:1', number: '1', section: '2', page: 0, rects: [], text: 'a = b', latex: 'a = b', label: 'eq:a' },
      { id: 'eq:2a', number: '2a', section: '2', page: 0, rects: [], text: 'c', latex: 'c' },
      { id: 'eq:3', number: '3', section: '2', page: 0, rects: [], text: 'd', latex: 'd' },
    ],
    figures: [{ id: 'fig:1', kind: 'figure', number: '1', section: '1', page: 0, rects: [], text: 'Figure 1: X.', label: 'fig:x' }],
    tables: [{ id: 'tab:1', kind: 'table', number: '1', section: '1', page: 0, rects: [], text: 'Table 1: Y.' }],
  });
  const pdf = paper('pdf', {
    equations: [
      { id: 'e1', number: '(1)', section: '2', page: 2, rects: R(300), text: 'a = b' },
      { id: 'e2', number: '2a', section: '2', page: 3, rects: R(200), text: 'c' },
    ],
    figures: [{ id: 'f1', kind: 'figure', number: '1', section: '1', page: 1, rects: R(100), text: 'Figure 1: X.' }],
  });
  const m = mergeSourceWithPdf(source, pdf, { location: 'x', arxivId: 'x' });
  assert.deepEqual(
    m.equations.map((e) => [e.number, e.page, e.latex, e.label]),
    [
      ['1', 2, 'a = b', 'eq:a'],
      ['2a', 3, 'c', undefined],
      ['3', 0, 'd', undefined],
    ],
  );
  assert.deepEqual(
    m.figures.map((f) => [f.page, f.label]),
    [[1, 'fig:x']],
  );
  assert.deepEqual(
    m.tables.map((t) => t.page),
    [0],
  );
  assert.match(m.warnings.join('\n'), /1 of 3 equations .*\(3\)/);
});

test('a PDF without passages (no text layer) keeps the source passages', () => {
  const source = paper('latex', { passages: [{ id: 'p:1', kind: 'paragraph', sectionId: 'sec:1', text: 'words', page: 0, anchors: [] }] });
  const m = mergeSourceWithPdf(source, paper('pdf', {}), { location: 'x', arxivId: 'x' });
  assert.deepEqual(
    m.passages.map((p) => p.text),
    ['words'],
  );
});

test('a heading the source and the PDF number differently is placed by its title, with a warning', () => {
  const source = paper('latex', {
    sections: [sec('sec:1', '1', 'Introduction'), sec('sec:2', '2', 'Related Work'), sec('sec:3', '3', 'Method')],
  });
  const pdf = paper('pdf', { sections: [sec('sec:1', '1', 'Introduction', 1), sec('sec:2', '2', 'Method', 2)] });
  const m = mergeSourceWithPdf(source, pdf, { location: 'x', arxivId: 'x' });
  assert.deepEqual(
    m.sections.map((s) => [s.number, s.page]),
    [
      ['1', 1],
      ['2', 0],
      ['3', 2],
    ],
  );
  assert.match(m.warnings.join('\n'), /section "Method": the LaTeX source numbers it 3, the PDF shows 2/);
});

test('what the PDF reader missed is placed on the page of its text, never on a mere mention', () => {
  const source = paper('latex', {
    sections: [sec('sec:1', '1', 'Intro'), sec('sec:1.1', '1.1', 'Details', 0, 2), sec('sec:2', '2', 'Next')],
    equations: [
      { id: 'eq:1', number: '1', section: '1', page: 0, rects: [], text: 'a' },
      { id: 'eq:2', number: '2', section: '1', page: 0, rects: [], text: 'b' },
    ],
    algorithms: [{ id: 'alg:1', kind: 'algorithm', number: '1', section: '1', page: 0, rects: [], text: 'Algorithm 1 Train' }],
  });
  const pass = (id: string, kind: Passage['kind'], page: number, text: string): Passage => ({
    id,
    kind,
    sectionId: '',
    text,
    page,
    anchors: [{ page, rects: R(100) }],
  });
  const pdf = paper('pdf', {
    sections: [sec('sec:1', '1', 'Intro', 1), sec('sec:2', '2', 'Next', 3)],
    passages: [
      pass('a', 'paragraph', 1, 'As Eq. (2) and Algorithm 1 show, details follow in Section 1.1 Details.'),
      pass('b', 'paragraph', 2, '1.1 Details We now...'),
      pass('c', 'paragraph', 2, 'x = y (1)'),
      pass('d', 'equation', 2, 'z = w (2) (3)'),
      pass('e', 'paragraph', 3, 'Algorithm 1 Train'),
    ],
  });
  const m = mergeSourceWithPdf(source, pdf, { location: 'x', arxivId: 'x' });
  assert.deepEqual(
    m.sections.map((s) => [s.number, s.page, s.rects.length]),
    [
      ['1', 1, 1],
      ['1.1', 2, 0],
      ['2', 3, 1],
    ],
  );
  assert.deepEqual(
    m.equations.map((e) => [e.number, e.page, e.rects.length]),
    [
      ['1', 2, 0],
      ['2', 2, 0],
    ],
  );
  assert.deepEqual(
    m.algorithms.map((a) => a.page),
    [3],
  );
});
