// Starts Debian's jupyter-server on loopback with a fresh token and a temporary root, for tests
// and the benchmark (optionally under a hub-style base path, with extra flags); stop() kills its
// whole process group.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface JupyterServer {
  url: string;
  token: string;
  rootDir: string;
  /** What the server printed, for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

/** Why the server cannot be started here, or undefined when it can. */
export function jupyterUnavailable(): string | undefined {
  if (!fs.existsSync(SYSTEM_PYTHON)) return `${SYSTEM_PYTHON} is not installed`;
  const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import jupyter_server, ipykernel, pytest'], { encoding: 'utf8' });
  if (r.status !== 0)
    return 'jupyter-server, python3-ipykernel or python3-pytest is not installed (scripts/install-tools.sh installs them)';
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /** A JupyterHub-style prefix such as `/user/me/`; the returned url includes it. */
  basePath?: string;
  /** More server flags, e.g. `--ServerApp.max_body_size=1048576`. */
  args?: string[];
}

export async function startJupyter(opts: StartOptions = {}): Promise<JupyterServer> {
  const basePath = opts.basePath ?? '/';
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-jupyter-root-'));
  const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-jupyter-rt-'));
  writeNoPytestKernel(path.join(runtime, 'data'));
  const child = spawn(
    SYSTEM_PYTHON,
    [
      '-m',
      'jupyter_server',
      '--no-browser',
      '--ip=127.0.0.1',
      `--port=${port}`,
      '--port-retries=0',
      `--ServerApp.root_dir=${rootDir}`,
      `--ServerApp.token=${token}`,
      '--ServerApp.password=',
      '--ServerApp.open_browser=False',
      `--ServerApp.base_url=${basePath}`,
      ...(opts.args ?? []),
      // CI containers run as root, which jupyter-server refuses without this.
      ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own runtime and config folders: nothing from the developer's setup leaks in.
      env: {
        ...process.env,
        JUPYTER_RUNTIME_DIR: runtime,
        JUPYTER_CONFIG_DIR: path.join(runtime, 'config'),
        JUPYTER_DATA_DIR: path.join(runtime, 'data'),
        PYTHONDONTWRITEBYTECODE: '1',
      },
    },
  );
  let log = '';
  child.stdout.on('data', (b) => (log += b));
  child.stderr.on('data', (b) => (log += b));
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}${basePath}`;
  const stop = async () => {
    if (!exited && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // gone
      }
      const deadline = Date.now() + 5000;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (!exited) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    fs.rmSync(runtime, { recursive: true, force: true });
    fs.rmSync(rootDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`jupyter-server exited at start:\n${log.split(token).join('***')}`);
    try {
      const r = await fetch(url + 'api/status', { headers: { Authorization: `token ${token}` } });
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jupyter-server did not answer within 30 s:\n${log.split(token).join('***')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, token, rootDir, log: () => log, stop };
}

/** Kernel spec name of a python3 kernel that cannot import pytest (a meta-path blocker). */
export const NO_PYTEST_KERNEL = 'python3-nopytest';

function writeNoPytestKernel(dataDir: string): void {
  const dir = path.join(dataDir, 'kernels', NO_PYTEST_KERNEL);
  const site = path.join(dataDir, 'nopytest-site');
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(site, { recursive: true });
  fs.writeFileSync(
    path.join(site, 'sitecustomize.py'),
    [
      'import sys',
      'class _NoPytest:',
      '    def find_spec(self, name, path=None, target=None):',
      "        if name.split('.')[0] in ('pytest', '_pytest'):",
      '            raise ModuleNotFoundError("No module named \'pytest\'", name=name)',
      '        return None',
      'sys.meta_path.insert(0, _NoPytest())',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'kernel.json'),
    JSON.stringify({
      argv: [SYSTEM_PYTHON, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
      display_name: 'Python 3 without pytest',
      language: 'python',
      env: { PYTHONPATH: site },
    }),
  );
}
