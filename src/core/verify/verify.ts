// One round of the verify stage on a staging copy of the generated repository: lint and
// format (ruff, in-process), check that the config and the code name the same keys, probe the
// interpreter for the requirements, import every module, run the tests. Nothing here calls a
// model: the pipeline turns the failures of a round into repair calls (pipeline.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import { ok } from '../errors';
import { runJupyter } from '../runner/jupyter';
import type { TestRunResult } from '../runner/types';
import { writeFileAtomic } from '../workspace/writer';
import type { ConfigProblem } from './configKeys';
import { configProblems } from './configKeys';
import type { LintProblem } from './lint';
import { lintPython } from './lint';
import type { ImportFailure } from './python';
import type { EntryRun } from './entryPoints';
import { runNotebook, runSmoke } from './entryPoints';
import { importFailures, missingPackages, requirementNames, runTests } from './python';

export interface VerifyOptions {
  /** The interpreter (an absolute path or a name on PATH); with `jupyter`, unused. */
  python: string;
  /** Run the tests on this Jupyter server's kernel instead (its environment, its GPU). */
  jupyter?: { serverUrl: string; token: string };
  /** Folder the staging copy is written to (emptied first). */
  dir: string;
  env?: NodeJS.ProcessEnv;
  /** Limit of each process (imports, tests), in ms; default 5 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onOutput?: (line: string) => void;
  /** The paper's config (`configs/paper.yaml` unless the plan named another). */
  configPath?: string;
  /** The README's smoke command, run after the tests (not on Jupyter). */
  smoke?: string;
  /** A notebook of the repository to execute top to bottom (not on Jupyter). */
  notebook?: string;
}

export interface VerifyRound {
  round: number;
  lint: LintProblem[];
  config: ConfigProblem[];
  /** Requirements the interpreter lacks: imports and tests did not run, and nothing is sent to repair. */
  missing: string[];
  imports: ImportFailure[];
  /** Modules imported (failed ones included). */
  modules: number;
  tests?: TestRunResult;
  /** Why the tests did not run or did not finish (a time limit, pytest not starting). */
  testError?: string;
  /** The smoke command's run; absent when there is none or the tests ran on Jupyter. */
  smoke?: EntryRun;
  /** The walkthrough notebook's execution; absent when there is none. */
  notebook?: EntryRun;
  durationMs: number;
}

/** A problem a repair call can act on, with the file it is sent with. */
export interface Failure {
  file: string;
  kind: 'lint' | 'import' | 'test' | 'config' | 'smoke' | 'notebook';
  /** What the model reads: the message, traceback or assertion with its values. */
  text: string;
}

/**
 * Verifies `files` (path → content). Returns the files as they are after lint fixes and
 * formatting, and what the round found. Fails only when the interpreter cannot be run at all.
 */
export async function verifyOnce(
  files: ReadonlyMap<string, string>,
  round: number,
  opts: VerifyOptions,
): Promise<Result<{ files: Map<string, string>; round: VerifyRound }>> {
  const started = Date.now();
  const linted = lintPython(files);
  fs.rmSync(opts.dir, { recursive: true, force: true });
  for (const [p, content] of linted.files) writeFileAtomic(path.join(opts.dir, p), content);
  const result: VerifyRound = {
    round,
    lint: linted.problems,
    config: configProblems(linted.files, opts.configPath),
    missing: [],
    imports: [],
    modules: 0,
    durationMs: 0,
  };
  if (opts.jupyter) {
    // On the kernel a module that does not import shows as a collection error of its tests.
    const r = await runJupyter({
      dir: opts.dir,
      serverUrl: opts.jupyter.serverUrl,
      token: opts.jupyter.token,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
    });
    if (!r.ok && r.error.code === 'cancelled') return r;
    if (r.ok) result.tests = r.value;
    else result.testError = r.error.message;
    result.durationMs = Date.now() - started;
    return ok({ files: linted.files, round: result });
  }
  const run = {
    python: opts.python,
    dir: opts.dir,
    timeoutMs: opts.timeoutMs ?? 300_000,
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
  };
  const missing = await missingPackages(run, requirementNames(linted.files.get('requirements.txt') ?? ''));
  if (!missing.ok) return missing;
  result.missing = missing.value;
  if (!result.missing.length) {
    const modules = importableModules([...linted.files.keys()]);
    result.modules = modules.length;
    const imports = await importFailures(run, modules);
    if (!imports.ok && imports.error.code === 'cancelled') return imports;
    if (imports.ok) result.imports = imports.value;
    else result.testError = imports.error.message;
    const tests = await runTests(run);
    if (!tests.ok && tests.error.code === 'cancelled') return tests;
    if (tests.ok) result.tests = tests.value;
    else result.testError = tests.error.message;
    if (opts.smoke) {
      const smoke = await runSmoke(run, opts.smoke);
      if (!smoke.ok) return smoke;
      result.smoke = smoke.value;
    }
    if (opts.notebook && linted.files.has(opts.notebook)) {
      const nb = await runNotebook(run, opts.notebook);
      if (!nb.ok) return nb;
      result.notebook = nb.value;
    }
  }
  result.durationMs = Date.now() - started;
  return ok({ files: linted.files, round: result });
}

