import type * as vscode from 'vscode';
import type { PaperStore } from './paperStore';

/** What features share. Passed to each feature's register function; no globals. */
export interface Services {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  papers: PaperStore;
}
