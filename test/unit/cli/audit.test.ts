import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import { writePlantedRepo } from '../../fixtures/citations/planted-repo';
import { makeSamplePaper } from '../../fixtures/synthetic/sample-paper';

// A repository citing the project's sample paper (§1–4; Eq. 1 in §2, Eq. 2 in §4).
const FILES: Record<string, string> = {
  '.papertrail/paper.json': '{"source": "papers/sample.pdf", "id": "sample"}',
  'model.py': [
    '# §2, Eq. 1 "softmax(QK^T / sqrt(d_k)) V"',
    'def attention(q, k, v):',
    '    return (q @ k.T).softmax(-1) @ v',
    '',
    'H = 8  # §3, Eq. 2',
    'LR = 1e-3  # [UNSPECIFIED] learning rate',
    'W = 2  # Eq. 5',
  ].join('\n'),
  'configs/base.yaml': 'lr: 0.001  # §4 "the decoder generates an output sequence"\n',
};

let dir = '';
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-audit-cli-'));
  writePlantedRepo(dir, FILES);
  fs.mkdirSync(path.join(dir, 'papers'));
  fs.writeFileSync(path.join(dir, 'papers', 'sample.pdf'), (await makeSamplePaper(2)).bytes);
});

function capture(cwd: string): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd,
    env: { ...process.env, PAPERTRAIL_CACHE_DIR: path.join(os.tmpdir(), 'pt-audit-cli-cache') },
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}

async function run(cwd: string, ...argv: string[]) {
  const io = capture(cwd);
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

test('audit --json: every tag with file and line, counts, coverage, broken with reasons; exit 1', async () => {
  const r = await run(dir, 'audit', '.', '--json');
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual(
    j.tags.map((t: { file: string; line: number; resolved: boolean }) => [t.file, t.line, t.resolved]),
    [
      ['configs/base.yaml', 1, true],
      ['model.py', 1, true],
      ['model.py', 5, false],
      ['model.py', 6, true],
      ['model.py', 7, false],
    ],
  );
  assert.deepEqual(j.broken, [
    { file: 'model.py', line: 5, tag: '§3, Eq. 2', reason: 'Eq. 2 is in §4, not §3' },
    { file: 'model.py', line: 7, tag: 'Eq. 5', reason: 'no Eq. 5 in the paper (it has Eq. 1–2)' },
  ]);
  assert.deepEqual(j.counts.refs, { section: 3, equation: 3, table: 0, figure: 0, algorithm: 0 });
  assert.equal(j.counts.flags.UNSPECIFIED, 1);
  assert.deepEqual(j.flags, [{ file: 'model.py', line: 6, flag: 'UNSPECIFIED', text: 'learning rate' }]);
  // Code lines of model.py: 2, 3, 5, 6, 7, all under a tag.
  assert.deepEqual(j.coverage, { codeLines: 5, coveredLines: 5, ratio: 1 });
  assert.equal(j.papers[0].origin, 'paper.json');
});

test('audit without --json prints a readable report', async () => {
  const r = await run(dir, 'audit', dir);
  assert.equal(r.code, 1);
  assert.match(r.out, /^audited 2 files, 5 tags against /);
  assert.match(r.out, /coverage: 5 of 5 code lines under a tag \(100\.0%\)/);
  assert.match(r.out, /broken \(2\):\n {2}where +tag +reason\n {2}model\.py:5 +§3, Eq\. 2 +Eq\. 2 is in §4, not §3\n/);
  assert.match(r.out, /flags \(1\):\n {2}where +flag +text\n {2}model\.py:6 +UNSPECIFIED +learning rate/);
});

test('--paper overrides paper.json; everything resolves: exit 0', async () => {
  const clean = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-audit-cli-'));
  writePlantedRepo(clean, { 'a.py': '# §2, Eq. 1\nx = 1\n' });
  const r = await run(clean, 'audit', '.', '--paper', path.join(dir, 'papers', 'sample.pdf'), '--json');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out).broken, []);
});

test('no paper, an unreadable paper, bad usage: exit 2 and one line that says what to do', async () => {
  const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-audit-cli-'));
  writePlantedRepo(bare, { 'a.py': '# §2\nx = 1\n' });
  const none = await run(bare, 'audit', '.', '--json');
  assert.equal(none.code, 2);
  assert.equal(none.out, '');
  assert.equal(none.err.trim().split('\n').length, 1);
  assert.match(none.err, /^papertrail audit: \.: no paper to check citations against; add \.papertrail\/paper\.json .* or pass --paper/);
  const missing = await run(bare, 'audit', '.', '--paper', 'nope.pdf');
  assert.equal(missing.code, 2);
  assert.equal(missing.err.trim().split('\n').length, 1);
  assert.match(missing.err, /nope\.pdf: no such file/);
  const usage = await run(bare, 'audit');
  assert.equal(usage.code, 2);
  assert.match(usage.err, /give exactly one repository folder/);
});

