// Which paper a file cites. In order: a header comment in the file itself
// ("# paper: arXiv:1706.03762"), the repository's .papertrail/paper.json (searched upward
// from the file), the workspace setting. The answer is a source string for parsePaper.
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import type { PaperEntry } from './family';
import { PAPER_KEY } from './grammar';

export interface PaperRef {
  /** What to give parsePaper: an absolute path, or an arXiv id / URL as written. */
  source: string;
  /** The paper id recorded beside it ("arxiv:1706.03762v5", "sha256:..."), when known. */
  id?: string;
  origin: 'header' | 'paper.json' | 'setting';
  /** The file that named the paper (the source file, or the paper.json). */
  where?: string;
  /** 1-based line of a header comment. */
  line?: number;
  /**
   * Every paper of a repository that implements several (paper.json "papers"), the main
   * one first; `source` is then the main one's. Sources are absolute like `source`.
   */
  papers?: PaperEntry[];
}

export interface PaperRefOptions {
  /** Stop looking for .papertrail/paper.json above this folder (the workspace or repository root). */
  root?: string;
  /** The workspace-wide paper (setting papertrail.paper), relative to `root` when a path. */
  setting?: string;
  /** The file's text, when already read (spares reading it again for the header). */
  text?: string;
}

export const PAPER_JSON = path.join('.papertrail', 'paper.json');

/** Header comment in the first lines: "# paper: papers/x.pdf", "// paper: arXiv:1706.03762". */
const HEADER = /^\s*(?:#|\/\/|--|%|;|\/\*|<!--)\s*paper\s*:\s*(\S+)/i;
const HEADER_LINES = 10;

/** The paper a file cites; an error value only when paper.json exists but cannot be read. */
export function findPaperRef(file: string, options: PaperRefOptions = {}): Result<PaperRef | undefined> {
  const abs = path.resolve(file);
  const header = headerRef(abs, options.text);
  if (header) {
    const base = repoRootOf(abs, options.root) ?? path.dirname(abs);
    return ok({ source: toSource(header.value, [path.dirname(abs), base]), origin: 'header', where: abs, line: header.line });
  }
  const json = findPaperJson(path.dirname(abs), options.root);
  if (json) return readPaperJson(json);
  if (options.setting) {
    const root = options.root ?? path.dirname(abs);
    return ok({ source: toSource(options.setting, [root]), origin: 'setting' });
  }
  return ok(undefined);
}

/** The paper a whole repository cites: its .papertrail/paper.json, else the setting. */
export function findRepositoryPaper(dir: string, options: Omit<PaperRefOptions, 'text'> = {}): Result<PaperRef | undefined> {
  const abs = path.resolve(dir);
  const json = findPaperJson(abs, options.root);
  if (json) return readPaperJson(json);
  if (options.setting) return ok({ source: toSource(options.setting, [options.root ?? abs]), origin: 'setting' });
  return ok(undefined);
}

/**
 * Reads .papertrail/paper.json: { "source": "papers/x.pdf" | "arXiv:1706.03762", "id": "..." },
 * and for a family also "papers": [{ "key", "source", "id", "title", "buildsOn": [keys] }, …]
 * with the main paper first ("source" may then be left out: it is the first paper's).
 */
export function readPaperJson(file: string): Result<PaperRef> {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return fail(
      'bad-input',
      `${file}: not valid JSON (${(e as Error).message}); it should be {"source": "<pdf path or arXiv id>", "id": "..."}`,
    );
  }
  const d = data as { source?: unknown; id?: unknown; papers?: unknown };
  const root = path.dirname(path.dirname(file));
  const papers = d?.papers === undefined ? ok(undefined) : readEntries(file, d.papers, root);
  if (!papers.ok) return papers;
  const main = papers.value?.[0];
  if ((typeof d?.source !== 'string' || !d.source.trim()) && !main) {
    return fail('bad-input', `${file}: no "source"; it should be {"source": "<pdf path or arXiv id>", "id": "..."}`);
  }
  const source = typeof d.source === 'string' && d.source.trim() ? toSource(d.source.trim(), [root]) : main!.source;
  // Two places name the main paper: correcting one of them must not leave the other behind.
  if (main && source !== main.source)
    return fail(
      'bad-input',
      `${file}: "source" (${String(d.source).trim()}) and papers[0].source, the main paper [${main.key}], name different papers; make them the same, or leave "source" out`,
    );
  const ref: PaperRef = { source, origin: 'paper.json', where: file };
  if (typeof d.id === 'string') ref.id = d.id;
  else if (main?.id) ref.id = main.id;
  if (papers.value) ref.papers = papers.value;
  return ok(ref);
}

function readEntries(file: string, value: unknown, root: string): Result<PaperEntry[]> {
  const shape = '"papers" should be [{"key": "titans", "source": "<pdf path or arXiv id>"}, …], the main paper first';
  if (!Array.isArray(value) || !value.length) return fail('bad-input', `${file}: ${shape}`);
  const out: PaperEntry[] = [];
  for (const [i, raw] of value.entries()) {
    const e = raw as { key?: unknown; source?: unknown; id?: unknown; title?: unknown; buildsOn?: unknown };
    if (typeof e?.key !== 'string' || !PAPER_KEY.test(e.key))
      return fail(
        'bad-input',
        `${file}: papers[${i}] ${typeof e?.key === 'string' ? `has the key "${e.key}", which is not usable` : 'has no "key"'} (2–24 characters: a lower-case letter, then lower-case letters, digits, "-" or "_"); ${shape}`,
      );
    if (out.some((p) => p.key === e.key)) return fail('bad-input', `${file}: two papers have the key "${e.key}"; give each its own`);
    if (typeof e.source !== 'string' || !e.source.trim()) return fail('bad-input', `${file}: paper "${e.key}" has no "source"; ${shape}`);
    const entry: PaperEntry = { key: e.key, source: toSource(e.source.trim(), [root]) };
    const twin = out.find((p) => p.source === entry.source);
    if (twin)
      return fail(
        'bad-input',
        `${file}: the papers [${twin.key}] and [${e.key}] have the same source (${e.source.trim()}); give each paper once`,
      );
    if (typeof e.id === 'string') entry.id = e.id;
    if (typeof e.title === 'string') entry.title = e.title;
    if (Array.isArray(e.buildsOn)) entry.buildsOn = e.buildsOn.filter((k): k is string => typeof k === 'string');
    out.push(entry);
  }
  return ok(out);
}

