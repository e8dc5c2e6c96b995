// Backoff for the failures worth another try: 429 (honouring Retry-After), 5xx and broken
// connections. Everything else goes straight back to the caller.
import type { ChatOptions, ChatProvider, ChatRequest, ChatResponse } from './provider';
import { ProviderError } from './provider';

export interface RetryPolicy {
  /** Further attempts after the first. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 1000, maxDelayMs: 60_000 };

export interface RetryHooks {
  onRetry?: (error: ProviderError, attempt: number, delayMs: number) => void;
}

export async function chatWithRetry(
  provider: ChatProvider,
  request: ChatRequest,
  options: ChatOptions & RetryHooks & { policy?: RetryPolicy } = {},
): Promise<ChatResponse> {
  const policy = options.policy ?? DEFAULT_RETRY;
  for (let attempt = 0; ; attempt++) {
    try {
      return await provider.chat(request, options);
    } catch (e) {
      const error = e instanceof ProviderError ? e : new ProviderError('other', e instanceof Error ? e.message : String(e));
      if (options.signal?.aborted) throw new ProviderError('cancelled', 'cancelled');
      if (!error.retryable || attempt >= policy.retries) throw error;
      const delayMs = retryDelay(error, attempt, policy);
      options.onRetry?.(error, attempt + 1, delayMs);
      await sleep(delayMs, options.signal);
    }
  }
}

export function retryDelay(error: ProviderError, attempt: number, policy: RetryPolicy): number {
  if (error.details.retryAfterMs !== undefined) return Math.min(error.details.retryAfterMs, policy.maxDelayMs);
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  // Jitter spreads parallel calls that failed together.
  return Math.round(exp * (0.5 + Math.random() / 2));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ProviderError('cancelled', 'cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ProviderError('cancelled', 'cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
