import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { redactUrl, runJupyter } from '../../../src/core/runner/jupyter';
import { MANIFEST_PATH, loadGitignore } from '../../../src/core/runner/sync';
import type { JupyterServer } from './jupyter-server';
import { NO_PYTEST_KERNEL, SYSTEM_PYTHON, freePort, jupyterUnavailable, startJupyter } from './jupyter-server';
import { SAMPLE_COUNTS, copySampleRepo } from './sample';

const unavailable = jupyterUnavailable();
let server: JupyterServer;
let dir = '';
const messages: string[] = [];

before(async () => {
  if (unavailable) return;
  server = await startJupyter();
  dir = copySampleRepo('pt-jupyter-');
  // Ignored by the repository's .gitignore, or always: none of these may reach the server.
  fs.writeFileSync(path.join(dir, 'train.log'), 'x');
  fs.mkdirSync(path.join(dir, 'outputs'));
  fs.writeFileSync(path.join(dir, 'outputs', 'ckpt.bin'), 'x');
  fs.mkdirSync(path.join(dir, '.papertrail', 'runs'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.papertrail', 'runs', 'r.json'), '{}');
  fs.mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node_modules', 'x', 'i.js'), '');
});

after(async () => {
  await server?.stop();
  // The token never shows in anything a run said.
  if (server) for (const m of messages) assert.ok(!m.includes(server.token), `token leaked in: ${m}`);
});

const opts = () => ({
  dir,
  serverUrl: server.url,
  token: server.token,
  onInfo: (l: string) => messages.push(l),
  onOutput: (l: string) => messages.push(l),
});

test('remote run: exact counts, failure lines, device line, only needed files synced; the second run uploads only the changed file', {
  skip: unavailable,
}, async () => {
  const first = await runJupyter(opts());
  assert.ok(first.ok, first.ok ? '' : first.error.message);
  const v = first.value;
  assert.deepEqual({ passed: v.passed, failed: v.failed, skipped: v.skipped, errors: v.errors }, SAMPLE_COUNTS);
  assert.equal(v.device, 'CPU only');
  assert.ok(messages.includes('device: CPU only'));
  assert.deepEqual(v.uploaded.sort(), [
    'README.md',
    'conftest.py',
    'pytest.ini',
    'slow/test_sleep.py',
    'src/sample/__init__.py',
    'src/sample/ops.py',
    'tests/test_more.py',
    'tests/test_ops.py',
  ]);
  assert.equal(v.kernelReused, false);
  const scale = v.tests.find((t) => t.id === 'tests/test_ops.py::test_scale_wrong_expectation')!;
  assert.deepEqual([scale.outcome, scale.file, scale.line], ['failed', 'tests/test_ops.py', 14]);
  assert.match(scale.message, /assert \[2, 4\] == \[2, 5\]/);
  assert.ok(
    messages.some((l) => /3 failed, 6 passed, 2 skipped, 1 error/.test(l)),
    'pytest output streamed',
  );
  assert.ok(fs.existsSync(path.join(server.rootDir, 'papertrail', 'sample-repo', 'tests', 'test_ops.py')));
  assert.ok(!fs.existsSync(path.join(server.rootDir, 'papertrail', 'sample-repo', 'train.log')));
  assert.ok(!fs.existsSync(path.join(server.rootDir, 'papertrail', 'sample-repo', 'outputs')));
  assert.ok(!fs.existsSync(path.join(server.rootDir, 'papertrail', 'sample-repo', 'node_modules')));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_PATH), 'utf8'));
  assert.deepEqual(Object.keys(manifest.servers), [server.url]);

  // Fix one test; nothing else changes.
  const f = path.join(dir, 'tests', 'test_ops.py');
  fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('assert y.tolist() == [2, 5]', 'assert y.tolist() == [2, 4]'));
  const second = await runJupyter(opts());
  assert.ok(second.ok, second.ok ? '' : second.error.message);
  assert.deepEqual(second.value.uploaded, ['tests/test_ops.py']);
  assert.equal(second.value.kernelReused, true);
  assert.equal(second.value.kernelId, v.kernelId);
  assert.deepEqual([second.value.passed, second.value.failed], [7, 2]);

  // Nothing changed: nothing uploaded. A file edited on the server is put back.
  fs.writeFileSync(path.join(server.rootDir, 'papertrail', 'sample-repo', 'conftest.py'), '# edited on the server\n');
  fs.rmSync(path.join(dir, 'README.md'));
  const third = await runJupyter(opts());
  assert.ok(third.ok);
  assert.deepEqual(third.value.uploaded, ['conftest.py']);
  assert.deepEqual(third.value.deleted, ['README.md']);
  assert.ok(!fs.existsSync(path.join(server.rootDir, 'papertrail', 'sample-repo', 'README.md')));
});

