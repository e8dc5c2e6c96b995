// The three things the verify stage asks of the chosen interpreter, each in one confined
// process: which of the repository's requirements it lacks, which modules fail to import
// (each alone, with its traceback), and what pytest says.
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import { parseJUnit } from '../runner/junit';
import { pytestArgs, spawnLines } from '../runner/local';
import type { OutputListener, TestRunResult } from '../runner/types';
import { confine, sandboxEnv } from './sandbox';

export interface PythonRun {
  python: string;
  /** The staging copy of the repository: the working folder, and the only writable one. */
  dir: string;
  env?: NodeJS.ProcessEnv;
  /** Wall-clock limit of one process, in ms. */
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: OutputListener;
}

export interface Ran {
  code: number | null;
  tail: string[];
  stdout: string[];
  timedOut: boolean;
}

/** Runs `python args` confined in `dir`, killed after `timeoutMs`. */
export async function runPython(opts: PythonRun, args: string[]): Promise<Result<Ran>> {
  const env = sandboxEnv(opts.env ?? process.env);
  const c = confine(opts.python, args, opts.dir, opts.env ?? process.env);
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, opts.timeoutMs);
  const onAbort = () => ac.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const stdout: string[] = [];
  try {
    const r = await spawnLines(c.command, c.args, {
      cwd: opts.dir,
      env,
      signal: ac.signal,
      onOutput: (line) => {
        stdout.push(line);
        opts.onOutput?.(line);
      },
    });
    if (r.spawnError)
      return fail(
        'not-found',
        r.spawnError === 'ENOENT'
          ? `could not start ${opts.python}: no such program; choose the interpreter with --python (or papertrail.python.path)`
          : `could not start ${opts.python}: ${r.spawnError}`,
      );
    if (opts.signal?.aborted) return fail('cancelled', 'verification was cancelled');
    return ok({ code: r.code, tail: r.tail, stdout, timedOut });
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** Import names of distributions whose module is not named like them. */
const IMPORT_NAMES: Record<string, string> = {
  pyyaml: 'yaml',
  'scikit-learn': 'sklearn',
  sklearn: 'sklearn',
  pillow: 'PIL',
  'opencv-python': 'cv2',
  'opencv-python-headless': 'cv2',
  beautifulsoup4: 'bs4',
  'python-dateutil': 'dateutil',
  protobuf: 'google.protobuf',
  'pytorch-lightning': 'pytorch_lightning',
  'sentence-transformers': 'sentence_transformers',
  'huggingface-hub': 'huggingface_hub',
  'jax[cpu]': 'jax',
  jaxlib: 'jaxlib',
  'tensorflow-cpu': 'tensorflow',
  'faiss-cpu': 'faiss',
  'faiss-gpu': 'faiss',
  'python-louvain': 'community',
  attrs: 'attr',
};

export interface Requirement {
  /** The distribution name, extras included ("jax[cpu]"). */
  name: string;
  /** The whole line as written ("torch>=2.1"), markers kept. */
  spec: string;
}

/** The requirements of a requirements.txt, comments and options (`-r`, `--index-url`) left out. */
export function parseRequirements(text: string): Requirement[] {
  const out: Requirement[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+#.*$|^#.*$/, '').trim();
    if (!line || line.startsWith('-')) continue;
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?)/.exec(line);
    // The same distribution twice (JAX, jax[cpu]): the first line wins.
    if (m && !out.some((r) => canonical(r.name) === canonical(m[1]!))) out.push({ name: m[1]!, spec: line });
  }
  return out;
}

/** PEP 503's normalised name, extras left out: "JAX" and "jax[cpu]" are one distribution. */
function canonical(name: string): string {
  return bareName(name)
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
}

/** A distribution name without its extras. */
export function bareName(name: string): string {
  return name.replace(/\[.*\]$/, '');
}

/** The distributions named in a requirements.txt (comments, options, markers and versions left out). */
export function requirementNames(requirements: string): string[] {
  return parseRequirements(requirements).map((r) => r.name);
}

function importName(dist: string): string {
  const d = dist.toLowerCase();
  return IMPORT_NAMES[d] ?? d.replace(/\[.*\]$/, '').replace(/-/g, '_');
}

