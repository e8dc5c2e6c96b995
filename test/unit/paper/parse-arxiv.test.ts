// The arXiv flow against a stand-in arXiv on 127.0.0.1: PDF + e-print merged, PDF alone when
// there is no source, clear errors for unknown ids, dead servers and silent ones, and the cache.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { ParseEvent, ParseOptions } from '../../../src/core/paper/parse';
import { parsePaper } from '../../../src/core/paper/parse';
import { parsePdf } from '../../../src/core/paper/pdf';
import { TREE, treeTarGz } from '../../fixtures/latex/archive';
import type { FakeArxiv } from '../../fixtures/latex/arxiv-server';
import { startFakeArxiv } from '../../fixtures/latex/arxiv-server';
import { tinyNetPdf } from '../../fixtures/latex/tinynet-pdf';

let server: FakeArxiv;
let pdf: Uint8Array;
let eprint: Uint8Array;

before(async () => {
  pdf = await tinyNetPdf();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-arxiv-'));
  await treeTarGz(path.join(dir, 'e.tar.gz'));
  eprint = fs.readFileSync(path.join(dir, 'e.tar.gz'));
  server = await startFakeArxiv({
    // An unversioned request; arXiv names the version it served in the file name.
    '/pdf/2401.00001': { body: pdf, type: 'application/pdf', headers: { 'content-disposition': 'inline; filename="2401.00001v2.pdf"' } },
    '/e-print/2401.00001v2': { body: eprint, type: 'application/gzip' },
    '/pdf/2401.00002v1': { body: pdf, type: 'application/pdf' },
    '/pdf/2401.00003': { body: pdf, type: 'application/pdf' },
    '/e-print/2401.00003': { body: pdf, type: 'application/pdf' },
    '/pdf/hep-th/9901001': { body: pdf, type: 'application/pdf' },
    '/pdf/2401.00004': { body: '<html>generating PDF…</html>', type: 'text/html' },
    '/pdf/2401.00005': { hang: true },
    // The same paper typeset by pdflatex (test/fixtures/latex/build-tree-pdf.sh).
    '/pdf/2401.00010v1': { body: fs.readFileSync(path.join(path.dirname(TREE), 'tree.pdf')), type: 'application/pdf' },
    '/e-print/2401.00010v1': { body: eprint, type: 'application/gzip' },
  });
});

after(() => server.close());

function options(extra: Partial<ParseOptions> = {}): ParseOptions & { events: ParseEvent[] } {
  const events: ParseEvent[] = [];
  return {
    env: { PAPERTRAIL_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'pt-cache-')), PAPERTRAIL_ARXIV_BASE_URL: server.baseUrl },
    onEvent: (e) => events.push(e),
    events,
    ...extra,
  };
}

test('an arXiv id: PDF and e-print fetched, structure and LaTeX from source, pages from the PDF', async () => {
  const o = options();
  const r = await parsePaper('2401.00001', o);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const p = r.value;
  assert.equal(p.id, 'arxiv:2401.00001v2');
  assert.deepEqual(
    { kind: p.source.kind, arxivId: p.source.arxivId, location: p.source.location },
    { kind: 'arxiv', arxivId: '2401.00001v2', location: '2401.00001' },
  );
  assert.equal(p.pageCount, 2);
  assert.equal(p.pages.length, 2);
  // Structure is the source's, exactly.
  assert.deepEqual(
    p.sections.map((s) => s.number),
    ['1', '2', '2.1', '2.1.1', '3', '', '', '', 'A', 'A.1'],
  );
  assert.equal(p.equations.length, 14);
  assert.match(p.equations[0]!.latex ?? '', /\\mathrm\{Attention\}/);
  assert.deepEqual(p.authors, ['Ada Lovelace', 'Alan Turing']);
  // Positions are the PDF's: every heading, equation and caption the PDF reader placed keeps its page and rectangles.
  const alone = await parsePdf(pdf, { location: 'x' });
  assert.ok(alone.ok);
  let placed = 0;
  for (const s of alone.value.sections) {
    const m = p.sections.find((x) => (s.number ? x.number === s.number : x.title === s.title));
    if (!m) continue;
    assert.equal(m.page, s.page, `section ${s.number} ${s.title}`);
    assert.deepEqual(m.rects, s.rects);
    placed++;
  }
  assert.ok(placed >= 4, `the PDF reader placed ${placed} headings of the fixture`);
  for (const e of alone.value.equations) assert.equal(p.equations.find((x) => x.number === e.number)?.page, e.page, `equation ${e.number}`);
  for (const t of alone.value.tables) assert.equal(p.tables.find((x) => x.number === t.number)?.page, t.page);
  // The PDF's passages, with section ids that exist in the merged paper.
  assert.equal(p.passages.length, alone.value.passages.length);
  const ids = new Set(p.sections.map((s) => s.id));
  assert.ok(
    p.passages.every((x) => x.sectionId === '' || ids.has(x.sectionId)),
    'passage section ids resolve',
  );
  assert.ok(p.passages.every((x) => x.page >= 1));
  assert.deepEqual(server.requests.slice(-2), ['/pdf/2401.00001', '/e-print/2401.00001v2']);
  assert.ok(o.events.some((e) => e.type === 'read' && e.reader === 'merge'));
});

