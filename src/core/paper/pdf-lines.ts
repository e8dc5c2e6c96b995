// What a line of a PDF page is, read from its text and style: a section heading, a caption's
// start, a footnote, the start of a paragraph, running prose. The structure walk
// (pdf-structure.ts) and the equation finder (pdf-equations.ts) both ask these.
import type { CaptionKind, Rect } from './model';
import { normalizeText } from './normalize';
import type { BodyStyle, Line } from './pdf-layout';
import type { TextRun } from './pdf-text';
import { round, runsText, unionRect } from './pdf-text';

/** What the walk makes of a line before reading it: front matter, the abstract, part of a display equation, or text. */
export type Role = 'front' | 'abstract-head' | 'abstract' | 'equation' | 'text';

export const NAMED_HEADING =
  /^(acknowledge?ments?|references|bibliography|appendix|appendices|supplementary( materials?)?|limitations|ethics statement|ethical considerations|broader impacts?( statement)?|impact statement|conclusions?|related work|author contributions)$/i;

export const CAPTION = /^(figure|fig\.|table|tab\.|algorithm|alg\.)\s*([A-Z]?\d{1,3}(?:\.\d{1,3})?[a-z]?)\s*([:.|]|(?=\s)|$)/i;

export interface HeadingMatch {
  number: string;
  title: string;
  /** Runs of a run-in heading (the rest of the line is a paragraph). */
  runs?: TextRun[];
  rest?: string;
  restRuns?: TextRun[];
}

/** A line in a heading's typeface: bold (another face than the body) or larger, not small. */
export function headingStyle(l: Line, body: BodyStyle): boolean {
  // Headings are never set smaller than the body (italic reference titles are).
  if (l.size < body.size - 0.3) return false;
  if (l.size >= body.size * 1.12) return true;
  let other = 0;
  let same = 0;
  for (const r of l.runs) {
    if (r.size < l.size * 0.85) continue;
    if (r.font === body.font && Math.abs(r.size - body.size) < 0.6) same += r.text.length;
    else other += r.text.length;
  }
  return other > 0 && same <= other * 0.15;
}

export function isHeadingCandidate(l: Line, t: string, body: BodyStyle): boolean {
  if (!headingStyle(l, body)) return false;
  return NAMED_HEADING.test(t.replace(/[.:]$/, '')) || /^(\d{1,2}(\.\d{1,2}){0,3}|[A-Z](\.\d{1,2}){0,3})\.?\s+\p{L}/u.test(t);
}

export const NUMBERED = /^(\d{1,2}(?:\.\d{1,2}){0,3}|[A-Z](?:\.\d{1,2}){0,3})\.?\s+(\S.*)$/u;

export function readHeading(l: Line, text: string, body: BodyStyle, last: string | undefined): HeadingMatch | undefined {
  if (text.length > 160 || CAPTION.test(text)) return undefined;
  if (headingStyle(l, body)) {
    const named = text.replace(/[.:]$/, '');
    if (NAMED_HEADING.test(named)) return { number: '', title: named };
    const appendix = /^appendix\s+([A-Z](?:\.\d{1,2})*)\s*[:.\-—–]?\s*(.*)$/i.exec(text);
    if (appendix && follows(last, appendix[1]!)) return { number: appendix[1]!, title: appendix[2] || `Appendix ${appendix[1]}` };
    const m = NUMBERED.exec(text);
    if (m && plausibleTitle(m[2]!) && follows(last, m[1]!)) return { number: m[1]!, title: m[2]!.replace(/\s*[.:]$/, '') };
    return undefined;
  }
  // Run-in heading: "3.2 Training. We train ..." with the number and title in bold.
  const lead: TextRun[] = [];
  for (const r of l.runs) {
    if (r.font === body.font && Math.abs(r.size - body.size) < 0.6) break;
    lead.push(r);
  }
  if (!lead.length || lead.length === l.runs.length) return undefined;
  const leadText = normalizeText(runsText(lead));
  const m = NUMBERED.exec(leadText);
  if (!m || /^[A-Z]$/.test(m[1]!) || !plausibleTitle(m[2]!) || !follows(last, m[1]!)) return undefined;
  if (!/\d\.\d/.test(m[1]!) && !/[.:]$/.test(leadText)) return undefined;
  const restRuns = l.runs.slice(lead.length);
  return { number: m[1]!, title: m[2]!.replace(/\s*[.:]$/, ''), runs: lead, rest: normalizeText(runsText(restRuns)), restRuns };
}

