// One stage call as the run sees it: replayed from the run record when the same prompt
// finished before, else asked (retries, continuation, repair in call.ts), recorded with its
// usage and cost, counted in the stage's totals, and reported as events.
import type { z } from 'zod';
import type { ChatMessage } from '../llm/provider';
import { addUsage, costOf } from '../llm/pricing';
import { callStructured } from './call';
import type { Stage } from './options';
import { modelFor } from './options';
import type { PipelineEvent, PipelineInput, StageTotals } from './pipeline';
import { jsonSchemaOf } from './schemas';
import type { CallRecord } from './store';
import { promptHash } from './store';

/** Ends a run: cancelled by the user, or a model error worded for the user. */
export class Stop extends Error {
  constructor(
    readonly code: 'cancelled' | 'model',
    message: string,
  ) {
    super(message);
  }
}

export type RecordedCall = <T>(
  key: string,
  stage: Stage | 'repair',
  file: string | undefined,
  messages: ChatMessage[],
  schema: z.ZodType<T>,
  sharedPrefixChars: number,
) => Promise<T>;

/**
 * The call function of one run.
 * @returns `call(key, stage, file, messages, schema, sharedPrefixChars)`, which resolves to the
 *   validated answer or throws `Stop`.
 */
export function recordedCall(
  input: PipelineInput,
  totals: Record<Stage | 'repair', StageTotals>,
  emit: (e: PipelineEvent) => void,
): RecordedCall {
  const { options, store } = input;
  return async function call<T>(
    key: string,
    stage: Stage | 'repair',
    file: string | undefined,
    messages: ChatMessage[],
    schema: z.ZodType<T>,
    sharedPrefixChars: number,
  ): Promise<T> {
    const model = modelFor(options, stage === 'repair' ? 'coding' : stage);
    const hash = promptHash(model, messages);
    const promptChars = messages.reduce((n, m) => n + m.content.length, 0);
    const t = totals[stage];
    const known = store.replay(key, hash);
    if (known) {
      const parsed = schema.safeParse(known.answer);
      if (parsed.success) {
        t.calls++;
        t.replayed++;
        emit({ type: 'call', key, stage, ...(file ? { file } : {}), state: 'replayed' });
        return parsed.data;
      }
    }
    if (input.signal?.aborted) throw new Stop('cancelled', 'cancelled');
    emit({ type: 'call', key, stage, ...(file ? { file } : {}), state: 'start' });
    const startedAt = new Date();
    let streamed = 0;
    const outcome = await callStructured(
      input.provider,
      {
        model,
        messages,
        json: { name: key.split(':')[0]!.replace(/[^a-z_-]/gi, '_'), schema: jsonSchemaOf(schema) },
        ...(options.maxTokens ? { maxTokens: options.maxTokens } : {}),
      },
      schema,
      {
        ...(input.signal ? { signal: input.signal } : {}),
        ...(input.policy ? { policy: input.policy } : {}),
        onRetry: (error, attempt, delayMs) => emit({ type: 'retry', key, attempt, delayMs, reason: error.message }),
        onText: (delta) => {
          streamed += delta.length;
          emit({ type: 'text', key, chars: streamed });
        },
      },
    );
    const cost = outcome.exchanges.reduce<number | undefined>((sum, x) => {
      const c = costOf(x.usage, x.model || model, input.prices) ?? costOf(x.usage, model, input.prices);
      return sum === undefined || c === undefined ? undefined : sum + c;
    }, 0);
    const record: CallRecord = {
      key,
      stage,
      ...(file ? { file } : {}),
      model,
      provider: input.provider.name,
      hash,
      messages,
      exchanges: outcome.exchanges,
      usage: outcome.usage,
      ...(cost !== undefined ? { cost } : {}),
      sharedPrefixChars,
      promptChars,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      ok: outcome.value !== undefined,
      ...(outcome.value !== undefined ? { answer: outcome.value } : {}),
      ...(outcome.error ? { error: outcome.error.message } : {}),
    };
    // Each exchange counts, a failed one too: the provider billed it.
    t.calls++;
    t.usage = addUsage(t.usage, outcome.usage);
    t.cost = t.cost === undefined || cost === undefined ? undefined : t.cost + cost;
    t.promptChars += promptChars;
    t.sharedPrefixChars += sharedPrefixChars;
    if (outcome.exchanges.length) store.saveCall(record);
    if (outcome.value === undefined) {
      const error = outcome.error!;
      // What the model answered, when it answered at all: for the log, not for the one-line message.
      const answered = outcome.exchanges.map((x) => x.text).join('');
      emit({
        type: 'call',
        key,
        stage,
        ...(file ? { file } : {}),
        state: 'failed',
        error: error.message,
        ...(answered ? { answer: answered.slice(0, 4000) } : {}),
      });
      if (error.kind === 'cancelled') throw new Stop('cancelled', 'cancelled');
      throw new Stop('model', `${callDescription(key)}: ${describeModelError(error.kind, error.message)}`);
    }
    emit({
      type: 'call',
      key,
      stage,
      ...(file ? { file } : {}),
      state: 'done',
      usage: outcome.usage,
      ...(cost !== undefined ? { cost } : {}),
      durationMs: record.durationMs,
    });
    return outcome.value;
  };
}

/**
 * A call's key in the user's terms: "plan-overview" → "planning (the overview)",
 * "code:pkg/model.py" → "writing pkg/model.py", "repair-1:x.py" → "repairing the citations of x.py (round 1)".
 */
export function callDescription(key: string): string {
  const [step, file] = [key.split(':')[0]!, key.slice(key.indexOf(':') + 1)];
  const round = /-(\d+)$/.exec(step)?.[1];
  if (step.startsWith('plan-')) return `planning (the ${step.slice(5)})`;
  if (step === 'extract') return `reading paper [${file}]`;
  if (step === 'analyze') return `analysing ${file}`;
  if (step === 'code') return `writing ${file}`;
  if (step.startsWith('repair')) return `repairing the citations of ${file}${round ? ` (round ${round})` : ''}`;
  if (step.startsWith('fix')) return `fixing ${file} after running it${round ? ` (round ${round})` : ''}`;
  if (step === 'docs') return 'writing the README and the reproduction notes';
  if (step === 'notebook') return 'writing the walkthrough notebook';
  return key;
}

function describeModelError(kind: string, message: string): string {
  if (kind === 'auth') return `the model server refused the key (${message}); check the API key`;
  if (kind === 'not-found') return `the model server does not know this model or path (${message}); check the base URL and the model name`;
  if (/^4\d\d\b/.test(message)) return `the model server refused the request (${message})`;
  return message;
}

/**
 * `call` with the calls under way counted, and `settle`, which waits for them. A run stopped by
 * one call's failure settles the others first: their answers, already paid for, go into the run
 * record for the resume, and nothing they print comes after the run's last line.
 * @returns `settle(onWait)` calls `onWait(n)` when n calls are still under way and resolves to
 *   n once they have settled; it never rejects.
 */
export function trackedCall(call: RecordedCall): { call: RecordedCall; settle: (onWait?: (n: number) => void) => Promise<number> } {
  const running = new Set<Promise<unknown>>();
  return {
    call: (key, stage, file, messages, schema, sharedPrefixChars) => {
      const p = call(key, stage, file, messages, schema, sharedPrefixChars);
      running.add(p);
      p.then(
        () => running.delete(p),
        () => running.delete(p),
      );
      return p;
    },
    settle: async (onWait) => {
      const n = running.size;
      if (n) onWait?.(n);
      await Promise.allSettled([...running]);
      return n;
    },
  };
}
