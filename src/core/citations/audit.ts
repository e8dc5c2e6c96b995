// Audit of a repository: every tag in every supported file, resolved against its paper;
// counts, citation coverage, broken tags with reasons, and the list of flags.
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import type { Paper } from '../paper/model';
import type { ParseOptions } from '../paper/parse';
import type { FileScan, FoundTag } from './find';
import { scanFile } from './find';
import type { Flag, RefKind } from './grammar';
import { FLAGS, refLabel } from './grammar';
import type { LanguageId } from './languages';
import { languageForFile } from './languages';
import { parsePaper as parsePaperFresh } from '../paper/parse';
import { getPaper } from './papers';
import type { PaperRef } from './paperRef';
import { findPaperRef, findRepositoryPaper, unreadEntryMessage, unreadPaperMessage, unreadPapersMessage } from './paperRef';
import type { TagResolution } from './resolve';
import { resolveTag } from './resolve';
import type { PaperModels } from './family';
import { familyOf, paperForTag, unknownPaperResolution } from './family';

export interface AuditOptions {
  /** The paper for every file (CLI --paper): a path (relative to `cwd`), arXiv id or URL. Overrides paper.json and headers. */
  paper?: string;
  /** An already parsed paper for every file (the editor has one); wins over `paper`. */
  paperModel?: Paper;
  /** Already parsed papers of a family by key (the pipeline has them); wins over the others. */
  paperModels?: PaperModels;
  /** Workspace setting papertrail.paper: used when the repository names no paper. */
  setting?: string;
  cwd?: string;
  /** Passed to parsePaper (cache folder, env, signal). */
  parse?: ParseOptions;
  /** Files larger than this are skipped (default 2 MB): generated data, not code. */
  maxFileBytes?: number;
}

export interface AuditRef {
  kind: RefKind;
  number: string;
  label: string;
  resolved: boolean;
  title?: string;
  page?: number;
}

export interface AuditTag {
  /** Relative to the audited folder, with forward slashes. */
  file: string;
  /** 1-based, for people; `column` too. */
  line: number;
  column: number;
  endLine: number;
  tag: string;
  container: FoundTag['container'];
  refs: AuditRef[];
  flag?: Flag;
  quote?: string;
  note?: string;
  /** 1-based lines the tag applies to. */
  scope: { startLine: number; endLine: number };
  resolved: boolean;
  reason?: string;
  /** Source of the paper the tag was checked against. */
  paper?: string;
  /** Its key, in a repository of several papers. */
  paperKey?: string;
}

export interface AuditFile {
  file: string;
  language: LanguageId;
  tags: number;
  broken: number;
  codeLines: number;
  coveredLines: number;
}

export interface AuditReport {
  dir: string;
  /** The papers tags were checked against; a family's in paper.json's order, its main paper first and marked. */
  papers: { source: string; id: string; title: string; origin: PaperRef['origin'] | 'option'; key?: string; main?: boolean }[];
  /** Papers of a family that could not be read: their tags are broken with a short reason, the cause is here once. */
  unread?: { source: string; key?: string; message: string }[];
  files: AuditFile[];
  tags: AuditTag[];
  counts: {
    files: number;
    tags: number;
    broken: number;
    refs: Record<RefKind, number>;
    flags: Record<Flag, number>;
  };
  /** Share of code lines (not blank, not comment or docstring) inside some tag's scope. */
  coverage: { codeLines: number; coveredLines: number; ratio: number };
  broken: { file: string; line: number; tag: string; reason: string }[];
  /** Every flag, for the "Reproduction audit" view. */
  flags: { file: string; line: number; flag: Flag; text: string }[];
}

/** The first line of a generated document that only restates tags (ARCHITECTURE.md, IMPLEMENTATION_PLAN.md): not audited. */
export const RESTATES_MARK = '<!-- papertrail: restates the plan; its tags are audited in the code -->';

/** Never walked into: tooling, caches, environments. */
const SKIP_DIRS = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.ipynb_checkpoints',
  '.papertrail',
]);

