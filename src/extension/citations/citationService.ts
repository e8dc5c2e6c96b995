import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { FoundTag } from '../../core/citations/find';
import { findTags, supportsFile } from '../../core/citations/find';
import { forgetPapers, getPaper } from '../../core/citations/papers';
import type { PaperRef } from '../../core/citations/paperRef';
import { findPaperRef } from '../../core/citations/paperRef';
import type { TagResolution } from '../../core/citations/resolve';
import { resolveTag } from '../../core/citations/resolve';
import type { Paper } from '../../core/paper/model';
import { pdfForSource } from '../../core/paper/pdfFor';
import type { Services } from '../services';
import { scopedLog } from '../log';

/** Everything the citation features show for one version of one document. */
export interface DocumentCitations {
  uri: vscode.Uri;
  version: number;
  tags: FoundTag[];
  /** Resolutions, index for index with `tags`; empty when no paper could be had. */
  resolutions: TagResolution[];
  paperRef?: PaperRef;
  paper?: Paper;
  /** The PDF the viewer opens for this paper, when there is one. */
  pdf?: string;
  /** Why there is no paper (none named, or it could not be parsed). */
  paperProblem?: string;
}

export interface CitationService {
  /** Citations of the document as it is now; computed once per document version. */
  forDocument(document: vscode.TextDocument): Promise<DocumentCitations | undefined>;
  readonly onDidChange: vscode.Event<vscode.Uri>;
  dispose(): void;
}

export function createCitationService(services: Services): CitationService {
  const log = scopedLog(services.log, 'citations');
  const cache = new Map<string, { version: number; result: Promise<DocumentCitations> }>();
  const changed = new vscode.EventEmitter<vscode.Uri>();

  async function compute(document: vscode.TextDocument): Promise<DocumentCitations> {
    const text = document.getText();
    const file = document.uri.fsPath;
    const tags = await findTags(file, text);
    const base: DocumentCitations = { uri: document.uri, version: document.version, tags, resolutions: [] };
    if (!tags.length) return base;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
    const setting = vscode.workspace.getConfiguration('papertrail', document.uri).get<string>('paper') || undefined;
    const ref = findPaperRef(file, { text, ...(folder ? { root: folder } : {}), ...(setting ? { setting } : {}) });
    if (!ref.ok) return { ...base, paperProblem: ref.error.message };
    if (!ref.value) {
      return {
        ...base,
        paperProblem:
          'this file names no paper: add .papertrail/paper.json, a "# paper: <pdf or arXiv id>" header, or the setting papertrail.paper',
      };
    }
    const parsed = await getPaper(ref.value.source, { env: process.env, ...(folder ? { cwd: folder } : {}) });
    if (!parsed.ok) {
      log.warn(`${ref.value.source}: ${parsed.error.message}`);
      return { ...base, paperRef: ref.value, paperProblem: parsed.error.message };
    }
    const paper = parsed.value;
    const pdf = pdfForSource(ref.value.source, { env: process.env, ...(folder ? { cwd: folder } : {}) });
    return {
      ...base,
      paperRef: ref.value,
      paper,
      ...(pdf ? { pdf } : {}),
      resolutions: tags.map((t) => resolveTag(paper, t)),
    };
  }

  const service: CitationService = {
    forDocument(document) {
      if (document.uri.scheme !== 'file' || !supportsFile(document.uri.fsPath)) return Promise.resolve(undefined);
      const key = document.uri.toString();
      const hit = cache.get(key);
      if (hit && hit.version === document.version) return hit.result;
      const result = compute(document).catch((e: unknown) => {
        log.error(`${document.uri.fsPath}: ${describeError(e)}`);
        return { uri: document.uri, version: document.version, tags: [], resolutions: [], paperProblem: describeError(e) };
      });
      cache.set(key, { version: document.version, result });
      return result;
    },
    onDidChange: changed.event,
    dispose() {
      changed.dispose();
      cache.clear();
    },
  };

  /** Everything resolved again: lenses, hovers and diagnostics of every open document. */
  const resolveAgain = (why: string): void => {
    log.info(`resolving again (${why})`);
    cache.clear();
    for (const doc of vscode.workspace.textDocuments) changed.fire(doc.uri);
  };
  // A rewritten paper is parsed again (the paper memo checks the file's mtime); papers are
  // watched wherever they lie in the workspace.
  const pdfs = vscode.workspace.createFileSystemWatcher('**/*.{pdf,tex}', true, false, true);
  const paperJson = vscode.workspace.createFileSystemWatcher('**/.papertrail/paper.json');
  services.context.subscriptions.push(
    vscode.workspace.onDidCloseTextDocument((d) => cache.delete(d.uri.toString())),
    // A paper.json written, rewritten or removed (a new run, a checkout, an edit) changes what
    // every tagged file resolves to.
    paperJson,
    paperJson.onDidCreate(() => resolveAgain('.papertrail/paper.json created')),
    paperJson.onDidChange(() => resolveAgain('.papertrail/paper.json changed')),
    paperJson.onDidDelete(() => resolveAgain('.papertrail/paper.json removed')),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('papertrail.paper')) resolveAgain('the setting papertrail.paper changed');
    }),
    pdfs,
    pdfs.onDidChange((uri) => {
      forgetPapers(uri.fsPath);
      resolveAgain(`${vscode.workspace.asRelativePath(uri)} changed`);
    }),
  );
  return service;
}
