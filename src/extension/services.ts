import type * as vscode from 'vscode';

/** What features share. Passed to each feature's register function; no globals. */
export interface Services {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
}
