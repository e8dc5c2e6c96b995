import * as path from 'node:path';
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { getPaper } from '../../core/citations/papers';
import { describeError } from '../../core/errors';
import type { Services } from '../services';
import { outlineFromPaper } from './outline';
import { auditRepository } from '../../core/citations/audit';
import type { CoverageReport } from '../../core/citations/coverage';
import { coverageMarks, coverageOf, coverageSummary } from '../../core/citations/coverage';
import { linkTargetAt } from '../../core/citations/locate';
import type { Paper } from '../../core/paper/model';
import type { Rpc } from '../webviewRpc';
import { createRpc } from '../webviewRpc';
import type { HostMethods, HostToViewer, PointerInfo, RevealTarget, ViewerMethods, ViewerState, ViewerToHost } from './protocol';
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
  /** When `pointer` was last set (ms): the context menu's command follows the newest right-click. */
  pointedAt?: number;
  /** Typed requests to the viewer (reveal), answered or failed within REQUEST_TIMEOUT_MS. */
  rpc: Rpc<ViewerMethods, HostMethods>;
}

/** The open viewers, for forward search (reveal) and inverse search (what was right-clicked). */
export interface ViewerRegistry {
  find(uri: vscode.Uri): OpenViewer | undefined;
  active(): OpenViewer | undefined;
  /** The viewer right-clicked last (its context menu's commands run for it, focused or not). */
  pointed(): OpenViewer | undefined;
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
      let markLoaded!: () => void;
      const viewer: OpenViewer = {
        uri: document.uri,
        panel,
        loaded: new Promise<void>((r) => (markLoaded = r)),
        rpc: createRpc<ViewerMethods, HostMethods>((m) => void post(m), { timeoutMs: REQUEST_TIMEOUT_MS, name: 'the paper viewer' }),
      };
      // The coverage overlay: every workspace repository whose tags cite this paper, audited.
      viewer.rpc.handle('coverage', async () => {
        const parsed = await getPaper(document.uri.fsPath, { env: process.env });
        if (!parsed.ok) return null;
        const coverage = await workspaceCoverage(parsed.value);
        if (!coverage) return null;
        return { marks: coverageMarks(coverage, parsed.value), summary: coverageSummary(coverage) };
      });
      viewer.rpc.handle('openCiting', async ({ page, x, y }) => {
        viewer.pointer = { page, x, y, selection: '' };
        viewer.pointedAt = Date.now();
        return Boolean(await vscode.commands.executeCommand('papertrail.findCitingCode'));
      });
      // A link's hover preview: what the parsed paper has at the link's destination.
      viewer.rpc.handle('linkPreview', async ({ page, x, y }) => {
        const parsed = await getPaper(document.uri.fsPath, { env: process.env });
        return parsed.ok ? (linkTargetAt(parsed.value, page, x, y) ?? null) : null;
      });
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
        viewer.rpc.dispose('the paper viewer was closed');
      });

      panel.webview.onDidReceiveMessage(async (m: ViewerToHost) => {
        if ('rpc' in m) {
          viewer.rpc.receive(m);
          return;
        }
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
            viewer.pointedAt = Date.now();
            break;
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
    pointed: () => [...viewers].filter((v) => v.pointer).sort((a, b) => (b.pointedAt ?? 0) - (a.pointedAt ?? 0))[0],
    async open(uri) {
      // Beside the code, always: a viewer in the code's own group would hide the code.
      const codeColumn = vscode.window.activeTextEditor?.viewColumn;
      const existing = [...viewers].find((v) => v.uri.toString() === uri.toString() && v.panel.viewColumn !== codeColumn);
      if (existing) {
        existing.panel.reveal(existing.panel.viewColumn, true);
        await existing.loaded;
        return existing;
      }
      const next = new Promise<OpenViewer>((resolve) => {
        const sub = opened.event((v) => {
          if (v.uri.toString() === uri.toString() && v.panel.viewColumn !== codeColumn) {
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
      await viewer.rpc.request('reveal', { target });
    },
  };
  return registry;
}

/** The coverage of `paper` by the first workspace folder whose tags cite it (by the paper's id). */
async function workspaceCoverage(paper: Paper): Promise<CoverageReport | undefined> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const setting = vscode.workspace.getConfiguration('papertrail', folder.uri).get<string>('paper') || undefined;
    const report = await auditRepository(folder.uri.fsPath, { ...(setting ? { setting } : {}), parse: { env: process.env } });
    if (report.ok && report.value.papers.some((p) => p.id === paper.id)) return coverageOf(report.value, paper);
  }
  return undefined;
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
