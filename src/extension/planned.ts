import * as vscode from 'vscode';
import type { Services } from './services';
import { requireTrust } from './trust';

/**
 * A command whose capability has not landed in this build: it says so, and does nothing else.
 * Returns the message so tests (and callers) can check what the user was told.
 */
export function registerPlannedCommand(services: Services, command: string, what: string, options: { needsTrust?: boolean } = {}): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand(command, async () => {
      if (options.needsTrust && !(await requireTrust(what))) return undefined;
      const message = `PaperTrail: ${what} is not available in this version yet.`;
      services.log.info(`${command}: ${message}`);
      void vscode.window.showInformationMessage(message);
      return message;
    }),
  );
}
