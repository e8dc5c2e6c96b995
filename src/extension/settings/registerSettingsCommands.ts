import * as vscode from 'vscode';
import type { Services } from '../services';

export const API_KEY_SECRET = 'papertrail.llm.apiKey';

/** API key into SecretStorage (never settings.json, never the log); the log on demand. */
export function registerSettingsCommands(services: Services): void {
  const { context, log } = services;
  context.subscriptions.push(
    vscode.commands.registerCommand('papertrail.setApiKey', async () => {
      const key = await vscode.window.showInputBox({
        title: 'PaperTrail: API key for the OpenAI-compatible endpoint',
        prompt: 'Stored in the editor’s secret storage. Leave empty and press Enter to remove the stored key.',
        password: true,
        ignoreFocusOut: true,
      });
      if (key === undefined) return;
      if (key.trim() === '') {
        await context.secrets.delete(API_KEY_SECRET);
        log.info('API key removed from secret storage');
        void vscode.window.showInformationMessage('PaperTrail: API key removed.');
        return;
      }
      await context.secrets.store(API_KEY_SECRET, key.trim());
      log.info('API key stored in secret storage');
      void vscode.window.showInformationMessage('PaperTrail: API key saved in secret storage.');
    }),
    vscode.commands.registerCommand('papertrail.showLog', () => log.show()),
  );
}
