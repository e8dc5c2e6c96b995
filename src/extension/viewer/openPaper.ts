import * as vscode from 'vscode';
import { getPaper } from '../../core/citations/papers';
import { parseArxivRef } from '../../core/paper/arxiv';
import { pdfForSource } from '../../core/paper/pdfFor';
import type { Services } from '../services';
import { PDF_VIEW_TYPE } from './pdfEditorProvider';
import { showError } from '../log';
import { arxivFailure } from './messages';

/** "PaperTrail: Open Paper…": a PDF from the explorer, one the user picks, or an arXiv id / URL. */
export function registerOpenPaper(services: Services): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand('papertrail.openPaper', async (arg?: vscode.Uri | string) => {
      const target = arg instanceof vscode.Uri ? arg : await resolveTarget(typeof arg === 'string' ? arg : await askSource());
      if (!target) return undefined;
      if (!/\.pdf$/i.test(target.path)) {
        void showError(services.log, 'PaperTrail: Open Paper shows PDF files; choose a .pdf or give an arXiv id.');
        return undefined;
      }
      await vscode.commands.executeCommand('vscode.openWith', target, PDF_VIEW_TYPE, { viewColumn: vscode.ViewColumn.Active });
      return target.toString();
    }),
  );

  async function resolveTarget(source: string | undefined): Promise<vscode.Uri | undefined> {
    if (source === undefined) return undefined;
    if (source === '') return pickPdf();
    if (!parseArxivRef(source)) return vscode.Uri.file(source);
    // An arXiv paper is downloaded (and parsed) once into the cache; the viewer shows that copy.
    const parsed = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `PaperTrail: fetching arXiv ${source}…`, cancellable: false },
      () => getPaper(source, { env: process.env }),
    );
    if (!parsed.ok) {
      services.log.warn(`open paper ${source}: ${parsed.error.message}`);
      const pick = await showError(services.log, arxivFailure(source, parsed.error), CHOOSE_PDF);
      return pick === CHOOSE_PDF ? pickPdf() : undefined;
    }
    const pdf = pdfForSource(source, { env: process.env });
    if (!pdf) {
      void showError(services.log, `PaperTrail: arXiv ${source} was read, but its PDF is not in the cache; try again.`);
      return undefined;
    }
    return vscode.Uri.file(pdf);
  }
}

const CHOOSE_PDF = 'Choose PDF…';

async function askSource(): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: 'PaperTrail: Open Paper',
    prompt: 'An arXiv id or URL (1706.03762, https://arxiv.org/abs/1706.03762) — or leave empty and press Enter to choose a PDF file',
    placeHolder: '1706.03762',
    ignoreFocusOut: true,
  });
  return value?.trim();
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
