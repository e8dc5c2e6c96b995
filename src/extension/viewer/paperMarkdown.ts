// "PaperTrail: Show Paper as Markdown": the paper exactly as every model call reads it, in a
// read-only virtual document beside the viewer (the same function the CLI's
// `parse --markdown` prints).
import * as vscode from 'vscode';
import { getPaper } from '../../core/citations/papers';
import { paperMarkdown } from '../../core/paper/markdown';
import type { Services } from '../services';

export const PAPER_MARKDOWN_SCHEME = 'papertrail-paper';

export function registerPaperMarkdown(services: Services): void {
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    async provideTextDocumentContent(uri) {
      const source = new URLSearchParams(uri.query).get('source') ?? '';
      const parsed = await getPaper(source, { env: process.env });
      if (!parsed.ok) {
        services.log.warn(`paper as Markdown ${source}: ${parsed.error.message}`);
        return `# The paper could not be read\n\n${parsed.error.message}\n`;
      }
      return paperMarkdown(parsed.value);
    },
  };
  services.context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(PAPER_MARKDOWN_SCHEME, provider),
    vscode.commands.registerCommand('papertrail.showPaperMarkdown', async (arg?: vscode.Uri) => {
      const source = arg instanceof vscode.Uri ? arg : (activePaper() ?? (await pickPaper()));
      if (!source) return undefined;
      const uri = markdownUri(source);
      // Parse again if the paper changed since the document was last shown.
      changed.fire(uri);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: false });
      return uri.toString();
    }),
  );
}

/** `papertrail-paper:/attention.pdf.md?source=/abs/attention.pdf`: the name shows in the tab. */
export function markdownUri(paper: vscode.Uri): vscode.Uri {
  const name = paper.path.split('/').pop() || 'paper';
  return vscode.Uri.from({
    scheme: PAPER_MARKDOWN_SCHEME,
    path: `/${name}.md`,
    query: new URLSearchParams({ source: paper.fsPath }).toString(),
  });
}

/** The paper in front: the active viewer tab (a custom editor) or a .pdf / .tex text editor. */
function activePaper(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && /\.pdf$/i.test(input.uri.path)) return input.uri;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && /\.(tex|pdf)$/i.test(doc.uri.path) && doc.uri.scheme === 'file') return doc.uri;
  return undefined;
}

async function pickPaper(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Show as Markdown',
    filters: { Papers: ['pdf', 'tex', 'gz', 'tgz'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}