function headerRef(file: string, text?: string): { value: string; line: number } | undefined {
  let head = text;
  if (head === undefined) {
    try {
      const fd = fs.openSync(file, 'r');
      try {
        const buf = Buffer.alloc(4096);
        const n = fs.readSync(fd, buf, 0, buf.length, 0);
        head = buf.subarray(0, n).toString('utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return undefined;
    }
  }
  const lines = head.split('\n', HEADER_LINES);
  for (let i = 0; i < lines.length; i++) {
    const m = HEADER.exec(lines[i]!);
    if (m) return { value: m[1]!.replace(/(?:\*\/|-->)$/, ''), line: i + 1 };
  }
  return undefined;
}

function findPaperJson(from: string, root?: string): string | undefined {
  const stop = root ? path.resolve(root) : undefined;
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, PAPER_JSON);
    if (fs.existsSync(candidate)) return candidate;
    if (stop && dir === stop) return undefined;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function repoRootOf(file: string, root?: string): string | undefined {
  const json = findPaperJson(path.dirname(file), root);
  return json ? path.dirname(path.dirname(json)) : root;
}

/** "arXiv:1706.03762" → "1706.03762"; URLs and bare ids as they are; paths made absolute. */
function toSource(value: string, bases: string[]): string {
  const arxiv = /^arxiv:\s*(.+)$/i.exec(value);
  if (arxiv) return arxiv[1]!;
  if (/^[a-z]+:\/\//i.test(value) || looksLikeArxivId(value)) return value;
  const candidates = bases.map((b) => path.resolve(b, value));
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[candidates.length - 1]!;
}

function looksLikeArxivId(s: string): boolean {
  return /^\d{4}\.\d{4,5}(?:v\d+)?$/.test(s) || /^[a-z-]+(?:\.[A-Z]{2})?\/\d{7}(?:v\d+)?$/.test(s);
}

/** Why papers[`index`] of a family cannot be read, with the field to correct when its file is missing. */
export function unreadEntryMessage(ref: Pick<PaperRef, 'where'>, index: number, code: string, message: string): string {
  return code === 'not-found'
    ? `not there (was the repository moved away from its papers?); correct papers[${index}].source in ${ref.where ?? '.papertrail/paper.json'}`
    : message;
}

/**
 * The line for a repository's papers that cannot be read (a family's, from its paper.json): each
 * with its key and the field to correct, and the likely cause when files are missing.
 * `unread`: parsePaper's errors by absolute source.
 */
export function unreadPapersMessage(ref: PaperRef, unread: { source: string; code: string; message: string }[]): string {
  const entries = ref.papers ?? [];
  if (entries.length < 2 || ref.origin !== 'paper.json') {
    const u = unread[0]!;
    return unreadPaperMessage(ref, u.source, u.code, u.message);
  }
  const missing = unread.some((u) => u.code === 'not-found');
  const parts = unread.map((u) => {
    const i = entries.findIndex((e) => e.source === u.source);
    // The main paper's source stands twice: "source" repeats papers[0]'s.
    const field = i === 0 ? 'papers[0].source, and "source" if given' : `papers[${i}].source`;
    return u.code === 'not-found' ? `[${entries[i]?.key}] ${u.source} (${field})` : `[${entries[i]?.key}] (${field}): ${u.message}`;
  });
  const lead = missing
    ? `names ${unread.length === 1 ? 'a paper that is' : 'papers that are'} not there`
    : `names ${unread.length === 1 ? 'a paper' : 'papers'} that cannot be read`;
  return `${ref.where ?? '.papertrail/paper.json'} ${lead}: ${parts.join('; ')}${missing ? '. Was the repository moved away from its papers? Correct each source: a path relative to the repository, or an arXiv id' : ''}`;
}

/**
 * The line for a paper that cannot be read, told from where it was named. A paper.json or a
 * header points at a file the user did not just give, so parsePaper's "give a .pdf…" would
 * mislead; a missing file there usually means the repository moved away from its papers. A
 * setting (or the CLI's --paper) is what the user gave: parsePaper's own line fits.
 * `code`/`message`: parsePaper's error; `source`: the absolute path that was tried.
 */
export function unreadPaperMessage(
  ref: Pick<PaperRef, 'origin' | 'where' | 'line'>,
  source: string,
  code: string,
  message: string,
): string {
  if (code === 'not-found' && ref.origin === 'paper.json')
    return `${ref.where ?? '.papertrail/paper.json'} names the paper ${source}, which is not there (was the repository moved away from its papers?); correct its "source" (a path relative to the repository, or an arXiv id)`;
  if (code === 'not-found' && ref.origin === 'header')
    return `${ref.where ?? 'a file'}${ref.line ? `:${ref.line}` : ''}: its "# paper:" header names ${source}, which is not there; correct the header`;
  // parsePaper's lines mostly start with the source already.
  return message.startsWith(source) ? message : `paper ${source}: ${message}`;
}
