// Runs pytest with a local interpreter and reads its JUnit XML.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import { parseJUnit } from './junit';
import type { OutputListener, RunLocalOptions, TestRunResult } from './types';

/** Options every run passes to pytest: quiet, and JUnit with file and line (xunit1). */
export function pytestArgs(junitPath: string, args: readonly string[] = []): string[] {
  return ['-m', 'pytest', '-q', '-o', 'junit_family=xunit1', `--junitxml=${junitPath}`, ...args];
}

/** The interpreter to use: the one given, else `python3` on PATH, else `python`. */
export function choosePython(python: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (python?.trim()) return python.trim();
  return findOnPath('python3', env) ?? findOnPath('python', env) ?? 'python3';
}

/** The message for an interpreter without pytest; `where` says which machine when it is not this one. */
export function pytestMissingMessage(python: string, where = ''): string {
  return `pytest is not installed for ${python}${where}; run \`${python} -m pip install pytest\` or choose another interpreter`;
}

/**
 * Runs `python -m pytest` in `dir`. Ok with the parsed results whenever pytest wrote its report
 * (failing tests included); fail when the run could not happen or was cancelled.
 */
export async function runLocal(opts: RunLocalOptions): Promise<Result<TestRunResult>> {
  const started = Date.now();
  const env = opts.env ?? process.env;
  const python = choosePython(opts.python, env);
  if (!fs.existsSync(opts.dir) || !fs.statSync(opts.dir).isDirectory()) return fail('not-found', `${opts.dir}: no such folder`);
  if (opts.signal?.aborted) return fail('cancelled', 'the test run was cancelled');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'papertrail-junit-'));
  const junit = path.join(tmp, 'junit.xml');
  try {
    const run = await spawnLines(python, pytestArgs(junit, opts.args), {
      cwd: opts.dir,
      env: { ...env, PYTHONUNBUFFERED: '1' },
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
    });
    if (run.spawnError) {
      return fail(
        'not-found',
        run.spawnError === 'ENOENT'
          ? `could not start ${python}: no such program; give the interpreter's path (--python or papertrail.python.path)`
          : `could not start ${python}: ${run.spawnError}`,
      );
    }
    if (run.cancelled) return fail('cancelled', 'the test run was cancelled');
    const xml = fs.existsSync(junit) ? fs.readFileSync(junit, 'utf8') : undefined;
    if (xml === undefined) {
      if (/No module named '?pytest'?/.test(run.tail.join('\n'))) return fail('not-found', pytestMissingMessage(python));
      return fail('bad-input', `pytest did not run (exit ${run.code ?? run.signal}): ${lastMeaningful(run.tail) || 'no output'}`);
    }
    const parsed = parseJUnit(xml, { pytestExitCode: run.code ?? -1, durationMs: Date.now() - started });
    if (!parsed) return fail('internal', `pytest wrote a report that is not JUnit XML (${junit})`);
    return ok(parsed);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

interface SpawnOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  cancelled: boolean;
  spawnError?: string;
  /** The last lines of output, to explain a run that produced no report. */
  tail: string[];
}

/** Spawns in its own process group (so cancelling kills pytest's children too) and streams lines. */
export function spawnLines(
  command: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; signal?: AbortSignal; onOutput?: OutputListener },
): Promise<SpawnOutcome> {
  return new Promise((resolve) => {
    const tail: string[] = [];
    const emit = (line: string) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      opts.onOutput?.(line);
    };
    let child;
    try {
      child = spawn(command, args, {
        cwd: opts.cwd,
        env: opts.env,
        detached: process.platform !== 'win32',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      resolve({ code: null, signal: null, cancelled: false, spawnError: (e as NodeJS.ErrnoException).code ?? String(e), tail });
      return;
    }
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (child.pid && process.platform !== 'win32') process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // already gone
      }
    };
    const onAbort = () => {
      cancelled = true;
      kill('SIGTERM');
      killTimer = setTimeout(() => kill('SIGKILL'), 2000);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const out = lineSplitter(emit);
    const err = lineSplitter(emit);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let spawnError: string | undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code ?? e.message;
    });
    child.on('close', (code, signal) => {
      out.end();
      err.end();
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ code, signal, cancelled, tail, ...(spawnError ? { spawnError } : {}) });
    });
  });
}

/** Splits a byte stream into lines, decoding UTF-8 across chunk boundaries. */
export function lineSplitter(emit: (line: string) => void): { push(b: Buffer | string): void; end(): void } {
  const decoder = new TextDecoder();
  let rest = '';
  const flush = (text: string) => {
    rest += text;
    let i;
    while ((i = rest.indexOf('\n')) >= 0) {
      emit(rest.slice(0, i).replace(/\r$/, ''));
      rest = rest.slice(i + 1);
    }
  };
  return {
    push: (b) => flush(typeof b === 'string' ? b : decoder.decode(b, { stream: true })),
    end: () => {
      flush(decoder.decode());
      if (rest) emit(rest);
      rest = '';
    },
  };
}

function lastMeaningful(lines: string[]): string {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.trim()) return lines[i]!.trim();
  return '';
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}
