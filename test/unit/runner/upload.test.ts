// Uploads to a real jupyter-server behind a 1 MiB request-body limit, under a JupyterHub-style
// base path (/user/me/): chunked upload of the bug report's 2.6 MB binary, names with non-ASCII,
// spaces and '#', a proxy answering 413, a server that ignores chunks, and answers that are not
// Jupyter's JSON. The input is ../shared/bugreports/jupyter-large-upload (read, never written).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isPaperTrailError } from '../../../src/core/errors';
import { contentsRemote } from '../../../src/core/runner/contents';
import { apiUrl } from '../../../src/core/runner/http';
import { parseServerUrl, runJupyter } from '../../../src/core/runner/jupyter';
import { syncRepo } from '../../../src/core/runner/sync';
import type { Answer, TestServer } from './http-fakes';
import { NGINX_502, STACK_500, json, startFake, startProxy } from './http-fakes';
import type { JupyterServer } from './jupyter-server';
import { SYSTEM_PYTHON, jupyterUnavailable, startJupyter } from './jupyter-server';
import { OUTCOMES, copyOutcomesRepo } from './sample';

const REPO_ROOT = process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd();
const BUG = path.join(REPO_ROOT, '..', 'shared', 'bugreports', 'jupyter-large-upload');
const BIN = 'fixtures/tiny_ckpt.bin';
const ODD = 'données/β_test #1.py';
const LIMIT = 1024 * 1024;

const unavailable = jupyterUnavailable() ?? (fs.existsSync(path.join(BUG, 'make_inputs.py')) ? undefined : `${BUG} is missing`);
let server: JupyterServer;
let repo = '';
const messages: string[] = [];
const extra: TestServer[] = [];

before(async () => {
  if (unavailable) return;
  server = await startJupyter({ basePath: '/user/me/', args: [`--ServerApp.max_body_size=${LIMIT}`] });
  repo = bugRepo();
});

after(async () => {
  for (const s of extra) await s.close();
  await server?.stop();
  // The generated binary is 2.6 MB: do not leave one per run in the temp folder.
  if (repo) fs.rmSync(path.dirname(repo), { recursive: true, force: true });
  if (server) for (const m of messages) assert.ok(!m.includes(server.token), `token leaked in: ${m}`);
});

