import * as path from 'node:path';
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { getPaper } from '../../core/citations/papers';
import { describeError } from '../../core/errors';
import type { Services } from '../services';
import { outlineFromPaper } from './outline';
import type { HostToViewer, PointerInfo, RevealTarget, ViewerRequest, ViewerState, ViewerToHost } from './protocol';
import { viewerHtml } from './viewerHtml';
import { scopedLog } from '../log';

export const PDF_VIEW_TYPE = 'papertrail.pdfViewer';

class PaperDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

/** One open viewer: its panel, whether pdf.js has the document, and where the user last right-clicked. */
interface OpenViewer {
  uri: vscode.Uri;
  panel: vscode.WebviewPanel;
  loaded: Promise<void>;
  pointer?: PointerInfo;
  request(message: ViewerRequest): Promise<void>;
}

/** The open viewers, for forward search (reveal) and inverse search (what was right-clicked). */
export interface ViewerRegistry {
  find(uri: vscode.Uri): OpenViewer | undefined;
  active(): OpenViewer | undefined;
  /** Opens the paper in a viewer (beside the editor when none is open) and waits until it shows the PDF. */
  open(uri: vscode.Uri): Promise<OpenViewer>;
  reveal(uri: vscode.Uri, target: RevealTarget): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 15000;

/** Read-only custom editor for PDFs: the paper beside the code. */
export function registerPdfViewer(services: Services): ViewerRegistry {
  const { context } = services;
  const log = scopedLog(services.log, 'viewer');
  const stateKey = (uri: vscode.Uri) => `viewerState:${uri.toString()}`;
  const viewers = new Set<OpenViewer>();
  const opened = new vscode.EventEmitter<OpenViewer>();
  let nextId = 1;

  const provider: vscode.CustomReadonlyEditorProvider<PaperDocument> = {
    openCustomDocument: (uri) => new PaperDocument(uri),
    async resolveCustomEditor(document, panel) {
      const folder = vscode.Uri.joinPath(document.uri, '..');
      panel.webview.options = {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'), folder],
      };
      const title = document.uri.path.split('/').pop() ?? 'paper.pdf';
      panel.webview.html = viewerHtml({
        cspSource: panel.webview.cspSource,
        // Folder URLs keep their trailing slash: pdf.js requires it for fonts and cmaps.
        asset: (p) => panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, p)).toString() + (p.endsWith('/') ? '/' : ''),
        nonce: crypto.randomBytes(16).toString('base64'),
        title,
      });
      const post = (m: HostToViewer) => panel.webview.postMessage(m);
      const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
      let markLoaded!: () => void;
      const viewer: OpenViewer = {
        uri: document.uri,
        panel,
        loaded: new Promise<void>((r) => (markLoaded = r)),
        request(message) {
          const id = nextId++;
          return new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => {
              pending.delete(id);
              reject(new Error('the paper viewer did not answer'));
            }, REQUEST_TIMEOUT_MS);
            pending.set(id, {
              resolve: () => (clearTimeout(timer), resolve()),
              reject: (e) => (clearTimeout(timer), reject(e)),
            });
            void post({ ...message, id } as HostToViewer);
          });
        },
      };
      viewers.add(viewer);
      // A rewritten PDF (a LaTeX build, a new download) reloads in place, at the same page and zoom.
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.joinPath(document.uri, '..'), path.basename(document.uri.fsPath)),
        true,
        false,
        true,
      );
      watcher.onDidChange(async () => {
        const state = context.workspaceState.get<ViewerState>(stateKey(document.uri));
        const url = `${panel.webview.asWebviewUri(document.uri).toString()}?v=${Date.now()}`;
        log.info(`${document.uri.fsPath} changed on disk; reloading`);
        await post({ type: 'load', title, url, ...(state ? { state } : {}) });
        void sendOutline();
      });
      panel.onDidDispose(() => {
        viewers.delete(viewer);
        watcher.dispose();
      });

      panel.webview.onDidReceiveMessage(async (m: ViewerToHost) => {
        switch (m.type) {
          case 'ready':
            try {
              await vscode.workspace.fs.stat(document.uri);
              const state = context.workspaceState.get<ViewerState>(stateKey(document.uri));
              await post({ type: 'load', title, url: panel.webview.asWebviewUri(document.uri).toString(), ...(state ? { state } : {}) });
            } catch (e) {
              await post({ type: 'error', message: `Could not read ${title}: ${describeError(e)}` });
              return;
            }
            void sendOutline();
            break;
          case 'loaded':
            log.info(`opened ${document.uri.fsPath} (${m.pageCount} pages)`);
            markLoaded();
            opened.fire(viewer);
            break;
          case 'state':
            await context.workspaceState.update(stateKey(document.uri), m.state);
            break;
          case 'pointer':
            viewer.pointer = m.pointer;
            break;
          case 'reply': {
            const p = pending.get(m.id);
            pending.delete(m.id);
            if (m.ok) p?.resolve();
            else p?.reject(new Error(m.error ?? 'the viewer could not do it'));
            break;
          }
          case 'error':
            log.warn(`${document.uri.fsPath}: ${m.message}`);
            break;
        }
      });

      async function sendOutline(): Promise<void> {
        const parsed = await getPaper(document.uri.fsPath, { env: process.env });
        if (parsed.ok) {
          await post({ type: 'outline', entries: outlineFromPaper(parsed.value) });
        } else {
          log.warn(`no outline for ${document.uri.fsPath}: ${parsed.error.message}`);
          await post({ type: 'outline', entries: [] });
        }
      }
    },
  };

  context.subscriptions.push(
    opened,
    vscode.window.registerCustomEditorProvider(PDF_VIEW_TYPE, provider, {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: true,
    }),
  );

  const registry: ViewerRegistry = {
    find: (uri) => [...viewers].find((v) => v.uri.toString() === uri.toString()),
    active: () => [...viewers].find((v) => v.panel.active),
    async open(uri) {
      const existing = registry.find(uri);
      if (existing) {
        existing.panel.reveal(existing.panel.viewColumn, true);
        await existing.loaded;
        return existing;
      }
      const next = new Promise<OpenViewer>((resolve) => {
        const sub = opened.event((v) => {
          if (v.uri.toString() === uri.toString()) {
            sub.dispose();
            resolve(v);
          }
        });
      });
      await vscode.commands.executeCommand('vscode.openWith', uri, PDF_VIEW_TYPE, {
        viewColumn: vscode.ViewColumn.Beside,
        preserveFocus: true,
      });
      return withTimeout(next, REQUEST_TIMEOUT_MS, 'the paper viewer did not open');
    },
    async reveal(uri, target) {
      const viewer = await registry.open(uri);
      await viewer.request({ type: 'reveal', target });
    },
  };
  return registry;
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(message)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}
