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
import type { FamilyMember } from './family';
import { badPaperKey, paperKeyFor } from '../citations/family';

export interface PreparedRun {
  paper: Paper;
  store: RunStore;
  /** How the repository's .papertrail/paper.json names the paper. */
  paperRef: string;
  outDir: string;
  options: RunOptions;
  /** Several papers, the main one (`paper`) first, each with its key; absent for one paper. */
  family?: FamilyMember[];
}

export interface StartArgs {
  /** The paper as the user gave it: a path (relative to `cwd`), arXiv id or URL. */
  source: string;
  /** More papers implemented in the same repository (a family), `source` being the main one. */
  more?: string[];
  /** Keys for the papers, in the order given (`source` first); missing ones come from titles. */
  keys?: string[];
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
  const sources = [args.source, ...(args.more ?? [])];
  // Parsed side by side; the first that cannot be read is named, nothing else is started.
  const parsed = await Promise.all(sources.map((s) => parsePaper(s, { cwd: args.cwd, ...args.parse })));
  for (const [i, p] of parsed.entries()) {
    if (!p.ok) return sources.length > 1 ? fail(p.error.code, `paper ${i + 1} of ${sources.length}: ${p.error.message}`) : p;
  }
  const papers = parsed.map((p) => (p as { ok: true; value: Paper }).value);
  const paper = papers[0]!;
  const unusable = papers.findIndex((p) => !looksLikePaper(p));
  if (unusable >= 0)
    return fail(
      'bad-input',
      `${sources[unusable]} has no title, no numbered section, no equation and almost no text: it does not read as a paper; give the paper's PDF, its main .tex file or its LaTeX folder`,
    );
  let family: FamilyMember[] | undefined;
  if (sources.length > 1) {
    // The same paper twice (two spellings of one path, a PDF and its e-print) would be extracted and paid for twice.
    for (const [i, p] of papers.entries()) {
      const j = papers.findIndex((q) => q.id === p.id);
      if (j < i)
        return fail(
          'bad-input',
          `paper ${i + 1} (${sources[i]}) is the same paper as paper ${j + 1} (${sources[j]}); give each paper once`,
        );
    }
    const keys = familyKeys(papers, args.keys ?? []);
    if (!keys.ok) return keys;
    family = papers.map((p, i) => ({ key: keys.value[i]!, paper: p, ref: paperRefFor(sources[i]!, args.cwd, outDir) }));
  }
  const runsDir = args.runsDir ?? path.join(outDir, RUNS_DIR);
  const store = RunStore.create(runsDir, {
    id: newRunId(),
    status: 'running',
    paper: { source: absoluteSource(args.source, args.cwd), id: paper.id, title: paper.title },
    ...(family
      ? {
          papers: family.map((m, i) => ({
            key: m.key,
            source: absoluteSource(sources[i]!, args.cwd),
            id: m.paper.id,
            title: m.paper.title,
          })),
        }
      : {}),
    outDir,
    options: args.options,
  });
  return ok({
    paper,
    store,
    paperRef: paperRefFor(args.source, args.cwd, outDir),
    outDir,
    options: args.options,
    ...(family ? { family } : {}),
  });
}

/**
 * A key for each paper: the one given, else (none given, or an empty one in its place, as in
 * "stack,,temp") one made from its title; checked and unique. Given keys are one per paper.
 */
export function familyKeys(papers: readonly { title: string; id: string }[], given: readonly string[]): Result<string[]> {
  if (given.length && given.length !== papers.length)
    return fail(
      'bad-input',
      `${given.length} ${given.length === 1 ? 'key' : 'keys'} for ${papers.length} papers; give one key per paper, in their order (an empty one, as in a,,c, is made from that paper's title)`,
    );
  const keys: string[] = [];
  for (const [i, p] of papers.entries()) {
    const want = given[i]?.trim();
    if (want) {
      const bad = badPaperKey(want, keys);
      if (bad) return fail('bad-input', bad);
      keys.push(want);
    } else keys.push(paperKeyFor(p, new Set([...keys, ...given.slice(i + 1).map((k) => k.trim())])));
  }
  return ok(keys);
}

/** A parse with something in it: a title, a numbered section, an equation, or a page of text. */
function looksLikePaper(p: Paper): boolean {
  const text = p.passages.reduce((n, x) => n + x.text.length, 0);
  return Boolean(p.title.trim()) || p.sections.some((s) => s.number) || p.equations.length > 0 || text > 500;
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
  const entries = record.papers?.length ? record.papers : [{ ...record.paper, key: '' }];
  const parsed = await Promise.all(entries.map((e) => parsePaper(e.source, parse)));
  const members: FamilyMember[] = [];
  for (const [i, p] of parsed.entries()) {
    if (!p.ok) return fail(p.error.code, `the run's paper ${entries[i]!.source}: ${p.error.message}`);
    members.push({
      key: entries[i]!.key,
      paper: p.value,
      ref: paperRefFor(entries[i]!.source, path.dirname(record.outDir), record.outDir),
    });
  }
  store.update({ status: 'running' });
  return ok({
    paper: members[0]!.paper,
    store,
    paperRef: members[0]!.ref,
    outDir: record.outDir,
    options: record.options,
    ...(members.length > 1 ? { family: members } : {}),
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
