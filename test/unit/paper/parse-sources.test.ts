// What parsePaper makes of each kind of source, and the one-line errors for what it cannot read.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parsePaper } from '../../../src/core/paper/parse';
import { TREE } from '../../fixtures/latex/archive';
import { tinyNetPdf } from '../../fixtures/latex/tinynet-pdf';

const FIXTURES = path.dirname(TREE);

function env() {
  return { PAPERTRAIL_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'pt-cache-')) };
}

test('a .tex file, a folder, a .tex given relative to cwd: same paper', async () => {
  const e = env();
  const byFile = await parsePaper(path.join(TREE, 'main.tex'), { env: e });
  const byFolder = await parsePaper('tree', { cwd: FIXTURES, env: e });
  assert.ok(byFile.ok && byFolder.ok);
  assert.equal(byFolder.value.source.location, 'tree');
  assert.deepEqual(byFile.value.sections, byFolder.value.sections);
  assert.equal(byFile.value.id, byFolder.value.id);
});

test('a PDF goes to the PDF reader, by content even without the .pdf extension', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-src-'));
  fs.writeFileSync(path.join(dir, 'paper.bin'), await tinyNetPdf());
  const r = await parsePaper(path.join(dir, 'paper.bin'), { env: env() });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.equal(r.value.source.kind, 'pdf');
  assert.equal(r.value.pageCount, 2);
});

test('unusable sources: one line that says what is wrong and what to give', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-src-'));
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'shopping list: eggs');
  fs.writeFileSync(path.join(dir, 'empty.tex'), '');
  const cases: [string, RegExp][] = [
    [
      path.join(dir, 'notes.txt'),
      /notes\.txt: not a paper PDF, LaTeX source or arXiv id; give a \.pdf, a \.tex file, a LaTeX folder or e-print \.tar\.gz, or an arXiv id/,
    ],
    [path.join(dir, 'empty.tex'), /empty\.tex: the file is empty/],
    [path.join(FIXTURES, 'no-main'), /^no main \.tex file \(with \\documentclass\) in .*no-main/],
    [path.join(dir, 'missing.pdf'), /missing\.pdf: no such file; give/],
    ['arXiv:12345', /arXiv:12345: not a valid arXiv id or URL; ids look like 1706\.03762/],
    ['https://arxiv.org/abs/nonsense', /not a valid arXiv id or URL/],
  ];
  for (const [source, want] of cases) {
    const r = await parsePaper(source, { env: env() });
    assert.ok(!r.ok, source);
    assert.match(r.error.message, want, source);
    assert.ok(!r.error.message.includes('\n'));
  }
});

test('LaTeX with its compiled PDF beside it: structure from the source, pages and rectangles from the PDF, the source’s id', async () => {
  const rgu = path.join(FIXTURES, '..', 'family', 'papers', 'rgu');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-src-'));
  fs.cpSync(rgu, path.join(dir, 'with'), { recursive: true });
  fs.cpSync(rgu, path.join(dir, 'without'), { recursive: true });
  fs.rmSync(path.join(dir, 'without', 'main.pdf'));
  const e = env();
  const alone = await parsePaper(path.join(dir, 'without'), { env: e });
  const merged = await parsePaper(path.join(dir, 'with'), { env: e });
  assert.ok(alone.ok && merged.ok);
  assert.equal(alone.value.equations.find((q) => q.number === '2')?.page, 0, 'the source alone knows no page');
  assert.equal(merged.value.pageCount, 2);
  const eq2 = merged.value.equations.find((q) => q.number === '2')!;
  assert.equal(eq2.page, 2);
  assert.ok(eq2.rects.length > 0, 'Eq. 2 has its rectangle on the page');
  assert.equal(eq2.latex, alone.value.equations.find((q) => q.number === '2')!.latex, 'the equation is the source’s');
  assert.equal(merged.value.id, alone.value.id, 'a repository names the same paper with or without the PDF');
  assert.equal(merged.value.source.kind, 'latex');
  assert.deepEqual(merged.value.warnings, []);
  // Edited after it was compiled: said, with what to do.
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(path.join(dir, 'with', 'main.tex'), later, later);
  const stale = await parsePaper(path.join(dir, 'with'), { env: e });
  assert.ok(stale.ok);
  assert.deepEqual(stale.value.warnings, ['main.pdf is older than main.tex: pages and positions may be off; compile it again']);
  // A PDF that cannot be read: the source alone, and why.
  fs.writeFileSync(path.join(dir, 'with', 'main.pdf'), '%PDF-1.5\ngarbage');
  const broken = await parsePaper(path.join(dir, 'with'), { env: e });
  assert.ok(broken.ok, broken.ok ? '' : broken.error.message);
  assert.equal(broken.value.pageCount, 0);
  assert.match(
    broken.value.warnings.join('\n'),
    /^main\.pdf beside the source was not used \(the PDF is damaged or truncated.*\); the source is read without pages: compile it again$/m,
  );
});