/** Python files outside tests, notebooks and the demo (its gradio is an optional group) that import as modules from the repository root. */
export function importableModules(paths: readonly string[]): { module: string; file: string }[] {
  return paths
    .filter((p) => p.endsWith('.py') && !/(^|\/)(tests?|notebooks)\/|^demo\//.test(p) && !/(^|\/)(conftest|setup)\.py$/.test(p))
    .filter((p) => p.split('/').every((seg) => /^[A-Za-z_][A-Za-z0-9_]*(\.py)?$/.test(seg)))
    .map((p) => ({
      module: p
        .replace(/\.py$/, '')
        .replace(/\/__init__$/, '')
        .split('/')
        .join('.'),
      file: p,
    }))
    .filter((m) => m.module !== '__init__');
}

/** Whether a round found nothing to repair. */
export function passed(r: VerifyRound): boolean {
  return (
    !r.missing.length &&
    !r.lint.some((p) => p.severity === 'error') &&
    !r.config.length &&
    !r.imports.length &&
    !r.testError &&
    !!r.tests &&
    r.tests.failed === 0 &&
    r.tests.errors === 0 &&
    entryPassed(r.smoke) &&
    entryPassed(r.notebook)
  );
}

/** A run that did not happen for a reason outside the code (skipped) does not fail the round. */
function entryPassed(e: EntryRun | undefined): boolean {
  return !e || e.ok || !!e.skipped;
}

/**
 * What a round found, grouped by the file a repair should change: a lint error's file, the
 * deepest repository frame of an import or test traceback (the implementation when the fault
 * is there, else the test), the config for config keys. Empty when the interpreter lacks
 * requirements: that is the user's to fix, not the model's.
 */
export function failuresByFile(r: VerifyRound, files: ReadonlyMap<string, string>): Map<string, Failure[]> {
  const out = new Map<string, Failure[]>();
  if (r.missing.length) return out;
  // Several modules failing on one missing import say the same thing: once is enough.
  const add = (f: Failure) => {
    const list = out.get(f.file) ?? [];
    const head = (x: Failure) => x.text.split('\n')[0]!.replace(/^importing \S+ fails: |^\S+ (failed|error): /, '');
    if (!list.some((x) => head(x) === head(f))) out.set(f.file, [...list, f]);
  };
  for (const p of r.lint) if (p.severity === 'error') add({ file: p.file, kind: 'lint', text: `line ${p.line}: ${p.code} ${p.message}` });
  for (const p of r.config) add({ file: p.file, kind: 'config', text: p.message });
  for (const i of r.imports)
    add({
      file: deepestFrame(i.traceback, files) ?? i.file,
      kind: 'import',
      text: `importing ${i.module} fails: ${i.message}\n${i.traceback}`,
    });
  for (const t of r.tests?.tests ?? []) {
    if (t.outcome !== 'failed' && t.outcome !== 'error') continue;
    const file = deepestFrame(t.details ?? '', files) ?? t.file;
    add({
      file: files.has(file) ? file : t.file,
      kind: 'test',
      text: `${t.id} ${t.outcome}: ${t.message}\n${(t.details ?? '').slice(-3000)}`,
    });
  }
  for (const e of [r.smoke, r.notebook]) {
    if (!e || e.ok || e.skipped) continue;
    const kind = e === r.smoke ? 'smoke' : 'notebook';
    // A fault inside the repository's code goes to that file; one in the command or a cell is reported only.
    const file = deepestFrame(e.details, files);
    if (file?.endsWith('.py'))
      add({ file, kind, text: `${kind === 'smoke' ? `\`${e.what}\`` : e.what} fails: ${e.message}\n${e.details}` });
  }
  return out;
}

/** The last frame (`File "x.py", line n` and the like) of a traceback that names a file of the repository. */
function deepestFrame(traceback: string, files: ReadonlyMap<string, string>): string | undefined {
  let found: string | undefined;
  // Python's own frames, pytest's short form, and IPython's (a notebook cell's traceback).
  for (const m of traceback.matchAll(/File "([^"]+)", line \d+|^([\w./-]+\.py):\d+:|File (\S+\.py):\d+, in /gm)) {
    const p = (m[1] ?? m[2] ?? m[3] ?? '').replace(/\\/g, '/');
    const rel = [...files.keys()].find((f) => p === f || p.endsWith(`/${f}`));
    if (rel) found = rel;
  }
  return found;
}

/** One line per round for a summary: "round 1: lint 1 error, imports 7/8, tests 12/14 passed". */
export function roundLine(r: VerifyRound): string {
  const lintErrors = r.lint.filter((p) => p.severity === 'error').length;
  const parts = [`lint ${lintErrors} error${lintErrors === 1 ? '' : 's'}`];
  if (r.config.length) parts.push(`config ${r.config.length} key problem${r.config.length === 1 ? '' : 's'}`);
  if (r.missing.length) parts.push(`not run: the interpreter lacks ${r.missing.join(', ')}`);
  else {
    parts.push(`imports ${r.modules - r.imports.length}/${r.modules}`);
    if (r.tests)
      parts.push(
        `tests ${r.tests.passed}/${r.tests.passed + r.tests.failed + r.tests.errors} passed${r.tests.skipped ? `, ${r.tests.skipped} skipped` : ''}`,
      );
    if (r.testError) parts.push(`tests: ${r.testError}`);
    if (r.smoke) parts.push(`smoke ${r.smoke.ok ? 'ok' : r.smoke.skipped ? 'not run' : 'failed'}`);
    if (r.notebook) parts.push(`notebook ${r.notebook.ok ? 'ran' : r.notebook.skipped ? 'not run' : 'failed'}`);
  }
  return `round ${r.round}: ${parts.join(', ')}`;
}
