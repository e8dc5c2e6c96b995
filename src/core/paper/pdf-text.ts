// pdf.js text items → runs (one styled string at one position) → fragments (runs that sit
// side by side on one baseline). Everything here is in PDF user space, origin bottom-left.
import type { Rect } from './model';

/** One pdf.js text item, kept small: a page of a long document is thousands of these. */
export interface TextRun {
  text: string;
  /** Start of the baseline. */
  x: number;
  y: number;
  /** Advance width. */
  w: number;
  size: number;
  /** pdf.js's name of the font object, until unifyFonts() maps it to one name per face. */
  font: string;
  /** Glyph box above and below the baseline, as fractions of size. */
  ascent: number;
  descent: number;
  /** pdf.js saw a space before this run. */
  space: boolean;
}

export interface Fragment {
  page: number;
  runs: TextRun[];
  x0: number;
  x1: number;
  /** Baseline of the run that carries most of the text. */
  y: number;
  top: number;
  bottom: number;
  size: number;
  font: string;
  text: string;
}

/** The subset of pdf.js's getTextContent() result that we read. */
export interface RawTextContent {
  items: ReadonlyArray<unknown>;
  styles: Record<string, { fontFamily?: string; ascent?: number; descent?: number; vertical?: boolean }>;
}

interface RawItem {
  str: string;
  transform: number[];
  width: number;
  fontName: string;
}

/**
 * Reads pdf.js items into runs. Rotated and vertical text (arXiv's margin stamp, rotated
 * table headers) is left out: it belongs to no line of the reading order. `limit` caps the
 * work on pathological pages; the caller warns when it bites.
 */
export function readRuns(
  content: RawTextContent,
  limit = 60000,
): { runs: TextRun[]; truncated: boolean; unspaced: string[]; rotated: string } {
  const runs: TextRun[] = [];
  const unspaced: string[] = [];
  // Rotated text is no part of the reading order, but arXiv's margin stamp is there.
  let rotated = '';
  let space = false;
  let truncated = false;
  for (const raw of content.items) {
    const item = raw as RawItem;
    if (typeof item.str !== 'string') continue;
    if (runs.length >= limit) {
      truncated = true;
      break;
    }
    const str = item.str;
    if (!/\S/.test(str)) {
      if (str.length) space = true;
      continue;
    }
    const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = item.transform;
    if (a <= 0 || d <= 0 || Math.abs(b) > 0.02 * a || Math.abs(c) > 0.02 * d) {
      if (rotated.length < 2000) rotated += `${str} `;
      space = false;
      continue;
    }
    const style = content.styles[item.fontName];
    if (style?.vertical) {
      if (rotated.length < 2000) rotated += `${str} `;
      continue;
    }
    const ascent = clamp(style?.ascent ?? 0.8, 0.6, 0.95);
    const descent = clamp(-(style?.descent ?? -0.2), 0.1, 0.3);
    const lead = str.length - str.trimStart().length;
    // pdf.js writes letter-spaced text (Tc, tracking) with a space between every glyph: one
    // item is one word again. A long one whose word breaks pdf.js did not keep is reported.
    let text = str.trim();
    if (LETTER_SPACED.test(text)) {
      text = text.replace(/ /g, '');
      if (text.length >= 10 && /\p{Ll}{6}/u.test(text)) unspaced.push(text);
    }
    runs.push({
      text,
      x: e,
      y: f,
      w: Math.max(0, item.width),
      size: d,
      font: item.fontName,
      ascent,
      descent,
      space: space || lead > 0,
    });
    space = /\s$/.test(str);
  }
  return { runs, truncated, unspaced, rotated };
}

