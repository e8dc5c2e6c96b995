// Starting and reopening a run: what the CLI and the editor both do before the pipeline
// runs — read the paper, decide where the run record lives, say how paper.json names it.
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import type { Paper } from '../paper/model';
import type { ParseOptions } from '../paper/parse';
import { parsePaper } from '../paper/parse';
import type { RunOptions } from './options';
import { latestRun, newRunId, RUNS_DIR, RunStore } from './store';

export interface PreparedRun {
  paper: Paper;
  store: RunStore;
  /** How the repository's .papertrail/paper.json names the paper. */
  paperRef: string;
  outDir: string;
  options: RunOptions;
}

export interface StartArgs {
  /** The paper as the user gave it: a path (relative to `cwd`), arXiv id or URL. */
  source: string;
  outDir: string;
  options: RunOptions;
  cwd: string;
  /** Where run records go; default <outDir>/.papertrail/runs. */
  runsDir?: string;
  parse?: ParseOptions;
}

export async function startRun(args: StartArgs): Promise<Result<PreparedRun>> {
  const outDir = path.resolve(args.cwd, args.outDir);
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory())
    return fail('bad-input', `${args.outDir} is a file; give a folder for the new repository`);
  const parsed = await parsePaper(args.source, { cwd: args.cwd, ...args.parse });
  if (!parsed.ok) return parsed;
  const paper = parsed.value;
  const runsDir = args.runsDir ?? path.join(outDir, RUNS_DIR);
  const store = RunStore.create(runsDir, {
    id: newRunId(),
    status: 'running',
    paper: { source: absoluteSource(args.source, args.cwd), id: paper.id, title: paper.title },
    outDir,
    options: args.options,
  });
  return ok({ paper, store, paperRef: paperRefFor(args.source, args.cwd, outDir), outDir, options: args.options });
}

/** The newest unfinished run under `runsDir` (or the run folder itself), ready to continue. */
export async function reopenRun(runsDirOrRun: string, parse: ParseOptions = {}): Promise<Result<PreparedRun>> {
  const store = RunStore.open(runsDirOrRun) ?? latestRun(runsDirOrRun);
  if (!store) return fail('not-found', `no unfinished run in ${runsDirOrRun}; start one without --resume`);
  let record;
  try {
    record = store.read();
  } catch (e) {
    return fail('bad-input', `${path.join(store.dir, 'run.json')} cannot be read (${(e as Error).message}); start a new run`);
  }
  const parsed = await parsePaper(record.paper.source, parse);
  if (!parsed.ok) return fail(parsed.error.code, `the run's paper ${record.paper.source}: ${parsed.error.message}`);
  store.update({ status: 'running' });
  return ok({
    paper: parsed.value,
    store,
    paperRef: paperRefFor(record.paper.source, path.dirname(record.outDir), record.outDir),
    outDir: record.outDir,
    options: record.options,
  });
}

/** A local file becomes a path relative to the repository (it moves with it); ids and URLs stay. */
export function paperRefFor(source: string, cwd: string, outDir: string): string {
  const abs = path.resolve(cwd, source);
  if (!fs.existsSync(abs)) return source;
  return path.relative(outDir, abs).split(path.sep).join('/');
}

function absoluteSource(source: string, cwd: string): string {
  const abs = path.resolve(cwd, source);
  return fs.existsSync(abs) ? abs : source;
}