export function plausibleTitle(t: string): boolean {
  if (!/^[\p{L}"“'(]/u.test(t)) return false;
  if (/[,;]$/.test(t) || t.length > 120) return false;
  const words = t.split(/\s+/);
  if (words.length > 16) return false;
  // A heading has more letters than digits and symbols (table rows do not).
  const letters = (t.match(/\p{L}/gu) ?? []).length;
  return letters >= t.replace(/\s/g, '').length * 0.6;
}

export function continuesHeading(next: Line, t: string, prev: Line, body: BodyStyle): boolean {
  if (next.page !== prev.page || next.segment !== prev.segment) return false;
  if (next.font !== prev.font || Math.abs(next.size - prev.size) > 0.3 || !headingStyle(next, body)) return false;
  if (prev.y - next.y > prev.size * 1.6) return false;
  return !NUMBERED.test(t) && !NAMED_HEADING.test(t) && !CAPTION.test(t) && t.length < 100;
}

/** Section numbers go forward: 2.1 → 2.2, 2.1.1, 3 or 3.1; appendices start at A after numbers. */
export function follows(prev: string | undefined, cand: string): boolean {
  const c = parseNumber(cand);
  if (!prev) return c.letter ? c.parts[0] === 1 : c.parts[0]! <= 2;
  const p = parseNumber(prev);
  if (p.letter !== c.letter) return !p.letter && c.letter && c.parts[0]! <= 2;
  const n = Math.max(p.parts.length, c.parts.length);
  for (let k = 0; k < n; k++) {
    const a = p.parts[k] ?? 0;
    const b = c.parts[k];
    if (b === undefined) return false;
    if (a === b) continue;
    if (b < a || b - a > 2) return false;
    // Deeper levels of a new number restart from 1 (one missed heading is tolerated).
    return c.parts.slice(k + 1).every((x) => x <= 2);
  }
  return false;
}

export function parseNumber(s: string): { letter: boolean; parts: number[] } {
  const letter = /^[A-Z]/.test(s);
  const parts = s.split('.').map((x) => (/^[A-Z]$/.test(x) ? x.charCodeAt(0) - 64 : Number(x)));
  return { letter, parts };
}

// ---------------------------------------------------------------- captions, footnotes

export function captionKind(word: string): CaptionKind {
  const w = word.toLowerCase();
  return w.startsWith('fig') ? 'figure' : w.startsWith('tab') ? 'table' : 'algorithm';
}

export function isCaptionStart(l: Line, m: RegExpExecArray, body: BodyStyle): boolean {
  // "Algorithm 1 Training" (algorithmic's bold label, no colon) is a caption only in bold.
  if (m[3] === '' && !/^alg/i.test(m[1]!)) return false;
  if (m[3] === '') {
    const first = l.runs[0];
    return Boolean(first && first.font !== body.font);
  }
  return true;
}

export function isFootnoteStart(l: Line, prev: Line | undefined, body: BodyStyle): boolean {
  const first = l.runs[0];
  if (!first) return false;
  const marker = first.size < l.size * 0.9 && first.y > l.y + 0.1 * l.size && /^[\d*†‡§¶∗a-z]{1,3}$/.test(first.text);
  const numbered = /^\d{1,2}\s+\S/.test(l.text) && l.size < body.size * 0.92;
  return (marker || numbered) && (!prev || prev.segment !== l.segment || prev.size >= body.size * 0.9 || startsParagraph(l, prev, body));
}

/**
 * A caption wraps onto the next line only when its last line was full (reached the right
 * edge) and the next starts where the caption started: table rows under a short, centred
 * caption do not.
 */
export function captionGoesOn(l: Line, caption: readonly Line[]): boolean {
  const first = caption[0]!;
  const last = caption[caption.length - 1]!;
  return Math.abs(l.size - last.size) < 0.6 && last.colRight - last.x1 < last.size * 2 && Math.abs(l.x0 - first.x0) < l.size * 2;
}

/**
 * A new paragraph starts after a wider gap than line spacing, at an indent, or at a change of
 * size. In a bibliography (`hanging`) entries hang: the flush line starts one, indented lines go on.
 */
export function startsParagraph(l: Line, prev: Line | undefined, body: BodyStyle, hanging = false): boolean {
  if (!prev || prev.segment !== l.segment || prev.page !== l.page) return true;
  const pitch = Math.max(body.pitch * (l.size / body.size), l.size * 1.05);
  if (prev.y - l.y > pitch * 1.45 || prev.y - l.y < -1) return true;
  if (Math.abs(prev.size - l.size) > Math.max(0.6, l.size * 0.1)) return true;
  const indented = (x: Line) => x.x0 - x.colLeft > x.size * 0.6 && x.x0 - x.colLeft < x.size * 4;
  if (hanging) return !indented(l) && (indented(prev) || /[.]$/.test(prev.text.trim()));
  // A first line stands in from the line before it; measured from that line, not from the
  // column, so that inset blocks (an abstract, a quotation) read the same way.
  const step = l.x0 - prev.x0;
  if (!(step > l.size * 0.6 && step < l.size * 4)) return false;
  // A hanging indent (a question list, a quoted item) goes on: the line before it runs to the
  // column's edge without ending a sentence, and this one starts in lower case.
  const runsOn = prev.colRight - prev.x1 < prev.size * 1.5 && !/[.!?:]["')\]]?$/.test(prev.text.trim());
  return !(runsOn && /^\p{Ll}/u.test(l.text.trim()));
}

// ---------------------------------------------------------------- equations

export function wordsOnly(t: string): boolean {
  const tokens = t.trim().split(/\s+/);
  return tokens.some((w) => /\p{L}{2}/u.test(w)) && tokens.every((w) => /^[("“]?\p{L}[\p{L}'’-]*[,.;:)"”]?$/u.test(w));
}

/** Running words, not symbols: most characters letters, several real words, or a sentence that ends in a colon. */
export function proseLike(t: string): boolean {
  const compact = t.replace(/\s/g, '');
  if (!compact.length) return false;
  const letters = (compact.match(/\p{L}/gu) ?? []).length;
  const words = t.split(/\s+/).filter((w) => /^[("“]?\p{L}{2,}(?:[-'’]\p{L}+)*[,.;:)"”]?$/u.test(w)).length;
  if (letters / compact.length <= 0.7) return false;
  return words >= 4 || (words >= 2 && /\p{L}{2,}:$/u.test(t.trim()));
}

export function lineRect(l: Line): Rect {
  return { x: round(l.x0), y: round(l.bottom), width: round(l.x1 - l.x0), height: round(l.top - l.bottom) };
}

export function runsRect(runs: readonly TextRun[]): Rect {
  return unionRect(runs.map((r) => ({ x: r.x, y: r.y - r.descent * r.size, width: r.w, height: (r.ascent + r.descent) * r.size })));
}
