import * as vscode from 'vscode';
import type { Services } from './services';

/**
 * A command whose capability has not landed in this build: it says so, and does nothing else.
 * Returns the message so tests (and callers) can check what the user was told.
 */
export function registerPlannedCommand(services: Services, command: string, what: string): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand(command, async () => {
      const message = `PaperTrail: ${what} is not available in this version yet.`;
      services.log.info(`${command}: ${message}`);
      void vscode.window.showInformationMessage(message);
      return message;
    }),
  );
}
