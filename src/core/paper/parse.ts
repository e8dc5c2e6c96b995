// Entry point of ingestion: decides what the source is and hands it to the right reader.
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import { fail } from '../errors';
import type { Paper } from './model';
import { parsePdf } from './pdf';

export interface ParseOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  noCache?: boolean;
  cacheDir?: string;
  signal?: AbortSignal;
}

export async function parsePaper(source: string, options: ParseOptions = {}): Promise<Result<Paper>> {
  const abs = path.resolve(options.cwd ?? process.cwd(), source);
  if (!fs.existsSync(abs)) return fail('not-found', `${source}: no such file; give a .pdf, a .tex file, a LaTeX folder or an arXiv id`);
  const stat = fs.statSync(abs);
  if (stat.isFile() && /\.pdf$/i.test(abs)) {
    const bytes = new Uint8Array(fs.readFileSync(abs));
    return parsePdf(bytes, { location: source });
  }
  return fail('unsupported', `${source}: not a PDF; give a .pdf file`);
}
