// The one typed contract between the extension and the paper viewer webview.
// Both sides import these types; nothing else crosses the boundary. Notifications are plain
// messages; requests that expect an answer go through the typed channel (../webviewRpc.ts),
// declared below with their results.
import type { RpcMessage } from '../webviewRpc';

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
  coverageOpen?: boolean;
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
  /** The page the passage starts on, and its rectangles there. */
  page: number;
  rects: PdfRect[];
  /** Where the passage goes on: the next pages and their rectangles (a passage across a page break). */
  continued?: { page: number; rects: PdfRect[] }[];
  /** Shown beside the highlight, e.g. "§3.2, Eq. 4". */
  label: string;
}

/** What an in-paper link points at, for its hover preview (a reference entry, a figure's caption). */
export interface LinkPreview {
  /** "Reference", "Figure 3", "§4.1". */
  label: string;
  text: string;
}

/** Requests the extension makes of the viewer, each with its result. */
export interface ViewerMethods {
  [method: string]: { params: unknown; result: unknown };
  /** Scrolls the passage to a third of the view and marks it; the result is the page shown. */
  reveal: { params: { target: RevealTarget }; result: { page: number } };
}

/** A mark of the coverage overlay: an equation, table or algorithm and whether code and tests cite it. */
export interface CoverageMarkView {
  page: number;
  rects: PdfRect[];
  label: string;
  state: 'tested' | 'implemented' | 'configured' | 'none';
  /** "implemented by pkg/model.py:12; tested by tests/test_model.py:30". */
  detail: string;
}

/** Requests the viewer makes of the extension. */
export interface HostMethods {
  [method: string]: { params: unknown; result: unknown };
  /** How the workspace's code covers this paper: the marks and a one-line summary; null when no repository cites it. */
  coverage: { params: Record<string, never>; result: { marks: CoverageMarkView[]; summary: string } | null };
  /** Shows the code that cites the place at (x, y) on `page` (the overlay's marks open it). */
  openCiting: { params: { page: number; x: number; y: number }; result: boolean };
  /** The paper's text at a link's destination (PDF user space); null when nothing is known there. */
  linkPreview: { params: { page: number; x?: number; y?: number }; result: LinkPreview | null };
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
  | { type: 'error'; message: string }
  | RpcMessage;

export type ViewerToHost =
  | { type: 'ready' }
  | { type: 'loaded'; pageCount: number }
  | { type: 'state'; state: ViewerState }
  | { type: 'pointer'; pointer: PointerInfo }
  | { type: 'error'; message: string }
  | RpcMessage;
