// Display equations on the page: a line that ends in "(n)" flush with the column's right edge,
// grown up and down through the display rows around it, and rebuilt as LaTeX-like text
// (pdf-math.ts).
import type { Rect } from './model';
import { normalizeText } from './normalize';
import { linearizeDisplay } from './pdf-math';
import type { BodyStyle, Line } from './pdf-layout';
import type { Role } from './pdf-lines';
import { CAPTION, headingStyle, NUMBERED, proseLike, runsRect, wordsOnly } from './pdf-lines';
import type { TextRun } from './pdf-text';
import { runsText } from './pdf-text';

// "(4)", "(3.2)", "(A.1)", "(5a)", and \tag symbols: "(∗)", "(A.⋆)", "(4′)".
export const EQ_NUMBER = /^\(((?:[A-Z]\.?)?(?:\d{1,3}(?:\.\d{1,3})?|[∗*⋆†‡]{1,2})[a-z]?[′']*)\)$/;

export interface FoundEquation {
  number: string;
  lines: Line[];
  texts: string[];
  /** LaTeX-like text rebuilt from the glyph layout (pdf-math.ts). */
  latex: string;
  rects: { page: number; segment: number; rect: Rect }[];
}

/**
 * A display equation is a line that ends, well apart from what precedes it and flush with
 * the column's right edge, in "(n)"; the equation's own lines are the non-prose lines right
 * above and below it (fractions, sums and braces sit on baselines of their own).
 */
export function findEquations(lines: readonly Line[], roles: Role[], body: BodyStyle): Map<number, FoundEquation> {
  const found = new Map<number, FoundEquation>();
  const numbered: { i: number; number: string; numRuns: TextRun[]; bodyRuns: TextRun[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (roles[i] !== 'text') continue;
    const n = equationNumber(lines[i]!);
    if (n) numbered.push({ i, ...n });
  }
  const claimed = new Set<number>(numbered.map((n) => n.i));
  for (const n of numbered) {
    const l = lines[n.i]!;
    const parts: { at: number; line: Line; runs: TextRun[] }[] = [];
    if (n.bodyRuns.length) parts.push({ at: n.i, line: l, runs: n.bodyRuns });
    // Grow upwards and downwards through display lines that touch the equation. Around a
    // centred display, a line of plain words that starts at the column edge is the sentence
    // that introduces or follows it ("We compute"), however short.
    const start = n.bodyRuns[0]?.x ?? l.x0;
    const centred = start > l.colLeft + l.size * 2;
    const row = (x: Line) => displayLike(x, body) && !(centred && x.x0 < x.colLeft + x.size * 1.5 && wordsOnly(x.text));
    let top = l;
    for (let k = n.i - 1; k >= 0 && n.i - k <= 6; k--) {
      const u = lines[k]!;
      if (claimed.has(k) || roles[k] !== 'text' || !adjacent(u, top) || !row(u)) break;
      claimed.add(k);
      parts.unshift({ at: k, line: u, runs: u.runs });
      top = u;
    }
    let bottom = l;
    for (let k = n.i + 1; k < lines.length && k - n.i <= 6; k++) {
      const d = lines[k]!;
      if (claimed.has(k) || roles[k] !== 'text' || !adjacent(bottom, d) || !row(d)) break;
      claimed.add(k);
      parts.push({ at: k, line: d, runs: d.runs });
      bottom = d;
    }
    if (!parts.length) continue;
    for (const p of parts) roles[p.at] = 'equation';
    roles[n.i] = 'equation';
    const eqLines = parts.map((p) => p.line);
    if (!eqLines.includes(l)) eqLines.push(l);
    const rects = parts.map((p) => ({ page: p.line.page, segment: p.line.segment, rect: runsRect(p.runs) }));
    rects.push({ page: l.page, segment: l.segment, rect: runsRect(n.numRuns) });
    const first = Math.min(parts[0]!.at, n.i);
    found.set(first, {
      number: n.number,
      lines: eqLines,
      texts: equationRows(parts.map((p) => p.runs)),
      latex: normalizeText(linearizeDisplay(parts.map((p) => p.runs))),
      rects,
    });
  }
  return found;
}

/**
 * Text of an equation, row by row. Rows of big delimiters only (braces, brackets drawn on a
 * baseline of their own) are slotted into the nearest row by x, so "max {( d ..." reads in order.
 */
export function equationRows(rows: TextRun[][]): string[] {
  const main = rows.filter((r) => r.some((x) => /[\p{L}\d]/u.test(x.text)));
  if (!main.length) return rows.map((r) => runsText(r));
  const merged = main.map((r) => [...r]);
  for (const r of rows) {
    if (main.includes(r)) continue;
    const y = r[0]?.y ?? 0;
    let best = 0;
    for (let k = 1; k < main.length; k++) if (Math.abs(main[k]![0]!.y - y) < Math.abs(main[best]![0]!.y - y)) best = k;
    merged[best]!.push(...r);
  }
  return merged.map((r) => runsText(r.sort((a, b) => a.x - b.x)));
}

export function equationNumber(l: Line): { number: string; numRuns: TextRun[]; bodyRuns: TextRun[] } | undefined {
  const runs = l.runs;
  const last = runs[runs.length - 1];
  if (!last || !/\)$/.test(last.text)) return undefined;
  if (l.colRight - (last.x + last.w) > l.size * 2.5) return undefined;
  for (let k = runs.length - 1; k >= Math.max(0, runs.length - 5); k--) {
    const text = runs
      .slice(k)
      .map((r) => r.text)
      .join('')
      .replace(/\s+/g, '');
    if (!text.startsWith('(')) continue;
    const m = EQ_NUMBER.exec(text);
    if (!m) return undefined;
    const bodyRuns = runs.slice(0, k);
    const prev = bodyRuns[bodyRuns.length - 1];
    if (prev && runs[k]!.x - (prev.x + prev.w) < l.size * 0.9) return undefined;
    if (bodyRuns.length && proseLike(runsText(bodyRuns)) && bodyRuns[0]!.x < l.colLeft + l.size * 1.5) return undefined;
    return { number: m[1]!, numRuns: runs.slice(k), bodyRuns };
  }
  return undefined;
}

/**
 * Rows of one display (align rows, fraction parts, big delimiters, limits) follow each other
 * within about one and a half line heights; separate displays stand further apart, as the
 * display skips of LaTeX put them.
 */
export function adjacent(upper: Line, lower: Line): boolean {
  if (upper.page !== lower.page || upper.segment !== lower.segment) return false;
  return upper.y - lower.y <= 1.65 * Math.max(upper.size, lower.size) && upper.bottom - lower.top < lower.size * 0.9;
}

export function displayLike(l: Line, body: BodyStyle): boolean {
  if (headingStyle(l, body) && /^\d/.test(l.text) && NUMBERED.test(l.text)) return false;
  if (CAPTION.test(l.text)) return false;
  return !proseLike(l.text) || l.x0 > l.colLeft + l.size * 1.5;
}
