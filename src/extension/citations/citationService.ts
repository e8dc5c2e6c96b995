import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { FoundTag } from '../../core/citations/find';
import { findTags, supportsFile } from '../../core/citations/find';
import { forgetPapers, getPaper } from '../../core/citations/papers';
import type { PaperRef } from '../../core/citations/paperRef';
import { findPaperRef } from '../../core/citations/paperRef';
import type { TagResolution } from '../../core/citations/resolve';
import { familyOf, resolveAmong } from '../../core/citations/family';
import { loadPaperModels } from '../../core/citations/repositoryPapers';
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
  /**
   * Index for index with `tags`: the paper each tag was resolved against, its PDF and key (in
   * a repository of several papers they differ from tag to tag); undefined for an unknown key.
   */
  tagPapers: (TagPaper | undefined)[];
}

export interface TagPaper {
  paper: Paper;
  pdf?: string;
  /** The paper's key, in a repository of several papers. */
  key?: string;
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
    const base: DocumentCitations = { uri: document.uri, version: document.version, tags, resolutions: [], tagPapers: [] };
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
    // Every paper of a family, each parsed once (the paper memo); one that cannot be read
    // breaks only its own tags, with its reason (resolveAmong), the others still resolve.
    const loaded = await loadPaperModels(ref.value, (s) => getPaper(s, { env: process.env, ...(folder ? { cwd: folder } : {}) }));
    if (!loaded.ok) {
      log.warn(loaded.error.message);
      return { ...base, paperRef: ref.value, paperProblem: loaded.error.message };
    }
    const models = loaded.value;
    for (const [key, why] of models.unread ?? []) log.warn(`[${key}] ${why}`);
    const paper = models.main;
    const pdfOf = (source: string) => pdfForSource(source, { env: process.env, ...(folder ? { cwd: folder } : {}) });
    const pdf = pdfOf(ref.value.source);
    const pdfs = new Map((familyOf(ref.value) ?? []).map((e) => [e.key, pdfOf(e.source)]));
    const byKey = models.byKey;
    const results = tags.map((t) => resolveAmong(models, t));
    return {
      ...base,
      paperRef: ref.value,
      paper,
      ...(pdf ? { pdf } : {}),
      resolutions: results.map((r) => r.resolution),
      tagPapers: results.map((r) => {
        if (!r.paper) return undefined;
        const p = r.key && byKey.size ? pdfs.get(r.key) : pdf;
        return { paper: r.paper, ...(p ? { pdf: p } : {}), ...(r.key && byKey.size ? { key: r.key } : {}) };
      }),
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
        return { uri: document.uri, version: document.version, tags: [], resolutions: [], tagPapers: [], paperProblem: describeError(e) };
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
