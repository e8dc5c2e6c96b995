// Preview before write: the generated repository as one multi-file diff (VS Code's
// `vscode.changes` view), then applied as a single WorkspaceEdit, so one undo takes it back.
// Paths were confined to the target folder by the pipeline; they are checked again here
// because this is where they become files.
import * as vscode from 'vscode';
import { confinePath } from '../../core/workspace/safePath';
import type { PlannedFile } from '../../core/workspace/writer';

export const PREVIEW_SCHEME = 'papertrail-preview';

export interface PreviewFile {
  /** Relative to the target folder. */
  path: string;
  target: vscode.Uri;
  content: string;
  state: 'new' | 'changed' | 'unchanged';
}

/** Serves generated contents (and empty originals of new files) to the diff editors. */
export class PreviewContent implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, content: string): void {
    this.docs.set(uri.toString(), content);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export async function classify(
  folder: vscode.Uri,
  files: PlannedFile[],
): Promise<{ files: PreviewFile[]; refused: { path: string; reason: string }[] }> {
  const out: PreviewFile[] = [];
  const refused: { path: string; reason: string }[] = [];
  for (const f of files) {
    const confined = confinePath(folder.fsPath, f.path, { allowToolDirs: f.path === '.papertrail/paper.json' });
    if (!confined.ok) {
      refused.push({ path: f.path, reason: confined.error.message });
      continue;
    }
    const target = vscode.Uri.joinPath(folder, ...confined.value.split('/'));
    let state: PreviewFile['state'] = 'new';
    try {
      const existing = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
      state = existing === f.content ? 'unchanged' : 'changed';
    } catch {
      state = 'new';
    }
    out.push({ path: confined.value, target, content: f.content, state });
  }
  return { files: out, refused };
}

/** Opens the multi-file diff of what would be written. */
export async function showPreview(content: PreviewContent, runId: string, title: string, files: PreviewFile[]): Promise<void> {
  const resources: [vscode.Uri, vscode.Uri, vscode.Uri][] = [];
  for (const f of files.filter((x) => x.state !== 'unchanged')) {
    // The path is the file's own, so the diff headers read like the repository; the run and side go in the query.
    const modified = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${f.path}`, query: `run=${runId}&side=new` });
    content.set(modified, f.content);
    const original =
      f.state === 'changed' ? f.target : vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${f.path}`, query: `run=${runId}&side=empty` });
    if (f.state === 'new') content.set(original, '');
    resources.push([f.target, original, modified]);
  }
  await vscode.commands.executeCommand('vscode.changes', title, resources);
}

/** One edit for the whole repository: undone as one. Existing files are overwritten only when listed in `overwrite`. */
export async function applyFiles(files: PreviewFile[], label: string): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  const metadata: vscode.WorkspaceEditEntryMetadata = { needsConfirmation: false, label };
  for (const f of files) {
    if (f.state === 'unchanged') continue;
    edit.createFile(f.target, { overwrite: f.state === 'changed', contents: new TextEncoder().encode(f.content) }, metadata);
  }
  return vscode.workspace.applyEdit(edit, { isRefactoring: false });
}