/** Audits every supported file under `dir`. Fails (as a value) only when no paper can be had at all. */
export async function auditRepository(dir: string, options: AuditOptions = {}): Promise<Result<AuditReport>> {
  const cwd = options.cwd ?? process.cwd();
  const root = path.resolve(cwd, dir);
  if (!fs.existsSync(root)) return fail('not-found', `${dir}: no such folder; give the repository folder to audit`);
  if (!fs.statSync(root).isDirectory()) return fail('bad-input', `${dir} is a file; give the repository folder to audit`);

  // The repository's paper (or the one given): needed unless every file names its own.
  let defaultRef: PaperRef | undefined;
  let defaultOrigin: AuditReport['papers'][number]['origin'] = 'option';
  const models = options.paperModels;
  if (models) {
    const papers = models.byKey.size
      ? [...models.byKey].map(([key, p]) => ({ key, source: p.source.location, id: p.id, title: p.title }))
      : undefined;
    defaultRef = { source: models.main.source.location, origin: 'setting', ...(papers ? { papers } : {}) };
  } else if (options.paperModel) defaultRef = { source: options.paperModel.source.location, origin: 'setting' };
  else if (options.paper) defaultRef = { source: options.paper, origin: 'setting' };
  else {
    const found = findRepositoryPaper(root, options.setting ? { setting: options.setting } : {});
    if (!found.ok) return found;
    defaultRef = found.value;
    if (defaultRef) defaultOrigin = defaultRef.origin;
  }
  const explicit = Boolean(options.paperModels || options.paperModel || options.paper);

  const papers = new Map<string, Promise<Result<Paper>>>();
  const given = new Map<string, Paper>();
  if (models) for (const p of [models.main, ...models.byKey.values()]) given.set(p.source.location, p);
  else if (options.paperModel) given.set(options.paperModel.source.location, options.paperModel);
  const load = (source: string): Promise<Result<Paper>> => {
    const known = given.get(source);
    if (known) return Promise.resolve(ok(known));
    let p = papers.get(source);
    if (!p) {
      // Kept across audits when the cache is on (the editor audits again after edits).
      p = options.parse?.noCache ? parsePaperFresh(source, { cwd, ...options.parse }) : getPaper(source, { cwd, ...options.parse });
      papers.set(source, p);
    }
    return p;
  };
  // The papers of a family are parsed before its files are read, so each tag finds its paper ready;
  // every one is listed in the report, cited or not.
  const loaded = new Map<string, Result<Paper>>();
  const families: PaperRef[] = [];
  const loadFamily = async (ref: PaperRef | undefined) => {
    if (!ref || !familyOf(ref) || families.some((f) => f.where === ref.where)) return;
    families.push(ref);
    for (const e of familyOf(ref)!) if (!loaded.has(e.source)) loaded.set(e.source, await load(e.source));
  };
  if (defaultRef) {
    await loadFamily(defaultRef);
    const first = await load(defaultRef.source);
    if (!first.ok) {
      const failed = (familyOf(defaultRef) ?? [{ source: defaultRef.source }]).flatMap((e) => {
        const r = e.source === defaultRef.source ? first : loaded.get(e.source);
        return r && !r.ok ? [{ source: e.source, code: r.error.code, message: r.error.message }] : [];
      });
      return fail(first.error.code, unreadPapersMessage(defaultRef, failed));
    }
  }

  const ignore = gitignore(root);
  const files = walk(root, ignore, options.maxFileBytes ?? 2 * 1024 * 1024);
  const report: AuditReport = {
    dir: root,
    papers: [],
    files: [],
    tags: [],
    counts: {
      files: 0,
      tags: 0,
      broken: 0,
      refs: { section: 0, equation: 0, table: 0, figure: 0, algorithm: 0 },
      flags: Object.fromEntries(FLAGS.map((f) => [f, 0])) as Record<Flag, number>,
    },
    coverage: { codeLines: 0, coveredLines: 0, ratio: 0 },
    broken: [],
    flags: [],
  };
  let needsPaper = false;
  const unread = new Map<string, { source: string; key?: string; message: string }>();
  const usedPapers = new Map<string, { paper: Paper; origin: AuditReport['papers'][number]['origin']; key?: string; rank?: number }>();

  for (const abs of files) {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    let text: string;
    try {
      text = await fs.promises.readFile(abs, 'utf8');
    } catch {
      continue;
    }
    if (text.includes('\u0000')) continue;
    // A document PaperTrail derived from the plan restates the code's tags; counting them again
    // would double every flag (docs/generated-repo.md).
    if (text.startsWith(RESTATES_MARK)) continue;
    const scan = await scanFile(abs, text);
    if (!scan) continue;
    report.counts.files++;
    let ref = defaultRef;
    let origin = defaultOrigin;
    if (!explicit && scan.tags.length) {
      // A header names the file's paper; a paper.json below the audited folder names that
      // repository's papers (a workspace holding several reimplementations).
      const own = findPaperRef(abs, { root, text });
      if (own.ok && own.value?.origin === 'header') {
        ref = own.value;
        origin = 'header';
      } else if (own.ok && own.value?.origin === 'paper.json' && own.value.where !== defaultRef?.where) {
        ref = own.value;
        origin = 'paper.json';
        await loadFamily(ref);
      }
    }
    let paper: Result<Paper> | undefined;
    if (scan.tags.some((t) => t.refs.length || t.quote !== undefined)) {
      if (ref) paper = await load(ref.source);
      else needsPaper = true;
    }
    const keyed = ref && familyOf(ref) ? ref : undefined;
    const pick = (t: FoundTag): Picked => {
      if (!ref || !keyed) return { paper, ref };
      const choice = paperForTag(keyed, t);
      if (!choice.ok) return { unknown: choice };
      const p = loaded.get(choice.source) ?? paper;
      const picked: Picked = {
        paper: p,
        ref: { ...keyed, source: choice.source },
        family: true,
        ...(choice.key ? { key: choice.key } : {}),
      };
      const rank = keyed.papers!.findIndex((e) => e.key === choice.key);
      if (p?.ok && !usedPapers.has(choice.source))
        usedPapers.set(choice.source, { paper: p.value, origin, ...(choice.key ? { key: choice.key, rank } : {}) });
      return picked;
    };
    if (!keyed && paper?.ok && ref && !usedPapers.has(ref.source)) usedPapers.set(ref.source, { paper: paper.value, origin });
    addFile(report, rel, scan, pick);
  }

  if (needsPaper && !defaultRef && !usedPapers.size) {
    return fail(
      'not-found',
      `${dir}: no paper to check citations against; add .papertrail/paper.json ({"source": "paper.pdf"}) or pass --paper <pdf or arXiv id>`,
    );
  }
  // Every paper of a family, cited or not: one no tag cites is 0% covered, not absent.
  for (const fam of families)
    for (const [rank, e] of familyOf(fam)!.entries()) {
      const p = loaded.get(e.source);
      if (p?.ok && !usedPapers.has(e.source)) usedPapers.set(e.source, { paper: p.value, origin: 'paper.json', key: e.key, rank });
      if (p && !p.ok && !unread.has(e.source))
        unread.set(e.source, {
          source: e.source,
          key: e.key,
          message: unreadEntryMessage(fam, rank, p.error.code, p.error.message),
        });
    }
  const used = [...usedPapers].sort(([, a], [, b]) => (a.rank ?? 0) - (b.rank ?? 0));
  for (const [source, { paper, origin, key, rank }] of used)
    report.papers.push({
      source,
      id: paper.id,
      title: paper.title,
      origin,
      ...(key ? { key } : {}),
      ...(rank === 0 ? { main: true } : {}),
    });
  if (unread.size) report.unread = [...unread.values()];
  report.coverage.ratio = report.coverage.codeLines ? report.coverage.coveredLines / report.coverage.codeLines : 0;
  return ok(report);
}

