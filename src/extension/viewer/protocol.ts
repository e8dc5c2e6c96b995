// The one typed contract between the extension and the paper viewer webview.
// Both sides import these types; nothing else crosses the boundary.

export interface ViewerState {
  /** "page-width", "page-fit" or a scale such as 1.25. */
  zoom: 'page-width' | 'page-fit' | number;
  /** Scroll position as page (1-based) plus fraction of that page, so it survives zoom changes. */
  page: number;
  pageOffset: number;
}

export type HostToViewer =
  | { type: 'load'; title: string; data: Uint8Array; state?: ViewerState }
  | { type: 'error'; message: string };

export type ViewerToHost =
  | { type: 'ready' }
  | { type: 'loaded'; pageCount: number }
  | { type: 'state'; state: ViewerState }
  | { type: 'error'; message: string };
