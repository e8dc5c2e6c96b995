// Writes generated files into the output folder: every path confined first, every
// precondition checked before the first byte is written, each file replaced atomically.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import { describeError, fail, ok } from '../errors';
import type { ConfineOptions, PathRefusal } from './safePath';
import { checkPath, displayPath } from './safePath';

/** A file to write; `path` is relative to the output folder (model-proposed or the pipeline's own). */
export interface PlannedFile {
  path: string;
  content: string;
}

export interface WritePlan {
  /** Normalised relative paths that do not exist yet. */
  create: string[];
  /** Exist with different content. */
  overwrite: string[];
  /** Exist with the same content. */
  unchanged: string[];
  refused: PathRefusal[];
}

export interface WriteResult {
  written: string[];
  unchanged: string[];
  refused: PathRefusal[];
}

export interface WriteOptions extends ConfineOptions {
  /** Replace files that exist with different content. */
  force?: boolean;
}

type Action = 'create' | 'overwrite' | 'unchanged';
interface Entry {
  rel: string;
  content: string;
  action: Action;
}

/** What writeFiles would do, without writing anything. */
export function planWrite(root: string, files: PlannedFile[], options: ConfineOptions = {}): WritePlan {
  const { entries, refused } = plan(root, files, options);
  const of = (a: Action) => entries.filter((e) => e.action === a).map((e) => e.rel);
  return { create: of('create'), overwrite: of('overwrite'), unchanged: of('unchanged'), refused };
}

/**
 * Writes every confined file atomically. Without `force`, any file that would be overwritten
 * makes it write nothing and fail with a message naming the files.
 */
export function writeFiles(root: string, files: PlannedFile[], options: WriteOptions = {}): Result<WriteResult> {
  const rootProblem = rootIsNotAFolder(root);
  if (rootProblem) return fail('bad-input', `${rootProblem}; choose a folder to write into`);
  const { entries, refused } = plan(root, files, options);
  const conflicts = entries.filter((e) => e.action === 'overwrite').map((e) => e.rel);
  if (conflicts.length > 0 && !options.force) {
    const noun = conflicts.length === 1 ? 'file already exists' : 'files already exist';
    return fail(
      'bad-input',
      `${conflicts.length} ${noun} with different content (${nameSome(conflicts)}); nothing was written: use --force to overwrite them or choose another folder`,
    );
  }

  const written: string[] = [];
  for (const e of entries) {
    if (e.action === 'unchanged') continue;
    try {
      writeFileAtomic(path.join(root, e.rel), e.content);
    } catch (err) {
      const before = written.length ? `; ${written.length} written before it (${nameSome(written)})` : '';
      return fail(
        'bad-input',
        `could not write ${displayPath(e.rel)}: ${describeError(err)}${before}; check the folder's permissions and free space, then run again`,
      );
    }
    written.push(e.rel);
  }
  return ok({ written, unchanged: entries.filter((e) => e.action === 'unchanged').map((e) => e.rel), refused });
}

/**
 * Atomic write of one file: temp file in the same folder, fsync, rename; the temp file is
 * removed on any failure. Creates parent folders.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  // Same folder, so the rename never crosses file systems; short, so a 255-byte name still fits.
  const stem = Array.from(path.basename(file)).slice(0, 40).join('');
  const tmp = path.join(dir, `.${stem}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  let created = false;
  try {
    fd = fs.openSync(tmp, 'wx');
    created = true;
    const mode = existingMode(file);
    // An overwritten script keeps its executable bit.
    if (mode !== undefined) fs.fchmodSync(fd, mode);
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) closeQuietly(fd);
    // Only our own temp file: 'wx' failing means the name belonged to someone else.
    if (created) fs.rmSync(tmp, { force: true });
    throw err;
  }
  syncFolder(dir);
}

function plan(root: string, files: PlannedFile[], options: ConfineOptions): { entries: Entry[]; refused: PathRefusal[] } {
  const entries: Entry[] = [];
  const refused: PathRefusal[] = [];
  // Keys fold case and Unicode form: macOS and Windows would make such paths one file.
  const fileKeys = new Set<string>();
  const folderKeys = new Set<string>();
  for (const f of files) {
    const checked = checkPath(root, f.path, options);
    if (!checked.ok) {
      refused.push(checked.error);
      continue;
    }
    const rel = checked.value;
    const reason = clashInList(rel, fileKeys, folderKeys) ?? clashOnDisk(root, rel);
    if (reason) {
      refused.push({ path: f.path, reason });
      continue;
    }
    fileKeys.add(key(rel));
    for (const a of ancestors(rel)) folderKeys.add(key(a));
    entries.push({ rel, content: f.content, action: actionFor(path.join(root, rel), f.content) });
  }
  return { entries, refused };
}

function clashInList(rel: string, fileKeys: Set<string>, folderKeys: Set<string>): string | undefined {
  const k = key(rel);
  if (fileKeys.has(k)) return 'proposed twice';
  if (folderKeys.has(k)) return 'another proposed path uses it as a folder';
  const parent = ancestors(rel).find((a) => fileKeys.has(key(a)));
  if (parent) return `its folder '${parent}' is also proposed as a file`;
  return undefined;
}

function clashOnDisk(root: string, rel: string): string | undefined {
  const rootProblem = rootIsNotAFolder(root);
  if (rootProblem) return rootProblem;
  for (const a of ancestors(rel)) {
    const stat = statOrUndefined(path.join(root, a));
    if (!stat) return undefined;
    if (!stat.isDirectory()) return `'${a}' already exists and is not a folder`;
  }
  const stat = statOrUndefined(path.join(root, rel));
  if (stat?.isDirectory()) return 'a folder with this name already exists';
  // Reading a FIFO or a device to compare contents could block or never end.
  if (stat && !stat.isFile()) return 'it already exists and is not a regular file';
  if (stat) {
    try {
      fs.accessSync(path.join(root, rel), fs.constants.R_OK);
    } catch {
      return 'it already exists and cannot be read';
    }
  }
  return undefined;
}

function actionFor(file: string, content: string): Action {
  const stat = statOrUndefined(file);
  if (!stat) return 'create';
  const wanted = Buffer.from(content, 'utf8');
  if (stat.size !== wanted.length) return 'overwrite';
  return fs.readFileSync(file).equals(wanted) ? 'unchanged' : 'overwrite';
}

function rootIsNotAFolder(root: string): string | undefined {
  const stat = statOrUndefined(root);
  return stat && !stat.isDirectory() ? `the output folder ${displayPath(root)} is not a folder` : undefined;
}

/** 'a/b/c' → ['a', 'a/b']. */
function ancestors(rel: string): string[] {
  const parts = rel.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

function key(rel: string): string {
  return rel.normalize('NFC').toLowerCase();
}

function nameSome(paths: string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return paths.length > 3 ? `${shown} and ${paths.length - 3} more` : shown;
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

function existingMode(file: string): number | undefined {
  try {
    return fs.statSync(file).mode & 0o7777;
  } catch {
    return undefined;
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // already failing; the original error is the one to report
  }
}

// Makes the rename itself durable; folders cannot be opened for this on Windows, hence best-effort.
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // durability of the rename is a bonus, not a precondition
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}
