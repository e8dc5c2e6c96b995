// Papers are parsed once and kept: every hover, CodeLens and audit of a workspace resolves
// against the same Paper object (and so the same per-paper index, see resolve.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import type { Paper } from '../paper/model';
import type { ParseOptions } from '../paper/parse';
import { parsePaper } from '../paper/parse';

interface Entry {
  /** mtime of a local source when parsed: a rewritten PDF is parsed again. */
  mtimeMs: number;
  paper: Promise<Result<Paper>>;
}

const papers = new Map<string, Entry>();

/**
 * The Paper for a source (what findPaperRef returns, or a path / arXiv id), parsed on first
 * use and kept while the file is unchanged. A failed parse is not kept: the next call retries.
 */
export function getPaper(source: string, options: ParseOptions = {}): Promise<Result<Paper>> {
  const abs = path.resolve(options.cwd ?? process.cwd(), source);
  const local = fs.existsSync(abs);
  const key = local ? abs : source;
  const mtimeMs = local ? fs.statSync(abs).mtimeMs : 0;
  const hit = papers.get(key);
  if (hit && hit.mtimeMs === mtimeMs) return hit.paper;
  const paper = parsePaper(source, options).then((r) => {
    if (!r.ok && papers.get(key)?.paper === paper) papers.delete(key);
    return r;
  });
  papers.set(key, { mtimeMs, paper });
  return paper;
}

/** Drops kept papers (all, or one source): for tests and a "reload paper" command. */
export function forgetPapers(source?: string, cwd = process.cwd()): void {
  if (source === undefined) papers.clear();
  else {
    papers.delete(path.resolve(cwd, source));
    papers.delete(source);
  }
}
