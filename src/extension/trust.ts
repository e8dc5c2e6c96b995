import * as vscode from 'vscode';

/**
 * Commands that write files, call a model or run code ask for a trusted workspace.
 * They stay visible (so users can find them) and explain what to do instead of failing silently.
 */
export async function requireTrust(what: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(
    `PaperTrail: ${what} needs a trusted workspace, because it writes files and runs code. Trust this folder to use it.`,
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
