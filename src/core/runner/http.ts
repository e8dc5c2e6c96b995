// Plain HTTP to a Jupyter server. Every URL is built under the server's base URL, which may carry
// a JupyterHub prefix (`https://hub/user/me/`), with each path segment percent-encoded; the token
// travels in a header. Anything that is not the JSON Jupyter sends (a proxy's HTML error page, a
// login page, a 500 stack page) becomes one line that says what came back and what to do.
import type { UserError } from '../errors';
import { userError } from '../errors';

export interface JupyterHttp {
  /** Ends in `/`; may include a prefix such as `/user/me/`. */
  baseUrl: string;
  token: string;
  fetch?: typeof globalThis.fetch;
}

/** Bodies at least this long whose connection is reset are taken as refused for their size. */
const RESET_MEANS_TOO_LARGE = 4096;

/** What a request came back with, as the callers need to tell it apart. */
export type Reply =
  | { kind: 'json'; status: number; data: Record<string, unknown> }
  /** The body was refused for its size: a 413, tornado's bare 400, or a reset while sending it. */
  | { kind: 'too-large'; status: string }
  | { kind: 'failed'; error: UserError };

/** The server URL with credentials removed (userinfo, `?token=`), safe for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return url.replace(/([?&]token=)[^&#\s]*/gi, '$1***');
  }
}

/**
 * `<base><route>/<path><query>`: `route` is a fixed API path (`api/contents`), `remotePath` a
 * '/'-separated server path whose segments are percent-encoded (spaces, `#`, `?`, non-ASCII).
 * Joined as text, not resolved with `new URL(rel, base)`, so the base's prefix always stays.
 */
export function apiUrl(baseUrl: string, route: string, remotePath = '', query = ''): string {
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  const encoded = remotePath.split('/').filter(Boolean).map(encodeURIComponent).join('/');
  return base + route.replace(/^\/+|\/+$/g, '') + (encoded ? '/' + encoded : '') + query;
}

/**
 * One request; `what` names it for messages ("uploading src/a.py"). Network failures and
 * non-JSON answers come back as `failed` with their line; JSON answers of any status come back
 * as `json` so that callers can treat a 404 as "not there".
 */
export async function request(http: JupyterHttp, method: string, url: string, what: string, body?: string): Promise<Reply> {
  const where = redactUrl(http.baseUrl);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (http.token) headers.Authorization = `token ${http.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await (http.fetch ?? globalThis.fetch)(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  } catch (e) {
    // A server over its body limit may close the connection while the body is still going out;
    // a tiny body that meets a reset met a network problem instead.
    if (body && body.length >= RESET_MEANS_TOO_LARGE && isResetError(e))
      return { kind: 'too-large', status: `connection reset after ${formatBytes(body.length)}` };
    return { kind: 'failed', error: unreachable(e, where, what) };
  }
  let text = '';
  try {
    text = await res.text();
  } catch (e) {
    return { kind: 'failed', error: unreachable(e, where, what) };
  }
  // DELETE's answer: no content, and none expected.
  if (res.status === 204) return { kind: 'json', status: 204, data: {} };
  if (res.status === 413) return { kind: 'too-large', status: '413' };
  // tornado (jupyter-server's HTTP layer) answers an over-limit Content-Length with a bare 400.
  if (res.status === 400 && body && !text.trim()) return { kind: 'too-large', status: '400 with no body' };
  const data = parseJsonObject(text);
  if (data && isJsonType(res.headers.get('content-type'))) return { kind: 'json', status: res.status, data };
  return {
    kind: 'failed',
    error: unexpectedAnswer({
      where,
      what,
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      text,
      redirectedTo: res.redirected ? res.url : '',
    }),
  };
}

/** The line for a JSON answer the caller did not expect (Jupyter's own `{message, reason}` errors). */
export function jsonError(http: JupyterHttp, reply: { status: number; data: Record<string, unknown> }, what: string): UserError {
  const where = redactUrl(http.baseUrl);
  const { status, data } = reply;
  if (status === 401 || status === 403) return userError('bad-input', `the Jupyter server refused the token (${status}); check the token`);
  const detail = clip(String(data.message || data.reason || 'no detail'), 200);
  if (status >= 500)
    return userError(
      'network',
      `the Jupyter server at ${where} failed while ${what} (${status}: ${detail}); see the server's log, then try again`,
    );
  return userError('network', `the Jupyter server at ${where} refused ${what} (${status}: ${detail})`);
}

