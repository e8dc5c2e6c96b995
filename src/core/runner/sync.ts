// Which files of a repository go to the Jupyter server, and which of them changed since the last
// sync. The server side is behind RemoteFiles so that this logic does not depend on the client.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Folders never synced or scanned, wherever they are. */
const ALWAYS_SKIPPED_DIRS = new Set([
  '.git',
  '__pycache__',
  '.venv',
  'venv',
  'node_modules',
  '.pytest_cache',
  '.mypy_cache',
  '.ipynb_checkpoints',
  '.hg',
  '.svn',
]);
/** Relative paths never synced: run records and this very manifest. */
const ALWAYS_SKIPPED_PATHS = new Set(['.papertrail/runs', '.papertrail/jupyter-sync.json']);
/**
 * Bigger files are left out of a sync (checkpoints, datasets). Uploads go in chunks, so size is not
 * a protocol limit; but base64 JSON through the Contents API is slow, and data that big belongs on
 * the server already rather than being sent again whenever it changes.
 */
export const MAX_SYNC_BYTES = 50 * 1024 * 1024;

export const MANIFEST_PATH = '.papertrail/jupyter-sync.json';

export interface RepoFile {
  /** Relative, '/'-separated. */
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * The repository's root .gitignore as a predicate. Supported: `#` comments, `*`, `?`, `**`,
 * `[abc]`, a trailing `/` (folders only), a leading or inner `/` (anchored to the root). Not
 * supported: `!` negation (such lines are ignored) and .gitignore files in subfolders.
 */
export function loadGitignore(dir: string): (rel: string, isDir: boolean) => boolean {
  let text = '';
  try {
    text = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8');
  } catch {
    return () => false;
  }
  const rules = text
    .split(/\r?\n/)
    .map((l) => l.replace(/(?<!\\)\s+$/, ''))
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
    .map(compileRule);
  return (rel, isDir) => rules.some((r) => (!r.dirOnly || isDir) && r.re.test(rel));
}

function compileRule(line: string): { re: RegExp; dirOnly: boolean } {
  let p = line;
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      // `**/` any folders (or none); a trailing `**` everything below.
      if (p[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', i + 1);
      if (end > i) {
        re +=
          '[' +
          p
            .slice(i + 1, end)
            .replace(/^!/, '^')
            .replace(/\\/g, '\\\\') +
          ']';
        i = end;
      } else re += '\\[';
    } else if (c === '\\' && i + 1 < p.length) re += escapeRe(p[++i]!);
    else re += escapeRe(c);
  }
  return { re: new RegExp(anchored ? `^${re}$` : `(?:^|/)${re}$`), dirOnly };
}

function escapeRe(c: string): string {
  return /[.+^${}()|[\]\\/]/.test(c) ? '\\' + c : c;
}

/** Every file that belongs on the server, sorted by path. Symlinked folders are not followed. */
export function listRepoFiles(dir: string): RepoFile[] {
  const ignored = loadGitignore(dir);
  const files: RepoFile[] = [];
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (ALWAYS_SKIPPED_PATHS.has(r)) continue;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      let st: fs.Stats | undefined;
      if (e.isSymbolicLink()) {
        try {
          st = fs.statSync(path.join(dir, r));
        } catch {
          continue;
        }
        isDir = false;
        isFile = st.isFile();
      }
      if (isDir) {
        if (!ALWAYS_SKIPPED_DIRS.has(e.name) && !ignored(r, true)) walk(r);
      } else if (isFile && !ignored(r, false)) {
        st ??= fs.statSync(path.join(dir, r));
        files.push({ path: r, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
  };
  walk('');
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface SyncedFile {
  sha256: string;
  size: number;
  mtimeMs: number;
  /** The server's last_modified for the uploaded copy: a changed value means someone edited it there. */
  remoteModified?: string;
}

export interface ServerSyncState {
  remoteDir: string;
  /** The kernel the last run used, for reuse. */
  kernelId?: string;
  files: Record<string, SyncedFile>;
}

export interface SyncManifest {
  version: 1;
  /** Keyed by the server URL without credentials (see serverKey). */
  servers: Record<string, ServerSyncState>;
}

export function readManifest(dir: string): SyncManifest {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_PATH), 'utf8')) as SyncManifest;
    if (m && m.version === 1 && m.servers && typeof m.servers === 'object') return m;
  } catch {
    // missing or unreadable: everything uploads again
  }
  return { version: 1, servers: {} };
}

export function writeManifest(dir: string, manifest: SyncManifest): void {
  const file = path.join(dir, MANIFEST_PATH);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(manifest, null, 1) + '\n');
  fs.renameSync(tmp, file);
}

/** Hashes every file, reusing the previous hash of a file whose size and mtime are unchanged. */
export function hashRepo(dir: string, files: RepoFile[], previous: Record<string, SyncedFile> = {}): Record<string, SyncedFile> {
  const out: Record<string, SyncedFile> = {};
  for (const f of files) {
    const prev = previous[f.path];
    if (prev && prev.size === f.size && prev.mtimeMs === f.mtimeMs) {
      out[f.path] = { sha256: prev.sha256, size: f.size, mtimeMs: f.mtimeMs };
      continue;
    }
    const sha256 = createHash('sha256')
      .update(fs.readFileSync(path.join(dir, f.path)))
      .digest('hex');
    out[f.path] = { sha256, size: f.size, mtimeMs: f.mtimeMs };
  }
  return out;
}

