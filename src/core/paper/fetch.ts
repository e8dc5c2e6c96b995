// Downloads, behind an injectable function: tests serve files from a local HTTP server, and
// nothing in ingestion waits forever or reads without bound.
import type { Result } from '../errors';
import { fail, ok } from '../errors';

export interface FetchRequest {
  url: string;
  signal?: AbortSignal;
  /** Give up when no byte arrives for this long (ms). */
  timeoutMs?: number;
  /** Refuse bodies larger than this. */
  maxBytes?: number;
}

export interface FetchResponse {
  status: number;
  /** Final URL after redirects (arXiv redirects an unversioned id to its latest version). */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The body; empty for answers other than 2xx. */
  bytes: Uint8Array;
}

/** Fails with 'network', 'timeout' or 'cancelled' when there is no HTTP answer at all; any HTTP status is a value. */
export type Fetcher = (req: FetchRequest) => Promise<Result<FetchResponse>>;

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
const USER_AGENT = 'papertrail/0.1 (paper ingestion; one request per paper)';

/** The default fetcher: Node's global fetch, an idle timeout, an overall deadline and a size cap. */
export const httpFetcher: Fetcher = async (req) => {
  const idleMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
  const host = safeHost(req.url);
  if (req.signal?.aborted) return fail('cancelled', 'cancelled');
  const ctrl = new AbortController();
  let timedOut = false;
  const expire = () => {
    timedOut = true;
    ctrl.abort();
  };
  let idle = setTimeout(expire, idleMs);
  // Slow but steady transfers still end: ten idle periods at most, whatever arrives.
  const deadline = setTimeout(expire, Math.max(idleMs * 10, idleMs + 1000));
  const rearm = () => {
    clearTimeout(idle);
    idle = setTimeout(expire, idleMs);
  };
  const onAbort = () => ctrl.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await fetch(req.url, { signal: ctrl.signal, redirect: 'follow', headers: { 'user-agent': USER_AGENT } });
    rearm();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      headers[key.toLowerCase()] = value;
    });
    if (res.status < 200 || res.status >= 300) {
      await res.body?.cancel().catch(() => undefined);
      return ok({ status: res.status, url: res.url || req.url, headers, bytes: new Uint8Array() });
    }
    const declared = Number(headers['content-length'] ?? NaN);
    if (declared > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      return fail('unsupported', `${host} offers ${mb(declared)} MB, more than the ${mb(maxBytes)} MB limit`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        rearm();
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => undefined);
          return fail('unsupported', `${host} sent more than the ${mb(maxBytes)} MB limit`);
        }
        chunks.push(value);
      }
    }
    return ok({ status: res.status, url: res.url || req.url, headers, bytes: concat(chunks, total) });
  } catch (e) {
    if (req.signal?.aborted) return fail('cancelled', 'cancelled');
    if (timedOut) return fail('timeout', `no answer from ${host} within ${idleMs / 1000} s`);
    return fail('network', `${host}: ${networkReason(e)}`);
  } finally {
    clearTimeout(idle);
    clearTimeout(deadline);
    req.signal?.removeEventListener('abort', onAbort);
  }
};

function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return e instanceof Error ? e.message : String(e);
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function mb(n: number): string {
  return (n / 1024 / 1024).toFixed(0);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
