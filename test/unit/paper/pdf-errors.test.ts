// Bad input gets one line that says what is wrong and what to do; long input stays bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UserError } from '../../../src/core/errors';
import { parsePdf } from '../../../src/core/paper/pdf';
import { guardPdfjsRejections, onUnhandledRejection } from '../../../src/core/paper/pdf-guard';
import { makeEmptyPdf, makeEncryptedPdf, makeImageOnlyPdf, makeLongPdf, makeSyntheticPaper } from '../../fixtures/synthetic/make-pdf';

async function failure(bytes: Uint8Array, location = 'paper.pdf'): Promise<UserError> {
  const r = await parsePdf(bytes, { location });
  assert.ok(!r.ok, 'expected the PDF to be refused');
  assert.doesNotMatch(r.error.message, /\n/, 'one line');
  assert.ok(r.error.message.startsWith(`${location}: `), 'names the file');
  return r.error;
}

test('not a PDF: says so', async () => {
  const e = await failure(new Uint8Array(Buffer.from('<html><body>Not found</body></html>')), 'download.pdf');
  assert.equal(e.code, 'bad-input');
  assert.equal(e.message, 'download.pdf: not a PDF file (no %PDF header); give a .pdf file');
});

test('a truncated PDF: damaged or truncated, download it again', async () => {
  const { bytes } = await makeSyntheticPaper();
  for (const keep of [0.3, 0.9, 0.99]) {
    const e = await failure(bytes.slice(0, Math.floor(bytes.length * keep)));
    assert.equal(e.code, 'bad-input');
    assert.match(e.message, /^paper\.pdf: the PDF is damaged or truncated .*; download it again$/);
  }
});

test('a corrupt PDF (bytes overwritten inside): damaged, download it again', async () => {
  const { bytes } = await makeSyntheticPaper();
  const corrupt = bytes.slice();
  for (let i = 2000; i < corrupt.length - 2000; i += 97) corrupt[i] = 0x41;
  const e = await failure(corrupt);
  assert.equal(e.code, 'bad-input');
  assert.match(e.message, /^paper\.pdf: the PDF is damaged or truncated .*; download it again$/);
});

test('a PDF whose page objects are corrupt: a message, and pdf.js cannot crash the process', async () => {
  const { bytes } = await makeSyntheticPaper({ objectStreams: false });
  // pdf.js prefetches page dictionaries and leaves the promise without a handler; when such
  // a page is corrupt, the rejection is "unhandled", which ends a Node process by default.
  // The CLI has no listener of its own, so only the reader's guard stands between a bad file
  // and a crash: the test runner's listener is set aside while it proves that.
  guardPdfjsRejections();
  const runner = process.listeners('unhandledRejection').filter((l) => l !== onUnhandledRejection);
  for (const l of runner) process.off('unhandledRejection', l);
  try {
    for (const step of [61, 501]) {
      const corrupt = bytes.slice();
      for (let i = 400; i < corrupt.length - 400; i += step) corrupt[i] = 0x41;
      const e = await failure(corrupt);
      assert.equal(e.code, 'bad-input');
      assert.match(
        e.message,
        /^paper\.pdf: the PDF is damaged or truncated: (none|\d+) of its \d+ pages can(not)? be read; download it again$/,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(process.listenerCount('unhandledRejection'), 1, "the reader's guard is installed");
  } finally {
    for (const l of runner) process.on('unhandledRejection', l);
  }
});

test('an encrypted PDF without its password: asks for an unprotected copy', async () => {
  const e = await failure(makeEncryptedPdf());
  assert.equal(e.code, 'unsupported');
  assert.equal(e.message, 'paper.pdf: the PDF is encrypted with a password; save an unprotected copy (e.g. print to PDF) and try again');
});

test('a scan (pages with images and no text): run OCR first', async () => {
  const e = await failure(await makeImageOnlyPdf(3), 'scan.pdf');
  assert.equal(e.code, 'unsupported');
  assert.equal(e.message, 'scan.pdf: the PDF has no text layer (a scan?); run OCR (e.g. ocrmypdf) first');
});

test('a PDF with zero pages: says it has none', async () => {
  const e = await failure(await makeEmptyPdf());
  assert.equal(e.code, 'bad-input');
  assert.equal(e.message, 'paper.pdf: the PDF has no pages; export the paper again');
});

test('a 500-page document is read to the end in bounded time and memory', async () => {
  const bytes = await makeLongPdf(500);
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  const r = await parsePdf(bytes, { location: 'long.pdf' });
  const seconds = (Date.now() - started) / 1000;
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const paper = r.value;
  assert.equal(paper.pageCount, 500);
  assert.equal(paper.pages.length, 500);
  // One numbered part every ten pages, up to the last.
  assert.equal(paper.sections.length, 50);
  assert.deepEqual(paper.sections.at(-1), { ...paper.sections.at(-1)!, number: '50', title: 'Section starting on page 491', page: 491 });
  assert.ok(
    paper.passages.some((p) => p.anchors.some((a) => a.page === 500)),
    'text of the last page is read',
  );
  // Generous bounds for a shared two-core machine; bare pdf.js needs about 6 s here.
  assert.ok(seconds < 120, `took ${seconds}s`);
  const grownMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  assert.ok(grownMb < 1024, `memory grew by ${grownMb.toFixed(0)} MB`);
});

test('a page cap stops early and says so', async () => {
  const bytes = await makeLongPdf(60);
  const r = await parsePdf(bytes, { location: 'long.pdf', maxPages: 20 });
  assert.ok(r.ok);
  assert.equal(r.value.pageCount, 60);
  assert.equal(r.value.pages.length, 20);
  assert.ok(r.value.warnings.includes('only the first 20 of 60 pages were read'), r.value.warnings.join('; '));
});

test('a cancelled parse stops with a message', async () => {
  const bytes = await makeLongPdf(30);
  const controller = new AbortController();
  controller.abort();
  const r = await parsePdf(bytes, { location: 'long.pdf', signal: controller.signal });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'cancelled');
  assert.equal(r.error.message, 'long.pdf: parsing was cancelled');
});
