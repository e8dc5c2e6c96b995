import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { Services } from '../services';
import { viewerHtml } from './html';
import type { HostToViewer, ViewerState, ViewerToHost } from './protocol';

export const PDF_VIEW_TYPE = 'papertrail.pdfViewer';

class PaperDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

/** Read-only custom editor for PDFs: the paper beside the code. */
export function registerPdfViewer(services: Services): void {
  const { context, log } = services;
  const stateKey = (uri: vscode.Uri) => `viewerState:${uri.toString()}`;

  const provider: vscode.CustomReadonlyEditorProvider<PaperDocument> = {
    openCustomDocument: (uri) => new PaperDocument(uri),
    async resolveCustomEditor(document, panel) {
      const folder = vscode.Uri.joinPath(document.uri, '..');
      panel.webview.options = {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'), folder],
      };
      const title = document.uri.path.split('/').pop() ?? 'paper.pdf';
      panel.webview.html = viewerHtml(panel.webview, context.extensionUri, title);
      const post = (m: HostToViewer) => panel.webview.postMessage(m);
      panel.webview.onDidReceiveMessage(async (m: ViewerToHost) => {
        switch (m.type) {
          case 'ready':
            try {
              await vscode.workspace.fs.stat(document.uri);
              const state = context.workspaceState.get<ViewerState>(stateKey(document.uri));
              const url = panel.webview.asWebviewUri(document.uri).toString();
              await post({ type: 'load', title, url, ...(state ? { state } : {}) });
            } catch (e) {
              await post({ type: 'error', message: `Could not read ${title}: ${describeError(e)}` });
            }
            break;
          case 'loaded':
            log.info(`viewer: opened ${document.uri.fsPath} (${m.pageCount} pages)`);
            break;
          case 'state':
            await context.workspaceState.update(stateKey(document.uri), m.state);
            break;
          case 'error':
            log.warn(`viewer: ${document.uri.fsPath}: ${m.message}`);
            break;
        }
      });
    },
  };

  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(PDF_VIEW_TYPE, provider, {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: true,
    }),
  );
}
