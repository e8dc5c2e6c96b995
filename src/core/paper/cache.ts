// The on-disk cache: downloads by arXiv id, parsed papers by content hash. Every write is
// atomic (temp file + rename) and every read is checked, so a torn or foreign file only
// costs a re-parse, never a wrong answer or a crash.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Paper } from './model';
import { PAPER_SCHEMA_VERSION } from './model';
import { writeFileAtomic as writeAtomic } from '../workspace/writer';

/**
 * Bump when any reader's output changes for the same input (pdf.ts, latex*.ts, merge.ts), so
 * old entries are not served. The build's own identity is mixed in as well (buildStamp).
 */
export const PARSE_CACHE_VERSION = 3;

export interface CacheLocation {
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** $PAPERTRAIL_CACHE_DIR, else $XDG_CACHE_HOME/papertrail, else ~/.cache/papertrail. */
export function cacheRoot(opts: CacheLocation): string {
  const env = opts.env ?? process.env;
  if (opts.cacheDir) return path.resolve(opts.cacheDir);
  if (env.PAPERTRAIL_CACHE_DIR) return path.resolve(env.PAPERTRAIL_CACHE_DIR);
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'papertrail');
  return path.join(env.HOME || os.homedir(), '.cache', 'papertrail');
}

export function sha256Hex(...parts: (Uint8Array | string)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/** The workspace's atomic write, as a cache wants it: false (never a throw) when the disk says no. */
export function writeFileAtomic(file: string, data: string | Uint8Array): boolean {
  try {
    writeAtomic(file, data);
    return true;
  } catch {
    // The cache is an optimisation: a failed write costs a parse next time, nothing more.
    return false;
  }
}

export function readBytes(file: string): Uint8Array | undefined {
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

export function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

let stamp: string | undefined;

/** Size and time of the running bundle: a rebuilt or upgraded PaperTrail does not trust old parses. */
function buildStamp(): string {
  if (stamp !== undefined) return stamp;
  try {
    const st = fs.statSync(typeof __filename === 'string' ? __filename : '');
    stamp = `${st.size}:${Math.floor(st.mtimeMs)}`;
  } catch {
    stamp = '';
  }
  return stamp;
}

/** Cache key of a parse: the reader, what was read (hashes) and the parser's version. */
export function parsedKey(kind: string, ...hashes: string[]): string {
  return sha256Hex(`v${PARSE_CACHE_VERSION}`, buildStamp(), kind, ...hashes);
}

function parsedFile(root: string, key: string): string {
  return path.join(root, 'parsed', key.slice(0, 2), `${key}.json`);
}

interface ParsedEntry {
  cacheVersion: number;
  key: string;
  paper: Paper;
}

/** The cached paper for `key`, or undefined when absent, torn, or from another version. */
export function readParsed(root: string, key: string): Paper | undefined {
  const entry = readJson(parsedFile(root, key)) as Partial<ParsedEntry> | undefined;
  if (!entry || entry.cacheVersion !== PARSE_CACHE_VERSION || entry.key !== key) return undefined;
  return isPaper(entry.paper) ? entry.paper : undefined;
}

export function writeParsed(root: string, key: string, paper: Paper): boolean {
  const entry: ParsedEntry = { cacheVersion: PARSE_CACHE_VERSION, key, paper };
  return writeFileAtomic(parsedFile(root, key), JSON.stringify(entry));
}

function isPaper(p: unknown): p is Paper {
  if (!p || typeof p !== 'object') return false;
  const o = p as Record<string, unknown>;
  return (
    o.schemaVersion === PAPER_SCHEMA_VERSION &&
    typeof o.id === 'string' &&
    typeof o.title === 'string' &&
    !!o.source &&
    typeof o.source === 'object' &&
    ['sections', 'equations', 'figures', 'tables', 'algorithms', 'passages', 'warnings', 'authors', 'pages'].every((k) =>
      Array.isArray(o[k]),
    )
  );
}
