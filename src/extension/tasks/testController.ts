// Test Explorer: the repository's tests (found without Python), run locally or on Jupyter.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { discoverTests } from '../../core/runner/discover';
import type { TestCaseResult } from '../../core/runner/types';
import type { Services } from '../services';
import { requireTrust } from '../trust';
import type { RunTarget } from './runTests';
import { runTests } from './runTests';

export function registerTestController(services: Services): void {
  const ctrl = vscode.tests.createTestController('papertrail', 'PaperTrail Tests');
  services.context.subscriptions.push(ctrl);

  /** Root item per workspace folder; children: test files; their children: tests (id = pytest node id). */
  async function discover(): Promise<void> {
    const roots: vscode.TestItem[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const tests = await discoverTests(folder.uri.fsPath);
      if (!tests.length) continue;
      const root = ctrl.createTestItem(folder.uri.fsPath, folder.name, folder.uri);
      const files = new Map<string, vscode.TestItem>();
      for (const t of tests) {
        const uri = vscode.Uri.file(path.join(folder.uri.fsPath, t.file));
        let file = files.get(t.file);
        if (!file) {
          file = ctrl.createTestItem(`${folder.uri.fsPath}::${t.file}`, t.file, uri);
          files.set(t.file, file);
          root.children.add(file);
        }
        const item = ctrl.createTestItem(t.id, t.className ? `${t.className}.${t.name}` : t.name, uri);
        item.range = new vscode.Range(t.line - 1, 0, t.line - 1, 0);
        file.children.add(item);
      }
      roots.push(root);
    }
    ctrl.items.replace(roots);
  }
  ctrl.resolveHandler = async (item) => {
    if (!item) await discover();
  };
  ctrl.refreshHandler = () => discover();

  const run = (target: RunTarget) => async (request: vscode.TestRunRequest, token: vscode.CancellationToken) => {
    const testRun = ctrl.createTestRun(request);
    if (!(await requireTrust('Running the tests'))) {
      testRun.end();
      return;
    }
    const roots = new Map<string, vscode.TestItem[]>();
    const collect = (item: vscode.TestItem) => {
      let root = item;
      while (root.parent) root = root.parent;
      roots.set(root.id, [...(roots.get(root.id) ?? []), item]);
    };
    if (request.include) request.include.forEach(collect);
    else ctrl.items.forEach(collect);

    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    for (const [rootId, items] of roots) {
      const root = ctrl.items.get(rootId)!;
      const leaves = items.flatMap(leavesOf);
      for (const l of leaves) testRun.started(l);
      // A whole folder runs as one pytest call; a selection passes the chosen node ids.
      const args = items.some((i) => i.id === rootId)
        ? []
        : items.map((i) => (i.parent?.parent ? i.id : i.id.split('::').slice(1).join('::')));
      const result = await runTests(services, {
        target,
        dir: rootId,
        args,
        signal: abort.signal,
        onOutput: (l) => testRun.appendOutput(l + '\r\n'),
        onInfo: (l) => testRun.appendOutput(`PaperTrail: ${l}\r\n`),
      });
      if (!result.ok) {
        testRun.appendOutput(`PaperTrail: ${result.error.message}\r\n`);
        for (const l of leaves) testRun.errored(l, new vscode.TestMessage(result.error.message));
        continue;
      }
      const byId = new Map(result.value.tests.map((t) => [t.id, t]));
      for (const leaf of leaves) report(testRun, leaf, byId.get(leaf.id), root.uri!);
    }
    testRun.end();
  };
  ctrl.createRunProfile('Run locally', vscode.TestRunProfileKind.Run, run('local'), true);
  ctrl.createRunProfile('Run on Jupyter', vscode.TestRunProfileKind.Run, run('jupyter'), false);

  const watcher = vscode.workspace.createFileSystemWatcher('**/{test_*.py,*_test.py}');
  services.context.subscriptions.push(
    watcher,
    watcher.onDidCreate(() => discover()),
    watcher.onDidChange(() => discover()),
    watcher.onDidDelete(() => discover()),
  );
}

function leavesOf(item: vscode.TestItem): vscode.TestItem[] {
  if (item.children.size === 0) return [item];
  const out: vscode.TestItem[] = [];
  item.children.forEach((c) => {
    out.push(...leavesOf(c));
  });
  return out;
}

function report(run: vscode.TestRun, item: vscode.TestItem, result: TestCaseResult | undefined, root: vscode.Uri): void {
  if (!result) {
    run.skipped(item);
    return;
  }
  switch (result.outcome) {
    case 'passed':
      run.passed(item, result.durationMs);
      break;
    case 'skipped':
      run.skipped(item);
      break;
    default: {
      const message = new vscode.TestMessage(result.details ?? result.message);
      if (result.file && result.line > 0)
        message.location = new vscode.Location(vscode.Uri.joinPath(root, result.file), new vscode.Position(result.line - 1, 0));
      if (result.outcome === 'failed') run.failed(item, message, result.durationMs);
      else run.errored(item, message, result.durationMs);
    }
  }
}
