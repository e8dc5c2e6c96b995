// Which model the editor uses: one of VS Code's language models (no key needed) or the
// OpenAI-compatible endpoint from the settings, with its key from secret storage. Every
// caller (reimplement, test connection) resolves through here, so the rules are in one place.
import * as vscode from 'vscode';
import { createOpenAIProvider, isLocalEndpoint } from '../../core/llm/openaiProvider';
import { DEFAULT_PRICES, parsePriceTable } from '../../core/llm/pricing';
import type { PriceTable } from '../../core/llm/pricing';
import type { ChatProvider } from '../../core/llm/provider';
import { ProviderError } from '../../core/llm/provider';
import type { RunOptions, Stage } from '../../core/pipeline/options';
import type { Services } from '../services';
import { API_KEY_SECRET } from '../settings/registerSettingsCommands';
import type { LmDeps } from './lmProvider';
import { createLmProvider } from './lmProvider';

export interface ResolvedModel {
  kind: 'vscode' | 'openai';
  provider: ChatProvider;
  /** "Copilot GPT-4.1 (VS Code)" or "gpt-4.1-mini at api.openai.com" */
  label: string;
  models: RunOptions['models'];
  prices: PriceTable;
  concurrency: number;
}

export type ModelChoice = { kind: 'vscode'; id: string } | { kind: 'openai' };

export interface ModelChoiceItem {
  label: string;
  description: string;
  detail?: string;
  choice: ModelChoice;
}

/** A model, or why there is none (one sentence for the user, without the "PaperTrail:" prefix). */
export type Resolution = { model: ResolvedModel } | { problem: string };

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
const STAGES: readonly Stage[] = ['planning', 'analysis', 'coding', 'docs'];

export const LM_DEPS: LmDeps = {
  user: (text) => vscode.LanguageModelChatMessage.User(text),
  assistant: (text) => vscode.LanguageModelChatMessage.Assistant(text),
  tokenSource: () => new vscode.CancellationTokenSource(),
  isLmError: (e): e is { code: string; message: string } => e instanceof vscode.LanguageModelError,
};

/** QuickPick items: every vscode.lm chat model, then the configured endpoint (described with its base URL and model). */
export async function modelChoices(services: Services): Promise<ModelChoiceItem[]> {
  const lm = await chatModels(services);
  const endpoint = endpointSettings();
  return [
    ...lm.map((m) => ({
      label: m.name,
      description: `${m.vendor} · ${m.family} (VS Code)`,
      ...(m.maxInputTokens > 0 ? { detail: `takes ${m.maxInputTokens.toLocaleString('en-US')} tokens of input` } : {}),
      choice: { kind: 'vscode', id: m.id } as const,
    })),
    {
      label: 'OpenAI-compatible endpoint',
      description: `${endpoint.model} at ${endpoint.baseUrl}`,
      detail: 'papertrail.llm.baseUrl and papertrail.llm.model; the key is set with PaperTrail: Set API Key',
      choice: { kind: 'openai' },
    },
  ];
}

/**
 * The provider to use: the given choice, else per papertrail.llm.provider (auto: first vscode.lm
 * model matching papertrail.llm.vscodeModel if any, else the endpoint). With nothing usable it
 * tells the user in one message with a button "Open Settings" (opens the PaperTrail llm
 * settings) and "Set API Key", and returns undefined.
 */
export async function resolveModel(services: Services, choice?: ModelChoice): Promise<ResolvedModel | undefined> {
  const resolution = await resolveModelOrProblem(services, choice);
  if ('model' in resolution) return resolution.model;
  void showModelProblem(`PaperTrail: ${resolution.problem}`);
  return undefined;
}

/** resolveModel without the message: for callers that report the problem themselves. */
export async function resolveModelOrProblem(services: Services, choice?: ModelChoice): Promise<Resolution> {
  const resolution = await pick(services, choice);
  if ('model' in resolution) {
    const { model } = resolution;
    services.log.info(
      `model: ${model.label} through ${model.provider.name}; models ${JSON.stringify(model.models)}, ${model.concurrency} at once`,
    );
  } else {
    services.log.warn(`no model: ${resolution.problem}`);
  }
  return resolution;
}

async function pick(services: Services, choice?: ModelChoice): Promise<Resolution> {
  if (choice?.kind === 'openai') return endpoint(services);
  if (choice?.kind === 'vscode') {
    const model = (await chatModels(services)).find((m) => m.id === choice.id);
    return model
      ? { model: fromLm(services, model) }
      : { problem: 'The chosen VS Code language model is no longer available; choose another.' };
  }
  const setting = settings().get<string>('provider', 'auto');
  if (setting === 'openai') return endpoint(services);
  const model = await preferredLm(services);
  if (model) return { model: fromLm(services, model) };
  const why = noLmReason();
  if (setting === 'vscode')
    return { problem: `${why} Install or sign in to a model provider such as GitHub Copilot, or set papertrail.llm.provider to "openai".` };
  const fallback = await endpoint(services);
  return 'model' in fallback ? fallback : { problem: `${why} ${fallback.problem}` };
}

