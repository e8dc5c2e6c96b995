import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitFor } from './wait';

async function runTask(target: 'local' | 'jupyter'): Promise<number | undefined> {
  const tasks = await vscode.tasks.fetchTasks({ type: 'papertrail' });
  const task = tasks.find((t) => t.definition.target === target);
  assert.ok(task, `a papertrail task for ${target}: ${tasks.map((t) => t.name).join(', ')}`);
  const ended = new Promise<number | undefined>((resolve) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task.name === task.name) {
        sub.dispose();
        resolve(e.exitCode);
      }
    });
  });
  await vscode.tasks.executeTask(task);
  return ended;
}

const testFile = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'tests', 'test_model.py');

suite('PaperTrail test runs', () => {
  test('the local task runs pytest, exits 1 for the failing test and puts it in the Problems panel', async () => {
    assert.equal(await runTask('local'), 1);
    const diag = await waitFor(() =>
      vscode.languages.getDiagnostics(testFile()).find((d) => /test_projection_matches_eq_2/.test(d.message)),
    );
    assert.equal(diag.range.start.line, 10, 'the line of the failing assertion');
    assert.match(diag.message, /assert 2\.5 == 3\.0/);
  });

  test('the Jupyter task runs the same tests on a real Jupyter server', async function () {
    const url = process.env.PAPERTRAIL_JUPYTER_URL;
    const token = process.env.PAPERTRAIL_JUPYTER_TOKEN;
    if (!url || !token) return this.skip();
    await vscode.workspace.getConfiguration('papertrail').update('jupyter.serverUrl', url, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('papertrail.setJupyterToken', 'wrong-token');
    assert.equal(await runTask('jupyter'), 2, 'a wrong token ends the run as "could not run"');
    await vscode.commands.executeCommand('papertrail.setJupyterToken', token);
    assert.equal(await runTask('jupyter'), 1, 'one test fails remotely too');
  });
});
