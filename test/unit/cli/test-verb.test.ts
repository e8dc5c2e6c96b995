import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import type { JupyterServer } from '../runner/jupyter-server';
import { SYSTEM_PYTHON, jupyterUnavailable, startJupyter } from '../runner/jupyter-server';
import { SAMPLE_COUNTS, copySampleRepo } from '../runner/sample';

const unavailable = jupyterUnavailable();
let dir = '';
let server: JupyterServer | undefined;

before(async () => {
  dir = copySampleRepo('pt-cli-test-');
  if (!unavailable) server = await startJupyter();
});
after(async () => {
  await server?.stop();
});

async function run(env: NodeJS.ProcessEnv, ...argv: string[]) {
  const io: CliIo & { out: string; err: string } = {
    out: '',
    err: '',
    cwd: path.dirname(dir),
    env: { ...process.env, ...env },
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
  };
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

test('test --json, local: the JSON shape, exit 1 when a test fails, nothing but JSON on stdout', { skip: unavailable }, async () => {
  const r = await run({}, 'test', 'sample-repo', '--python', SYSTEM_PYTHON, '--json');
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual({ passed: j.passed, failed: j.failed, skipped: j.skipped, errors: j.errors }, SAMPLE_COUNTS);
  assert.equal(j.target, 'local');
  assert.equal(j.tests.length, 12);
  for (const t of j.tests) {
    assert.deepEqual(
      Object.keys(t)
        .filter((k) => k !== 'details')
        .sort(),
      ['durationMs', 'file', 'id', 'line', 'message', 'name', 'outcome'],
    );
    assert.ok(['passed', 'failed', 'skipped', 'error'].includes(t.outcome));
  }
  assert.equal(r.err, '', 'no pytest output with --json');
});

test('test with pytest arguments after --: exit 0 when all selected tests pass; readable summary', { skip: unavailable }, async () => {
  const r = await run(
    {},
    'test',
    'sample-repo',
    '--python',
    SYSTEM_PYTHON,
    '--',
    'tests/test_ops.py::test_softmax_sums_to_one',
    'tests/test_ops.py::test_needs_gpu',
  );
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out,
    /^1 passed, 0 failed, 1 skipped, 0 errors in [\d.]+ s \(local: \/usr\/bin\/python3\)\nskipped:\n {2}tests\/test_ops\.py:17 {2}tests\/test_ops\.py::test_needs_gpu {2}needs a GPU\n$/,
  );
  assert.match(r.err, /1 passed, 1 skipped/, 'pytest output on stderr');
});

test('test: failures listed with file:line in the summary', { skip: unavailable }, async () => {
  const r = await run({}, 'test', 'sample-repo', '--python', SYSTEM_PYTHON);
  assert.equal(r.code, 1);
  assert.match(
    r.out,
    /^failed:\n {2}tests\/test_more\.py:10 {2}tests\/test_more\.py::test_division_error {2}ZeroDivisionError: division by zero$/m,
  );
  assert.match(r.out, /^error:\n {2}tests\/test_more\.py:\d+ {2}tests\/test_more\.py::test_uses_broken_fixture /m);
});

test('test runs that cannot happen: exit 2, one line on stderr', async () => {
  const cases: [string[], RegExp][] = [
    [['test'], /give exactly one repository folder/],
    [['test', '/nonexistent-repo', '--python', SYSTEM_PYTHON], /\/nonexistent-repo: no such folder/],
    [['test', 'sample-repo', '--python', '/nonexistent/python'], /could not start \/nonexistent\/python/],
    [['test', 'sample-repo', '--token-env', 'X'], /--token-env and --remote-dir go with --jupyter/],
    [['test', 'sample-repo', '--jupyter', 'http://127.0.0.1:9/'], /no token in \$JUPYTER_TOKEN/],
  ];
  if (!unavailable)
    cases.push([
      ['test', 'sample-repo', '--python', SYSTEM_PYTHON, '--json', '--', '-k', 'no_such_test_name'],
      /pytest found no tests in sample-repo with -k no_such_test_name/,
    ]);
  for (const [argv, re] of cases) {
    const r = await run({ JUPYTER_TOKEN: '' }, ...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.out, '');
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, re);
  }
});

test('test --jupyter --json: the same counts remotely, the device, exit 1; a wrong token is exit 2 without the token', {
  skip: unavailable,
}, async () => {
  const s = server!;
  const r = await run({ PT_TOKEN: s.token }, 'test', 'sample-repo', '--jupyter', s.url, '--token-env', 'PT_TOKEN', '--json');
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual({ passed: j.passed, failed: j.failed, skipped: j.skipped, errors: j.errors }, SAMPLE_COUNTS);
  assert.equal(j.target, 'jupyter');
  assert.equal(j.device, 'CPU only');
  const wrong = await run({ JUPYTER_TOKEN: 'not-' + s.token }, 'test', 'sample-repo', '--jupyter', s.url);
  assert.equal(wrong.code, 2);
  assert.equal(wrong.err, 'papertrail test: the Jupyter server refused the token (403); check the token\n');
  const readable = await run({ JUPYTER_TOKEN: s.token }, 'test', 'sample-repo', '--jupyter', s.url, '--', 'tests/test_more.py');
  assert.equal(readable.code, 1);
  assert.match(readable.out, /^2 passed, 1 failed, 0 skipped, 1 error in [\d.]+ s \(jupyter: CPU only\)/);
  assert.match(readable.err, /^papertrail: device: CPU only$/m);
  assert.ok(!readable.err.includes(s.token) && !readable.out.includes(s.token));
});

test('the built CLI (a copy of dist/ with no node_modules beside it) runs tests on Jupyter', { skip: unavailable }, async (t) => {
  const bundle = process.env.PAPERTRAIL_CLI_BUNDLE ?? path.resolve('dist/cli.js');
  if (!fs.existsSync(bundle) || !fs.readFileSync(bundle, 'utf8').includes('papertrail.run+json')) {
    t.skip('dist/cli.js predates the test verb; run node esbuild.mjs');
    return;
  }
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-dist-'));
  fs.cpSync(path.dirname(bundle), copy, { recursive: true });
  const s = server!;
  const r = spawnSync(process.execPath, [path.join(copy, 'cli.js'), 'test', dir, '--jupyter', s.url, '--json', '--', 'tests/test_ops.py'], {
    encoding: 'utf8',
    cwd: copy,
    env: { ...process.env, JUPYTER_TOKEN: s.token, NODE_PATH: '' },
  });
  fs.rmSync(copy, { recursive: true, force: true });
  assert.equal(r.status, 1, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual([j.passed, j.failed, j.skipped], [4, 2, 2]);
});
