import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import type { CliIo } from '../../../src/cli/io';
import { main, verbs } from '../../../src/cli/main';

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd: process.cwd(),
    env: { ...process.env, PAPERTRAIL_CACHE_DIR: path.join(process.cwd(), 'out', 'test-cache') },
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

test('--help lists every verb of the design and exits 0', async () => {
  const io = capture();
  assert.equal(await main(['--help'], io), 0);
  for (const verb of ['parse', 'resolve', 'audit', 'reimplement', 'eval', 'test']) assert.match(io.out, new RegExp(`^  ${verb} `, 'm'));
  assert.deepEqual(verbs.map((v) => v.name).sort(), ['audit', 'eval', 'parse', 'reimplement', 'resolve', 'test']);
});

test('no arguments prints help and exits 2 (bad usage)', async () => {
  const io = capture();
  assert.equal(await main([], io), 2);
  assert.match(io.out, /usage: papertrail <verb>/);
});

test('an unknown verb is one line on stderr and exit 2', async () => {
  const io = capture();
  assert.equal(await main(['frobnicate'], io), 2);
  assert.equal(io.err.trim().split('\n').length, 1);
  assert.match(io.err, /unknown verb "frobnicate".*--help/);
});

test('an unknown option is one line on stderr and exit 2', async () => {
  const io = capture();
  assert.equal(await main(['parse', 'x.pdf', '--frob'], io), 2);
  assert.equal(io.err.trim().split('\n').length, 1);
  assert.match(io.err, /unknown option.*--frob/);
});

test('an option without its value says so, whether it ends the line or another option follows', async () => {
  for (const argv of [
    ['reimplement', 'a.pdf', 'b.pdf', '--keys', '--out', 'x'],
    ['reimplement', 'a.pdf', '--out'],
  ]) {
    const io = capture();
    assert.equal(await main(argv, io), 2);
    assert.match(io.err, /^papertrail reimplement: --(keys|out) needs a value \(see papertrail reimplement --help\)\n$/);
  }
});

test('every verb answers --help with its usage', async () => {
  for (const v of verbs) {
    const io = capture();
    assert.equal(await main([v.name, '--help'], io), 0, v.name);
    assert.match(io.out, new RegExp(`usage: papertrail ${v.name}`));
  }
});

test('parse of a missing file: exit 2, one line naming the file and what to give instead', async () => {
  const io = capture();
  assert.equal(await main(['parse', '/nonexistent.pdf', '--json'], io), 2);
  assert.equal(io.out, '', 'nothing on stdout');
  const lines = io.err.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /\/nonexistent\.pdf: no such file/);
  assert.doesNotMatch(io.err, /\bat .*:\d+:\d+/, 'no stack trace');
});

test('the built CLI runs as a process: --help exits 0, a missing paper exits 2 with one stderr line', () => {
  const cli = process.env.PAPERTRAIL_CLI_BUNDLE ?? path.resolve('dist/cli.js');
  const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /papertrail \d+\.\d+\.\d+/);
  const missing = spawnSync(process.execPath, [cli, 'parse', '/nonexistent.pdf'], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.equal(missing.stdout, '');
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  assert.match(missing.stderr, /^papertrail parse: \/nonexistent\.pdf: no such file/);
});
