import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { auditRepository } from '../../../src/core/citations/audit';
import { attentionPaper } from '../../fixtures/citations/attention-paper';
import { PLANTED_BROKEN, writePlantedRepo } from '../../fixtures/citations/planted-repo';

const paper = attentionPaper();

async function planted() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-audit-'));
  writePlantedRepo(dir);
  const r = await auditRepository(dir, { paperModel: paper });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return { dir, report: r.value };
}

test('the planted broken tags are caught with the right reasons, and no correct tag is flagged', async () => {
  const { report } = await planted();
  assert.deepEqual(
    report.broken.map((b) => [b.file, b.line]),
    PLANTED_BROKEN.map(([f, l]) => [f, l]),
  );
  for (const [i, [, , reason]] of PLANTED_BROKEN.entries()) assert.match(report.broken[i]!.reason, reason, report.broken[i]!.tag);
  // Every planted tag says so in its note; every other tag resolves.
  for (const t of report.tags) assert.equal(t.resolved, !t.tag.includes('PLANTED'), `${t.file}:${t.line} ${t.tag} ${t.reason ?? ''}`);
});

test('only supported files, never tooling folders or .gitignore d paths', async () => {
  const { report } = await planted();
  assert.deepEqual(
    report.files.map((f) => f.file),
    ['REPRODUCTION_NOTES.md', 'configs/base.yaml', 'model/attention.py', 'model/ffn.py'],
  );
  assert.ok(!report.tags.some((t) => t.tag.includes('99')));
});

test('counts by kind and by flag; the flags list for the audit view', async () => {
  const { report } = await planted();
  assert.equal(report.counts.tags, report.tags.length);
  // 19 citations and one mention (§3.1 in an [ASSUMPTION]'s reasoning), checked alone.
  assert.equal(report.counts.tags, 20);
  assert.deepEqual(report.counts.refs, { section: 14, equation: 6, table: 1, figure: 0, algorithm: 0 });
  assert.deepEqual(report.counts.flags, { UNSPECIFIED: 1, PARTIALLY_SPECIFIED: 1, ASSUMPTION: 1, FROM_OFFICIAL_CODE: 1 });
  assert.deepEqual(report.flags, [
    {
      file: 'REPRODUCTION_NOTES.md',
      line: 4,
      flag: 'PARTIALLY_SPECIFIED',
      text: '§5.2 "We varied the learning rate" — the shape after warmup.',
    },
    { file: 'configs/base.yaml', line: 4, flag: 'FROM_OFFICIAL_CODE', text: 'tensor2tensor default' },
    { file: 'model/attention.py', line: 16, flag: 'UNSPECIFIED', text: 'dropout on attention weights; 0.1 as elsewhere' },
    { file: 'model/ffn.py', line: 10, flag: 'ASSUMPTION', text: 'post-norm, as §3.1 describes residual then norm' },
  ]);
  const t = report.tags.find((x) => x.file === 'model/attention.py' && x.line === 5)!;
  assert.deepEqual(t.scope, { startLine: 5, endLine: 8 });
  assert.deepEqual(
    t.refs.map((r) => [r.label, r.title, r.page]),
    [
      ['§3.2.1', 'Scaled Dot-Product Attention', 4],
      ['Eq. 1', 'Equation 1', 4],
    ],
  );
});

test('coverage: code lines under some tag, over all code lines', async () => {
  const { report } = await planted();
  const byFile = Object.fromEntries(report.files.map((f) => [f.file, [f.coveredLines, f.codeLines]]));
  // attention.py code lines: 2, 6, 7, 8, 11, 14, 15, 16, 18, 20; covered: 6–8 (comment at 5),
  // 11–20 (class docstring) → 9 of 10 (line 2, the import, is not).
  assert.deepEqual(byFile['model/attention.py'], [9, 10]);
  // ffn.py: lines 2, 3, 5–11 are code; 2–3 under the comment at 1, 5–10 trailing tags; 11 not.
  assert.deepEqual(byFile['model/ffn.py'], [8, 9]);
  assert.deepEqual(byFile['configs/base.yaml'], [0, 0], 'configs do not count');
  assert.equal(report.coverage.codeLines, 19);
  assert.equal(report.coverage.coveredLines, 17);
  assert.ok(Math.abs(report.coverage.ratio - 17 / 19) < 1e-9);
});

test('no paper anywhere: an error value that says what to do', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-audit-'));
  writePlantedRepo(dir, { 'a.py': '# §3.2\nx = 1\n' });
  const r = await auditRepository(dir);
  assert.ok(!r.ok);
  assert.match(r.error.message, /no paper to check citations against; add \.papertrail\/paper\.json .* or pass --paper/);
});

test('a repository moved away from its paper: the line names paper.json and says to correct its source', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-audit-'));
  writePlantedRepo(dir, { 'a.py': '# §3.2\nx = 1\n', '.papertrail/paper.json': '{"source": "../papers/attention.pdf"}\n' });
  const r = await auditRepository(dir);
  assert.ok(!r.ok);
  assert.equal(
    r.error.message,
    `${path.join(dir, '.papertrail', 'paper.json')} names the paper ${path.join(path.dirname(dir), 'papers', 'attention.pdf')}, which is not there (was the repository moved away from its papers?); correct its "source" (a path relative to the repository, or an arXiv id)`,
  );
  // A header names its paper for its own file: the line points at the header.
  writePlantedRepo(dir, { 'a.py': '# paper: gone.pdf\n# §3.2\nx = 1\n' });
  fs.rmSync(path.join(dir, '.papertrail'), { recursive: true });
  const h = await auditRepository(dir);
  assert.ok(h.ok, h.ok ? '' : h.error.message);
  assert.match(
    h.value.broken[0]?.reason ?? '',
    /a\.py:1: its "# paper:" header names .*gone\.pdf, which is not there; correct the header$/,
  );
});

test('a repository of flags only needs no paper', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-audit-'));
  writePlantedRepo(dir, { 'a.py': '# [UNSPECIFIED] seed\nx = 1\n' });
  const r = await auditRepository(dir);
  assert.ok(r.ok);
  assert.equal(r.value.flags.length, 1);
  assert.equal(r.value.broken.length, 0);
});

test('a missing folder is an error value', async () => {
  const r = await auditRepository('/nonexistent/repo');
  assert.ok(!r.ok);
  assert.match(r.error.message, /no such folder/);
});