test('the built CLI audits as a process (tree-sitter loaded from dist/tree-sitter)', (t) => {
  const cli = process.env.PAPERTRAIL_CLI_BUNDLE ?? path.resolve('dist/cli.js');
  if (!fs.existsSync(path.join(path.dirname(cli), 'tree-sitter', 'web-tree-sitter.wasm'))) {
    t.skip('dist/ was built before tree-sitter was shipped there; run node esbuild.mjs');
    return;
  }
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-audit-cli-'));
  writePlantedRepo(repo, { ...FILES, '.papertrail/paper.json': JSON.stringify({ source: path.join(dir, 'papers', 'sample.pdf') }) });
  const r = spawnSync(process.execPath, [cli, 'audit', repo, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, PAPERTRAIL_CACHE_DIR: path.join(repo, '.cache') },
  });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(JSON.parse(r.stdout).broken.length, 2);
});

test('the planted repository file layout audits cleanly through the CLI too (no paper needed for its flags-only files)', async () => {
  const flagsOnly = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-audit-cli-'));
  writePlantedRepo(flagsOnly, { 'a.py': '# [ASSUMPTION] seed 0\nx = 1\n' });
  const r = await run(flagsOnly, 'audit', '.', '--json');
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).flags.length, 1);
});

test('audit --coverage: each equation and section implemented, tested, configured or not covered; flags per section', async () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-audit-cov-'));
  writePlantedRepo(repo, {
    '.papertrail/paper.json': JSON.stringify({ source: path.join(dir, 'papers', 'sample.pdf') }),
    'pkg/model.py': '# §2, Eq. 1 — attention\ndef attention(q, k, v):\n    return q\n\n# [ASSUMPTION] §4 no bias\nB = 0\n',
    'tests/test_model.py': '# §2, Eq. 1 — checked by hand\ndef test_attention():\n    assert True\n',
    'configs/paper.yaml': 'lr: 0.001  # §3 "the decoder generates an output sequence"\n',
    'tests/test_config.py': '# §3 — the decoder settings load\ndef test_config():\n    assert True\n',
    'NOTES.md': '§4, Eq. 2 is discussed here, not implemented.\n',
    'pkg/broken.py': '# §3, Eq. 2 — Eq. 2 is in §4: a broken tag covers nothing\nW = 1\n',
  });
  const r = await run(repo, 'audit', '.', '--coverage', '--json');
  assert.equal(r.code, 1, 'the broken tag fails the audit');
  const c = JSON.parse(r.out);
  const state = (label: string) => {
    const p = c.places.find((x: { label: string }) => x.label === label);
    return [p.implementedBy.length > 0, p.testedBy.length > 0, p.configuredBy.length > 0];
  };
  assert.deepEqual(state('Eq. 1'), [true, true, false]);
  assert.deepEqual(state('Eq. 2'), [false, false, false], 'a Markdown note does not cover an equation');
  assert.deepEqual(state('§2'), [true, true, false], 'a section is covered through its equation');
  assert.deepEqual(state('§3'), [false, true, true]);
  assert.deepEqual(state('§4'), [true, false, false], 'a flag that cites a section counts for it');
  assert.deepEqual(c.totals.equation, { total: 2, implemented: 1, tested: 1, configured: 0 });
  // Tested counts what is implemented and tested: §3, cited by a test and a config value only, is not.
  assert.equal(c.totals.section.implemented, 2);
  assert.equal(c.totals.section.tested, 1);
  assert.deepEqual(c.flagsBySection, { '4': { ASSUMPTION: 1 } });
  const text = await run(repo, 'audit', '.', '--coverage', '--scope', '2');
  assert.equal(text.code, 1);
  assert.match(text.out, /^coverage of "Attention on a Budget" in §2\n/);
  assert.match(text.out, /Eq\. 1 \(§2\) +implemented, tested +pkg\/model\.py:1, tests\/test_model\.py:1/);
  assert.doesNotMatch(text.out, /Eq\. 2/, 'out of scope');
  assert.match(text.out, /1\/1 equations implemented, 1\/1 tested · 1\/1 sections implemented, 1\/1 tested/);
  const unknown = await run(repo, 'audit', '.', '--coverage', '--scope', '9');
  assert.equal(unknown.code, 2);
  assert.equal(unknown.err, 'papertrail audit: the paper has no §9 (its sections: 1, 2, 3, 4)\n');
  const bad = await run(repo, 'audit', '.', '--scope', '2');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--scope goes with --coverage/);
});
