// activate() wires features and nothing else: each feature has one register function.
import * as vscode from 'vscode';
import { registerCitations } from './citations/registerCitations';
import { registerEvaluate } from './eval/registerEvaluate';
import { registerReimplement } from './codegen/registerReimplement';
import { registerLlm } from './llm/registerLlm';
import { registerFeatures } from './features';
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

  let viewers: ReturnType<typeof registerPdfViewer> | undefined;
  const needViewers = () => {
    if (!viewers) throw new Error('the paper viewer did not start');
    return viewers;
  };
  registerFeatures(
    [
      { name: 'paper viewer', register: () => (viewers = registerPdfViewer(services)) },
      { name: 'Open Paper', register: () => registerOpenPaper(services) },
      { name: 'paper as Markdown', register: () => registerPaperMarkdown(services) },
      { name: 'reveal in paper', register: () => registerRevealCitation(services, needViewers()) },
      { name: 'inverse search', register: () => registerInverseSearch(services, needViewers()) },
      { name: 'settings commands', register: () => registerSettingsCommands(services) },
      { name: 'language models', register: () => registerLlm(services) },
      { name: 'Reimplement from Paper', register: () => registerReimplement(services) },
      { name: 'citations', register: () => registerCitations(services) },
      { name: 'test runs', register: () => registerTasks(services) },
      { name: 'evaluation', register: () => registerEvaluate(services) },
    ],
    {
      logError: (message) => log.error(message),
      reportFailures: (names) => {
        void vscode.window
          .showErrorMessage(`PaperTrail: ${names.join(', ')} could not start; the rest works. The log says why.`, 'Show Log')
          .then((pick) => {
            if (pick === 'Show Log') log.show();
          });
      },
    },
  );
  log.info(`PaperTrail ${context.extension.packageJSON.version as string} activated`);
}

export function deactivate(): void {}
