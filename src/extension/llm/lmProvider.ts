// A ChatProvider over one of VS Code's language models (Copilot and whatever else an
// extension contributes through vscode.lm). No runtime import of 'vscode' here: the
// message constructors, the cancellation token source and the error test come in as
// LmDeps, so unit tests run in plain node with fakes.
import type * as vscode from 'vscode';
import type { ChatMessage, ChatOptions, ChatProvider, ChatRequest, ChatResponse, ChatUsage } from '../../core/llm/provider';
import { estimateTokens, ProviderError } from '../../core/llm/provider';

/** The part of vscode.LanguageModelChat this provider uses; a real model is assignable to it. */
export interface LmModelLike {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly family: string;
  readonly maxInputTokens: number;
  // Method syntax on purpose: parameters compare bivariantly, so vscode's
  // LanguageModelChatMessage[] / CancellationToken signatures fit these looser ones.
  sendRequest(
    messages: unknown[],
    options?: vscode.LanguageModelChatRequestOptions,
    token?: unknown,
  ): PromiseLike<{ text: AsyncIterable<string> }>;
  countTokens(text: string, token?: unknown): PromiseLike<number>;
}

/** What the provider needs from the vscode module, passed in (see the file comment). */
export interface LmDeps {
  user(text: string): unknown;
  assistant(text: string): unknown;
  tokenSource(): { token: unknown; cancel(): void; dispose(): void };
  isLmError(e: unknown): e is { code: string; message: string };
}

/** Shown in VS Code's consent dialog the first time PaperTrail asks for a model. */
const JUSTIFICATION =
  'PaperTrail sends the paper you chose and its own instructions to the model to write a citation-anchored reimplementation.';

export function createLmProvider(model: LmModelLike, deps: LmDeps): ChatProvider {
  return {
    name: `vscode.lm ${model.vendor}/${model.name}`,
    // The API has no structured output; PaperTrail's prompts carry the schema and call.ts repairs bad JSON.
    enforcesJsonSchema: false,
    chat: (request, options = {}) => chat(model, deps, request, options),
  };
}

// request.model is not used: this provider is bound to one model (models.ts names it in every stage),
// and maxTokens / temperature have no vendor-neutral option in vscode.lm, so they are left to the model.
async function chat(model: LmModelLike, deps: LmDeps, request: ChatRequest, options: ChatOptions): Promise<ChatResponse> {
  const { signal } = options;
  if (signal?.aborted) throw cancelled();
  const source = deps.tokenSource();
  const onAbort = (): void => source.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const turns = toTurns(request.messages);
    const prompt = await countAll(
      model,
      turns.map((t) => t.content),
      source.token,
    );
    // Refused here, before any text is sent: the model's own error for this is vague or arrives late.
    // chars / 4 rarely overestimates (formulas tokenize denser), so an estimate is trusted too.
    if (model.maxInputTokens > 0 && prompt.tokens > model.maxInputTokens) throw tooLong(model, prompt.tokens);
    if (signal?.aborted) throw cancelled();
    const messages = turns.map((t) => (t.role === 'user' ? deps.user(t.content) : deps.assistant(t.content)));
    const text = await receive(model, messages, source.token, options);
    if (signal?.aborted) throw cancelled();
    const answer = text ? await countAll(model, [text], source.token) : { tokens: 0, estimated: false };
    return { text, finishReason: 'stop', usage: usageOf(prompt, answer), model: model.id };
  } catch (e) {
    throw toProviderError(e, model, deps, signal);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    source.dispose();
  }
}