/** The paper one tag is checked against, or the key that names none. */
type Picked =
  | { paper: Result<Paper> | undefined; ref: PaperRef | undefined; key?: string; family?: boolean; unknown?: undefined }
  | { unknown: Extract<ReturnType<typeof paperForTag>, { ok: false }> };

function addFile(report: AuditReport, rel: string, scan: FileScan, pick: (t: FoundTag) => Picked): void {
  const covered = new Uint8Array(scan.lineCount);
  let broken = 0;
  for (const t of scan.tags) {
    for (let l = t.scope.startLine; l <= t.scope.endLine && l < covered.length; l++) covered[l] = 1;
    const needsPaper = t.refs.length > 0 || t.quote !== undefined;
    let resolution: TagResolution | undefined;
    let reason: string | undefined;
    const picked = pick(t);
    const { paper, ref } = picked.unknown ? { paper: undefined, ref: undefined } : picked;
    if (needsPaper) {
      if (picked.unknown) {
        resolution = unknownPaperResolution(t, picked.unknown);
        reason = resolution.reason;
      } else if (!paper) reason = 'no paper to check against: add .papertrail/paper.json or a "# paper: <source>" header';
      else if (!paper.ok)
        // A family's paper that cannot be read: its cause is said once (report.unread), not on every tag.
        reason = picked.key
          ? `paper [${picked.key}] could not be read; fix its source in .papertrail/paper.json`
          : ref
            ? unreadPaperMessage(ref, ref.source, paper.error.code, paper.error.message)
            : `paper could not be read: ${paper.error.message}`;
      else {
        resolution = resolveTag(paper.value, t);
        // In a family, say which paper lacks the place: "[rgu] no Eq. 9 in the paper".
        reason = resolution.reason && picked.key && picked.family ? `[${picked.key}] ${resolution.reason}` : resolution.reason;
      }
    }
    const entry: AuditTag = {
      file: rel,
      line: t.line + 1,
      column: t.column + 1,
      endLine: t.endLine + 1,
      tag: t.raw,
      container: t.container,
      refs: t.refs.map((r, i) => auditRef(r, resolution?.refs[i])),
      scope: { startLine: t.scope.startLine + 1, endLine: t.scope.endLine + 1 },
      resolved: reason === undefined,
    };
    if (t.flag) entry.flag = t.flag;
    if (t.quote !== undefined) entry.quote = t.quote;
    if (t.note !== undefined) entry.note = t.note;
    if (reason !== undefined) entry.reason = reason;
    if (needsPaper && ref) entry.paper = ref.source;
    if (!picked.unknown && picked.key) entry.paperKey = picked.key;
    else if (t.paper) entry.paperKey = t.paper;
    report.tags.push(entry);
    report.counts.tags++;
    for (const r of t.refs) report.counts.refs[r.kind]++;
    if (t.flag) {
      report.counts.flags[t.flag]++;
      report.flags.push({ file: rel, line: entry.line, flag: t.flag, text: t.note ?? '' });
    }
    if (reason !== undefined) {
      broken++;
      report.counts.broken++;
      report.broken.push({ file: rel, line: entry.line, tag: t.raw, reason });
    }
  }
  let coveredLines = 0;
  for (const l of scan.codeLines) if (covered[l]) coveredLines++;
  report.coverage.codeLines += scan.codeLines.length;
  report.coverage.coveredLines += coveredLines;
  report.files.push({ file: rel, language: scan.language, tags: scan.tags.length, broken, codeLines: scan.codeLines.length, coveredLines });
}