/** "L o s s" or "A B S T R A C T": single glyphs (letters and punctuation) each followed by one space. */
const LETTER_SPACED = /^(?:[\p{L}.,;:!?'’()-] ){2,}[\p{L}.,;:!?'’()-]$/u;

/**
 * Groups runs, in the order the page draws them, into fragments: a new fragment starts when
 * the baseline moves beyond a superscript's reach, the pen goes back, or the gap is wider
 * than a word space could be (column gutters, equation numbers far right).
 */
export function buildFragments(runs: readonly TextRun[], page: number, gutter: number): Fragment[] {
  const out: Fragment[] = [];
  const mid = gutter;
  let cur: TextRun[] = [];
  let lo = 0;
  let hi = 0;
  let x1 = 0;
  let maxSize = 0;
  for (const r of runs) {
    const rlo = r.y - 0.15 * r.size;
    const rhi = r.y + 0.7 * r.size;
    if (cur.length) {
      const overlap = Math.min(hi, rhi) - Math.max(lo, rlo);
      const gap = r.x - x1;
      const s = Math.min(maxSize, r.size);
      const sameLine = overlap >= 0.35 * Math.min(hi - lo, rhi - rlo) && gap >= -0.6 * s && gap <= 1.6 * Math.max(maxSize, r.size);
      const crossesGutter = x1 <= mid + 1 && r.x >= mid - 1 && gap > 0.6 * s;
      if (!sameLine || crossesGutter) {
        out.push(makeFragment(cur, page));
        cur = [];
      }
    }
    if (!cur.length) {
      lo = r.y - 0.15 * r.size;
      hi = r.y + 0.7 * r.size;
      x1 = r.x + r.w;
      maxSize = r.size;
    } else if (r.size >= maxSize) {
      // The line's band follows its biggest text, so a superscript never drags it upwards.
      lo = r.y - 0.15 * r.size;
      hi = r.y + 0.7 * r.size;
      maxSize = r.size;
    }
    cur.push(r);
    x1 = Math.max(x1, r.x + r.w);
  }
  if (cur.length) out.push(makeFragment(cur, page));
  return out;
}

export function makeFragment(runs: TextRun[], page: number): Fragment {
  let x0 = Infinity;
  let x1 = -Infinity;
  let top = -Infinity;
  let bottom = Infinity;
  let main = runs[0]!;
  let mainChars = -1;
  for (const r of runs) {
    x0 = Math.min(x0, r.x);
    x1 = Math.max(x1, r.x + r.w);
    top = Math.max(top, r.y + r.ascent * r.size);
    bottom = Math.min(bottom, r.y - r.descent * r.size);
  }
  // The dominant style carries the most ink: characters weighted by area, so that a few
  // words of body text outweigh the small label set over an arrow beside them.
  const bySize = new Map<string, number>();
  for (const r of runs) {
    const k = `${r.font}@${r.size.toFixed(1)}`;
    bySize.set(k, (bySize.get(k) ?? 0) + r.text.length * r.size * r.size);
  }
  for (const r of runs) {
    const n = bySize.get(`${r.font}@${r.size.toFixed(1)}`) ?? 0;
    if (n > mainChars) {
      main = r;
      mainChars = n;
    }
  }
  return { page, runs, x0, x1, y: main.y, top, bottom, size: main.size, font: main.font, text: runsText(runs) };
}

/**
 * Concatenates runs, putting a space where pdf.js saw one or where the gap is wider than
 * letters ever sit. Small caps ("S" + "PECTER") and kerned logos touch, so they join.
 * Letter-spaced words (every letter its own run at an even, word-space-like pitch) join too.
 */
export function runsText(runs: readonly TextRun[]): string {
  const sorted = runs.length > 1 && !isSortedByX(runs) ? [...runs].sort((a, b) => a.x - b.x) : runs;
  const spaced = letterSpacedRuns(sorted);
  let s = '';
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    if (i > 0) {
      const p = sorted[i - 1]!;
      const gap = r.x - (p.x + p.w);
      const joined = spaced[i] && spaced[i - 1];
      if (!joined && (r.space || gap > 0.2 * Math.min(p.size, r.size))) s += ' ';
    }
    s += r.text;
  }
  return s;
}

function isSortedByX(runs: readonly TextRun[]): boolean {
  for (let i = 1; i < runs.length; i++) if (runs[i]!.x < runs[i - 1]!.x - 0.5) return false;
  return true;
}