interface Turn {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * vscode.lm has only user and assistant turns: a system message becomes (the start of) a
 * user turn, and consecutive turns of one role are merged, since some models reject two
 * user messages in a row.
 */
export function toTurns(messages: ChatMessage[]): Turn[] {
  const turns: Turn[] = [];
  for (const m of messages) {
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.content += `\n\n${m.content}`;
    else turns.push({ role, content: m.content });
  }
  return turns;
}

async function receive(model: LmModelLike, messages: unknown[], token: unknown, options: ChatOptions): Promise<string> {
  const response = await model.sendRequest(messages, { justification: JUSTIFICATION }, token);
  let text = '';
  try {
    for await (const delta of response.text) {
      if (options.signal?.aborted) break;
      text += delta;
      options.onText?.(delta);
    }
  } catch (e) {
    // Once text has started to arrive, a failure is a broken stream (worth a retry), not a refused request.
    if (e instanceof Error && !isCancellation(e)) throw new StreamBroken(e);
    throw e;
  }
  return text;
}

class StreamBroken extends Error {
  constructor(readonly inner: Error) {
    super(inner.message);
  }
}

interface Count {
  tokens: number;
  estimated: boolean;
}

/** The model's own tokenizer; chars / 4 when it cannot count (then the usage says "estimated"). */
async function countAll(model: LmModelLike, texts: string[], token: unknown): Promise<Count> {
  try {
    const counts = await Promise.all(texts.map((t) => model.countTokens(t, token)));
    return { tokens: counts.reduce((a, b) => a + b, 0), estimated: false };
  } catch {
    return { tokens: texts.reduce((a, t) => a + estimateTokens(t), 0), estimated: true };
  }
}

function usageOf(prompt: Count, answer: Count): ChatUsage {
  return {
    promptTokens: prompt.tokens,
    completionTokens: answer.tokens,
    // vscode.lm does not say what it served from a cache.
    cachedPromptTokens: 0,
    ...(prompt.estimated || answer.estimated ? { estimated: true } : {}),
  };
}

function tooLong(model: LmModelLike, tokens?: number): ProviderError {
  const size = tokens ? ` (${tokens.toLocaleString('en-US')} tokens; it takes ${model.maxInputTokens.toLocaleString('en-US')})` : '';
  return new ProviderError('bad-request', `The paper is too long for ${model.name}${size}: choose a model with a larger context.`);
}

const cancelled = (): ProviderError => new ProviderError('cancelled', 'cancelled');

/** vscode.CancellationError is named "Canceled"; there is no class to test against without the vscode module. */
function isCancellation(e: unknown): boolean {
  return e instanceof Error && (e.name === 'Canceled' || e.message === 'Canceled');
}

function toProviderError(e: unknown, model: LmModelLike, deps: LmDeps, signal?: AbortSignal): ProviderError {
  if (e instanceof ProviderError) return e;
  if (signal?.aborted || isCancellation(e)) return cancelled();
  if (e instanceof StreamBroken) return new ProviderError('connection', `the answer from ${model.name} broke off (${e.message})`);
  if (deps.isLmError(e)) return fromLmError(e, model);
  const message = e instanceof Error ? e.message : String(e);
  return fromMessage(message, model) ?? new ProviderError('other', `${model.name} failed: ${message}`);
}

function fromLmError(e: { code: string; message: string }, model: LmModelLike): ProviderError {
  switch (e.code) {
    case 'NoPermissions':
      return new ProviderError(
        'auth',
        `VS Code did not allow PaperTrail to use ${model.name}; allow it when asked, or choose another model`,
      );
    case 'Blocked':
      // Blocked is the quota / rate limit of the model's provider: waiting helps.
      return new ProviderError('rate-limit', `${model.name} is blocked for PaperTrail for now (quota or rate limit): ${e.message}`);
    case 'NotFound':
      return new ProviderError('not-found', `${model.name} is no longer available in VS Code; choose another model`);
    default:
      return fromMessage(e.message, model) ?? new ProviderError('other', `${model.name} failed: ${e.message}`);
  }
}

/** "Unknown" errors carry the vendor's own text; recognise the few cases a caller can act on. */
function fromMessage(message: string, model: LmModelLike): ProviderError | undefined {
  if (/token limit|context (length|window)|too (long|large)|exceeds? .*tokens/i.test(message)) return tooLong(model);
  if (/rate.?limit|\b429\b|quota/i.test(message)) return new ProviderError('rate-limit', `${model.name} is rate limited: ${message}`);
  if (/\b5\d\d\b|server error|timed? ?out|ECONNRESET|ETIMEDOUT|fetch failed|network/i.test(message)) {
    return new ProviderError('server', `${model.name} failed for now: ${message}`);
  }
  return undefined;
}
