// Serves the real viewer bundle in a plain page with a fake host, and drives it in headless
// Chromium: the webview without VS Code. Used by the viewer tests and `npm run bench:viewer`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { HostToViewer, ViewerMethods, ViewerState, ViewerToHost } from '../../src/extension/viewer/protocol';
import type { RpcResponse } from '../../src/extension/webviewRpc';
import { viewerHtml } from '../../src/extension/viewer/viewerHtml';

export interface Harness {
  origin: string;
  page: Page;
  /**
   * Serves `bytes` at /<name> and opens the viewer on it; resolves when pdf.js reports the page
   * count, with the milliseconds the page took to load and the paper's `load` message to answer.
   */
  open(name: string, bytes: Uint8Array, state?: ViewerState): Promise<{ pageReadyMs: number; loadedMs: number }>;
  send(message: HostToViewer): Promise<void>;
  /** Waits for the viewer's request for `method` and answers it with `result`; resolves with the request's params. */
  answer(method: string, result: unknown): Promise<unknown>;
  /** A typed request to the viewer, as the extension makes it; resolves with the viewer's response. */
  request<M extends keyof ViewerMethods & string>(method: M, params: ViewerMethods[M]['params']): Promise<RpcResponse>;
  /** Messages the viewer posted to its host, in order. */
  posted(): Promise<ViewerToHost[]>;
  waitForPosted(type: Extract<ViewerToHost, { type: string }>['type'], count?: number): Promise<ViewerToHost>;
  close(): Promise<void>;
}

const ROOT = process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd();

export async function startHarness(): Promise<Harness> {
  const files = new Map<string, Uint8Array>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const served = files.get(url.pathname);
    if (served) return send(res, 200, served, url.pathname.endsWith('.pdf') ? 'application/pdf' : 'text/html');
    const file = path.join(ROOT, path.normalize(url.pathname));
    if (url.pathname.startsWith('/dist/webview/') && file.startsWith(path.join(ROOT, 'dist', 'webview')) && fs.existsSync(file)) {
      return send(res, 200, fs.readFileSync(file), contentType(file));
    }
    send(res, 404, Buffer.from('not found'), 'text/plain');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!fs.existsSync(path.join(ROOT, 'dist', 'webview', 'viewer.js')))
    throw new Error('dist/webview/viewer.js is missing: run `node esbuild.mjs` first');

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'papertrail-viewer-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.PAPERTRAIL_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1000, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());

  let nextRequest = 1;
  const harness: Harness = {
    origin,
    page,
    async open(name, bytes, state) {
      files.set(`/${name}`, bytes);
      const nonce = crypto.randomBytes(16).toString('base64');
      let html = viewerHtml({ cspSource: origin, asset: (p) => `${origin}/${p}`, nonce, title: name });
      const fakeHost = `<script nonce="${nonce}">
        window.__posted = []; let handler;
        window.__papertrailHost = {
          post: (m) => window.__posted.push(m),
          onMessage: (h) => { handler = h; },
          getState: () => undefined,
          setState: (s) => { window.__state = s; },
        };
        window.__send = (m) => handler(m);
      </script>`;
      html = html.replace('<script nonce=', `${fakeHost}\n<script nonce=`);
      files.set('/viewer.html', Buffer.from(html));
      const t0 = Date.now();
      await page.goto(`${origin}/viewer.html`);
      await harness.waitForPosted('ready');
      const t1 = Date.now();
      await harness.send({ type: 'load', title: name, url: `${origin}/${name}`, ...(state ? { state } : {}) });
      await harness.waitForPosted('loaded');
      return { pageReadyMs: t1 - t0, loadedMs: Date.now() - t1 };
    },
    async send(message) {
      await page.evaluate((m) => (window as unknown as { __send: (m: unknown) => void }).__send(m), message);
    },
    async answer(method, result) {
      const handle = await page.waitForFunction(
        (m) =>
          ((window as unknown as { __posted?: { rpc?: string; method?: string; answered?: boolean }[] }).__posted ?? []).find(
            (x) => x.rpc === 'request' && x.method === m && !x.answered,
          ),
        method,
        { timeout: 20000 },
      );
      const request = (await handle.jsonValue()) as { id: number; params: unknown };
      await page.evaluate(
        ([m, id]) => {
          for (const x of (window as unknown as { __posted: { rpc?: string; method?: string; id?: number; answered?: boolean }[] })
            .__posted)
            if (x.rpc === 'request' && x.method === m && x.id === id) x.answered = true;
        },
        [method, request.id] as const,
      );
      await harness.send({ rpc: 'response', id: request.id, ok: true, result });
      return request.params;
    },
    async request(method, params) {
      const id = nextRequest++;
      await harness.send({ rpc: 'request', id, method, params });
      const handle = await page.waitForFunction(
        (n) =>
          ((window as unknown as { __posted?: { rpc?: string; id?: number }[] }).__posted ?? []).find(
            (m) => m.rpc === 'response' && m.id === n,
          ),
        id,
        { timeout: 20000 },
      );
      return (await handle.jsonValue()) as RpcResponse;
    },
    posted: () => page.evaluate(() => (window as unknown as { __posted: ViewerToHost[] }).__posted),
    async waitForPosted(type, count = 1) {
      const handle = await page.waitForFunction(
        ([t, n]) => {
          const all = ((window as unknown as { __posted?: { type?: string }[] }).__posted ?? []).filter((m) => m.type === t);
          return all.length >= (n as number) ? all[(n as number) - 1] : undefined;
        },
        [type, count] as const,
        { timeout: 20000 },
      );
      return (await handle.jsonValue()) as ViewerToHost;
    },
    async close() {
      await context.close();
      server.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
  return harness;
}

function send(res: http.ServerResponse, status: number, body: Uint8Array, type: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': body.byteLength });
  res.end(body);
}

function contentType(file: string): string {
  if (file.endsWith('.js') || file.endsWith('.mjs')) return 'text/javascript';
  if (file.endsWith('.css')) return 'text/css';
  if (file.endsWith('.svg')) return 'image/svg+xml';
  if (file.endsWith('.gif')) return 'image/gif';
  return 'application/octet-stream';
}
