// `papertrail parse` on LaTeX sources and arXiv ids, as a user runs it: one JSON document on
// stdout with --json, exit 2 and one stderr line for what cannot be read.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import type { Paper } from '../../../src/core/paper/model';
import { TREE, treeTarGz } from '../../fixtures/latex/archive';
import type { FakeArxiv } from '../../fixtures/latex/arxiv-server';
import { startFakeArxiv } from '../../fixtures/latex/arxiv-server';
import { tinyNetPdf } from '../../fixtures/latex/tinynet-pdf';

let server: FakeArxiv;

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-cli-'));
  await treeTarGz(path.join(dir, 'e.tar.gz'));
  server = await startFakeArxiv({
    '/pdf/2401.00001v1': { body: await tinyNetPdf(), type: 'application/pdf' },
    '/e-print/2401.00001v1': { body: fs.readFileSync(path.join(dir, 'e.tar.gz')) },
  });
});

after(() => server.close());

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd: path.dirname(TREE),
    env: {
      ...process.env,
      PAPERTRAIL_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'pt-cli-cache-')),
      PAPERTRAIL_ARXIV_BASE_URL: server.baseUrl,
    },
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

function expectOneLineError(io: { out: string; err: string }, want: RegExp): void {
  assert.equal(io.out, '', 'nothing on stdout');
  const lines = io.err.trim().split('\n');
  assert.equal(lines.length, 1, io.err);
  assert.match(lines[0]!, want);
  assert.doesNotMatch(io.err, /\bat .*:\d+:\d+/, 'no stack trace');
}

test('parse <LaTeX folder> --json: the Paper model with sections, equations, captions, passages', async () => {
  const io = capture();
  assert.equal(await main(['parse', 'tree', '--json'], io), 0, io.err);
  assert.equal(io.err, '');
  assert.equal(io.out.trim().split('\n').length, 1, 'one JSON document');
  const p = JSON.parse(io.out) as Paper;
  assert.deepEqual(p.sections.map((s) => s.number).filter(Boolean), ['1', '2', '2.1', '2.1.1', '3', 'A', 'A.1']);
  assert.ok(p.sections.every((s) => typeof s.title === 'string' && typeof s.level === 'number' && s.page === 0));
  assert.deepEqual(
    p.equations.slice(0, 3).map((e) => [e.number, e.section]),
    [
      ['1', '2.1'],
      ['2', '2.1'],
      ['3', '2.1'],
    ],
  );
  assert.equal(p.equations[0]!.text, 'Attention(Q, K, V) = softmax(QK^⊤/√d_k)V');
  assert.deepEqual([p.figures.length, p.tables.length, p.algorithms.length], [2, 1, 1]);
  assert.ok(p.passages.length > 5);
  assert.ok(fs.existsSync(path.join(io.env.PAPERTRAIL_CACHE_DIR!, 'parsed')), 'the result is cached');
});

test('parse <main.tex> and <e-print.tar.gz> without --json: a readable summary', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-cli-'));
  await treeTarGz(path.join(dir, 'paper.tar.gz'));
  for (const source of ['tree/main.tex', path.join(dir, 'paper.tar.gz')]) {
    const io = capture();
    assert.equal(await main(['parse', source], io), 0, io.err);
    assert.match(io.out, /^TinyNet: A Small Paper for Testing Parsers\nAda Lovelace, Alan Turing\n/);
    assert.match(io.out, /^ {4}2\.1\.1 Multiple heads/m);
    assert.match(io.out, /^ {2}\(A\.⋆\)/m);
  }
});

test('parse <arXiv id> --json: merged source + PDF; --cache-dir decides where the cache goes', async () => {
  const io = capture();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-cli-dir-'));
  assert.equal(await main(['parse', 'arXiv:2401.00001v1', '--json', '--cache-dir', cacheDir], io), 0, io.err);
  const p = JSON.parse(io.out) as Paper;
  assert.equal(p.id, 'arxiv:2401.00001v1');
  assert.equal(p.source.kind, 'arxiv');
  assert.equal(p.pageCount, 2);
  assert.equal(p.sections.find((s) => s.number === '1')?.page, 1, 'page from the PDF');
  assert.ok(
    p.equations.every((e) => e.latex),
    'LaTeX from the source',
  );
  assert.ok(fs.existsSync(path.join(cacheDir, 'arxiv', '2401.00001v1', 'paper.pdf')));
  const again = capture();
  assert.equal(await main(['parse', '2401.00001v1', '--json', '--no-cache', '--cache-dir', cacheDir], again), 0, again.err);
  assert.deepEqual((JSON.parse(again.out) as Paper).sections, p.sections);
});

test('unusable input: exit 2 and one line saying what is wrong and what to do', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-cli-'));
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a paper');
  fs.writeFileSync(path.join(dir, 'broken.tar.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
  const cases: [string, RegExp][] = [
    ['no-main', /^papertrail parse: no main \.tex file \(with \\documentclass\) in no-main; give the main \.tex file itself$/],
    ['2401.99999', /^papertrail parse: arXiv has no paper 2401\.99999; check the id$/],
    [path.join(dir, 'notes.txt'), /^papertrail parse: .*notes\.txt: not a paper PDF, LaTeX source or arXiv id; give /],
    [path.join(dir, 'broken.tar.gz'), /^papertrail parse: .*broken\.tar\.gz: the e-print archive is damaged .*; download it again$/],
  ];
  for (const [source, want] of cases) {
    const io = capture();
    assert.equal(await main(['parse', source, '--json'], io), 2, source);
    expectOneLineError(io, want);
  }
});
