// Task type `papertrail`: run the tests in the terminal, failures to the Problems panel
// through the `$papertrail-pytest` problem matcher (the task prints `file:line: error: …`).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestRunResult } from '../../core/runner/types';
import type { Services } from '../services';
import { requireTrust } from '../trust';
import type { RunTarget } from './runTests';
import { runTests } from './runTests';

export interface PaperTrailTaskDefinition extends vscode.TaskDefinition {
  type: 'papertrail';
  target: RunTarget;
  args?: string[];
  cwd?: string;
}

/** The test task for a folder (or, with `cwd`, a repository inside it, as a reimplement run writes). */
export function buildTestTask(services: Services, folder: vscode.WorkspaceFolder, def: PaperTrailTaskDefinition): vscode.Task {
  const dir = def.cwd ? path.resolve(folder.uri.fsPath, def.cwd) : folder.uri.fsPath;
  const task = new vscode.Task(
    def,
    folder,
    `run tests (${def.target === 'local' ? 'local Python' : 'Jupyter'})${def.cwd ? ` in ${def.cwd}` : ''}`,
    'papertrail',
    new vscode.CustomExecution(async () => testTerminal(services, def.target, dir, def.args ?? [])),
    ['$papertrail-pytest'],
  );
  task.group = vscode.TaskGroup.Test;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true };
  return task;
}

export function registerTaskProvider(services: Services): void {
  const build = (folder: vscode.WorkspaceFolder, def: PaperTrailTaskDefinition): vscode.Task => buildTestTask(services, folder, def);
  services.context.subscriptions.push(
    vscode.tasks.registerTaskProvider('papertrail', {
      provideTasks() {
        return (vscode.workspace.workspaceFolders ?? []).flatMap((folder) => {
          const tasks = [build(folder, { type: 'papertrail', target: 'local' })];
          if (vscode.workspace.getConfiguration('papertrail', folder.uri).get<string>('jupyter.serverUrl'))
            tasks.push(build(folder, { type: 'papertrail', target: 'jupyter' }));
          return tasks;
        });
      },
      resolveTask(task) {
        const def = task.definition as PaperTrailTaskDefinition;
        const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
        return folder && (def.target === 'local' || def.target === 'jupyter') ? build(folder, def) : undefined;
      },
    }),
  );
}

/** A Pseudoterminal that runs the tests, streams pytest's output and ends with the summary. */
function testTerminal(services: Services, target: RunTarget, dir: string, args: string[]): vscode.Pseudoterminal {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number>();
  const abort = new AbortController();
  const line = (s: string) => write.fire(s.replace(/\r?\n/g, '\r\n') + '\r\n');
  return {
    onDidWrite: write.event,
    onDidClose: close.event,
    open() {
      void (async () => {
        if (!(await requireTrust('Running the tests'))) {
          line('PaperTrail: running tests needs a trusted workspace.');
          close.fire(2);
          return;
        }
        line(`PaperTrail: running the tests of ${dir} (${target === 'local' ? 'local Python' : 'Jupyter'})`);
        const result = await runTests(services, {
          target,
          dir,
          args,
          signal: abort.signal,
          onOutput: line,
          onInfo: (s) => line(`PaperTrail: ${s}`),
        });
        if (!result.ok) {
          line(`PaperTrail: ${result.error.message}`);
          close.fire(2);
          return;
        }
        for (const l of problemLines(result.value, dir)) line(l);
        line(`PaperTrail: ${summary(result.value)}`);
        close.fire(result.value.failed || result.value.errors ? 1 : 0);
      })();
    },
    close() {
      abort.abort();
    },
  };
}

/** One `file:line: error: message` line per failing test: what the problem matcher reads. */
/** Paths are absolute: a run in a repository below the workspace folder still lands on the right file. */
export function problemLines(result: TestRunResult, dir: string): string[] {
  return result.tests
    .filter((t) => (t.outcome === 'failed' || t.outcome === 'error') && t.file && t.line > 0)
    .map((t) => `${path.resolve(dir, t.file!)}:${t.line}: error: ${t.name}: ${t.message.split('\n')[0]}`);
}

export function summary(r: TestRunResult): string {
  return `${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped, ${r.errors} errors in ${(r.durationMs / 1000).toFixed(1)} s`;
}
