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
  /** `url` is a webview resource URL: pdf.js fetches the file itself, in ranges, with no copy through messages. */
  | { type: 'load'; title: string; url: string; state?: ViewerState }
  | { type: 'error'; message: string };

export type ViewerToHost =
  | { type: 'ready' }
  | { type: 'loaded'; pageCount: number }
  | { type: 'state'; state: ViewerState }
  | { type: 'error'; message: string };
