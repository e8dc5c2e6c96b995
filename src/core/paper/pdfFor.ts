// The PDF to show for a paper source: the viewer highlights positions, which only a PDF has.
import fs from 'node:fs';
import path from 'node:path';
import { arxivIdString, parseArxivRef } from './arxiv';
import type { CacheLocation } from './cache';
import { cacheRoot } from './cache';

/**
 * A PDF file for `source` when one is at hand: the file itself; for an arXiv id the copy that
 * parsing downloaded into the cache; for LaTeX the compiled PDF beside the main file.
 */
export function pdfForSource(source: string, options: CacheLocation & { cwd?: string } = {}): string | undefined {
  const abs = path.resolve(options.cwd ?? process.cwd(), source);
  if (fs.existsSync(abs)) {
    const stat = fs.statSync(abs);
    if (stat.isFile() && /\.pdf$/i.test(abs)) return abs;
    if (stat.isFile() && /\.tex$/i.test(abs)) return existing(abs.replace(/\.tex$/i, '.pdf'));
    if (stat.isDirectory()) {
      const pdfs = fs.readdirSync(abs).filter((f) => /\.pdf$/i.test(f));
      const preferred = pdfs.find((f) => /^(main|paper|ms)\.pdf$/i.test(f)) ?? (pdfs.length === 1 ? pdfs[0] : undefined);
      return preferred ? path.join(abs, preferred) : undefined;
    }
    return undefined;
  }
  const ref = parseArxivRef(source);
  if (!ref) return undefined;
  return existing(path.join(cacheRoot(options), 'arxiv', arxivIdString(ref).replace(/\//g, '_'), 'paper.pdf'));
}

function existing(file: string): string | undefined {
  return fs.existsSync(file) ? file : undefined;
}