function auditRef(r: { kind: RefKind; number: string }, res: TagResolution['refs'][number] | undefined): AuditRef {
  const out: AuditRef = { kind: r.kind, number: r.number, label: refLabel(r), resolved: res?.resolved ?? false };
  if (res?.resolved) {
    out.title = res.title;
    out.page = res.page;
  }
  return out;
}

/** Supported files under root, sorted, skipping tooling folders, hidden folders and .gitignore'd paths. */
function walk(root: string, ignored: (rel: string, isDir: boolean) => boolean, maxBytes: number): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name) || (e.name.startsWith('.') && e.name !== '.') || ignored(rel, true)) continue;
        visit(abs);
      } else if (e.isFile() && languageForFile(e.name) && !ignored(rel, false)) {
        try {
          if (fs.statSync(abs).size <= maxBytes) out.push(abs);
        } catch {
          // vanished while walking
        }
      }
    }
  };
  visit(root);
  return out.sort();
}

/**
 * The root .gitignore, read simply: names, globs (*, **, ?), a leading "/" to anchor, a
 * trailing "/" for folders. Negations and nested .gitignore files are not honoured.
 */
function gitignore(root: string): (rel: string, isDir: boolean) => boolean {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(root, '.gitignore'), 'utf8').split(/\r?\n/);
  } catch {
    return () => false;
  }
  const rules: { re: RegExp; dirOnly: boolean; anchored: boolean }[] = [];
  for (let raw of lines) {
    raw = raw.trim();
    if (!raw || raw.startsWith('#') || raw.startsWith('!')) continue;
    const dirOnly = raw.endsWith('/');
    let p = raw.replace(/\/+$/, '');
    const anchored = p.startsWith('/') || p.includes('/');
    p = p.replace(/^\//, '');
    const re = new RegExp(
      '^' +
        p
          .split('')
          .map((c, i, a) =>
            c === '*'
              ? a[i + 1] === '*'
                ? ''
                : a[i - 1] === '*'
                  ? '.*'
                  : '[^/]*'
              : c === '?'
                ? '[^/]'
                : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
          )
          .join('') +
        '$',
    );
    rules.push({ re, dirOnly, anchored });
  }
  return (rel, isDir) =>
    rules.some((r) => {
      if (r.dirOnly && !isDir) return false;
      if (r.anchored) return r.re.test(rel);
      return r.re.test(rel.slice(rel.lastIndexOf('/') + 1));
    });
}
