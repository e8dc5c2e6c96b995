// Typed requests across a webview boundary, in both directions: each method is declared once
// with its parameters and its result, a request waits for its response with a timeout, and a
// disposed channel rejects what is still pending. GitLens's webview IPC is the model.
// Imports nothing, so the extension and the webview bundles both use it.

/** Method name → its parameters and its result. */
export type Methods = Record<string, { params: unknown; result: unknown }>;

export interface RpcRequest {
  rpc: 'request';
  id: number;
  method: string;
  params: unknown;
}

export interface RpcResponse {
  rpc: 'response';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export type RpcMessage = RpcRequest | RpcResponse;

export interface Rpc<Out extends Methods, In extends Methods> {
  /** Asks the other side; rejects with its error, after `timeoutMs`, or when the channel is disposed. */
  request<M extends keyof Out & string>(method: M, params: Out[M]['params']): Promise<Out[M]['result']>;
  /** Answers the other side's requests for `method`; a thrown error becomes the failed response. */
  handle<M extends keyof In & string>(method: M, handler: (params: In[M]['params']) => In[M]['result'] | Promise<In[M]['result']>): void;
  /** Feeds one incoming message; true when it belonged to the channel. */
  receive(message: unknown): boolean;
  dispose(reason?: string): void;
}

export function isRpcMessage(message: unknown): message is RpcMessage {
  const m = message as Partial<RpcMessage> | null;
  return !!m && typeof m === 'object' && (m.rpc === 'request' || m.rpc === 'response') && typeof m.id === 'number';
}

/**
 * A channel over `post` (the webview's postMessage, or the panel's).
 * @param timeoutMs how long a request waits for its response (default 15 s).
 */
export function createRpc<Out extends Methods, In extends Methods>(
  post: (message: RpcMessage) => void,
  { timeoutMs = 15000, name = 'the other side' }: { timeoutMs?: number; name?: string } = {},
): Rpc<Out, In> {
  let nextId = 1;
  let disposed: string | undefined;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  const handlers = new Map<string, (params: unknown) => unknown>();
  const respond = (id: number, r: Omit<RpcResponse, 'rpc' | 'id'>) => post({ rpc: 'response', id, ...r });

  return {
    request(method, params) {
      if (disposed) return Promise.reject(new Error(disposed));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name} did not answer "${method}" within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        post({ rpc: 'request', id, method, params });
      });
    },
    handle(method, handler) {
      handlers.set(method, handler as (params: unknown) => unknown);
    },
    receive(message) {
      if (!isRpcMessage(message)) return false;
      if (message.rpc === 'response') {
        const p = pending.get(message.id);
        if (!p) return true;
        pending.delete(message.id);
        clearTimeout(p.timer);
        if (message.ok) p.resolve(message.result);
        else p.reject(new Error(message.error ?? `${name} could not do it`));
        return true;
      }
      const handler = handlers.get(message.method);
      if (!handler) {
        respond(message.id, { ok: false, error: `no handler for "${message.method}"` });
        return true;
      }
      Promise.resolve()
        .then(() => handler(message.params))
        .then(
          (result) => respond(message.id, { ok: true, result }),
          (e: unknown) => respond(message.id, { ok: false, error: e instanceof Error ? e.message : String(e) }),
        );
      return true;
    },
    dispose(reason = 'the channel was closed') {
      disposed = reason;
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(reason));
      }
      pending.clear();
    },
  };
}
