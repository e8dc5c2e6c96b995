// The generated repository's first commit, so the user's own changes show as changes from the
// start. Only a folder that is not inside a git repository gets one: inside an existing
// repository nothing is committed (the user's history is theirs).
import { execFile } from 'node:child_process';
import type { Result } from '../errors';
import { fail, ok } from '../errors';

export type GitOutcome = { committed: true; commit: string } | { committed: false; reason: 'inside-repository' | 'no-git'; note: string };

/**
 * `git init` and one commit of everything in `dir` (its .gitignore applies).
 * Uses the user's git identity; when none is configured, commits as "PaperTrail" so the
 * history still starts (the note says how to amend).
 * @returns whether it committed and why not; fail when git itself fails (the folder is then left as it is).
 */
export async function initialCommit(dir: string, message: string, env: NodeJS.ProcessEnv = process.env): Promise<Result<GitOutcome>> {
  const version = await git(dir, ['--version'], env);
  if (!version.ok) return ok({ committed: false, reason: 'no-git', note: 'git is not installed: no commit was made' });
  const inside = await git(dir, ['rev-parse', '--is-inside-work-tree'], env);
  if (inside.ok && inside.value.trim() === 'true')
    return ok({ committed: false, reason: 'inside-repository', note: 'the folder is inside a git repository: nothing was committed' });
  const identity = (await git(dir, ['config', 'user.email'], env)).ok
    ? []
    : ['-c', 'user.name=PaperTrail', '-c', 'user.email=papertrail@localhost'];
  for (const args of [
    ['init', '-q'],
    ['add', '-A'],
    [...identity, 'commit', '-q', '--no-verify', '-F', '-'],
  ]) {
    const r = await git(dir, args, env, args.includes('-F') ? message : undefined);
    if (!r.ok)
      return fail('internal', `git ${args.filter((a) => !a.startsWith('user.') && a !== '-c').join(' ')} failed: ${r.error.message}`);
  }
  const head = await git(dir, ['rev-parse', '--short', 'HEAD'], env);
  return ok({ committed: true, commit: head.ok ? head.value.trim() : '' });
}

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<Result<string>> {
  return new Promise((resolve) => {
    const child = execFile('git', args, { cwd, env: { ...env, GIT_TERMINAL_PROMPT: '0' }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) resolve(fail('internal', (stderr || err.message).trim().split('\n').at(-1) ?? 'failed'));
      else resolve(ok(stdout));
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}
