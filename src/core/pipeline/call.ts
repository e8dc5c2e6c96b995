// One stage call as the pipeline sees it: retries, continuation of an answer cut at the
// token limit, and one repair round when the answer does not validate. Returns what
// happened (every exchange, for the run record) whether or not it succeeded.
import type { z } from 'zod';
import type { ChatMessage, ChatProvider, ChatRequest, ChatUsage } from '../llm/provider';
import { ProviderError } from '../llm/provider';
import { decodeJsonAnswer } from '../llm/jsonAnswer';
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
  /** One line, when there is no value. `output-limit`: still cut at the model's output limit after every continuation. */
  error?: { kind: 'invalid' | 'output-limit' | ProviderError['kind']; message: string };
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
      const whole = await answer();
      text = whole.text;
      const parsed = decodeJsonAnswer(text, schema, { repair: !whole.cut });
      if (parsed.ok) return { value: parsed.value, exchanges, usage, text };
      // Asking again for the whole object would be cut at the same place: say what to do instead.
      if (whole.cut) return { error: { kind: 'output-limit', message: outputLimitMessage(exchanges) }, exchanges, usage, text };
      if (repair >= maxRepairs) {
        return {
          error: { kind: 'invalid', message: `the model's answer did not match the expected form twice (${parsed.error})` },
          exchanges,
          usage,
          text,
        };
      }
      appended = [...appended, { role: 'assistant', content: text }, { role: 'user', content: `${REPAIR_PROMPT} ${parsed.error}` }];
    }
  } catch (e) {
    const error = e instanceof ProviderError ? e : new ProviderError('other', e instanceof Error ? e.message : String(e));
    return { error: { kind: error.kind, message: error.message }, exchanges, usage, text };
  }

  /** One whole answer: continued while the provider cuts it at the token limit. `cut`: still cut after the last continuation. */
  async function answer(): Promise<{ text: string; cut: boolean }> {
    let whole = '';
    let continuation: ChatMessage[] = [];
    for (let i = 0; ; i++) {
      const messages = [...request.messages, ...appended, ...continuation];
      const response = await chatWithRetry(
        provider,
        { ...request, messages },
        {
          ...(settings.signal ? { signal: settings.signal } : {}),
          ...(settings.policy ? { policy: settings.policy } : {}),
          ...(settings.onRetry ? { onRetry: settings.onRetry } : {}),
          ...(settings.onText ? { onText: settings.onText } : {}),
        },
      );
      usage = addUsage(usage, response.usage);
      exchanges.push({
        appended: [...appended, ...continuation],
        text: response.text,
        finishReason: response.finishReason,
        usage: response.usage,
        model: response.model,
      });
      whole += response.text;
      if (response.finishReason !== 'length') return { text: whole, cut: false };
      if (i >= (settings.maxContinuations ?? 3)) return { text: whole, cut: true };
      continuation = [
        { role: 'assistant', content: whole },
        { role: 'user', content: CONTINUE_PROMPT },
      ];
    }
  }
}

/** One line for an answer the model could not finish: its output limit, when the usage tells it, and what to do. */
function outputLimitMessage(exchanges: Exchange[]): string {
  const cut = exchanges.filter((x) => x.finishReason === 'length');
  const limits = [...new Set(cut.filter((x) => !x.usage.estimated && x.usage.completionTokens > 0).map((x) => x.usage.completionTokens))];
  const limit = limits.length === 1 ? ` of ${limits[0]!.toLocaleString('en-US')} tokens` : '';
  return (
    `the model hit its output limit${limit} on every one of ${cut.length} tries and the answer is still unfinished; ` +
    "raise the limit (--max-tokens, or the server's own setting), choose a model with a longer output, or narrow the scope (--scope), then resume the run"
  );
}