test('the pdflatex PDF of the fixture + its e-print: every numbered item lands on the page LaTeX put it on', async () => {
  const r = await parsePaper('2401.00010v1', options());
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const p = r.value;
  assert.equal(p.pageCount, 5);
  assert.deepEqual(
    p.sections.map((s) => [s.number || s.title, s.page]),
    [
      ['1', 1],
      ['2', 1],
      ['2.1', 1],
      ['2.1.1', 2],
      ['3', 4],
      ['Setup', 4],
      ['Acknowledgements', 5],
      ['References', 0],
      ['A', 5],
      ['A.1', 5],
    ],
  );
  // Read off the typeset PDF: (1) on page 1, (2)–(5b) on 2, (6)–(8) on 4, (9)–(A.⋆) on 5.
  assert.deepEqual(
    p.equations.map((e) => `${e.number}:${e.page}`),
    ['1:1', '2:2', '3:2', '*:2', '4:2', '5:2', '5a:2', '5b:2', '6:4', '7:4', '8:4', '9:5', '10:5', 'A.⋆:5'],
  );
  assert.deepEqual(
    [...p.figures, ...p.tables, ...p.algorithms].map((c) => `${c.kind} ${c.number}:${c.page}`),
    ['figure 1:3', 'figure 2:4', 'table 1:4', 'algorithm 1:2'],
  );
  assert.ok(p.sections.find((s) => s.number === '2.1')!.rects.length > 0, 'headings the PDF reader found keep their rectangles');
  assert.ok(p.equations[0]!.rects.length > 0 && p.equations[0]!.latex, 'equation (1): LaTeX from source, box from the PDF');
  assert.deepEqual(
    p.warnings,
    ['1 of 10 sections from the LaTeX source not found in the PDF, so without a page: "References"'],
    'no .bbl in the fixture, so no References in its PDF',
  );
});

test('the second parse of the same id is served from the cache: no download, no parser', async () => {
  const o = options();
  const first = await parsePaper('arXiv:2401.00001', o);
  assert.ok(first.ok);
  const before = server.requests.length;
  const o2 = { ...options(), env: o.env };
  const started = process.hrtime.bigint();
  const second = await parsePaper('https://arxiv.org/abs/2401.00001', o2);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(second.ok);
  assert.equal(server.requests.length, before, 'no request to arXiv');
  assert.deepEqual(
    o2.events.map((e) => e.type),
    ['download-cached', 'cache-hit'],
  );
  assert.deepEqual(second.value.sections, first.value.sections);
  assert.equal(second.value.source.location, 'https://arxiv.org/abs/2401.00001', 'location is what the user gave this time');
  console.log(`cached re-parse of an arXiv paper: ${ms.toFixed(1)} ms`);
  // --no-cache reads nothing from the cache: both downloads and the parse happen again.
  const o3 = { ...options({ noCache: true }), env: o.env };
  assert.ok((await parsePaper('2401.00001', o3)).ok);
  assert.equal(server.requests.length, before + 2);
  assert.ok(o3.events.some((e) => e.type === 'read' && e.reader === 'pdf') && !o3.events.some((e) => e.type === 'cache-hit'));
});

test('no e-print (404), or an e-print that is the PDF itself: the PDF alone', async () => {
  for (const id of ['2401.00002v1', '2401.00003', 'hep-th/9901001']) {
    const o = options();
    const r = await parsePaper(id, o);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.equal(r.value.source.kind, 'arxiv');
    assert.equal(r.value.id, `arxiv:${id}`);
    assert.ok(!r.value.equations.some((e) => e.latex), 'no LaTeX without source');
    assert.ok(!o.events.some((e) => e.type === 'read' && e.reader === 'latex'));
  }
});

