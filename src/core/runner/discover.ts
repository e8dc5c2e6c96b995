// Finds tests without running them: a static scan that needs no Python (for a test tree that
// appears at once), and pytest's own collection for the exact list (parametrized cases included).
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import { choosePython, pytestMissingMessage, spawnLines } from './local';
import { listRepoFiles } from './sync';
import type { DiscoveredTest } from './types';

/** pytest's default file patterns. */
export function isTestFile(rel: string): boolean {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  return /^test_.*\.py$/.test(base) || /^.+_test\.py$/.test(base);
}

/**
 * Static scan of `test_*.py` / `*_test.py` (outside ignored folders) for module-level
 * `def test_*` and `def test_*` inside top-level `class Test*`. Parametrized cases appear once,
 * under the function's id; fixtures, conftest hooks and unittest.TestCase names are not seen.
 */
export async function discoverTests(dir: string): Promise<DiscoveredTest[]> {
  const out: DiscoveredTest[] = [];
  for (const f of listRepoFiles(dir)) {
    if (!isTestFile(f.path)) continue;
    let text: string;
    try {
      text = await fs.promises.readFile(path.join(dir, f.path), 'utf8');
    } catch {
      continue;
    }
    out.push(...scanTestSource(f.path, text));
  }
  return out;
}

/** The tests one file defines; `file` is used as given in ids. */
export function scanTestSource(file: string, text: string): DiscoveredTest[] {
  const out: DiscoveredTest[] = [];
  let cls: { name: string; indent: number; body?: number } | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim() || /^\s*#/.test(line)) continue;
    const indent = line.length - line.trimStart().length;
    if (cls && indent <= cls.indent) cls = undefined;
    // A method is a def at the class body's own indent, not one nested deeper.
    if (cls && cls.body === undefined) cls.body = indent;
    const c = /^class\s+(Test\w*)\s*[(:]/.exec(line);
    if (c) {
      cls = { name: c[1]!, indent: 0 };
      continue;
    }
    const d = /^(\s*)(?:async\s+)?def\s+(test\w*)\s*\(/.exec(line);
    if (!d) continue;
    const defIndent = d[1]!.length;
    if (defIndent === 0) out.push({ id: `${file}::${d[2]}`, file, name: d[2]!, line: i + 1 });
    else if (cls && defIndent === cls.body)
      out.push({ id: `${file}::${cls.name}::${d[2]}`, file, className: cls.name, name: d[2]!, line: i + 1 });
  }
  return out;
}

/**
 * pytest's own list (`pytest --collect-only -q`): every node id, parametrized cases included.
 * Lines come from the static scan where it knows the function (0 otherwise).
 */
export async function collectTests(
  dir: string,
  opts: { python?: string; args?: string[]; signal?: AbortSignal } = {},
): Promise<Result<DiscoveredTest[]>> {
  const python = choosePython(opts.python);
  const ids: string[] = [];
  const run = await spawnLines(python, ['-m', 'pytest', '--collect-only', '-q', ...(opts.args ?? [])], {
    cwd: dir,
    env: process.env,
    onOutput: (l) => {
      if (/^\S+\.py::\S/.test(l)) ids.push(l.trim());
    },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (run.spawnError)
    return fail('not-found', `could not start ${python}: ${run.spawnError === 'ENOENT' ? 'no such program' : run.spawnError}`);
  if (run.cancelled) return fail('cancelled', 'test discovery was cancelled');
  if (/No module named '?pytest'?/.test(run.tail.join('\n'))) return fail('not-found', pytestMissingMessage(python));
  const known = new Map<string, number>();
  for (const f of new Set(ids.map((id) => id.slice(0, id.indexOf('::'))))) {
    try {
      for (const t of scanTestSource(f, fs.readFileSync(path.join(dir, f), 'utf8'))) known.set(t.id, t.line);
    } catch {
      // a file pytest found but we cannot read: no lines
    }
  }
  return ok(
    ids.map((id) => {
      const parts = id.split('::');
      const file = parts[0]!;
      const name = parts[parts.length - 1]!;
      const className = parts.length > 2 ? parts[parts.length - 2] : undefined;
      const base = id.replace(/\[.*\]$/, '');
      return { id, file, name, line: known.get(base) ?? 0, ...(className ? { className } : {}) };
    }),
  );
}
