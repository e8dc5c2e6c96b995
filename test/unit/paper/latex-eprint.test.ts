// E-prints as arXiv ships them: a .tar.gz of the source tree, or one gzipped .tex; and
// archives that try to write outside their folder, or are broken.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readEprint } from '../../../src/core/paper/latex-eprint';
import { parsePaper } from '../../../src/core/paper/parse';
import { TREE, gzip, rawTar, treeTarGz } from '../../fixtures/latex/archive';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pt-eprint-'));
}

test('a .tar.gz e-print of the fixture tree reads exactly like the folder', async () => {
  const dir = tmp();
  const archive = path.join(dir, '2401.00001.tar.gz');
  await treeTarGz(archive);
  const env = { PAPERTRAIL_CACHE_DIR: path.join(dir, 'cache') };
  const fromTar = await parsePaper(archive, { env });
  const fromFolder = await parsePaper(TREE, { env });
  assert.ok(fromTar.ok, fromTar.ok ? '' : fromTar.error.message);
  assert.ok(fromFolder.ok);
  assert.deepEqual(
    fromTar.value.sections.map((s) => s.number + ' ' + s.title),
    fromFolder.value.sections.map((s) => s.number + ' ' + s.title),
  );
  assert.deepEqual(
    fromTar.value.equations.map((e) => e.number),
    fromFolder.value.equations.map((e) => e.number),
  );
  assert.equal(fromTar.value.equations.length, 14);
  assert.equal(fromTar.value.source.kind, 'latex');
  assert.equal(fromTar.value.source.sha256, fromFolder.value.source.sha256, 'same sources, same hash');
  assert.deepEqual(fromTar.value.warnings, []);
});

test('a gzipped single .tex (what arXiv serves for one-file papers)', async () => {
  const dir = tmp();
  const file = path.join(dir, 'single.gz');
  fs.writeFileSync(file, gzip('\\documentclass{article}\\begin{document}\\section{Only}\\begin{equation}x\\end{equation}\\end{document}'));
  const r = await parsePaper(file, { env: { PAPERTRAIL_CACHE_DIR: path.join(dir, 'cache') } });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(
    r.value.sections.map((s) => s.title),
    ['Only'],
  );
  assert.deepEqual(
    r.value.equations.map((e) => e.number),
    ['1'],
  );
});

test('entries with absolute paths, "..", links or devices are refused by name; the rest is read', async () => {
  const main = '\\documentclass{article}\\begin{document}\\input{evil}\\section{Safe}\\end{document}';
  const tar = rawTar([
    { name: 'main.tex', content: main },
    { name: '../evil.tex', content: '\\section{Escaped}' },
    { name: '/tmp/abs.tex', content: '\\section{Absolute}' },
    { name: 'sub/../../up.tex', content: 'x' },
    { name: 'evil.tex', type: '2', link: '/etc/passwd' },
    { name: 'dev', type: '3' },
  ]);
  const r = await readEprint(gzip(tar), 'evil.tar.gz');
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual([...r.value.files.keys()], ['main.tex']);
  const w = r.value.warnings.join('\n');
  assert.match(w, /"\.\.\/evil\.tex" refused: its path leaves the archive/);
  assert.match(w, /"\/tmp\/abs\.tex" refused: its path is absolute/);
  assert.match(w, /"sub\/\.\.\/\.\.\/up\.tex" refused/);
  assert.match(w, /"evil\.tex" refused: it is a link/);
  assert.match(w, /"dev" refused: it is a CharacterDevice/);

  const dir = tmp();
  const file = path.join(dir, 'evil.tar.gz');
  fs.writeFileSync(file, gzip(tar));
  const p = await parsePaper(file, { env: { PAPERTRAIL_CACHE_DIR: path.join(dir, 'cache') } });
  assert.ok(p.ok);
  assert.deepEqual(
    p.value.sections.map((s) => s.title),
    ['Safe'],
  );
  assert.match(p.value.warnings.join('\n'), /refused/);
  assert.ok(!fs.existsSync(path.join(dir, '..', 'evil.tex')) && !fs.existsSync('/tmp/abs.tex'), 'nothing written outside');
});

test('a truncated or corrupt archive is one clear error, not a crash', async () => {
  const dir = tmp();
  await treeTarGz(path.join(dir, 'ok.tar.gz'));
  const whole = fs.readFileSync(path.join(dir, 'ok.tar.gz'));
  const cases: [string, Buffer, RegExp][] = [
    ['truncated.tar.gz', whole.subarray(0, Math.floor(whole.length / 2)), /the e-print archive is damaged .*download it again/],
    [
      'garbage.tar.gz',
      Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('definitely not deflate data')]),
      /the e-print archive is damaged/,
    ],
    ['notsource.gz', gzip('just some words, not LaTeX'), /neither a \.tar\.gz of LaTeX sources nor a gzipped \.tex file/],
    [
      'nomain.tar.gz',
      gzip(rawTar([{ name: 'intro.tex', content: '\\section{I}' }])),
      /no main \.tex file \(with \\documentclass\) in .*nomain\.tar\.gz/,
    ],
  ];
  for (const [name, bytes, want] of cases) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    const r = await parsePaper(file, { env: { PAPERTRAIL_CACHE_DIR: path.join(dir, 'cache') } });
    assert.ok(!r.ok, name);
    assert.match(r.error.message, want, name);
    assert.ok(!r.error.message.includes('\n'), 'one line');
  }
});
