// The reader against a paper whose truth is known: the project writes a two-column PDF with
// pdf-lib (test/fixtures/synthetic/make-pdf.ts) and records where it drew every line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import type { Paper, Rect } from '../../../src/core/paper/model';
import { parsePdf } from '../../../src/core/paper/pdf';
import type { DrawnLine, SyntheticPaper } from '../../fixtures/synthetic/make-pdf';
import { makeSyntheticPaper } from '../../fixtures/synthetic/make-pdf';

// Glyph boxes reach 0.2 em below the baseline (pdf.js's default descent for the standard fonts).
const BODY_DESCENT = 2.5;

let truth: SyntheticPaper;
let paper: Paper;

before(async () => {
  truth = await makeSyntheticPaper();
  // Written to disk and read back, as a user's file would be.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'papertrail-synthetic-'));
  const file = path.join(dir, 'synthetic.pdf');
  fs.writeFileSync(file, truth.bytes);
  const result = await parsePdf(new Uint8Array(fs.readFileSync(file)), { location: file });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  paper = result.value;
});

/** A rect that holds the drawn line tightly: same left and right edges, around its baseline. */
function fits(r: Rect, line: DrawnLine, tol = 1.5): boolean {
  return (
    Math.abs(r.x - line.x) <= tol &&
    Math.abs(r.x + r.width - (line.x + line.width)) <= tol &&
    r.y <= line.y &&
    r.y >= line.y - line.size * 0.4 &&
    r.y + r.height >= line.y + line.size * 0.6 &&
    r.height <= line.size * 1.3
  );
}

/**
 * A rect that holds the drawn line among others of its paragraph: the same left and right
 * edges, reaching over the line's glyphs. Justified lines share one rect.
 */
function spans(r: Rect, line: DrawnLine, tol = 1.5): boolean {
  return (
    Math.abs(r.x - line.x) <= tol &&
    Math.abs(r.x + r.width - (line.x + line.width)) <= tol &&
    r.y <= line.y - line.size * 0.1 &&
    r.y + r.height >= line.y + line.size * 0.6
  );
}

/** A rect that contains the drawn box (equations, whose rows and number are rects of their own). */
function holds(r: Rect, line: DrawnLine, tol = 1.5): boolean {
  return r.x <= line.x + tol && r.x + r.width >= line.x + line.width - tol && r.y <= line.y && r.y + r.height >= line.y + line.size * 0.6;
}

function columnOf(line: DrawnLine): string {
  return `${line.page}:${line.column}`;
}

test('title, authors and abstract are read from the first page', () => {
  assert.equal(paper.title, truth.title);
  assert.deepEqual(paper.authors, truth.authors);
  assert.equal(paper.abstract, truth.abstract);
  assert.equal(paper.pageCount, truth.pageCount);
  assert.deepEqual(paper.pages[0], { width: 612, height: 792 });
});

test('every heading is found with its number, title, level, page and id', () => {
  const want = truth.headings.map((h) => ({
    id: h.number ? `sec:${h.number}` : `sec:${h.title.toLowerCase()}`,
    number: h.number,
    title: h.title,
    level: h.level,
    page: h.line.page,
  }));
  const got = paper.sections.map(({ id, number, title, level, page }) => ({ id, number, title, level, page }));
  assert.deepEqual(got, want);
  assert.deepEqual(
    got.map((s) => s.number || s.title),
    ['1', '2', '2.1', '2.1.1', '3', 'Acknowledgements', 'References', 'A', 'A.1'],
  );
});

test('heading rects lie where the headings were drawn', () => {
  for (const h of truth.headings) {
    const s = paper.sections.find((x) => x.number === h.number && x.title === h.title)!;
    assert.equal(s.rects.length, 1);
    assert.ok(fits(s.rects[0]!, h.line), `${h.number} ${h.title}: ${JSON.stringify(s.rects[0])} vs drawn ${JSON.stringify(h.line)}`);
  }
});

