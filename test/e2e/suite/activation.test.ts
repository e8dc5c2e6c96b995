import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { registerFeatures } from '../../../src/extension/features';
import { waitFor } from './wait';

const EXT_ID = 'papertrail.papertrail';

function contributedCommands(ext: vscode.Extension<unknown>): string[] {
  const pkg = ext.packageJSON as { contributes: { commands: { command: string }[] } };
  return pkg.contributes.commands.map((c) => c.command);
}

suite('PaperTrail activation', () => {
  test('the extension is installed and not active before it is needed (lazy activation)', () => {
    const ext = vscode.extensions.getExtension(EXT_ID);
    assert.ok(ext, `${EXT_ID} is installed`);
    const events = (ext.packageJSON as { activationEvents: string[] }).activationEvents;
    assert.ok(!events.includes('*'), 'never activates on *');
  });

  test('activates without throwing and registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID)!;
    await ext.activate();
    assert.equal(ext.isActive, true);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributedCommands(ext).filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], 'every command in package.json has a handler');
  });

  test('Test Connection reaches the configured endpoint and, without the key it needs, says to set it', async () => {
    // The scripted model server of this run answers only with the key the UI test sets later.
    const message = await vscode.commands.executeCommand<string>('papertrail.testConnection');
    assert.match(message, /scripted-model at 127\.0\.0\.1/);
    assert.match(message, /API key/i);
    assert.doesNotMatch(message, /sk-e2e/);
  });

  test('a PDF opens in the PaperTrail viewer (custom editor)', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const pdf = vscode.Uri.joinPath(folder, 'paper.pdf');
    assert.ok(fs.existsSync(pdf.fsPath), 'sample paper exists');
    await vscode.commands.executeCommand('papertrail.openPaper', pdf);
    const tab = await waitFor(() =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.fsPath === pdf.fsPath),
    );
    assert.equal((tab.input as vscode.TabInputCustom).viewType, 'papertrail.pdfViewer');
  });

  test('the PaperTrail log records activation and no errors', async () => {
    const logs = process.env.PAPERTRAIL_LOGS_ROOT;
    assert.ok(logs, 'PAPERTRAIL_LOGS_ROOT names the editor log folder');
    const files = walk(logs).filter((f) => /PaperTrail\.log$/.test(f));
    assert.ok(files.length > 0, `PaperTrail.log under ${logs}`);
    const text = await waitFor(() => {
      const t = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
      return /activated/.test(t) ? t : undefined;
    });
    assert.doesNotMatch(text, /\[error\]/);
  });
});

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

suite('PaperTrail activation that degrades instead of dying', () => {
  test('a feature whose registration throws is named in the log; the features after it still register', async () => {
    const logged: string[] = [];
    let reported: string[] = [];
    const subscriptions: vscode.Disposable[] = [];
    // A real clash: the extension already owns papertrail.openPaper, so registering it again throws in VS Code.
    const failed = registerFeatures(
      [
        { name: 'before', register: () => subscriptions.push(vscode.commands.registerCommand('papertrail.itest.before', () => 1)) },
        { name: 'clashing', register: () => subscriptions.push(vscode.commands.registerCommand('papertrail.openPaper', () => 0)) },
        { name: 'after', register: () => subscriptions.push(vscode.commands.registerCommand('papertrail.itest.after', () => 2)) },
      ],
      { logError: (m) => logged.push(m), reportFailures: (names) => (reported = names) },
    );
    try {
      assert.deepEqual(failed, ['clashing']);
      assert.deepEqual(reported, ['clashing']);
      assert.match(logged[0] ?? '', /^clashing could not start: .*already exists/);
      assert.equal(await vscode.commands.executeCommand('papertrail.itest.before'), 1);
      assert.equal(await vscode.commands.executeCommand('papertrail.itest.after'), 2);
    } finally {
      for (const s of subscriptions) s.dispose();
    }
  });
});
