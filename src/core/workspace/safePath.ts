// Confinement of model-proposed paths to the output folder. The paths come from an LLM that
// has read untrusted text (the paper), so each one is treated as hostile until checked.
// Rules and their reasons: README.md beside this file.
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import { fail, ok } from '../errors';

/** A proposed path that will not be written: the path as proposed, and a one-line reason. */
export interface PathRefusal {
  path: string;
  reason: string;
}

export interface ConfineOptions {
  /** Lets paths into tool folders (.papertrail, .git, ...) through: only for paths the pipeline makes itself. */
  allowToolDirs?: boolean;
}

export const MAX_PATH_CHARS = 1024;
export const MAX_SEGMENT_BYTES = 255;

// Folders that tools own: writing into them can run code (git hooks, editor tasks) or corrupt state.
export const TOOL_DIRS: readonly string[] = [
  '.git',
  '.hg',
  '.svn',
  '.papertrail',
  '.vscode',
  '.idea',
  'node_modules',
  '.venv',
  'venv',
  '__pycache__',
];
const TOOL_DIR_SET = new Set(TOOL_DIRS);

// Windows opens a device for these names whatever the extension; superscript digits count too.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[1-9¹²³]|lpt[1-9¹²³])(\..*)?$/i;
// An 8.3 short name (GIT~1) can alias a tool folder on Windows, as in git's CVE-2014-9390.
const SHORT_NAME = /^[^.]{1,6}~[1-9]\d{0,5}(\.[^.]{1,3})?$/;
// Control characters, and invisible format characters (bidi overrides, zero-width joiners)
// that make a name read differently from what it is, or that macOS ignores when matching.
const CONTROL_OR_INVISIBLE = /[\p{Cc}\p{Cf}]/u;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const DRIVE = /^[a-z]:/i;

/**
 * Normalises a model-proposed relative path and confines it to `root`.
 * Returns the normalised relative path with forward slashes.
 */
export function confinePath(root: string, proposed: string, options: ConfineOptions = {}): Result<string> {
  const r = checkPath(root, proposed, options);
  if (r.ok) return r;
  return fail('bad-input', `refused path ${displayPath(proposed)}: ${r.error.reason}; propose a file path relative to the output folder`);
}

/** confinePath with the refusal as data, for callers that report refusals in a list. */
export function checkPath(root: string, proposed: string, options: ConfineOptions = {}): Result<string, PathRefusal> {
  const rel = normalise(proposed, options);
  if (!rel.ok) return rel;
  const reason = symlinkEscape(root, rel.value);
  return reason ? refuse(proposed, reason) : rel;
}

/** A path short and printable enough to quote in a one-line message. */
export function displayPath(p: string): string {
  const shown = JSON.stringify(p);
  return shown.length > 80 ? `${shown.slice(0, 77)}…"` : shown;
}

function normalise(proposed: string, options: ConfineOptions): Result<string, PathRefusal> {
  const no = (reason: string) => refuse(proposed, reason);
  const p = proposed.trim().replace(/\\/g, '/');
  if (!p) return no('the path is empty');
  if (p.length > MAX_PATH_CHARS) return no(`the path is longer than ${MAX_PATH_CHARS} characters`);
  if (CONTROL_OR_INVISIBLE.test(p)) return no('the path contains a control or invisible character');
  if (URL_SCHEME.test(p)) return no('the path is a URL, not a relative path');
  // Covers '/x', '//x' and '\\server\share' (already turned into '//server/share').
  if (p.startsWith('/')) return no('the path is absolute');
  if (DRIVE.test(p)) return no('the path names a Windows drive');
  // Shells and some tools expand these before the path reaches the file system.
  if (p.startsWith('~')) return no("the path starts with '~', which a shell reads as a home folder");
  if (/(^|\/)\$(\{|[A-Za-z_])/.test(p)) return no('the path names an environment variable ($…)');
  // Tools that decode URLs would read '%2e%2e' as '..' and '%2f' as '/'.
  if (/%[0-9a-f]{2}/i.test(p)) return no('the path contains percent-encoding (%2e, %2f, …), which tools may decode into another path');
  if (p.endsWith('/')) return no("the path ends in '/', so it names a folder, not a file");

  const raw = p.split('/');
  const last = raw[raw.length - 1];
  if (last === '.' || last === '..') return no("the path ends in '.' or '..', so it names a folder, not a file");
  const segments: string[] = [];
  for (const s of raw) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (segments.length === 0) return no("'..' climbs above the output folder");
      segments.pop();
      continue;
    }
    segments.push(s);
  }
  if (segments.length === 0) return no('the path names the output folder itself, not a file');

  for (const s of segments) {
    const reason = segmentProblem(s, options);
    if (reason) return no(reason);
  }
  return ok(segments.join('/'));
}

function segmentProblem(s: string, options: ConfineOptions): string | undefined {
  // Windows strips a trailing dot or space, so 'a.' and 'a' would be one file there.
  if (s.endsWith('.') || s.endsWith(' ')) return `the name '${s}' ends in a dot or a space, which Windows drops`;
  // A colon opens an NTFS alternate data stream ('.git::$INDEX_ALLOCATION').
  if (s.includes(':')) return `the name '${s}' contains ':', which Windows cannot store`;
  if (Buffer.byteLength(s, 'utf8') > MAX_SEGMENT_BYTES) return `a name is longer than ${MAX_SEGMENT_BYTES} bytes`;
  if (WINDOWS_RESERVED.test(s)) return `'${s}' is a reserved device name on Windows`;
  if (SHORT_NAME.test(s)) return `'${s}' looks like a Windows short name (8.3), which can alias another folder`;
  if (!options.allowToolDirs && TOOL_DIR_SET.has(s.toLowerCase()))
    return `'${s}' is a tool folder, which generated code must not write into`;
  return undefined;
}

// Walks the part of the target that exists, from root down: a symlink on the way could send
// the write anywhere. Returns the reason to refuse, if any.
function symlinkEscape(root: string, rel: string): string | undefined {
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    return undefined; // root does not exist yet, so nothing below it does either
  }
  let current = root;
  for (const segment of rel.split('/')) {
    current = path.join(current, segment);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch {
      return undefined; // the rest does not exist: mkdir and write will create real folders
    }
    if (!stat.isSymbolicLink()) continue;
    let target: string;
    try {
      target = fs.realpathSync(current);
    } catch {
      // A dangling link would be followed by the write and create its target, wherever that is.
      return 'the path leads through a symlink that points to nothing';
    }
    if (!isInside(realRoot, target)) return 'the path leads outside the folder through a symlink';
  }
  return undefined;
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  // A name such as '..data' is inside; only '..' as a whole segment climbs out.
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
}

function refuse(proposed: string, reason: string): Result<never, PathRefusal> {
  return { ok: false, error: { path: proposed, reason } };
}
