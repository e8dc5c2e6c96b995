// What a user runs first in a new repository, run before it is handed over: the README's
// smoke command (the small preset's forward and backward pass on a CPU) and the walkthrough
// notebook, top to bottom. Both run confined, like the tests (sandbox.ts).
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import type { PythonRun } from './python';
import { runPython } from './python';

export interface EntryRun {
  /** What ran: the command as the README gives it, or the notebook's path. */
  what: string;
  ok: boolean;
  /** One line: "exit 0 in 2.1 s", or the exception's last line. */
  message: string;
  /** The traceback or the output's last lines, for a repair prompt. */
  details: string;
  /** Not run for a reason that is not the code's (a refused command, a missing notebook runner). */
  skipped?: boolean;
}

/**
 * A smoke command as argv for the chosen interpreter: `python …`, `python3 …` or `uv run python …`,
 * with no shell syntax (it runs without a shell).
 * @returns the arguments after the interpreter, or why the command is refused.
 */
export function smokeArgs(command: string): Result<string[]> {
  const trimmed = command.trim();
  if (/[;&|<>`$\n]/.test(trimmed))
    return fail('bad-input', `the smoke command "${trimmed}" uses shell syntax; it must be one python command`);
  const words = [...trimmed.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  const start = words[0] === 'uv' && words[1] === 'run' ? 2 : 0;
  if (!/^python(3(\.\d+)?)?$/.test(words[start] ?? ''))
    return fail('bad-input', `the smoke command "${trimmed}" does not start with python; it was not run`);
  const args = words.slice(start + 1);
  if (!args.length) return fail('bad-input', 'the smoke command names no module or script; it was not run');
  return ok(args);
}

/** Runs the smoke command in the staging copy; a command that is not one python call is skipped, not failed. */
export async function runSmoke(opts: PythonRun, command: string): Promise<Result<EntryRun>> {
  const args = smokeArgs(command);
  if (!args.ok) return ok({ what: command, ok: false, skipped: true, message: args.error.message, details: '' });
  const started = Date.now();
  const r = await runPython(opts, args.value);
  if (!r.ok) return r;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.value.timedOut)
    return ok({
      what: command,
      ok: false,
      message: `still running after ${Math.round(opts.timeoutMs / 1000)} s: the small preset must run in seconds`,
      details: tail(r.value.tail.join('\n')),
    });
  if (r.value.code === 0) return ok({ what: command, ok: true, message: `exit 0 in ${seconds} s`, details: '' });
  const last = r.value.tail.filter((l) => l.trim()).at(-1) ?? `exit ${r.value.code}`;
  return ok({ what: command, ok: false, message: last.slice(0, 300), details: tail(r.value.tail.join('\n')) });
}

// nbclient runs the notebook on an IPython kernel started from this interpreter. The kernel's
// runtime files go to a private temporary folder: in the sandbox the home folder is read-only.
const NOTEBOOK_SCRIPT = `
import json, os, sys, tempfile
for var in ("JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_DATA_DIR"):
    os.environ[var] = tempfile.mkdtemp()
try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    import ipykernel  # noqa: F401
except ImportError as e:
    print("PAPERTRAIL-NB " + json.dumps({"skipped": True, "message": str(e)}), flush=True)
    sys.exit(0)
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
client = NotebookClient(nb, timeout=int(sys.argv[2]), kernel_name="python3", resources={"metadata": {"path": os.path.dirname(path) or "."}})
try:
    client.execute()
    print("PAPERTRAIL-NB " + json.dumps({"ok": True, "cells": sum(c.cell_type == "code" for c in nb.cells)}), flush=True)
except CellExecutionError as e:
    text = str(e)
    print("PAPERTRAIL-NB " + json.dumps({"ok": False, "message": (getattr(e, "ename", "") + ": " + getattr(e, "evalue", "")).strip(": ")[:300], "details": text[-4000:]}), flush=True)
except Exception as e:
    print("PAPERTRAIL-NB " + json.dumps({"ok": False, "message": (type(e).__name__ + ": " + str(e)).splitlines()[0][:300], "details": ""}), flush=True)
`;

/**
 * Executes a notebook of the staging copy top to bottom (nbclient, a python3 kernel), each cell
 * within the limit. An interpreter without nbclient or ipykernel skips it, saying so.
 */
export async function runNotebook(opts: PythonRun, notebook: string): Promise<Result<EntryRun>> {
  const perCell = Math.max(10, Math.round(opts.timeoutMs / 1000 / 2));
  const r = await runPython({ ...opts, onOutput: undefined }, ['-c', NOTEBOOK_SCRIPT, notebook, String(perCell)]);
  if (!r.ok) return r;
  const line = r.value.stdout.find((l) => l.startsWith('PAPERTRAIL-NB '));
  if (r.value.timedOut)
    return ok({ what: notebook, ok: false, message: `still running after ${Math.round(opts.timeoutMs / 1000)} s`, details: '' });
  if (!line)
    return ok({
      what: notebook,
      ok: false,
      message: `the notebook runner stopped: ${r.value.tail.filter((l) => l.trim()).at(-1) ?? `exit ${r.value.code}`}`,
      details: tail(r.value.tail.join('\n')),
    });
  const v = JSON.parse(line.slice('PAPERTRAIL-NB '.length)) as {
    ok?: boolean;
    skipped?: boolean;
    message?: string;
    details?: string;
    cells?: number;
  };
  if (v.skipped)
    return ok({
      what: notebook,
      ok: false,
      skipped: true,
      message: `not executed: the interpreter lacks the notebook runner (${v.message}); install nbclient and ipykernel`,
      details: '',
    });
  if (v.ok) return ok({ what: notebook, ok: true, message: `${v.cells} code cells ran`, details: '' });
  return ok({ what: notebook, ok: false, message: v.message ?? 'a cell failed', details: stripAnsi(v.details ?? '') });
}

function tail(text: string): string {
  return text.split('\n').slice(-60).join('\n').slice(-4000);
}

/** nbclient's tracebacks carry terminal colours. */
function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