export interface UnexpectedAnswer {
  where: string;
  what: string;
  status: number;
  contentType: string;
  /** The body, when it could be read (a page title is taken from it). */
  text?: string;
  /** The final URL when fetch followed a redirect (a hub's login page). */
  redirectedTo?: string;
}

/** One line for an answer that is not Jupyter's JSON; never the page or a stack trace itself. */
export function unexpectedAnswer(a: UnexpectedAnswer): UserError {
  const { where, what, status } = a;
  if (status === 401 || status === 403) return userError('bad-input', `the Jupyter server refused the token (${status}); check the token`);
  const title = a.text ? pageTitle(a.text) : '';
  const shape = describeBody(a.contentType, a.text);
  const via = a.redirectedTo ? `, redirected to ${redactUrl(a.redirectedTo)}` : '';
  const got = `answered ${status} with ${shape}${title ? ` ("${title}")` : ''}${via} instead of Jupyter's JSON while ${what}`;
  const baseHint = `check that ${where} is the Jupyter server's base URL (for JupyterHub: https://<hub>/user/<name>/) and that the token is right`;
  if (status >= 500)
    return userError(
      'network',
      `the Jupyter server at ${where} ${got}; the server or a proxy in front of it failed: see the server's log, then try again`,
    );
  return userError('network', `the Jupyter server at ${where} ${got}; ${baseHint}`);
}

/** The line for a request body refused even at the smallest size we send. */
export function tooLargeError(where: string, what: string, bodyBytes: number | undefined, status: string): UserError {
  const size = bodyBytes === undefined ? 'a' : `a ${formatBytes(bodyBytes)}`;
  return userError(
    'network',
    `the Jupyter server at ${where} refused ${size} request as too large (${status}) while ${what}: ` +
      'a request body limit on the server or a proxy in front of it is below that; raise it to at least 1 MiB ' +
      '(nginx: client_max_body_size; jupyter-server: --ServerApp.max_body_size)',
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

function unreachable(e: unknown, where: string, what: string): UserError {
  if (isResetError(e))
    return userError(
      'network',
      `lost the connection to the Jupyter server at ${where} while ${what} (${errorCode(e)}); check the network and try again`,
    );
  return userError('network', `could not reach the Jupyter server at ${where}; is it running?`);
}

function errorCode(e: unknown): string {
  const c = (e as { cause?: { code?: unknown } })?.cause?.code ?? (e as { code?: unknown })?.code;
  return typeof c === 'string' ? c : 'connection closed';
}

/** A connection that was open and then dropped (as opposed to one that never opened). */
export function isResetError(e: unknown): boolean {
  return (
    /^(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(errorCode(e)) ||
    /other side closed/.test(String((e as { cause?: { message?: unknown } })?.cause?.message ?? ''))
  );
}

function isJsonType(contentType: string | null): boolean {
  // Jupyter always labels its JSON; a proxy's page that happens to parse as JSON is not it.
  return !contentType || /\bjson\b/i.test(contentType);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object') return v as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return undefined;
}

function describeBody(contentType: string, text: string | undefined): string {
  if (/html/i.test(contentType) || /^\s*</.test(text ?? '')) return 'an HTML page';
  if (text !== undefined && !text.trim()) return 'an empty answer';
  return contentType ? `a ${contentType.split(';')[0]!.trim()} answer` : 'an answer that is not JSON';
}

function pageTitle(text: string): string {
  const m = /<title[^>]*>([^<]*)<\/title>/i.exec(text) ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(text);
  return m ? clip(m[1]!.replace(/\s+/g, ' ').trim(), 80) : '';
}

function clip(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}
