// How generated code is run on this machine. It is untrusted: a model wrote it after reading
// an untrusted paper. What this promises, and what not: docs/verify.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Variables that never reach generated code: keys, tokens, passwords, cloud credentials. */
const SECRET =
  /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE)|^(AWS|AZURE|GCP|GOOGLE|OPENAI|ANTHROPIC|HF|HUGGING|GITHUB|GH|GITLAB|NPM|PYPI|SSH|GPG|DOCKER|KUBE|VSCODE|ELECTRON|PAPERTRAIL)_/i;
/** What a Python test run needs from the environment, and nothing else. */
const KEEP =
  /^(PATH|HOME|USER|LOGNAME|LANG|LC_[A-Z]+|TZ|TMPDIR|TERM|PYTHONPATH|PYTHONHOME|VIRTUAL_ENV|CONDA_PREFIX|CUDA_VISIBLE_DEVICES|LD_LIBRARY_PATH|OMP_NUM_THREADS|MKL_NUM_THREADS|SYSTEMROOT|COMSPEC|PATHEXT|WINDIR)$/;

/**
 * The environment generated code runs with: an allow-list of what Python needs, and even from
 * that list nothing that looks like a secret.
 * @returns a new object; `env` is not changed.
 */
export function sandboxEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && KEEP.test(k) && !SECRET.test(k)) out[k] = v;
  out.PYTHONDONTWRITEBYTECODE = '1';
  out.PYTHONUNBUFFERED = '1';
  // Matplotlib and friends must not try to open a window.
  out.MPLBACKEND = 'Agg';
  return out;
}

export interface Confined {
  command: string;
  args: string[];
  /** One line for the user: what runs, where, and with which limits. */
  note: string;
}

/**
 * `command args` confined to `dir`: under bubblewrap when it is installed (no network, the file
 * system read-only but `dir` and a private /tmp, the home folder hidden), else as it is, in `dir`.
 */
export function confine(command: string, args: readonly string[], dir: string, env: NodeJS.ProcessEnv = process.env): Confined {
  const bwrap = findBwrap(env);
  if (!bwrap)
    return {
      command,
      args: [...args],
      note: `in ${dir}, without your secrets in its environment (bubblewrap is not installed: the network and your files are reachable)`,
    };
  // A private /tmp hides other programs' files; an interpreter (a venv) that lives there stays visible.
  const tmpTop = topUnderTmp(command);
  const wrapped = [
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
    ...(tmpTop ? ['--ro-bind', tmpTop, tmpTop] : []),
    '--bind',
    dir,
    dir,
    '--chdir',
    dir,
    '--unshare-net',
    '--unshare-pid',
    '--die-with-parent',
    '--new-session',
    command,
    ...args,
  ];
  return {
    command: bwrap,
    args: wrapped,
    note: `in ${dir} under bubblewrap: no network, the file system (your home folder included) read-only but that folder and a private /tmp, no secrets in its environment`,
  };
}

/** `/tmp/venv` for `/tmp/venv/bin/python3`; undefined for a program outside /tmp. */
function topUnderTmp(command: string): string | undefined {
  if (!path.isAbsolute(command)) return undefined;
  const rel = path.relative('/tmp', command);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return path.join('/tmp', rel.split(path.sep)[0]!);
}

const usable = new Map<string, boolean>();

/** bubblewrap on PATH that can start here (a container without user namespaces cannot run it). */
function findBwrap(env: NodeJS.ProcessEnv): string | undefined {
  if (env.PAPERTRAIL_NO_BWRAP === '1') return undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'bwrap');
    try {
      fs.accessSync(p, fs.constants.X_OK);
    } catch {
      continue;
    }
    if (!usable.has(p)) {
      const probe = spawnSync(
        p,
        ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-net', '--unshare-pid', '--die-with-parent', 'true'],
        { timeout: 5000, stdio: 'ignore' },
      );
      usable.set(p, probe.status === 0);
    }
    return usable.get(p) ? p : undefined;
  }
  return undefined;
}