/**
 * The requirements (and pytest) the interpreter cannot import.
 * @returns distribution names, in the order given; fail when the interpreter cannot run at all.
 */
export async function missingPackages(opts: PythonRun, requirements: readonly string[]): Promise<Result<string[]>> {
  const wanted = [...new Set(['pytest', ...requirements])];
  const script = `import importlib.util, json, sys\nnames = json.loads(sys.argv[1])\nprint("PAPERTRAIL-PROBE " + json.dumps([d for d, m in names if importlib.util.find_spec(m.split(".")[0]) is None]))`;
  const r = await runPython({ ...opts, onOutput: undefined }, ['-c', script, JSON.stringify(wanted.map((d) => [d, importName(d)]))]);
  if (!r.ok) return r;
  const line = r.value.stdout.find((l) => l.startsWith('PAPERTRAIL-PROBE '));
  if (!line)
    return fail(
      'bad-input',
      `${opts.python} did not answer the package probe (${r.value.tail.at(-1) ?? `exit ${r.value.code}`}); choose another interpreter with --python`,
    );
  return ok(JSON.parse(line.slice('PAPERTRAIL-PROBE '.length)) as string[]);
}

export interface ImportFailure {
  module: string;
  /** The module's file, relative to the repository. */
  file: string;
  /** The exception's last line ("ModuleNotFoundError: No module named 'x'"). */
  message: string;
  traceback: string;
}

/** Imports each module in turn in one process (each alone: a failure does not stop the others). */
export async function importFailures(
  opts: PythonRun,
  modules: readonly { module: string; file: string }[],
): Promise<Result<ImportFailure[]>> {
  if (!modules.length) return ok([]);
  const script = [
    'import importlib, json, sys, traceback',
    'sys.path.insert(0, ".")',
    'for name in json.loads(sys.argv[1]):',
    '    try:',
    '        importlib.import_module(name)',
    '    except BaseException as e:',
    '        tb = traceback.format_exc()',
    '        print("PAPERTRAIL-IMPORT " + json.dumps({"module": name, "message": (type(e).__name__ + ": " + str(e)).splitlines()[0][:300], "traceback": tb[-4000:]}), flush=True)',
  ].join('\n');
  const r = await runPython({ ...opts, onOutput: undefined }, ['-c', script, JSON.stringify(modules.map((m) => m.module))]);
  if (!r.ok) return r;
  if (r.value.timedOut)
    return fail(
      'timeout',
      `importing the modules took longer than ${Math.round(opts.timeoutMs / 1000)} s; a module does work at import time`,
    );
  const byModule = new Map(modules.map((m) => [m.module, m.file]));
  return ok(
    r.value.stdout
      .filter((l) => l.startsWith('PAPERTRAIL-IMPORT '))
      .map((l) => JSON.parse(l.slice('PAPERTRAIL-IMPORT '.length)) as { module: string; message: string; traceback: string })
      .map((f) => ({ ...f, file: byModule.get(f.module) ?? f.module })),
  );
}

/** pytest in the staging folder, JUnit parsed; a run past the limit is a failure that says so. */
export async function runTests(opts: PythonRun): Promise<Result<TestRunResult>> {
  const started = Date.now();
  // Inside the sandbox only the staging folder is writable: the report goes there.
  const junit = path.join(opts.dir, '.papertrail-junit.xml');
  try {
    const r = await runPython(opts, [...pytestArgs(junit), '-p', 'no:cacheprovider']);
    if (!r.ok) return r;
    if (r.value.timedOut) return fail('timeout', `the tests ran longer than ${Math.round(opts.timeoutMs / 1000)} s and were stopped`);
    const xml = fs.existsSync(junit) ? fs.readFileSync(junit, 'utf8') : undefined;
    if (xml === undefined)
      return fail('bad-input', `pytest did not run (exit ${r.value.code}): ${r.value.tail.filter((l) => l.trim()).at(-1) ?? 'no output'}`);
    const parsed = parseJUnit(xml, { pytestExitCode: r.value.code ?? -1, durationMs: Date.now() - started });
    if (!parsed) return fail('internal', 'pytest wrote a report that is not JUnit XML');
    return ok(parsed);
  } finally {
    fs.rmSync(junit, { force: true });
  }
}
