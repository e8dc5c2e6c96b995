// From the paper to the code: the viewer's context menu "Find Code That Cites This" and
// "Reimplement This Section…".
import * as path from 'node:path';
import * as vscode from 'vscode';
import { auditRepository } from '../../core/citations/audit';
import type { PaperLocation } from '../../core/citations/locate';
import { describeLocation, locateAt, rankForClick } from '../../core/citations/locate';
import { getPaper } from '../../core/citations/papers';
import type { AuditTag } from '../../core/citations/audit';
import { familyOf } from '../../core/citations/family';
import type { Paper } from '../../core/paper/model';
import { readPaperJson } from '../../core/citations/paperRef';
import type { Services } from '../services';
import type { ViewerRegistry } from './pdfEditorProvider';
import { scopedLog, showError } from '../log';

const flashStyle = vscode.window.createTextEditorDecorationType({
  isWholeLine: true,
  backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
});

/** Marks the landed-on line for a moment, so the eye finds it. */
function flash(editor: vscode.TextEditor, line: number): void {
  editor.setDecorations(flashStyle, [new vscode.Range(line, 0, line, 0)]);
  setTimeout(() => editor.setDecorations(flashStyle, []), 1200);
}

export function registerInverseSearch(services: Services, viewers: ViewerRegistry): void {
  const { context } = services;
  const log = scopedLog(services.log, 'inverse search');

  async function pointedAt(): Promise<{ where: PaperLocation; paperPath: string; clicked: string } | undefined> {
    // The viewer right-clicked last: a right-click does not always focus the webview's panel.
    const viewer = viewers.pointed();
    if (!viewer?.pointer) {
      void vscode.window.showInformationMessage('PaperTrail: right-click a passage in the paper viewer first.');
      return undefined;
    }
    const parsed = await getPaper(viewer.uri.fsPath, { env: process.env });
    if (!parsed.ok) {
      void showError(services.log, `PaperTrail: ${parsed.error.message}`);
      return undefined;
    }
    const { page, x, y, selection, words } = viewer.pointer;
    return { where: locateAt(parsed.value, page, x, y), paperPath: viewer.uri.fsPath, clicked: selection || words || '' };
  }

  /**
   * The tags of a workspace folder that cite `paper`: in a repository of several papers, those
   * whose key names it (audited with its own paper.json); elsewhere every tag, read against it.
   */
  async function citingTags(folder: vscode.WorkspaceFolder, paper: Paper): Promise<AuditTag[]> {
    const found = await vscode.workspace.findFiles(
      new vscode.RelativePattern(folder, '**/.papertrail/paper.json'),
      '**/node_modules/**',
      50,
    );
    const out: AuditTag[] = [];
    const familyRoots: string[] = [];
    for (const uri of found) {
      const ref = readPaperJson(uri.fsPath);
      if (!ref.ok || !familyOf(ref.value)) continue;
      const root = path.dirname(path.dirname(uri.fsPath));
      familyRoots.push(path.relative(folder.uri.fsPath, root).split(path.sep).join('/'));
      const report = await auditRepository(root, { parse: { env: process.env } });
      if (!report.ok) {
        log.warn(`find citing code in ${root}: ${report.error.message}`);
        continue;
      }
      const sources = new Set(report.value.papers.filter((p) => p.id === paper.id).map((p) => p.source));
      const rel = path.relative(folder.uri.fsPath, root);
      for (const t of report.value.tags)
        if (t.paper && sources.has(t.paper)) out.push({ ...t, file: path.join(rel, t.file).split(path.sep).join('/') });
    }
    const report = await auditRepository(folder.uri.fsPath, { paperModel: paper, parse: { env: process.env } });
    if (!report.ok) {
      log.warn(`find citing code in ${folder.uri.fsPath}: ${report.error.message}`);
      return out;
    }
    const inFamily = (file: string) => familyRoots.some((r) => r === '' || file.startsWith(`${r}/`));
    return [...out, ...report.value.tags.filter((t) => !inFamily(t.file))];
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('papertrail.findCitingCode', async () => {
      const at = await pointedAt();
      if (!at) return [];
      const name = describeLocation(at.where);
      const parsed = await getPaper(at.paperPath, { env: process.env });
      if (!parsed.ok) return [];
      const hits: { folder: string; file: string; line: number; tag: string; score: number }[] = [];
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        const tags = await citingTags(folder, parsed.value);
        // What the tags cite there first, then the ones whose quote is the words clicked.
        for (const { tag: t, score } of rankForClick(tags, at.where, at.clicked)) {
          hits.push({ folder: folder.uri.fsPath, file: t.file, line: t.line, tag: t.tag, score });
        }
      }
      hits.sort((a, b) => b.score - a.score || a.file.localeCompare(b.file) || a.line - b.line);
      log.info(`${name}: ${hits.length} tagged line(s)`);
      if (!hits.length) {
        void vscode.window.showInformationMessage(`PaperTrail: no code in this workspace cites ${name} yet.`);
        return [];
      }
      const open = async (h: (typeof hits)[number]) => {
        const uri = vscode.Uri.file(path.join(h.folder, h.file));
        // In the group that already shows the file, else beside the paper's group.
        const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === uri.fsPath);
        const range = new vscode.Range(h.line - 1, 0, h.line - 1, 0);
        const editor = await vscode.window.showTextDocument(uri, {
          viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One,
          selection: range,
        });
        editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
        flash(editor, h.line - 1);
      };
      const picked = await vscode.window.showQuickPick(
        hits.map((h) => ({ label: h.tag.trim(), description: `${h.file}:${h.line}`, hit: h })),
        { title: `Code that cites ${name}`, placeHolder: 'Choose a tagged line to open' },
      );
      if (picked) await open(picked.hit);
      return hits.map((h) => `${h.file}:${h.line}`);
    }),
    vscode.commands.registerCommand('papertrail.reimplementSection', async () => {
      const at = await pointedAt();
      if (!at) return undefined;
      const section = at.where.section?.number;
      if (!section) {
        void vscode.window.showInformationMessage('PaperTrail: right-click inside a numbered section to reimplement it alone.');
        return undefined;
      }
      return vscode.commands.executeCommand('papertrail.reimplementFromPaper', { source: at.paperPath, scope: [section] });
    }),
  );
}