test('numbered equations: number, section, page, and rects over every row and the number', () => {
  assert.deepEqual(
    paper.equations.map((e) => ({ number: e.number, section: e.section, page: e.page })),
    truth.equations.map((e) => ({ number: e.number, section: e.section, page: e.page })),
  );
  for (const e of truth.equations) {
    const got = paper.equations.find((x) => x.number === e.number)!;
    for (const row of [...e.rows, e.numberBox]) {
      assert.ok(
        got.rects.some((r) => holds(r, row)),
        `(${e.number}) row "${row.text}" not covered by ${JSON.stringify(got.rects)}`,
      );
    }
    // Nothing outside the equation: every rect lies within the drawn rows and number.
    const x0 = Math.min(...e.rows.map((r) => r.x)) - 2;
    const x1 = Math.max(e.numberBox.x + e.numberBox.width, ...e.rows.map((r) => r.x + r.width)) + 2;
    const y0 = Math.min(...e.rows.map((r) => r.y)) - 4;
    const y1 = Math.max(...e.rows.map((r) => r.y)) + 10;
    for (const r of got.rects)
      assert.ok(r.x >= x0 && r.x + r.width <= x1 && r.y >= y0 && r.y + r.height <= y1, `(${e.number}) stray rect ${JSON.stringify(r)}`);
    for (const row of e.rows) {
      for (const word of row.text.split(/\s+/).filter((w) => /\w{2}/.test(w)))
        assert.ok(got.text.includes(word), `(${e.number}) text "${got.text}" lacks "${word}"`);
    }
  }
  const fraction = paper.equations.find((e) => e.number === '2')!;
  assert.equal(fraction.text, 'exp(s_i) p_i = -------------- sum_j exp(s_j)');
});

test('figure, table and algorithm captions with number, section, page, text and rects', () => {
  const byKind = { figure: paper.figures, table: paper.tables, algorithm: paper.algorithms };
  for (const kind of ['figure', 'table', 'algorithm'] as const) {
    const want = truth.captions.filter((c) => c.kind === kind);
    assert.deepEqual(
      byKind[kind].map((c) => ({ id: c.id, number: c.number, section: c.section, page: c.page, text: c.text })),
      want.map((c) => ({
        id: `${kind === 'figure' ? 'fig' : kind === 'table' ? 'tab' : 'alg'}:${c.number}`,
        number: c.number,
        section: c.section,
        page: c.lines[0]!.page,
        text: c.text,
      })),
    );
    for (const c of want) {
      const got = byKind[kind].find((x) => x.number === c.number)!;
      for (const line of c.lines)
        assert.ok(
          got.rects.some((r) => spans(r, line)),
          `${kind} ${c.number}: ${JSON.stringify(got.rects)}`,
        );
    }
  }
  // The wide figure's caption spans both columns.
  const wide = paper.figures[0]!.rects[0]!;
  assert.ok(wide.x < 306 && wide.x + wide.width > 306);
});

test('paragraphs are passages with the text a reader would quote, in reading order', () => {
  const paragraphs = paper.passages.filter((p) => p.kind === 'paragraph');
  let last = -1;
  for (const drawn of truth.paragraphs) {
    const at = paragraphs.findIndex((p) => p.text === drawn.text);
    assert.ok(
      at >= 0,
      `no passage reads: ${drawn.text.slice(0, 80)}…\n got: ${paragraphs.map((p) => p.text.slice(0, 60)).join('\n      ')}`,
    );
    assert.ok(at > last, `out of reading order: ${drawn.text.slice(0, 60)}`);
    last = at;
    const p = paragraphs[at]!;
    const sectionNumber = paper.sections.find((s) => s.id === p.sectionId)?.number ?? '';
    assert.equal(sectionNumber, drawn.sectionNumber, drawn.text.slice(0, 40));
  }
  assert.equal(paragraphs.length, truth.paragraphs.length, 'no extra paragraphs (headers, page numbers, table cells)');
});