/** The bug report's repo in a temp folder, with the binary its make_inputs.py writes. */
function bugRepo(): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-upload-'));
  fs.cpSync(BUG, tmp, { recursive: true });
  makeWritable(tmp);
  const r = spawnSync(SYSTEM_PYTHON, [path.join(tmp, 'make_inputs.py')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return path.join(tmp, 'repo');
}

function makeWritable(p: string): void {
  const st = fs.statSync(p);
  fs.chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
  if (st.isDirectory()) for (const e of fs.readdirSync(p)) makeWritable(path.join(p, e));
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const http = () => ({ baseUrl: server.url, token: server.token });

/** The file as the server hands it back through the Contents API. */
async function download(base: string, remotePath: string): Promise<{ size: number; bytes: Buffer }> {
  const r = await fetch(apiUrl(base, 'api/contents', remotePath, '?content=1&format=base64&type=file'), {
    headers: { Authorization: `token ${server.token}` },
  });
  assert.equal(r.status, 200, `GET ${remotePath}: ${r.status}`);
  const m = (await r.json()) as { size: number; content: string };
  return { size: m.size, bytes: Buffer.from(m.content, 'base64') };
}

function assertOneLine(message: string): void {
  assert.ok(!/\n|<(html|title|head|body|pre|!doctype)|Traceback|at .*\.js:\d+/i.test(message), `not one clean line: ${message}`);
}

test('URLs: each path segment percent-encoded, always under the base path', () => {
  assert.equal(
    apiUrl('http://h:1/user/me/', 'api/contents', ODD, '?content=0'),
    'http://h:1/user/me/api/contents/donn%C3%A9es/%CE%B2_test%20%231.py?content=0',
  );
  assert.equal(apiUrl('http://h:1/user/me/', 'api/contents', ''), 'http://h:1/user/me/api/contents');
  assert.equal(apiUrl('http://h:1/user/me', 'api/status'), 'http://h:1/user/me/api/status');
  assert.equal(apiUrl('http://h:1/', 'api/contents', 'a/?b/100%'), 'http://h:1/api/contents/a/%3Fb/100%25');
  const hub = parseServerUrl('https://hub.example/user/me%40x/lab/tree/notebooks/a.ipynb?token=abc', '');
  assert.deepEqual(hub.ok && hub.value, { baseUrl: 'https://hub.example/user/me%40x/', token: 'abc' });
});

test('the bug report repo: the 2.6 MB binary goes up in chunks through a 1 MiB body limit under /user/me/, same bytes; odd names arrive; its test runs', {
  skip: unavailable,
}, async () => {
  const local = fs.readFileSync(path.join(repo, BIN));
  assert.equal(local.length, 2_621_443);
  const r = await runJupyter({
    dir: repo,
    serverUrl: `${server.url}lab?token=${server.token}`,
    token: '',
    onInfo: (l) => messages.push(l),
    onOutput: (l) => messages.push(l),
  });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(
    [r.value.passed, r.value.failed, r.value.errors, r.value.tests[0]?.id],
    [1, 0, 0, 'tests/test_model.py::test_gelu_zero'],
  );
  assert.deepEqual([...r.value.uploaded].sort(), [ODD, BIN, 'src/model.py', 'tests/test_model.py']);
  assert.ok(!messages.some((l) => /refused/.test(l)), 'default chunks fit under 1 MiB without a retry');

  const remote = await download(server.url, `papertrail/repo/${BIN}`);
  assert.equal(remote.size, local.length);
  assert.equal(sha256(remote.bytes), sha256(local));
  const odd = await download(server.url, `papertrail/repo/${ODD}`);
  assert.equal(odd.bytes.toString('utf8'), fs.readFileSync(path.join(repo, ODD), 'utf8'));
  assert.ok(fs.existsSync(path.join(server.rootDir, 'papertrail', 'repo', 'données', 'β_test #1.py')));

  // The manifest's check lists the non-ASCII folder by its encoded URL: nothing goes up again.
  const again = await runJupyter({ dir: repo, serverUrl: server.url, token: server.token });
  assert.ok(again.ok, again.ok ? '' : again.error.message);
  assert.deepEqual([again.value.uploaded, again.value.kernelReused], [[], true]);
});

test("a chunk over the server's limit (tornado drops the connection) is halved until it fits", { skip: unavailable }, async () => {
  const info: string[] = [];
  const remote = contentsRemote(http(), { chunkBytes: 2 * 1024 * 1024, onInfo: (l) => info.push(l) });
  const out = await syncRepo({ dir: repo, remoteDir: 'halved/repo', remote, previous: undefined });
  assert.ok(out.uploaded.includes(BIN));
  assert.deepEqual(
    info.map((l) => /sending (\S+ \S+) chunks/.exec(l)?.[1]),
    ['1.0 MiB', '512 KiB'],
  );
  assert.equal(sha256(fs.readFileSync(path.join(server.rootDir, 'halved', 'repo', BIN))), sha256(fs.readFileSync(path.join(repo, BIN))));
});

test('behind a proxy that answers 413: chunks halve and the file arrives; if even a small chunk is refused, one line names the limit', {
  skip: unavailable,
}, async () => {
  const proxy = await startProxy(server.url, { maxBody: 200_000 });
  extra.push(proxy);
  const info: string[] = [];
  const out = await syncRepo({
    dir: repo,
    remoteDir: 'proxied/repo',
    remote: contentsRemote({ baseUrl: proxy.url, token: server.token }, { onInfo: (l) => info.push(l) }),
    previous: undefined,
  });
  assert.ok(out.uploaded.includes(BIN));
  assert.ok(info.length >= 1 && info.every((l) => /\(413\)/.test(l)), info.join(' | '));
  assert.equal(sha256(fs.readFileSync(path.join(server.rootDir, 'proxied', 'repo', BIN))), sha256(fs.readFileSync(path.join(repo, BIN))));

  const tight = await startProxy(server.url, { maxBody: 8_000 });
  extra.push(tight);
  const r = await runJupyter({ dir: repo, serverUrl: tight.url, token: server.token, remoteDir: 'tight/repo' });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'network');
  assert.match(
    r.error.message,
    /^the Jupyter server at http:\/\/127\.0\.0\.1:\d+\/user\/me\/ refused a \d+ KiB request as too large \(413\) while uploading .+: .*raise it to at least 1 MiB \(nginx: client_max_body_size; jupyter-server: --ServerApp\.max_body_size\)$/,
  );
  assertOneLine(r.error.message);
});

test('a server that ignores chunk numbers is caught by the size check', { skip: unavailable }, async () => {
  const dropChunk = (b: Buffer) => {
    const m = JSON.parse(b.toString('utf8')) as Record<string, unknown>;
    delete m.chunk;
    return Buffer.from(JSON.stringify(m));
  };
  const proxy = await startProxy(server.url, { rewrite: dropChunk });
  extra.push(proxy);
  const r = await runJupyter({ dir: repo, serverUrl: proxy.url, token: server.token, remoteDir: 'nochunks/repo' });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'unsupported');
  assert.match(
    r.error.message,
    /^nochunks\/repo\/fixtures\/tiny_ckpt\.bin arrived on the Jupyter server at .* with \d+ of 2621443 bytes: its contents manager may not support chunked uploads/,
  );
});

