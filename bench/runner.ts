// npm run bench:runner — the cost of running a repository's tests on a Jupyter kernel over
// running the same pytest directly on the server's machine (loopback), for a 200-file repository:
// the first run (everything uploaded, kernel started) and later runs with one changed file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runJupyter } from '../src/core/runner/jupyter';
import { runLocal } from '../src/core/runner/local';
import { SYSTEM_PYTHON, jupyterUnavailable, startJupyter } from '../test/unit/runner/jupyter-server';

const PACKAGES = 20;
const MODULES = 9; // + one test file per package: 20 × 10 = 200 files
const REPEATS = 5;

function writeRepo(dir: string): void {
  for (let p = 0; p < PACKAGES; p++) {
    const pkg = path.join(dir, `pkg${p}`);
    fs.mkdirSync(pkg, { recursive: true });
    for (let m = 0; m < MODULES - 1; m++) {
      const body = Array.from(
        { length: 40 },
        (_, i) => `def f${i}(x):\n    # §${p + 1}.${m + 1} step ${i}\n    return x * ${i} + ${m}\n`,
      ).join('\n');
      fs.writeFileSync(path.join(pkg, `mod${m}.py`), body);
    }
    fs.writeFileSync(path.join(pkg, '__init__.py'), '');
    const tests = Array.from({ length: 5 }, (_, i) => `def test_f${i}():\n    assert mod0.f${i}(2) == ${2 * i}\n`).join('\n');
    fs.writeFileSync(path.join(pkg, `test_pkg${p}.py`), `from pkg${p} import mod0\n\n\n${tests}`);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const why = jupyterUnavailable();
  if (why) {
    console.error(`bench:runner needs Debian's jupyter-server: ${why}`);
    process.exit(2);
  }
  const server = await startJupyter();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-bench-runner-'));
  const dir = path.join(root, 'repo200');
  writeRepo(dir);
  const files = fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, String(f))).isFile()).length;
  // Quiet the client library's connection chatter.
  console.debug = () => undefined;
  console.warn = () => undefined;
  try {
    const remote = async () => {
      const t0 = performance.now();
      const r = await runJupyter({ dir, serverUrl: server.url, token: server.token });
      const ms = performance.now() - t0;
      if (!r.ok) throw new Error(r.error.message);
      if (r.value.passed !== PACKAGES * 5) throw new Error(`expected ${PACKAGES * 5} passed, got ${r.value.passed}`);
      return { ms, uploaded: r.value.uploaded.length };
    };
    const first = await remote();
    const serverCopy = path.join(server.rootDir, 'papertrail', 'repo200');
    const direct: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const t0 = performance.now();
      const r = await runLocal({ dir: serverCopy, python: SYSTEM_PYTHON });
      direct.push(performance.now() - t0);
      if (!r.ok || r.value.passed !== PACKAGES * 5) throw new Error('direct run failed');
    }
    const changed: number[] = [];
    const uploads: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const f = path.join(dir, `pkg${i}`, 'mod3.py');
      fs.appendFileSync(f, `\n# edit ${i}\n`);
      const r = await remote();
      changed.push(r.ms);
      uploads.push(r.uploaded);
    }
    const unchanged: number[] = [];
    for (let i = 0; i < REPEATS; i++) unchanged.push((await remote()).ms);
    const d = median(direct);
    const rows: [string, number, string][] = [
      ['pytest directly on the server machine', d, '—'],
      [`first remote run (${first.uploaded} files uploaded, kernel started)`, first.ms, `${(first.ms - d).toFixed(0)}`],
      [`remote run, one changed file (uploaded ${Math.max(...uploads)})`, median(changed), `${(median(changed) - d).toFixed(0)}`],
      ['remote run, nothing changed', median(unchanged), `${(median(unchanged) - d).toFixed(0)}`],
    ];
    console.log(`bench:runner — ${files} files, ${PACKAGES * 5} tests, Jupyter on 127.0.0.1, medians of ${REPEATS} (first run: once)`);
    console.log('');
    console.log('| run | wall ms | overhead ms |');
    console.log('| --- | ---: | ---: |');
    for (const [name, ms, over] of rows) console.log(`| ${name} | ${ms.toFixed(0)} | ${over} |`);
    const over = median(changed) - d;
    console.log('');
    console.log(`second-run overhead ${over.toFixed(0)} ms: ${over < 1000 ? 'under' : 'OVER'} the 1 s goal`);
  } finally {
    await server.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (e) => {
    console.error(`bench:runner: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
