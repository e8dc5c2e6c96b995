// An arXiv e-print (.tar.gz of sources, or one gzipped .tex) read into memory. Nothing is
// written to disk, so no entry can land outside a folder; entries that try (absolute paths,
// "..", links, devices) are refused by name, and sizes are capped before anything is kept.
import path from 'node:path';
import zlib from 'node:zlib';
import { Parser } from 'tar';
import type { ReadEntry } from 'tar';
import type { Result } from '../errors';
import { fail, ok } from '../errors';

export interface EprintFiles {
  files: Map<string, Uint8Array>;
  /** 'tar' for an archive, 'single' for one gzipped .tex (stored as main.tex). */
  kind: 'tar' | 'single';
  warnings: string[];
}

export const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;
const MAX_ENTRIES = 20000;
const MAX_KEPT_FILE = 8 * 1024 * 1024;
// Figures and data are not needed to read the structure; they are counted but not kept.
const SKIPPED = /\.(pdf|png|jpe?g|gif|eps|ps|svg|tiff?|bmp|mp4|zip|gz|tgz|npy|npz|pt|pth|ckpt|h5|pkl|bin|dat|csv|mat)$/i;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A POSIX/GNU tar starts with a header block whose checksum adds up. */
export function isTar(bytes: Uint8Array): boolean {
  if (bytes.length < 512) return false;
  const stored = Number.parseInt(Buffer.from(bytes.subarray(148, 156)).toString('latin1').replace(/\0.*$/s, '').trim(), 8);
  if (Number.isNaN(stored)) return false;
  let sum = 0;
  for (let k = 0; k < 512; k++) sum += k >= 148 && k < 156 ? 32 : bytes[k]!;
  return sum === stored;
}

export function looksLikeTex(text: string): boolean {
  return /\\(documentclass|begin\s*\{document\}|section\*?\s*\{|input\s*\{|chapter\*?\s*\{)/.test(text);
}

/** Unpacks an e-print held in memory. `name` is how messages refer to it. */
export async function readEprint(bytes: Uint8Array, name: string): Promise<Result<EprintFiles>> {
  let raw: Uint8Array = bytes;
  if (isGzip(bytes)) {
    try {
      raw = zlib.gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
        return fail(
          'unsupported',
          `${name}: the e-print unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB; give the main .tex file of an unpacked copy`,
        );
      }
      return fail('bad-input', `${name}: the e-print archive is damaged (${(e as Error).message}); download it again`);
    }
  }
  if (isTar(raw)) return readTar(raw, name);
  const text = Buffer.from(raw.subarray(0, 4 * 1024 * 1024)).toString('utf8');
  if (looksLikeTex(text)) return ok({ files: new Map([['main.tex', raw]]), kind: 'single', warnings: [] });
  return fail(
    'bad-input',
    `${name}: neither a .tar.gz of LaTeX sources nor a gzipped .tex file; give the paper's PDF or its unpacked sources`,
  );
}

/** Why an entry is refused, or undefined when it may be kept. */
export function unsafeEntry(type: string, entryPath: string): string | undefined {
  if (type === 'SymbolicLink' || type === 'Link') return 'it is a link';
  if (!['File', 'OldFile', 'ContiguousFile', 'Directory'].includes(type)) return `it is a ${type}`;
  const p = entryPath.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return 'its path is absolute';
  if (p.split('/').includes('..')) return 'its path leaves the archive (..)';
  return undefined;
}

function readTar(raw: Uint8Array, name: string): Promise<Result<EprintFiles>> {
  return new Promise((resolve) => {
    const files = new Map<string, Uint8Array>();
    const warnings: string[] = [];
    let total = 0;
    let entries = 0;
    let failed: Result<EprintFiles> | undefined;
    let settled = false;
    const finish = (r: Result<EprintFiles>) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const parser = new Parser({
      onwarn: (code: string, message: string) => {
        if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT')
          failed ??= fail('bad-input', `${name}: the e-print archive is damaged (${message}); download it again`);
        else warnings.push(`${name}: ${message}`);
      },
    });
    parser.on('entry', (entry: ReadEntry) => {
      entries++;
      const why = unsafeEntry(entry.type, entry.path);
      if (failed || why || entry.type === 'Directory') {
        if (why) warnings.push(`e-print entry "${entry.path}" refused: ${why}`);
        entry.resume();
        return;
      }
      total += entry.size;
      if (entries > MAX_ENTRIES || total > MAX_UNPACKED_BYTES) {
        failed ??= fail(
          'unsupported',
          `${name}: the e-print holds more than ${MAX_ENTRIES} files or ${MAX_UNPACKED_BYTES / 1024 / 1024} MB; give the main .tex file of an unpacked copy`,
        );
        entry.resume();
        return;
      }
      const key = path.posix.normalize(entry.path.replace(/\\/g, '/')).replace(/^(\.\/)+/, '');
      if (SKIPPED.test(key) || entry.size > MAX_KEPT_FILE) {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => files.set(key, new Uint8Array(Buffer.concat(chunks))));
    });
    parser.on('error', (e: Error) =>
      finish(fail('bad-input', `${name}: the e-print archive is damaged (${e.message}); download it again`)),
    );
    parser.on('end', () => {
      if (failed) return finish(failed);
      if (!files.size) return finish(fail('bad-input', `${name}: the e-print archive holds no readable files; download it again`));
      finish(ok({ files, kind: 'tar', warnings }));
    });
    parser.end(Buffer.from(raw));
  });
}