test('unknown id, non-PDF answer, dead server, silent server: one line each', async () => {
  const unknown = await parsePaper('2401.99999', options());
  assert.ok(!unknown.ok);
  assert.equal(unknown.error.message, 'arXiv has no paper 2401.99999; check the id');

  const html = await parsePaper('2401.00004', options());
  assert.ok(!html.ok);
  assert.match(
    html.error.message,
    /^arXiv sent something other than a PDF for 2401\.00004 \(text\/html\); try again later or pass a downloaded PDF$/,
  );

  // A port that was just in use and is closed now: nothing listens there.
  const gone = await startFakeArxiv();
  await gone.close();
  const dead = options();
  dead.env = { ...dead.env, PAPERTRAIL_ARXIV_BASE_URL: gone.baseUrl };
  const down = await parsePaper('2401.00001', dead);
  assert.ok(!down.ok);
  assert.match(
    down.error.message,
    /^could not reach arXiv \(127\.0\.0\.1:\d+: ECONNREFUSED\); check your connection or pass a downloaded PDF$/,
  );

  const started = Date.now();
  const silent = await parsePaper('2401.00005', options({ timeoutMs: 300 }));
  assert.ok(!silent.ok);
  assert.match(silent.error.message, /^could not reach arXiv \(no answer from 127\.0\.0\.1:\d+ within 0\.3 s\); check your connection/);
  assert.ok(Date.now() - started < 5000, 'gives up promptly');
});

test('an injected fetcher replaces the network entirely', async () => {
  const urls: string[] = [];
  const r = await parsePaper('2401.00042v3', {
    ...options(),
    fetcher: async (req) => {
      urls.push(req.url);
      return {
        ok: true,
        value: {
          status: req.url.includes('/pdf/') ? 200 : 404,
          url: req.url,
          headers: {},
          bytes: req.url.includes('/pdf/') ? pdf : new Uint8Array(),
        },
      };
    },
  });
  assert.ok(r.ok);
  assert.deepEqual(urls, [`${server.baseUrl}/pdf/2401.00042v3`, `${server.baseUrl}/e-print/2401.00042v3`]);
});

test('a cancelled parse stops with a cancelled error', async () => {
  const ctrl = new AbortController();
  ctrl.abort();
  const r = await parsePaper('2401.00001', options({ signal: ctrl.signal, noCache: true }));
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'cancelled');
});

/** tree.pdf with arXiv's margin stamp drawn down page 1, as arXiv serves PDFs. */
async function stampedTreePdf(dir: string): Promise<string> {
  const { PDFDocument, StandardFonts, degrees, rgb } = await import('pdf-lib');
  const doc = await PDFDocument.load(fs.readFileSync(path.join(path.dirname(TREE), 'tree.pdf')));
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  doc
    .getPage(0)
    .drawText('arXiv:2401.00010v1  [cs.LG]  1 Jan 2024', { x: 32, y: 240, size: 20, font, rotate: degrees(90), color: rgb(0.5, 0.5, 0.5) });
  const file = path.join(dir, 'downloaded.pdf');
  fs.writeFileSync(file, await doc.save());
  return file;
}

test("a local PDF with arXiv's stamp: its e-print is fetched once and merged; offline, the PDF alone and one line why", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-stamp-'));
  const file = await stampedTreePdf(dir);
  const o = options();
  const r = await parsePaper(file, o);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.equal(r.value.source.arxivId, '2401.00010v1');
  assert.equal(r.value.source.kind, 'pdf');
  assert.match(r.value.id, /^sha256:/, "still the user's file");
  assert.ok(r.value.equations.find((e) => e.number === '1')?.latex?.includes('\\frac'), 'equations from the source');
  assert.ok(r.value.sourcePassages?.length, 'the Markdown reads the source');
  assert.ok(r.value.equations.find((e) => e.number === '1')!.page > 0, 'pages from the PDF');
  assert.equal(o.events.filter((e) => e.type === 'download').length, 1);
  // Again, from the cache: nothing is downloaded.
  const o2 = { ...options(), env: o.env, events: [] as ParseEvent[] };
  o2.onEvent = (e) => o2.events.push(e);
  assert.ok((await parsePaper(file, o2)).ok);
  assert.equal(o2.events.filter((e) => e.type === 'download').length, 0);
  // Offline: the PDF alone, with a warning naming the e-print.
  const off = await parsePaper(file, { ...options(), arxivBaseUrl: 'http://127.0.0.1:9/', timeoutMs: 2000 });
  assert.ok(off.ok, off.ok ? '' : off.error.message);
  assert.equal(off.value.sourcePassages, undefined);
  assert.ok(
    off.value.warnings.some((w) => /^arXiv:2401\.00010v1: the e-print source was not fetched .*structure from this PDF alone$/.test(w)),
    off.value.warnings.join('\n'),
  );
});
