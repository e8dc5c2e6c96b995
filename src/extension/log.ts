import * as vscode from 'vscode';

/** The extension's single log, shown by "PaperTrail: Show Log". Never given secrets. */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('PaperTrail', { log: true });
}

/**
 * The one way an error reaches the user: one line in a notification that always offers
 * "Show Log" (besides any `actions`), and the same line in the log.
 * @returns the action picked, if any ("Show Log" is handled here).
 */
export async function showError(log: vscode.LogOutputChannel, message: string, ...actions: string[]): Promise<string | undefined> {
  // A warning: the user was told and can act; [error] is kept for faults of PaperTrail itself.
  log.warn(message);
  const pick = await vscode.window.showErrorMessage(message, ...actions, 'Show Log');
  if (pick === 'Show Log') log.show();
  return pick === 'Show Log' ? undefined : pick;
}

/** The log of one feature: every line starts with its tag ("[viewer] opened …"). */
export interface ScopedLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(): void;
}

export function scopedLog(log: vscode.LogOutputChannel, scope: string): ScopedLog {
  const tag = (m: string) => `[${scope}] ${m}`;
  return {
    info: (m) => log.info(tag(m)),
    warn: (m) => log.warn(tag(m)),
    error: (m) => log.error(tag(m)),
    show: () => log.show(),
  };
}
