// The authors' code for a reference-based evaluation: a folder as it is, or a git URL cloned
// once (shallow) into the cache.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import { cacheRoot, sha256Hex } from '../paper/cache';

/**
 * The folder of the reference code.
 * @param ref a folder (absolute or relative to `cwd`) or a git URL (https://, git@, ssh://).
 * @returns the folder; fail with one line when the folder is missing or the clone fails.
 */
export async function referenceFolder(
  ref: string,
  opts: { cwd: string; env?: NodeJS.ProcessEnv; cacheDir?: string },
): Promise<Result<string>> {
  const isUrl = /^(https?:\/\/|git@|ssh:\/\/|git:\/\/)/.test(ref);
  if (!isUrl) {
    const dir = path.resolve(opts.cwd, ref);
    return fs.existsSync(dir) && fs.statSync(dir).isDirectory()
      ? ok(dir)
      : fail('not-found', `${ref}: no such folder; give the authors' code as a folder or a git URL`);
  }
  const dir = path.join(
    cacheRoot({ ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}), ...(opts.env ? { env: opts.env } : {}) }),
    'references',
    sha256Hex(ref).slice(0, 16),
  );
  if (fs.existsSync(path.join(dir, '.git'))) return ok(dir);
  const partial = `${dir}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const cloned = await new Promise<Result<void>>((resolve) =>
    execFile(
      'git',
      ['clone', '--quiet', '--depth', '1', '--', ref, partial],
      { env: { ...(opts.env ?? process.env), GIT_TERMINAL_PROMPT: '0' }, timeout: 300_000 },
      (err, _out, stderr) =>
        resolve(
          err
            ? fail(
                'network',
                `could not clone ${ref} (${(stderr || err.message).trim().split('\n').at(-1)}); check the URL and the connection, or pass a folder`,
              )
            : ok(undefined),
        ),
    ),
  );
  if (!cloned.ok) {
    fs.rmSync(partial, { recursive: true, force: true });
    return cloned;
  }
  fs.renameSync(partial, dir);
  return ok(dir);
}
