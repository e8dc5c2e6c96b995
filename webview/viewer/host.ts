// The viewer's only link to VS Code. In a plain browser page (tests), a fake host with the
// same shape is installed as window.__papertrailHost before the bundle loads.
import type { HostToViewer, ViewerState, ViewerToHost } from '../../src/extension/viewer/protocol';

export interface Host {
  post(message: ViewerToHost): void;
  onMessage(handler: (message: HostToViewer) => void): void;
  getState(): ViewerState | undefined;
  setState(state: ViewerState): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export function connectHost(): Host {
  const injected = (globalThis as { __papertrailHost?: Host }).__papertrailHost;
  if (injected) return injected;
  const api = acquireVsCodeApi();
  return {
    post: (m) => api.postMessage(m),
    onMessage: (handler) => window.addEventListener('message', (e: MessageEvent<HostToViewer>) => handler(e.data)),
    getState: () => api.getState() as ViewerState | undefined,
    setState: (s) => api.setState(s),
  };
}
