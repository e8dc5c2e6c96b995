// PaperTrail: Test Connection: one tiny request to the model reimplementation would use, so a
// wrong key, an unreachable server or a missing model shows up before a long run, not in it.
import * as vscode from 'vscode';
import { ProviderError } from '../../core/llm/provider';
import type { Services } from '../services';
import { requireTrust } from '../trust';
import type { ModelChoice, ResolvedModel } from './models';
import { modelChoices, resolveModelOrProblem, showModelProblem } from './models';
import { showError } from '../log';

const PROMPT = 'Reply with the single word OK.';

export function registerLlm(services: Services): void {
  const { context, log } = services;
  context.subscriptions.push(vscode.commands.registerCommand('papertrail.testConnection', () => testConnection(services)));
  // The list changes as model providers sign in or out; the log says so for "why did it pick X".
  // Guarded: an editor built on VS Code without vscode.lm must still activate.
  if (vscode.lm?.onDidChangeChatModels)
    context.subscriptions.push(vscode.lm.onDidChangeChatModels(() => log.info('VS Code language models changed')));
}

/** Returns the message shown (tests read it), or undefined when the user backed out. */
async function testConnection(services: Services): Promise<string | undefined> {
  if (!(await requireTrust('Test Connection'))) return undefined;
  const choice = await chooseModel(services);
  if (choice === null) return undefined;
  const resolution = await resolveModelOrProblem(services, choice);
  if (!('model' in resolution)) {
    const message = `PaperTrail: ${resolution.problem}`;
    void showModelProblem(message);
    return message;
  }
  return ping(services, resolution.model);
}

/** A QuickPick when there is more than one model to test; null when the user dismissed it. */
async function chooseModel(services: Services): Promise<ModelChoice | undefined | null> {
  const items = await modelChoices(services);
  if (items.length <= 1) return items[0]?.choice;
  const picked = await vscode.window.showQuickPick(items, {
    title: 'PaperTrail: Test Connection',
    placeHolder: 'Which model should answer?',
  });
  return picked ? picked.choice : null;
}

async function ping(services: Services, model: ResolvedModel): Promise<string> {
  const started = Date.now();
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `PaperTrail: asking ${model.label}…`, cancellable: true },
      async (_progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          await model.provider.chat(
            { model: model.models.default, messages: [{ role: 'user', content: PROMPT }], maxTokens: 16 },
            { signal: abort.signal },
          );
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (e) {
    // Providers throw only ProviderError; anything else is a bug, still reported in one line.
    return reportFailure(
      services,
      model,
      e instanceof ProviderError ? e : new ProviderError('other', e instanceof Error ? e.message : String(e)),
    );
  }
  const message = `PaperTrail: ${model.label} answered in ${Date.now() - started} ms.`;
  services.log.info(message);
  void vscode.window.showInformationMessage(message);
  return message;
}

function reportFailure(services: Services, model: ResolvedModel, error: ProviderError): string {
  const message = failureMessage(model, error);
  services.log.warn(`${message} (${error.kind}: ${error.message})`);
  if (error.kind === 'cancelled') return message;
  const fix = model.kind === 'openai' && error.kind === 'auth' ? 'Set API Key' : model.kind === 'openai' ? 'Open Settings' : undefined;
  void showError(services.log, message, ...(fix ? [fix] : [])).then((answer) => {
    if (answer === 'Set API Key') void vscode.commands.executeCommand('papertrail.setApiKey');
    if (answer === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'papertrail.llm');
  });
  return message;
}

/** One line: what went wrong and what to do about it. */
export function failureMessage(model: Pick<ResolvedModel, 'kind' | 'label'>, error: Pick<ProviderError, 'kind' | 'message'>): string {
  const endpoint = model.kind === 'openai';
  switch (error.kind) {
    case 'cancelled':
      return 'PaperTrail: connection test cancelled.';
    case 'auth':
      return endpoint
        ? `PaperTrail: ${model.label} did not accept the API key: run PaperTrail: Set API Key with a valid key.`
        : `PaperTrail: ${error.message}.`;
    case 'connection':
    case 'unreachable':
      return endpoint
        ? `PaperTrail: cannot reach ${model.label}: check papertrail.llm.baseUrl and that the server is running.`
        : `PaperTrail: ${model.label} could not be reached: check your network and try again.`;
    case 'not-found':
      return endpoint
        ? `PaperTrail: ${model.label}: the model was not found; check papertrail.llm.model (and papertrail.llm.baseUrl).`
        : `PaperTrail: ${error.message} (papertrail.llm.vscodeModel).`;
    case 'rate-limit':
      return `PaperTrail: ${model.label} is rate limited or out of quota: try again later, or choose another model.`;
    default:
      return `PaperTrail: ${model.label} failed: ${error.message}`;
  }
}