/** The server side of a sync; paths are relative to the server's root, '/'-separated. */
export interface RemoteFiles {
  /** The entries of a folder (name → last_modified), or undefined when the folder does not exist. */
  list(dir: string): Promise<Map<string, { type: string; lastModified: string }> | undefined>;
  mkdir(dir: string): Promise<void>;
  /**
   * Writes the file (in pieces when it is big, checked by size afterwards) and returns the
   * server's last_modified for it.
   */
  upload(file: string, content: Buffer): Promise<string>;
  remove(file: string): Promise<void>;
}

export interface SyncOutcome {
  uploaded: string[];
  deleted: string[];
  /** Left out: too big to send through the Contents API. */
  tooBig: string[];
  /** Left out: dot-files and files in dot-folders, which Jupyter refuses unless allow_hidden is set. */
  hidden: string[];
  state: ServerSyncState;
}

/**
 * Brings `remoteDir` on the server in line with `dir`: uploads what changed since `previous`
 * (or was changed or removed on the server since), creates folders, deletes files gone here.
 * Each remote folder the manifest names is listed once, which is the cheap check that the
 * server still holds what the manifest says.
 */
export async function syncRepo(opts: {
  dir: string;
  remoteDir: string;
  remote: RemoteFiles;
  previous: ServerSyncState | undefined;
  concurrency?: number;
}): Promise<SyncOutcome> {
  const { dir, remote } = opts;
  const remoteDir = opts.remoteDir.replace(/^\/+|\/+$/g, '');
  const prevFiles = opts.previous && opts.previous.remoteDir === remoteDir ? opts.previous.files : {};
  const all = listRepoFiles(dir);
  const isHidden = (p: string) => p.split('/').some((seg) => seg.startsWith('.'));
  const hidden = all.filter((f) => isHidden(f.path)).map((f) => f.path);
  const tooBig = all.filter((f) => !isHidden(f.path) && f.size > MAX_SYNC_BYTES).map((f) => f.path);
  const files = all.filter((f) => !isHidden(f.path) && f.size <= MAX_SYNC_BYTES);
  const current = hashRepo(dir, files, prevFiles);
  const remotePath = (rel: string) => (remoteDir ? `${remoteDir}/${rel}` : rel);
  const parentOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
  const limit = opts.concurrency ?? 8;

  // What the server holds now, for the folders the manifest says we filled.
  const listed = new Map<string, Map<string, { type: string; lastModified: string }> | undefined>();
  const knownDirs = [...new Set(Object.keys(prevFiles).map(parentOf))];
  await pool(knownDirs, limit, async (d) => {
    listed.set(d, await remote.list(remotePath(d)));
  });
  const stillThere = (rel: string) => {
    const entries = listed.get(parentOf(rel));
    const e = entries?.get(rel.slice(rel.lastIndexOf('/') + 1));
    const prev = prevFiles[rel];
    return Boolean(e && prev && e.type === 'file' && (!prev.remoteModified || e.lastModified === prev.remoteModified));
  };

  const toUpload = files.map((f) => f.path).filter((p) => prevFiles[p]?.sha256 !== current[p]!.sha256 || !stillThere(p));
  const uploading = new Set(toUpload);
  const toDelete = Object.keys(prevFiles).filter((p) => !current[p] && listed.get(parentOf(p))?.has(p.slice(p.lastIndexOf('/') + 1)));

  // Folders: each needed one that is not known to exist, parents first.
  const existing = new Set<string>([...listed].filter(([, v]) => v !== undefined).map(([k]) => k));
  const needed = new Set<string>();
  for (const p of toUpload) for (let d = parentOf(p); d && !existing.has(d); d = parentOf(d)) needed.add(d);
  const rootKnown = existing.size > 0;
  if (!rootKnown) {
    const segments = remoteDir ? remoteDir.split('/') : [];
    for (let i = 1; i <= segments.length; i++) await remote.mkdir(segments.slice(0, i).join('/'));
  }
  const byDepth = [...needed].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
  for (let depth = 1; byDepth.some((d) => d.split('/').length === depth); depth++) {
    await pool(
      byDepth.filter((d) => d.split('/').length === depth),
      limit,
      (d) => remote.mkdir(remotePath(d)),
    );
  }

  const state: ServerSyncState = { remoteDir, files: {}, ...(opts.previous?.kernelId ? { kernelId: opts.previous.kernelId } : {}) };
  for (const p of Object.keys(current)) {
    if (!uploading.has(p))
      state.files[p] = { ...current[p]!, ...(prevFiles[p]?.remoteModified ? { remoteModified: prevFiles[p]!.remoteModified } : {}) };
  }
  await pool(toUpload, limit, async (p) => {
    const modified = await remote.upload(remotePath(p), fs.readFileSync(path.join(dir, p)));
    state.files[p] = { ...current[p]!, ...(modified ? { remoteModified: modified } : {}) };
  });
  await pool(toDelete, limit, (p) => remote.remove(remotePath(p)));
  return { uploaded: toUpload, deleted: toDelete, tooBig, hidden, state };
}

/** Runs `fn` over `items` with at most `limit` at once; the first error rejects. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
