// Small HTTP servers on loopback for the upload tests: a proxy in front of a real Jupyter server
// that behaves like nginx with a body limit (or mangles requests), and a fake server whose
// answers a test chooses (HTML error pages, stack pages, login pages).
import http from 'node:http';
import type net from 'node:net';

export interface Answer {
  status: number;
  type: string;
  body: string;
}

export interface TestServer {
  /** Base URL, ending in `/` (with the proxied path prefix, if any). */
  url: string;
  close(): Promise<void>;
}

async function listen(handler: (req: http.IncomingMessage, body: Buffer) => Promise<Answer>, basePath: string): Promise<TestServer> {
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handler(req, Buffer.concat(chunks)).then(
        (a) => res.writeHead(a.status, { 'Content-Type': a.type }).end(a.body),
        (e) => res.writeHead(599, { 'Content-Type': 'text/plain' }).end(String(e)),
      );
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    close: () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}

/** A fake server: `answer` gets the method and path (with query) of each request. */
export function startFake(answer: (method: string, url: string) => Answer, basePath = '/'): Promise<TestServer> {
  return listen(async (req) => answer(req.method ?? 'GET', req.url ?? '/'), basePath);
}

export interface ProxyOptions {
  /** Bodies longer than this get nginx's 413 page without reaching Jupyter. */
  maxBody?: number;
  /** Changes a request body on its way through (e.g. drops the `chunk` field). */
  rewrite?: (body: Buffer) => Buffer;
}

/** A plain HTTP proxy to `target` (a server URL with its base path); WebSockets are not carried. */
export function startProxy(target: string, opts: ProxyOptions = {}): Promise<TestServer> {
  const t = new URL(target);
  return listen(async (req, body) => {
    if (opts.maxBody !== undefined && body.length > opts.maxBody) return NGINX_413;
    const headers: Record<string, string> = {};
    for (const h of ['authorization', 'content-type', 'accept']) if (req.headers[h]) headers[h] = String(req.headers[h]);
    const sent = body.length && opts.rewrite ? opts.rewrite(body) : body;
    const r = await fetch(`${t.origin}${req.url}`, { method: req.method, headers, ...(sent.length ? { body: sent } : {}) });
    return { status: r.status, type: r.headers.get('content-type') ?? 'text/plain', body: await r.text() };
  }, t.pathname);
}

export const NGINX_413: Answer = {
  status: 413,
  type: 'text/html',
  body: '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n',
};

export const NGINX_502: Answer = {
  status: 502,
  type: 'text/html',
  body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
};

/** What tornado sends for an unhandled exception with debug on: a page holding the traceback. */
export const STACK_500: Answer = {
  status: 500,
  type: 'text/html; charset=UTF-8',
  body: '<html><title>500: Internal Server Error</title><body><pre>Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/tornado/web.py", line 1713, in _execute\n    result = await result\nKeyError: \'content\'\n</pre></body></html>',
};

export const json = (status: number, data: unknown): Answer => ({ status, type: 'application/json', body: JSON.stringify(data) });