test('a paragraph that crosses a column or a page keeps one anchor per column, its rects on its lines', () => {
  let crossings = 0;
  let pageCrossings = 0;
  for (const drawn of truth.paragraphs) {
    const p = paper.passages.find((x) => x.text === drawn.text)!;
    const columns = [...new Set(drawn.lines.map(columnOf))];
    assert.equal(p.anchors.length, columns.length, drawn.text.slice(0, 50));
    assert.deepEqual(
      p.anchors.map((a) => a.page),
      columns.map((c) => Number(c.split(':')[0])),
    );
    assert.equal(p.page, drawn.lines[0]!.page);
    for (const line of drawn.lines) {
      const anchor = p.anchors[columns.indexOf(columnOf(line))]!;
      assert.ok(
        anchor.rects.some((r) => spans(r, line)),
        `line "${line.text.slice(0, 40)}" p${line.page}: ${JSON.stringify(anchor.rects.slice(0, 3))}`,
      );
    }
    // Nothing beyond the lines: each rect lies within the drawn lines of its column.
    for (const [k, anchor] of p.anchors.entries()) {
      const mine = drawn.lines.filter((l) => columnOf(l) === columns[k]);
      const x0 = Math.min(...mine.map((l) => l.x)) - 1.5;
      const x1 = Math.max(...mine.map((l) => l.x + l.width)) + 1.5;
      const y0 = Math.min(...mine.map((l) => l.y)) - BODY_DESCENT;
      const y1 = Math.max(...mine.map((l) => l.y)) + 10;
      for (const r of anchor.rects)
        assert.ok(r.x >= x0 && r.x + r.width <= x1 && r.y >= y0 && r.y + r.height <= y1, `stray rect ${JSON.stringify(r)}`);
    }
    // Justified lines share rects: an indented first line, the block, a short last line, and
    // the odd line that a logo or letter-spacing leaves a little short.
    const rects = p.anchors.reduce((n, a) => n + a.rects.length, 0);
    assert.ok(rects <= 3 * p.anchors.length + 2, `${rects} rects for ${drawn.lines.length} lines`);
    if (columns.length > 1) crossings++;
    if (new Set(drawn.lines.map((l) => l.page)).size > 1) pageCrossings++;
  }
  assert.ok(crossings >= 2 && pageCrossings >= 1, 'the fixture must cross a column and a page');
});

test('hyphenation, letter-spacing and kerned logos are normalised in the text, not in the rects', () => {
  const text = paper.passages.map((p) => p.text).join('\n');
  assert.ok(truth.hyphenated.length > 3, 'the fixture hyphenates some words');
  for (const word of truth.hyphenated) assert.ok(text.includes(word), word);
  assert.doesNotMatch(text, /\p{L}- \p{Ll}/u, 'no word is left broken at a line end');
  assert.match(text, /A good representation of the layout/);
  assert.match(text, /The word transformer is letter-spaced/);
  assert.match(text, /and LATEX is drawn in kerned pieces/);
});

test('page numbers and running heads are not passages', () => {
  for (const p of paper.passages) {
    assert.doesNotMatch(p.text, /^\d+$/);
    assert.ok(!p.text.includes('A Synthetic Paper for PaperTrail'), p.text);
  }
});

test('passages carry the section they stand in and every section has its heading passage', () => {
  const ids = new Set(paper.sections.map((s) => s.id));
  // The front matter's other lines (affiliations, e-mails) are kept, before any section.
  const firstHeading = paper.passages.findIndex((p) => p.kind === 'heading');
  for (const [k, p] of paper.passages.entries()) {
    if (p.kind === 'abstract' || (k < firstHeading && p.kind === 'other' && p.sectionId === '')) continue;
    assert.ok(ids.has(p.sectionId), `${p.id} ${p.sectionId}`);
  }
  for (const s of paper.sections)
    assert.ok(
      paper.passages.some((p) => p.kind === 'heading' && p.sectionId === s.id),
      s.id,
    );
  assert.deepEqual(paper.warnings, []);
  // The model is plain data: it survives JSON unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(paper)), paper);
});
