// The one typed contract between the extension and the paper viewer webview.
// Both sides import these types; nothing else crosses the boundary.
// Requests that expect an answer carry an `id`; the viewer answers with a `reply` of that id.

/** A rectangle in PDF user space (origin bottom-left, 1/72 in), as the Paper model stores it. */
export interface PdfRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ViewerState {
  /** pdf.js scale value: "page-width", "page-fit", "auto" or a number as a string ("1.25"). */
  zoom: string;
  /** Scroll position as page (1-based) plus the fraction of that page scrolled past. */
  page: number;
  pageOffset: number;
  darkPages?: boolean;
  outlineOpen?: boolean;
}

export interface OutlineEntry {
  /** "3.2", "A.1", "" for unnumbered headings. */
  number: string;
  title: string;
  level: number;
  page: number;
  /** Top of the heading in PDF user space, when known. */
  top?: number;
  sectionId: string;
}

export interface RevealTarget {
  page: number;
  rects: PdfRect[];
  /** Shown beside the highlight, e.g. "§3.2, Eq. 4". */
  label: string;
}

/** What the user pointed at when opening the viewer's context menu (for inverse search). */
export interface PointerInfo {
  page: number;
  x: number;
  y: number;
  selection: string;
  /** The words of the text-layer line under the pointer ("" off the text). */
  words?: string;
}

export type HostToViewer =
  /** `url` is a webview resource URL: pdf.js fetches the file itself, in ranges, with no copy through messages. */
  | { type: 'load'; title: string; url: string; state?: ViewerState }
  | { type: 'outline'; entries: OutlineEntry[] }
  | { type: 'reveal'; id: number; target: RevealTarget }
  | { type: 'error'; message: string };

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
/** Messages that expect a `reply`, as the extension sends them (the id is added on the way). */
export type ViewerRequest = WithoutId<Extract<HostToViewer, { id: number }>>;

export type ViewerToHost =
  | { type: 'ready' }
  | { type: 'loaded'; pageCount: number }
  | { type: 'state'; state: ViewerState }
  | { type: 'pointer'; pointer: PointerInfo }
  | { type: 'reply'; id: number; ok: boolean; error?: string }
  | { type: 'error'; message: string };