test('every pytest outcome comes back right from the hub-prefixed server', { skip: unavailable }, async () => {
  const dir = copyOutcomesRepo('pt-upload-outcomes-');
  const r = await runJupyter({
    dir,
    serverUrl: server.url,
    token: server.token,
    args: ['--continue-on-collection-errors'],
    shutdownKernel: true,
  });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(Object.fromEntries(r.value.tests.map((t) => [t.id, t.outcome])), OUTCOMES);
});

test('a wrong base URL (no /user/me/): one line pointing at the base URL', { skip: unavailable }, async () => {
  const root = server.url.replace(/user\/me\/$/, '');
  const r = await runJupyter({ dir: repo, serverUrl: root, token: server.token });
  assert.ok(!r.ok);
  assert.match(
    r.error.message,
    /^the Jupyter server at http:\/\/127\.0\.0\.1:\d+\/ answered 404 with an HTML page .*instead of Jupyter's JSON while checking its status; check that .* is the Jupyter server's base URL \(for JupyterHub: https:\/\/<hub>\/user\/<name>\/\)/,
  );
  assertOneLine(r.error.message);
});

test("answers that are not Jupyter's JSON: one line each, never the page or a stack", async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-fake-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  fs.writeFileSync(path.join(tmp, 'a.py'), 'x = 1\n');
  const cases: { name: string; answer: (method: string, url: string) => Answer; expect: RegExp }[] = [
    {
      name: 'a web page, not a Jupyter server',
      answer: () => ({
        status: 200,
        type: 'text/html',
        body: '<!doctype html><html><head><title>Welcome to nginx!</title></head><body>hi</body></html>',
      }),
      expect:
        /answered 200 with an HTML page \("Welcome to nginx!"\) instead of Jupyter's JSON while checking its status; check that .* base URL/,
    },
    {
      name: 'a 500 stack page on upload',
      answer: (m, u) =>
        u.includes('api/status')
          ? json(200, { started: 'x' })
          : m === 'GET'
            ? json(404, { message: 'No such file' })
            : m === 'PUT' && u.endsWith('/a.py')
              ? STACK_500
              : json(201, { type: 'directory' }),
      expect:
        /answered 500 with an HTML page \("500: Internal Server Error"\) instead of Jupyter's JSON while uploading papertrail\/x\/a\.py; the server or a proxy in front of it failed: see the server's log, then try again$/,
    },
    {
      name: 'a 502 from the proxy',
      answer: (_m, u) => (u.includes('api/status') ? json(200, {}) : NGINX_502),
      expect:
        /answered 502 with an HTML page \("502 Bad Gateway"\) instead of Jupyter's JSON while creating folder papertrail; the server or a proxy/,
    },
    {
      name: "Jupyter's own JSON error",
      answer: (m, u) =>
        u.includes('api/status')
          ? json(200, {})
          : m === 'PUT'
            ? json(500, { message: 'Unexpected error while saving file: disk full', traceback: 'Traceback (most recent call last):\n...' })
            : json(404, {}),
      expect: /failed while creating folder papertrail \(500: Unexpected error while saving file: disk full\); see the server's log/,
    },
  ];
  for (const c of cases) {
    const fake = await startFake(c.answer, '/user/me/');
    try {
      const r = await runJupyter({ dir: tmp, serverUrl: fake.url, token: 'tok', remoteDir: 'papertrail/x' });
      assert.ok(!r.ok, c.name);
      assert.match(r.error.message, c.expect, c.name);
      assertOneLine(r.error.message);
    } finally {
      await fake.close();
    }
  }
  // The same line reaches a direct caller of the sync as a PaperTrailError.
  const fake = await startFake(() => NGINX_502);
  try {
    await assert.rejects(
      syncRepo({ dir: tmp, remoteDir: 'x', remote: contentsRemote({ baseUrl: fake.url, token: '' }), previous: undefined }),
      (e) => isPaperTrailError(e) && /502 Bad Gateway/.test(e.message),
    );
  } finally {
    await fake.close();
  }
});
