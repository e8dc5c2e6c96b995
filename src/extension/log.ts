import * as vscode from 'vscode';

/** The extension's single log, shown by "PaperTrail: Show Log". Never given secrets. */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('PaperTrail', { log: true });
}
