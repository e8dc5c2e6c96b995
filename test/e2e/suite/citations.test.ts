import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitFor } from './wait';

const folder = () => vscode.workspace.workspaceFolders![0]!.uri;

async function openModel(): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder(), 'model.py'));
  await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  return doc;
}

const hoverText = (hovers: vscode.Hover[]) =>
  hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');

suite('PaperTrail citation anchors', () => {
  test('hovering a tag shows the cited passage, its page and an "Open in paper" link', async () => {
    const doc = await openModel();
    const hovers = await waitFor(async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(4, 4));
      return h.length && /Model/.test(hoverText(h)) ? h : undefined;
    });
    const text = hoverText(hovers);
    assert.match(text, /§2 Model\*\* · p\. 1/);
    assert.match(text, /Attention\(Q, K, V\) = softmax/, 'the equation itself');
    assert.match(text, /command:papertrail\.revealCitation/);
  });

  test('a CodeLens above the tagged block names the section and page', async () => {
    const doc = await openModel();
    const lenses = await waitFor(async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
      return l.length >= 2 ? l : undefined;
    });
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(
      titles.some((t) => /§2 Model, Eq\. 1 · p\. 1/.test(t)),
      titles.join(' | '),
    );
    assert.ok(
      titles.some((t) => /Eq\. 2 is in §4, not §3/.test(t)),
      'the broken tag shows why',
    );
    assert.equal(lenses.find((l) => /§2 Model/.test(l.command!.title))!.range.start.line, 4);
  });

  test('a tag of a paper read from LaTeX alone: its lens names the place and opens nothing (there is no PDF)', async () => {
    const file = vscode.Uri.joinPath(folder(), 'latex_only.py');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('# paper: notes.tex\n\n# §1 — the method\nx = 1\n'));
    try {
      const doc = await vscode.workspace.openTextDocument(file);
      const lenses = await waitFor(async () => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
        return l.length ? l : undefined;
      });
      const lens = lenses[0]!.command!;
      assert.equal(lens.title, '§1 Method');
      assert.equal(lens.command, '', 'no PDF: the lens opens nothing');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(file);
    }
  });

  test('a broken tag is a diagnostic with the reason, and a quick fix offers the right section', async () => {
    const doc = await openModel();
    const diags = await waitFor(() => {
      const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'PaperTrail');
      return d.length ? d : undefined;
    });
    assert.equal(diags.length, 1, diags.map((d) => d.message).join(' | '));
    assert.match(diags[0]!.message, /Eq\. 2 is in §4, not §3/);
    assert.equal(diags[0]!.range.start.line, 11);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      diags[0]!.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => /Cite §4/.test(a.title));
    assert.ok(fix, actions.map((a) => a.title).join(' | '));
    const edit = fix.edit!.get(doc.uri)[0]!;
    assert.equal(edit.newText, '4');
    assert.equal(doc.getText(edit.range), '3');
  });

  test('the audit lists the flags and the broken tags of the workspace; Problems has those of files never opened', async () => {
    const result = await vscode.commands.executeCommand<{ broken: number; flags: number }>('papertrail.auditCitations');
    assert.deepEqual({ broken: result.broken, flags: result.flags }, { broken: 2, flags: 2 });
    const layers = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'layers.py');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === layers.toString()), 'layers.py is not open');
    const problems = vscode.languages.getDiagnostics(layers);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /^Broken citation §9, Eq\. 7/);
  });

  test('the CodeLens command opens the paper and highlights the cited place', async () => {
    const doc = await openModel();
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
    const lens = lenses.find((l) => /§2 Model/.test(l.command!.title))!;
    assert.equal(lens.command!.command, 'papertrail.revealCitation');
    const ok = await vscode.commands.executeCommand<boolean>(lens.command!.command, ...(lens.command!.arguments ?? []));
    assert.equal(ok, true, 'the viewer answered the reveal');
    const tab = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === 'papertrail.pdfViewer');
    assert.ok(tab, 'the paper is open in the PaperTrail viewer');
  });

  test('"Open in paper" shows the paper beside the code even when a viewer of it is open in the code\'s own group', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const pdf = vscode.Uri.joinPath(folder(), 'paper.pdf');
    // The paper first, then the code in the same group: its tab hides behind the code.
    await vscode.commands.executeCommand('vscode.openWith', pdf, 'papertrail.pdfViewer', vscode.ViewColumn.One);
    const doc = await openModel();
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
    const lens = lenses.find((l) => /§2 Model/.test(l.command!.title))!;
    assert.equal(await vscode.commands.executeCommand<boolean>(lens.command!.command, ...(lens.command!.arguments ?? [])), true);
    const viewerGroups = vscode.window.tabGroups.all.filter((g) =>
      g.tabs.some((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === 'papertrail.pdfViewer' && t.isActive),
    );
    const codeGroup = vscode.window.tabGroups.all.find((g) => g.activeTab?.input instanceof vscode.TabInputText);
    assert.ok(codeGroup, 'the code is still shown in its group');
    assert.ok(
      viewerGroups.some((g) => g.viewColumn !== codeGroup.viewColumn),
      'a viewer is shown in another group, beside the code',
    );
  });
});