/** Marks runs that are one letter of a letter-spaced word (three or more, evenly pitched). */
function letterSpacedRuns(runs: readonly TextRun[]): boolean[] {
  const mark = new Array<boolean>(runs.length).fill(false);
  let i = 0;
  while (i < runs.length) {
    if (!isLetter(runs[i]!)) {
      i++;
      continue;
    }
    let j = i + 1;
    const gaps: number[] = [];
    while (
      j < runs.length &&
      isLetter(runs[j]!) &&
      Math.abs(runs[j]!.size - runs[i]!.size) < 0.5 &&
      Math.abs(runs[j]!.y - runs[i]!.y) < 0.2 * runs[i]!.size
    ) {
      const g = runs[j]!.x - (runs[j - 1]!.x + runs[j - 1]!.w);
      if (g > 0.6 * runs[i]!.size) break;
      if (gaps.length && Math.abs(g - gaps[0]!) > 0.12 * runs[i]!.size) break;
      gaps.push(g);
      j++;
    }
    if (j - i >= 3) for (let k = i; k < j; k++) mark[k] = true;
    i = Math.max(j, i + 1);
  }
  return mark;
}

function isLetter(r: TextRun): boolean {
  return r.text.length === 1 && /\p{L}/u.test(r.text);
}

export function fragmentRect(f: Fragment): Rect {
  return { x: round(f.x0), y: round(f.bottom), width: round(f.x1 - f.x0), height: round(f.top - f.bottom) };
}

export function unionRect(rects: readonly Rect[]): Rect {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const r of rects) {
    x0 = Math.min(x0, r.x);
    y0 = Math.min(y0, r.y);
    x1 = Math.max(x1, r.x + r.width);
    y1 = Math.max(y1, r.y + r.height);
  }
  return { x: round(x0), y: round(y0), width: round(x1 - x0), height: round(y1 - y0) };
}

export function round(v: number): number {
  return Math.round(v * 100) / 100;
}

export interface FontUse {
  /** The face's metrics as pdf.js reports them; undefined when it has none (standard 14 fonts). */
  fingerprint: string | undefined;
  pages: Set<number>;
  chars: number;
}

/** Records which font objects a page uses, with their metrics. */
export function noteFonts(uses: Map<string, FontUse>, page: number, runs: readonly TextRun[], styles: RawTextContent['styles']): void {
  for (const r of runs) {
    let use = uses.get(r.font);
    if (!use) {
      const { ascent, descent, fontFamily } = styles[r.font] ?? {};
      const fingerprint =
        typeof ascent === 'number' && typeof descent === 'number' && (ascent || descent)
          ? `${fontFamily}|${ascent.toFixed(3)}|${descent.toFixed(3)}`
          : undefined;
      use = { fingerprint, pages: new Set(), chars: 0 };
      uses.set(r.font, use);
    }
    use.pages.add(page);
    use.chars += r.text.length;
  }
}

/**
 * One name per typeface. pdf.js names font objects, and one face can hide behind several of
 * them (some producers write one per page), while two faces can share their metrics (Computer
 * Modern roman and bold do). Objects with equal metrics that never meet on a page are one face.
 */
export function unifyFonts(uses: ReadonlyMap<string, FontUse>): Map<string, string> {
  const canon = new Map<string, string>();
  const groups = new Map<string, { name: string; pages: Set<number> }[]>();
  const byUse = [...uses].sort((a, b) => b[1].chars - a[1].chars);
  for (const [name, use] of byUse) {
    if (!use.fingerprint) {
      canon.set(name, name);
      continue;
    }
    const faces = groups.get(use.fingerprint) ?? [];
    groups.set(use.fingerprint, faces);
    const face = faces.find((f) => ![...use.pages].some((p) => f.pages.has(p)));
    if (face) {
      for (const p of use.pages) face.pages.add(p);
      canon.set(name, face.name);
    } else {
      faces.push({ name, pages: new Set(use.pages) });
      canon.set(name, name);
    }
  }
  return canon;
}

/** Renames the fonts of every run and fragment to their face. */
export function applyFonts(pages: readonly Fragment[][], canon: ReadonlyMap<string, string>): void {
  for (const frags of pages) {
    for (const f of frags) {
      for (const r of f.runs) r.font = canon.get(r.font) ?? r.font;
      f.font = canon.get(f.font) ?? f.font;
    }
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : (lo + hi) / 2;
}
