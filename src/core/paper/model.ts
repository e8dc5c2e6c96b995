// The one shape a paper takes, whatever it came from (PDF, LaTeX, arXiv).
// Positions are in PDF user space: origin at the page's bottom-left, units of 1/72 in,
// pages numbered from 1 — exactly what pdf.js reports, so the viewer can highlight them.

export const PAPER_SCHEMA_VERSION = 1;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where something stands in the PDF. A passage that crosses a column or page break has several. */
export interface Anchor {
  page: number;
  rects: Rect[];
}

export interface PaperSource {
  kind: 'pdf' | 'latex' | 'arxiv';
  /** Path, folder, or arXiv id as the user gave it. */
  location: string;
  /** arXiv id with version when known, e.g. "1706.03762v5". */
  arxivId?: string;
  /** sha256 of the bytes parsed (PDF, or the concatenated LaTeX sources). */
  sha256: string;
}

export interface Section {
  /** Stable within the paper: "sec:3.2", "sec:A.1", "sec:references". */
  id: string;
  /** "3", "3.2.1", "A", "A.1"; empty for unnumbered headings (Acknowledgements, References). */
  number: string;
  title: string;
  /** 1 for "3" / "A", 2 for "3.2", ...; unnumbered headings are level 1. */
  level: number;
  page: number;
  rects: Rect[];
  /** LaTeX \label when parsed from source. */
  label?: string;
}

/** `table`: a table's grid (`rows`); `code`: an algorithm's or listing's lines (`text`, one per line). */
export type PassageKind = 'abstract' | 'paragraph' | 'heading' | 'caption' | 'equation' | 'table' | 'code' | 'footnote' | 'list' | 'other';

export interface Passage {
  id: string;
  kind: PassageKind;
  /** Id of the section the passage stands in ("" before the first heading). */
  sectionId: string;
  text: string;
  /** First page; `anchors` has every page the passage touches. */
  page: number;
  anchors: Anchor[];
  /** A run-in heading (LaTeX \paragraph{…}) that opens the passage; `text` starts with it. */
  runIn?: string;
  /** The text for Markdown where it differs from `text`: inline math as `$…$` LaTeX. */
  markdown?: string;
  /** Equation passages: the display as LaTeX (source papers), and the numbers it prints ("4", "1a"). */
  latex?: string;
  equationNumbers?: string[];
  /** Table passages: the grid, rows of cells as printed (the first row is the header when it reads as one). */
  rows?: string[][];
}

export interface Equation {
  id: string;
  /** As printed: "4", "A.1", "3a". */
  number: string;
  /** Number of the section it stands in ("3.2"); "" when before any numbered section. */
  section: string;
  page: number;
  rects: Rect[];
  /** Text of the equation as extracted (PDF) or its LaTeX flattened (source). */
  text: string;
  latex?: string;
  label?: string;
}

export type CaptionKind = 'figure' | 'table' | 'algorithm';

export interface Caption {
  id: string;
  kind: CaptionKind;
  /** "1", "2", "A.1". */
  number: string;
  section: string;
  page: number;
  rects: Rect[];
  /** The whole caption, "Figure 2: ..." included. */
  text: string;
  label?: string;
}

export interface PageSize {
  width: number;
  height: number;
}

export interface Paper {
  schemaVersion: typeof PAPER_SCHEMA_VERSION;
  /** "arxiv:1706.03762v5" or "sha256:<first 16 hex>" — what a repository names its paper by. */
  id: string;
  source: PaperSource;
  title: string;
  authors: string[];
  abstract: string;
  pageCount: number;
  pages: PageSize[];
  sections: Section[];
  equations: Equation[];
  figures: Caption[];
  tables: Caption[];
  algorithms: Caption[];
  passages: Passage[];
  /** What the parser could not do well (e.g. "page 3: no text layer"); shown, never hidden. */
  warnings: string[];
  /**
   * For a paper merged from its LaTeX source and its PDF (arXiv): the source's passages, in
   * reading order, without positions. The Markdown is written from these (exact equations,
   * tables, algorithms); `passages` are the PDF's, which know where things stand on the page.
   */
  sourcePassages?: Passage[];
}
