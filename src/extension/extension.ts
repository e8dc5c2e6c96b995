// activate() wires features and nothing else: each feature has one register function.
import type * as vscode from 'vscode';
import { registerCitations } from './citations/registerCitations';
import { registerReimplement } from './codegen/registerReimplement';
import { registerLlm } from './llm/registerLlm';
import { createLog } from './log';
import type { Services } from './services';
import { registerSettingsCommands } from './settings/registerSettingsCommands';
import { registerTasks } from './tasks/registerTasks';
import { registerInverseSearch } from './viewer/inverseSearch';
import { registerOpenPaper } from './viewer/openPaper';
import { registerPaperMarkdown } from './viewer/paperMarkdown';
import { registerPdfViewer } from './viewer/pdfEditorProvider';
import { registerRevealCitation } from './viewer/revealCitation';

export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  context.subscriptions.push(log);
  const services: Services = { context, log };

  const viewers = registerPdfViewer(services);
  registerOpenPaper(services);
  registerPaperMarkdown(services);
  registerRevealCitation(services, viewers);
  registerInverseSearch(services, viewers);
  registerSettingsCommands(services);
  registerLlm(services);
  registerReimplement(services);
  registerCitations(services);
  registerTasks(services);
  log.info(`PaperTrail ${context.extension.packageJSON.version as string} activated`);
}

export function deactivate(): void {}
