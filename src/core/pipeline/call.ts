// One stage call as the pipeline sees it: retries, continuation of an answer cut at the
// token limit, and one repair round when the answer does not validate. Returns what
// happened (every exchange, for the run record) whether or not it succeeded.
import type { z } from 'zod';
import type { ChatMessage, ChatProvider, ChatRequest, ChatUsage } from '../llm/provider';
import { ProviderError } from '../llm/provider';
import { addUsage, NO_USAGE } from '../llm/pricing';
import type { RetryPolicy } from '../llm/retry';
import { chatWithRetry } from '../llm/retry';
import { CONTINUE_PROMPT, REPAIR_PROMPT } from './tasks';

export interface Exchange {
  /** Messages added after the first request's (assistant partials, continue / repair prompts). */
  appended: ChatMessage[];
  text: string;
  finishReason: string;
  usage: ChatUsage;
  model: string;
}

export interface CallOutcome<T> {
  value?: T;
  /** One line, when there is no value. */
  error?: { kind: 'invalid' | ProviderError['kind']; message: string };
  exchanges: Exchange[];
  usage: ChatUsage;
  /** The full answer text that validated (or the last one tried). */
  text: string;
}

export interface CallSettings {
  signal?: AbortSignal;
  policy?: RetryPolicy;
  maxContinuations?: number;
  maxRepairs?: number;
  onRetry?: (error: ProviderError, attempt: number, delayMs: number) => void;
  onText?: (delta: string) => void;
}

export async function callStructured<T>(
  provider: ChatProvider,
  request: ChatRequest,
  schema: z.ZodType<T>,
  settings: CallSettings = {},
): Promise<CallOutcome<T>> {
  const exchanges: Exchange[] = [];
  let usage = NO_USAGE;
  let appended: ChatMessage[] = [];
  let text = '';
  const maxRepairs = settings.maxRepairs ?? 1;
  try {
    for (let repair = 0; ; repair++) {
      text = await answer();
      const parsed = parseJson(text, schema);
      if (parsed.ok) return { value: parsed.value, exchanges, usage, text };
      if (repair >= maxRepairs) {
        return { error: { kind: 'invalid', message: `the model's answer did not match the expected form twice (${parsed.error})` }, exchanges, usage, text };
      }
      appended = [...appended, { role: 'assistant', content: text }, { role: 'user', content: `${REPAIR_PROMPT} ${parsed.error}` }];
    }
  } catch (e) {
    const error = e instanceof ProviderError ? e : new ProviderError('other', e instanceof Error ? e.message : String(e));
    return { error: { kind: error.kind, message: error.message }, exchanges, usage, text };
  }

  /** One whole answer: continued while the provider cuts it at the token limit. */
  async function answer(): Promise<string> {
    let whole = '';
    let continuation: ChatMessage[] = [];
    for (let i = 0; ; i++) {
      const messages = [...request.messages, ...appended, ...continuation];
      const response = await chatWithRetry(provider, { ...request, messages }, {
        ...(settings.signal ? { signal: settings.signal } : {}),
        ...(settings.policy ? { policy: settings.policy } : {}),
        ...(settings.onRetry ? { onRetry: settings.onRetry } : {}),
        ...(settings.onText ? { onText: settings.onText } : {}),
      });
      usage = addUsage(usage, response.usage);
      exchanges.push({ appended: [...appended, ...continuation], text: response.text, finishReason: response.finishReason, usage: response.usage, model: response.model });
      whole += response.text;
      if (response.finishReason !== 'length' || i >= (settings.maxContinuations ?? 3)) return whole;
      continuation = [{ role: 'assistant', content: whole }, { role: 'user', content: CONTINUE_PROMPT }];
    }
  }
}

/** The JSON object in a model's answer (fences and chatter around it tolerated), checked against `schema`. */
export function parseJson<T>(text: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; error: string } {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return { ok: false, error: 'no JSON object in the answer' };
  let data: unknown;
  try {
    data = JSON.parse(text.slice(start, end + 1));
  } catch (e) {
    return { ok: false, error: `not valid JSON: ${(e as Error).message}` };
  }
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, error: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
}