test('cancel interrupts the kernel and ends a long run promptly; the kernel survives', { skip: unavailable }, async () => {
  const ac = new AbortController();
  let started = 0;
  const r = await runJupyter({
    ...opts(),
    args: ['slow/test_sleep.py'],
    signal: ac.signal,
    onInfo: (l) => {
      messages.push(l);
      if (l.startsWith('device:')) {
        started = Date.now();
        setTimeout(() => ac.abort(), 500);
      }
    },
  });
  assert.ok(!r.ok);
  assert.deepEqual(r.error, { code: 'cancelled', message: 'the test run was cancelled' });
  assert.ok(started > 0);
  assert.ok(Date.now() - started < 4000, `ended ${Date.now() - started} ms after the run started`);
  const again = await runJupyter({ ...opts(), args: ['tests/test_more.py::test_strings'] });
  assert.ok(again.ok, again.ok ? '' : again.error.message);
  assert.equal(again.value.kernelReused, true);
  assert.equal(again.value.passed, 1);
});

test('a kernel shut down mid-run ends the run with its message', { skip: unavailable }, async () => {
  let kernelId = '';
  const r = await runJupyter({
    ...opts(),
    args: ['slow/test_sleep.py'],
    onInfo: (l) => {
      messages.push(l);
      if (l.startsWith('device:')) {
        setTimeout(async () => {
          const sessions = (await (
            await fetch(server.url + 'api/sessions', { headers: { Authorization: `token ${server.token}` } })
          ).json()) as { path: string; kernel: { id: string } }[];
          kernelId = sessions.find((s) => s.path.startsWith('papertrail/sample-repo/'))!.kernel.id;
          await fetch(`${server.url}api/kernels/${kernelId}`, { method: 'DELETE', headers: { Authorization: `token ${server.token}` } });
        }, 500);
      }
    },
  });
  assert.ok(!r.ok);
  assert.equal(r.error.message, "the Jupyter kernel died during the run; restart it or check the server's memory");
  assert.ok(kernelId);
  // The next run starts a fresh kernel.
  const next = await runJupyter({ ...opts(), args: ['tests/test_more.py::test_strings'] });
  assert.ok(next.ok, next.ok ? '' : next.error.message);
  assert.equal(next.value.kernelReused, false);
});

test('a wrong token: one line, no token in it', { skip: unavailable }, async () => {
  const wrong = 'wrong-' + server.token.slice(0, 8);
  const r = await runJupyter({ ...opts(), token: wrong });
  assert.ok(!r.ok);
  assert.equal(r.error.message, 'the Jupyter server refused the token (403); check the token');
  assert.ok(!r.error.message.includes(wrong));
});

test('a server that is not running: one line naming the URL without its token', { skip: unavailable }, async () => {
  const port = await freePort();
  const r = await runJupyter({ ...opts(), serverUrl: `http://127.0.0.1:${port}/?token=${server.token}`, token: '' });
  assert.ok(!r.ok);
  assert.equal(r.error.message, `could not reach the Jupyter server at http://127.0.0.1:${port}/; is it running?`);
  assert.equal(redactUrl(`http://u:p@h:1/x/?token=${server.token}`), 'http://h:1/x/');
});

test("pytest missing on the server: one line naming the server's interpreter; an unknown kernel: one line", {
  skip: unavailable,
}, async () => {
  const r = await runJupyter({ ...opts(), kernelName: NO_PYTEST_KERNEL, remoteDir: 'nopytest/sample-repo', shutdownKernel: true });
  assert.ok(!r.ok);
  assert.equal(
    r.error.message,
    `pytest is not installed for ${SYSTEM_PYTHON} on the Jupyter server; run \`${SYSTEM_PYTHON} -m pip install pytest\` or choose another interpreter`,
  );
  const k = await runJupyter({ ...opts(), kernelName: 'no-such-kernel', remoteDir: 'other/sample-repo' });
  assert.ok(!k.ok);
  assert.match(k.error.message, /could not start a no-such-kernel kernel/);
});

test('.gitignore rules: anchored, folder-only, globs, **', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-gi-'));
  fs.writeFileSync(path.join(d, '.gitignore'), '# c\n*.log\n/scratch.txt\nbuild/\ndata/**/raw\n!keep.log\nsub/x?.py\n');
  const ig = loadGitignore(d);
  assert.equal(ig('a/b/train.log', false), true);
  assert.equal(ig('scratch.txt', false), true);
  assert.equal(ig('a/scratch.txt', false), false);
  assert.equal(ig('build', true), true);
  assert.equal(ig('build', false), false);
  assert.equal(ig('x/build', true), true);
  assert.equal(ig('data/a/b/raw', true), true);
  assert.equal(ig('data/raw', false), true);
  assert.equal(ig('sub/x1.py', false), true);
  assert.equal(ig('sub/x12.py', false), false);
  assert.equal(ig('model.py', false), false);
});
