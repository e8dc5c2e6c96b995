import * as vscode from 'vscode';
import type { Services } from '../services';
import { PDF_VIEW_TYPE } from './pdfEditorProvider';

/** "PaperTrail: Open Paper…": a PDF from the explorer, or one the user picks. */
export function registerOpenPaper(services: Services): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand('papertrail.openPaper', async (uri?: vscode.Uri) => {
      const target = uri ?? (await pickPdf());
      if (!target) return undefined;
      if (!/\.pdf$/i.test(target.path)) {
        void vscode.window.showErrorMessage('PaperTrail: Open Paper shows PDF files; choose a .pdf.');
        return undefined;
      }
      await vscode.commands.executeCommand('vscode.openWith', target, PDF_VIEW_TYPE, { viewColumn: vscode.ViewColumn.Active });
      return target.toString();
    }),
  );
}

async function pickPdf(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Open Paper',
    filters: { Papers: ['pdf'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}
