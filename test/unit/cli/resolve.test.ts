import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import { makeSamplePaper } from '../../fixtures/synthetic/sample-paper';

// The project's own sample paper: §1 Introduction, §2 Model (Eq. 1), §3 Experiments, §4 Conclusion (Eq. 2).
let dir = '';
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-resolve-'));
  fs.writeFileSync(path.join(dir, 'sample.pdf'), (await makeSamplePaper(2)).bytes);
});

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd: dir,
    env: { ...process.env, PAPERTRAIL_CACHE_DIR: path.join(dir, 'cache') },
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}

async function run(...argv: string[]) {
  const io = capture();
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err, json: () => JSON.parse(io.out) };
}

test('one reference: its resolution at the top level (resolved, kind, number, title, page, text)', async () => {
  const r = await run('resolve', 'sample.pdf', 'Eq. 1', '--json');
  assert.equal(r.code, 0, r.err);
  const j = r.json();
  assert.equal(j.resolved, true);
  assert.equal(j.kind, 'equation');
  assert.equal(j.number, '1');
  assert.equal(j.title, 'Equation 1');
  assert.equal(j.page, 1);
  assert.match(j.text, /Attention\(Q, K, V\) = softmax/);
  assert.equal(j.section, '2');
  assert.equal(j.refs.length, 1);
  assert.ok(j.anchors[0].rects.length > 0, 'rectangles for the viewer');
});

test('a section: its heading and text', async () => {
  const j = (await run('resolve', 'sample.pdf', '§2 "the encoder maps an input sequence"', '--json')).json();
  assert.equal(j.resolved, true);
  assert.equal(j.kind, 'section');
  assert.equal(j.title, 'Model');
  assert.match(j.text, /^2 Model/);
  assert.match(j.text, /The encoder maps an input sequence/);
  assert.equal(j.quote.found, true);
});

test('several references: resolved and reason at the top, one entry per reference', async () => {
  const r = await run('resolve', 'sample.pdf', '§2, Eq. 1 — attention', '--json');
  assert.equal(r.code, 0);
  const j = r.json();
  assert.equal(j.resolved, true);
  assert.equal(j.kind, undefined);
  assert.deepEqual(
    j.refs.map((x: { label: string; resolved: boolean }) => [x.label, x.resolved]),
    [
      ['§2', true],
      ['Eq. 1', true],
    ],
  );
  assert.equal(j.note, 'attention');
});

test('a broken tag: exit 1, resolved false and the reason', async () => {
  const wrongSection = await run('resolve', 'sample.pdf', '§3, Eq. 2', '--json');
  assert.equal(wrongSection.code, 1);
  assert.equal(wrongSection.json().resolved, false);
  assert.equal(wrongSection.json().reason, 'Eq. 2 is in §4, not §3');
  const missing = await run('resolve', 'sample.pdf', 'Eq. 9', '--json');
  assert.equal(missing.code, 1);
  assert.equal(missing.json().reason, 'no Eq. 9 in the paper (it has Eq. 1–2)');
  assert.equal(missing.json().suggestions[0].number, '2');
  const text = await run('resolve', 'sample.pdf', 'Eq. 9');
  assert.equal(text.code, 1);
  assert.match(text.out, /^Eq\. 9: BROKEN\n/);
  assert.match(text.out, /reason: no Eq\. 9 in the paper/);
});

test('the readable output shows heading, page and text', async () => {
  const r = await run('resolve', 'sample.pdf', '§2');
  assert.equal(r.code, 0);
  assert.match(r.out, /^§2: resolved\n {2}§2 Model · p\. 1\n {4}We study a simple attention model/);
});

test('no tag in the text, or no such paper: exit 2 and one line on stderr', async () => {
  const noTag = await run('resolve', 'sample.pdf', 'a table of results', '--json');
  assert.equal(noTag.code, 2);
  assert.equal(noTag.out, '');
  assert.equal(noTag.err.trim().split('\n').length, 1);
  assert.match(noTag.err, /no citation tag in "a table of results"/);
  const noPaper = await run('resolve', 'missing.pdf', '§2', '--json');
  assert.equal(noPaper.code, 2);
  assert.equal(noPaper.err.trim().split('\n').length, 1);
  assert.match(noPaper.err, /^papertrail resolve: missing\.pdf: no such file/);
  const usage = await run('resolve', 'sample.pdf');
  assert.equal(usage.code, 2);
  assert.match(usage.err, /give a paper and one tag in quotes/);
});
