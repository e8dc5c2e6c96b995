import path from 'node:path';
import { runJupyter } from '../../core/runner/jupyter';
import { choosePython, runLocal } from '../../core/runner/local';
import type { JupyterRunResult, TestRunResult } from '../../core/runner/types';
import type { Result } from '../../core/errors';
import type { CliIo } from '../io';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from '../io';
import { parseVerbArgs } from '../parse-args';
import type { Verb } from '../verb';

export const testVerb: Verb = {
  name: 'test',
  summary: "run a repository's tests locally or on a Jupyter kernel",
  usage: `usage: papertrail test <dir> [--python PATH] [--jupyter URL [--token-env NAME] [--remote-dir DIR]] [--json] [-- pytest args]

  <dir>           the repository folder; pytest runs there (locally) or in its copy on the server
  --python        the local interpreter (default: python3 on PATH, else python)
  --jupyter       run on this Jupyter server instead, e.g. http://gpu-box:8888/; the folder is
                  synced first (only changed files) and the tests run in a kernel there
  --token-env     the environment variable that holds the server's token (default JUPYTER_TOKEN)
  --remote-dir    folder on the server, relative to its root (default papertrail/<dir name>)
  --json          one JSON document: {passed, failed, skipped, errors, tests: [{id, name,
                  outcome, message, file, line, durationMs}], ...}; pytest's output is not shown
  -- ARGS         passed to pytest as they are (test ids, -k EXPR, -x, …)

Without --json, pytest's output streams to stderr and a summary goes to stdout.
exit: 0 every test passed, 1 a test failed or errored, 2 the run could not happen (one line on
stderr says why)`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const dash = argv.indexOf('--');
    const pytestArgs = dash >= 0 ? argv.slice(dash + 1) : [];
    const args = parseVerbArgs('test', dash >= 0 ? argv.slice(0, dash) : argv, {
      python: { type: 'string' },
      jupyter: { type: 'string' },
      'token-env': { type: 'string' },
      'remote-dir': { type: 'string' },
    });
    if (!args.ok) return usageError(io, args.error.message);
    const v = args.value.values;
    if (v.help) {
      io.stdout(this.usage + '\n');
      return EXIT_OK;
    }
    const [dirArg, ...extra] = args.value.positionals;
    if (!dirArg || extra.length)
      return usageError(io, 'papertrail test: give exactly one repository folder, e.g. papertrail test . (pytest arguments go after --)');
    const dir = path.resolve(io.cwd, dirArg);
    const json = Boolean(v.json);
    const jupyter = typeof v.jupyter === 'string' ? v.jupyter : undefined;
    if (!jupyter && (v['token-env'] !== undefined || v['remote-dir'] !== undefined)) {
      return usageError(io, 'papertrail test: --token-env and --remote-dir go with --jupyter URL');
    }
    const onOutput = json ? undefined : (line: string) => io.stderr(line + '\n');

    // Ctrl-C: pytest runs in its own process group (or on the server), so it is stopped from here.
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    const restoreConsole = quietConsole(io);
    let result: Result<TestRunResult | JupyterRunResult>;
    let where: string;
    try {
      if (jupyter) {
        const tokenEnv = typeof v['token-env'] === 'string' ? v['token-env'] : 'JUPYTER_TOKEN';
        const token = io.env[tokenEnv] ?? '';
        if (!token && !/[?&]token=/.test(jupyter)) {
          return usageError(
            io,
            `papertrail test: no token in $${tokenEnv}; set it (export ${tokenEnv}=...) or name another variable with --token-env`,
          );
        }
        where = 'jupyter';
        result = await runJupyter({
          dir,
          serverUrl: jupyter,
          token,
          args: pytestArgs,
          signal: ac.signal,
          ...(onOutput ? { onOutput, onInfo: (l: string) => io.stderr(`papertrail: ${l}\n`) } : {}),
          ...(typeof v['remote-dir'] === 'string' ? { remoteDir: v['remote-dir'] } : {}),
        });
      } else {
        const python = choosePython(typeof v.python === 'string' ? v.python : undefined, io.env);
        where = `local: ${python}`;
        result = await runLocal({ dir, python, args: pytestArgs, signal: ac.signal, env: io.env, ...(onOutput ? { onOutput } : {}) });
      }
    } finally {
      restoreConsole();
      process.removeListener('SIGINT', onSigint);
    }
    if (!result.ok) return usageError(io, `papertrail test: ${result.error.message}`);
    const r = result.value;
    if (r.tests.length === 0)
      return usageError(
        io,
        `papertrail test: pytest found no tests in ${dirArg}${pytestArgs.length ? ` with ${pytestArgs.join(' ')}` : ''}`,
      );
    if (json) io.stdout(JSON.stringify({ target: jupyter ? 'jupyter' : 'local', ...r }) + '\n');
    else io.stdout(summaryText(r, 'device' in r ? `jupyter: ${r.device}` : where) + '\n');
    return r.failed + r.errors > 0 ? EXIT_PROBLEMS : EXIT_OK;
  },
};

/** The readable summary: counts, then each failure, error and skip with where it happened. */
export function summaryText(r: TestRunResult, where: string): string {
  const counts = [`${r.passed} passed`, `${r.failed} failed`, `${r.skipped} skipped`, `${r.errors} error${r.errors === 1 ? '' : 's'}`].join(
    ', ',
  );
  const out = [`${counts} in ${(r.durationMs / 1000).toFixed(1)} s (${where})`];
  for (const outcome of ['failed', 'error', 'skipped'] as const) {
    const tests = r.tests.filter((t) => t.outcome === outcome);
    if (!tests.length) continue;
    out.push(`${outcome}:`);
    for (const t of tests) out.push(`  ${t.file}:${t.line}  ${t.id}  ${t.message.split('\n')[0]}`);
  }
  return out.join('\n');
}

/**
 * @jupyterlab/services reports its connection steps on the console, which would mix into
 * stdout (and break --json); they go to stderr only with PAPERTRAIL_DEBUG.
 */
function quietConsole(io: CliIo): () => void {
  const saved = { log: console.log, debug: console.debug, info: console.info, warn: console.warn, error: console.error };
  const sink = io.env.PAPERTRAIL_DEBUG ? (...a: unknown[]) => io.stderr(a.map(String).join(' ') + '\n') : () => undefined;
  Object.assign(console, { log: sink, debug: sink, info: sink, warn: sink, error: sink });
  return () => Object.assign(console, saved);
}

function usageError(io: CliIo, message: string): number {
  io.stderr(message + '\n');
  return EXIT_USAGE;
}
