// Which paper a file cites. In order: a header comment in the file itself
// ("# paper: arXiv:1706.03762"), the repository's .papertrail/paper.json (searched upward
// from the file), the workspace setting. The answer is a source string for parsePaper.
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import { fail, ok } from '../errors';

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

/** Reads .papertrail/paper.json: { "source": "papers/x.pdf" | "arXiv:1706.03762", "id": "..." }. */
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
  const d = data as { source?: unknown; id?: unknown };
  if (typeof d?.source !== 'string' || !d.source.trim()) {
    return fail('bad-input', `${file}: no "source"; it should be {"source": "<pdf path or arXiv id>", "id": "..."}`);
  }
  const root = path.dirname(path.dirname(file));
  const ref: PaperRef = { source: toSource(d.source.trim(), [root]), origin: 'paper.json', where: file };
  if (typeof d.id === 'string') ref.id = d.id;
  return ok(ref);
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