/** The first model matching papertrail.llm.vscodeModel (by id, family or name), or the first offered when it is empty. */
async function preferredLm(services: Services): Promise<vscode.LanguageModelChat | undefined> {
  const wanted = settings().get<string>('vscodeModel', '').trim().toLowerCase();
  const models = await chatModels(services);
  if (!wanted) return models[0];
  return models.find((m) => [m.id, m.family, m.name].some((v) => v.toLowerCase() === wanted));
}

function noLmReason(): string {
  const wanted = settings().get<string>('vscodeModel', '').trim();
  return wanted ? `No VS Code language model matches papertrail.llm.vscodeModel "${wanted}".` : 'No VS Code language model is available.';
}

/** All chat models; none (not an error) where the host has no vscode.lm or it fails. */
async function chatModels(services: Services): Promise<vscode.LanguageModelChat[]> {
  try {
    return (await vscode.lm?.selectChatModels()) ?? [];
  } catch (e) {
    services.log.warn(`VS Code language models could not be listed: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
}

function fromLm(services: Services, model: vscode.LanguageModelChat): ResolvedModel {
  return {
    kind: 'vscode',
    provider: createLmProvider(model, LM_DEPS),
    label: lmLabel(model),
    models: { default: model.id },
    prices: prices(services),
    concurrency: concurrency(),
  };
}

/** "Copilot GPT-4.1 (VS Code)": the vendor first unless the name already starts with it. */
export function lmLabel(model: { vendor: string; name: string }): string {
  const vendor = model.vendor.charAt(0).toUpperCase() + model.vendor.slice(1);
  const name = model.name.toLowerCase().startsWith(model.vendor.toLowerCase()) ? model.name : `${vendor} ${model.name}`;
  return `${name} (VS Code)`;
}

interface EndpointSettings {
  baseUrl: string;
  model: string;
  stageModels: Partial<Record<Stage, string>>;
}

function endpointSettings(): EndpointSettings {
  const config = settings();
  const raw = config.get<Record<string, unknown>>('stageModels', {}) ?? {};
  const stageModels: Partial<Record<Stage, string>> = {};
  for (const stage of STAGES) {
    const value = raw[stage];
    if (typeof value === 'string' && value.trim()) stageModels[stage] = value.trim();
  }
  return {
    baseUrl: config.get<string>('baseUrl', DEFAULT_BASE_URL).trim() || DEFAULT_BASE_URL,
    model: config.get<string>('model', 'gpt-4.1-mini').trim() || 'gpt-4.1-mini',
    stageModels,
  };
}

async function endpoint(services: Services): Promise<Resolution> {
  const { baseUrl, model, stageModels } = endpointSettings();
  const key = (await services.context.secrets.get(API_KEY_SECRET)) ?? '';
  if (!key && !isLocalEndpoint(baseUrl)) {
    return {
      problem: `The endpoint ${baseUrl} needs an API key: run PaperTrail: Set API Key (or point papertrail.llm.baseUrl at a local server).`,
    };
  }
  return {
    model: {
      kind: 'openai',
      provider: redacting(createOpenAIProvider({ baseURL: baseUrl, apiKey: key }), key),
      label: `${model} at ${hostOf(baseUrl)}`,
      models: { default: model, ...stageModels },
      prices: prices(services),
      concurrency: concurrency(),
    },
  };
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/**
 * Some servers echo part of a rejected key in their error ("Incorrect API key provided: sk-…abcd");
 * errors are logged and shown, so the key and anything shaped like one is cut out of them.
 */
function redacting(provider: ChatProvider, key: string): ChatProvider {
  const scrub = (text: string): string => {
    const cut = key ? text.split(key).join('[key]') : text;
    return cut.replace(/\b(sk|rk|pk)-[A-Za-z0-9_*.-]{6,}/g, '[key]');
  };
  return {
    name: provider.name,
    enforcesJsonSchema: provider.enforcesJsonSchema,
    async chat(request, options) {
      try {
        return await provider.chat(request, options);
      } catch (e) {
        if (e instanceof ProviderError) throw new ProviderError(e.kind, scrub(e.message), e.details);
        throw e;
      }
    },
  };
}

/** The built-in table plus papertrail.llm.prices; an invalid table is reported in the log and ignored. */
function prices(services: Services): PriceTable {
  const user = settings().get<unknown>('prices', {});
  const parsed = parsePriceTable(user ?? {});
  if (typeof parsed === 'string') {
    services.log.warn(`papertrail.llm.prices ignored: ${parsed}`);
    return { ...DEFAULT_PRICES };
  }
  return { ...DEFAULT_PRICES, ...parsed };
}

function concurrency(): number {
  const n = settings().get<number>('concurrency', 4);
  return Number.isFinite(n) ? Math.min(16, Math.max(1, Math.floor(n))) : 4;
}

function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('papertrail.llm');
}

/** One message, two ways out; resolveModel does not await it, since a notification can stay open indefinitely. */
export async function showModelProblem(message: string): Promise<void> {
  const openSettings = 'Open Settings';
  const setKey = 'Set API Key';
  const answer = await vscode.window.showWarningMessage(message, openSettings, setKey);
  if (answer === openSettings) await vscode.commands.executeCommand('workbench.action.openSettings', 'papertrail.llm');
  if (answer === setKey) await vscode.commands.executeCommand('papertrail.setApiKey');
}
