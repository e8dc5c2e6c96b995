// Fragments → lines in reading order: page furniture dropped, columns found, full-width
// blocks (title, wide figures) read where they stand between the column bands.
import type { Fragment } from './pdf-text';

/** Which flow a line belongs to: the left or right column, or the full page width. */
export type Column = 'left' | 'right' | 'full';

/** A line is a fragment (its runs left to right, its box and text) made of fragments. */
export interface Line extends Fragment {
  frags: Fragment[];
  column: Column;
  /** Edges of the column the line stands in (text block edges on one-column pages). */
  colLeft: number;
  colRight: number;
  /** Consecutive lines of one column between two full-width blocks share a segment. */
  segment: number;
}

export interface PageGeometry {
  width: number;
  height: number;
  /** Where the two columns part (the middle of the gutter); the page's middle when unknown. */
  gutter?: number;
}

export interface BodyStyle {
  font: string;
  size: number;
  /** Baseline-to-baseline distance of body text. */
  pitch: number;
}

const MARGIN = 0.075;

/**
 * Running heads, page numbers and the first page's venue footer: text in the top or bottom
 * margin that is a bare number, repeats (digits aside) on several pages, or is small print.
 */
export function findFurniture(pages: readonly Fragment[][], geometry: readonly PageGeometry[]): Set<Fragment> {
  const out = new Set<Fragment>();
  const seen = new Map<string, number>();
  const inMargin = (f: Fragment, g: PageGeometry) => {
    const middle = (f.top + f.bottom) / 2;
    return middle < g.height * MARGIN || middle > g.height * (1 - MARGIN);
  };
  const key = (f: Fragment) => f.text.replace(/\d+/g, '#').replace(/\s+/g, ' ').trim().toLowerCase();
  pages.forEach((frags, i) => {
    const keys = new Set<string>();
    for (const f of frags) if (inMargin(f, geometry[i]!)) keys.add(key(f));
    for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
  });
  const repeatAt = Math.max(2, Math.min(3, Math.ceil(pages.length / 3)));
  const bare = /^(page\s*)?[\divxlc]{1,5}(\s*(of|\/)\s*\d+)?$/i;
  pages.forEach((frags, i) => {
    const g = geometry[i]!;
    const sizes = frags.map((f) => f.size).sort((a, b) => a - b);
    const median = sizes[sizes.length >> 1] ?? 10;
    // A page number need not sit in the margin band (article's stands a good way up): a bare
    // number that is the lowest or highest text of the page, near that edge, is one too.
    let lowest: Fragment | undefined;
    let highest: Fragment | undefined;
    for (const f of frags) {
      if (!lowest || f.top < lowest.top) lowest = f;
      if (!highest || f.bottom > highest.bottom) highest = f;
    }
    for (const f of [lowest, highest]) {
      if (!f || !bare.test(f.text.trim()) || !(f.top < g.height * 0.2 || f.bottom > g.height * 0.8)) continue;
      const centre = (f.x0 + f.x1) / 2;
      if (Math.abs(centre - g.width / 2) < g.width * 0.1 || f.x0 > g.width * 0.75 || f.x1 < g.width * 0.25) out.add(f);
    }
    for (const f of frags) {
      if (!inMargin(f, g)) continue;
      const t = f.text.trim();
      if (bare.test(t) || (pages.length > 1 && (seen.get(key(f)) ?? 0) >= repeatAt) || f.size < median * 0.92) {
        out.add(f);
      }
    }
  });
  return out;
}

/** The style that carries the most characters is the body text; headings stand out from it. */
export function findBodyStyle(pages: readonly Fragment[][]): BodyStyle {
  const chars = new Map<string, number>();
  for (const frags of pages) {
    for (const f of frags) {
      for (const r of f.runs) {
        const k = `${r.font}@${Math.round(r.size * 2) / 2}`;
        chars.set(k, (chars.get(k) ?? 0) + r.text.length);
      }
    }
  }
  let best = '';
  let bestN = -1;
  for (const [k, n] of chars) {
    if (n > bestN) {
      best = k;
      bestN = n;
    }
  }
  const at = best.lastIndexOf('@');
  const font = best.slice(0, at);
  const size = Number(best.slice(at + 1)) || 10;
  // Pitch from consecutive body fragments that follow each other down one column.
  const deltas: number[] = [];
  for (const frags of pages) {
    for (let i = 1; i < frags.length; i++) {
      const a = frags[i - 1]!;
      const b = frags[i]!;
      if (a.font !== font || b.font !== font || Math.abs(a.x0 - b.x0) > 2 * size) continue;
      const d = a.y - b.y;
      if (d > size * 0.9 && d < size * 2) deltas.push(d);
    }
    if (deltas.length > 400) break;
  }
  deltas.sort((a, b) => a - b);
  const pitch = deltas.length ? deltas[deltas.length >> 1]! : size * 1.2;
  return { font, size, pitch };
}

/**
 * Where two columns part: the least-covered stretch of x in the middle of the text block.
 * Not the page's middle: a text block need not be centred on the paper (LaTeX's default
 * margins on A4 are not). Boxes wider than most of the block (titles, wide floats) are not
 * counted, since they cross the gutter by design.
 */
export function findGutter(boxes: readonly { x: number; w: number }[], pageWidth: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of boxes) {
    lo = Math.min(lo, b.x);
    hi = Math.max(hi, b.x + b.w);
  }
  const span = hi - lo;
  if (!boxes.length || !(span > 50) || span > pageWidth * 2) return pageWidth / 2;
  const x0 = Math.floor(lo);
  const n = Math.ceil(hi) - x0 + 2;
  const diff = new Int32Array(n + 1);
  for (const b of boxes) {
    if (b.w > span * 0.6) continue;
    diff[Math.max(0, Math.floor(b.x) - x0)]! += 1;
    diff[Math.min(n, Math.ceil(b.x + b.w) - x0)]! -= 1;
  }
  const from = Math.floor(span * 0.3);
  const to = Math.ceil(span * 0.7);
  // The longest stretch at the lowest coverage wins.
  let cover = 0;
  let best = Infinity;
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  let runCover = NaN;
  for (let i = 0; i <= to; i++) {
    cover += diff[i]!;
    if (i < from) continue;
    if (cover !== runCover) {
      runStart = i;
      runCover = cover;
    }
    const len = i - runStart + 1;
    if (cover < best || (cover === best && len > bestLen)) {
      best = cover;
      bestStart = runStart;
      bestLen = len;
    }
  }
  return bestStart < 0 ? pageWidth / 2 : x0 + bestStart + bestLen / 2;
}

/** Lays one page out into lines in reading order. `segmentBase` numbers segments across pages. */
export function layoutPage(frags: readonly Fragment[], g: PageGeometry, segmentBase: number): { lines: Line[]; segments: number } {
  if (!frags.length) return { lines: [], segments: 0 };
  const mid = g.gutter ?? g.width / 2;
  const side = (f: Fragment): Column => (f.x1 <= mid + 2 ? 'left' : f.x0 >= mid - 2 ? 'right' : 'full');
  const wide = (f: Fragment) => f.x1 - f.x0 > 0.22 * g.width;
  let nLeft = 0;
  let nRight = 0;
  let nFull = 0;
  for (const f of frags) {
    if (!wide(f)) continue;
    const s = side(f);
    if (s === 'left') nLeft++;
    else if (s === 'right') nRight++;
    else if (f.x1 - f.x0 > 0.6 * g.width) nFull++;
  }
  // Lines that face each other across the gutter on one baseline are columns however short
  // they are (a narrow-column page, or one whose producer writes the rows across the page).
  // Such lines are prose (two words or more) and start at one left edge, as a column does;
  // the pieces of a display equation and its number do neither.
  const prose = (f: Fragment) => /(\p{L}{2,}\W+){2,}/u.test(f.text);
  const lefts = frags.filter((f) => side(f) === 'left' && prose(f));
  const starts = new Map<number, number>();
  for (const f of frags) {
    if (side(f) !== 'right' || !prose(f) || !lefts.some((l) => Math.abs(l.y - f.y) < 0.5 * f.size)) continue;
    const k = Math.round(f.x0 / 2);
    starts.set(k, (starts.get(k) ?? 0) + 1);
  }
  const facing = Math.max(0, ...starts.values());
  const twoColumn = (nLeft >= 3 && nRight >= 3 && nLeft + nRight >= nFull) || (facing >= 3 && facing >= nFull);
  const columnOf = new Map<Fragment, Column>();
  if (!twoColumn) {
    for (const f of frags) columnOf.set(f, 'full');
  } else {
    const sideFrags = frags.filter((f) => side(f) !== 'full' && f.x1 - f.x0 > 0.12 * g.width);
    for (const f of frags) {
      let s = side(f);
      if (s === 'full' && f.x1 - f.x0 < 0.5 * g.width) {
        // A short block over the gutter (a table that overflows, an equation) belongs to a
        // column when the columns run beside it; otherwise it is a centred full-width line.
        const beside = sideFrags.some((o) => o.top > f.bottom - 2 && o.bottom < f.top + 2);
        if (beside) s = mid - f.x0 > f.x1 - mid ? 'left' : 'right';
      }
      columnOf.set(f, s);
    }
    // The short last line of a full-width paragraph (an abstract over both columns) sits on
    // one side of the gutter but belongs to the lines above it, when nothing stands beside it.
    const byY = [...frags].sort((a, b) => b.y - a.y);
    for (let k = 1; k < byY.length; k++) {
      const f = byY[k]!;
      if (columnOf.get(f) === 'full') continue;
      const above = byY
        .slice(0, k)
        .reverse()
        .find((o) => o.y > f.y + 0.3 * f.size);
      if (!above || columnOf.get(above) !== 'full' || above.x1 - above.x0 < 0.5 * g.width) continue;
      const near = above.y - f.y < 1.8 * f.size && Math.abs(above.x0 - f.x0) < 2 && Math.abs(above.size - f.size) < 0.5;
      const beside = frags.some((o) => o !== f && Math.abs(o.y - f.y) < 0.5 * f.size && (o.x0 > f.x1 || o.x1 < f.x0));
      if (near && !beside) columnOf.set(f, 'full');
    }
  }

  const groups: Record<Column, Fragment[]> = { left: [], right: [], full: [] };
  for (const f of frags) groups[columnOf.get(f)!].push(f);
  const edges = {
    left: columnEdges(groups.left, g),
    right: columnEdges(groups.right, g),
    full: columnEdges(groups.full.length > 4 ? groups.full : frags, g),
  };
  const lines: Record<Column, Line[]> = { left: [], right: [], full: [] };
  for (const c of ['left', 'right', 'full'] as const) {
    lines[c] = groupLines(groups[c], c, edges[c].left, edges[c].right);
  }

  // Full-width lines cut the page into bands; each band reads left column, then right.
  const full = lines.full;
  const bandOf = (l: Line) => {
    let k = 0;
    while (k < full.length && full[k]!.y > l.y) k++;
    return k;
  };
  const ordered: Line[] = [];
  let segment = segmentBase;
  let lastKey = '';
  let fullRun = 0;
  const emit = (l: Line, key: string) => {
    if (key !== lastKey) {
      segment++;
      lastKey = key;
    }
    l.segment = segment;
    ordered.push(l);
  };
  const bands: Line[][][] = [];
  for (const c of ['left', 'right'] as const) {
    for (const l of lines[c]) {
      const k = bandOf(l);
      (bands[k] ??= [[], []])[c === 'left' ? 0 : 1]!.push(l);
    }
  }
  for (let k = 0; k <= full.length; k++) {
    const band = bands[k];
    if (band && (band[0]!.length || band[1]!.length)) {
      for (const l of band[0]!) emit(l, `${k}L`);
      for (const l of band[1]!) emit(l, `${k}R`);
      fullRun++;
    }
    // Full-width lines with no column text between them read as one flow.
    if (k < full.length) emit(full[k]!, `F${fullRun}`);
  }
  return { lines: ordered, segments: segment - segmentBase };
}

function columnEdges(frags: readonly Fragment[], g: PageGeometry): { left: number; right: number } {
  if (!frags.length) return { left: 0, right: g.width };
  // The column edge is the leftmost start shared by a good number of lines: not the commonest
  // start (in a bibliography most lines hang indented) and not the very least (a stray label).
  const starts = new Map<number, number>();
  let widest = 0;
  for (const f of frags) widest = Math.max(widest, f.x1 - f.x0);
  let counted = 0;
  for (const f of frags) {
    if (f.x1 - f.x0 < 0.5 * widest) continue;
    const k = Math.round(f.x0);
    starts.set(k, (starts.get(k) ?? 0) + 1);
    counted++;
  }
  const enough = Math.max(2, Math.ceil(counted * 0.1));
  let left = Infinity;
  for (const [k, c] of starts) if ((c >= enough || starts.size === 1) && k < left) left = k;
  if (!Number.isFinite(left)) left = Math.min(...frags.map((f) => f.x0));
  const ends = frags
    .filter((f) => f.x1 - f.x0 >= 0.5 * widest)
    .map((f) => f.x1)
    .sort((a, b) => a - b);
  const right = ends[Math.floor(ends.length * 0.9)] ?? left + widest;
  return { left, right };
}

/** Fragments of one column that share a baseline band become one line. */
function groupLines(frags: readonly Fragment[], column: Column, colLeft: number, colRight: number): Line[] {
  const sorted = [...frags].sort((a, b) => b.y - a.y || a.x0 - b.x0);
  const out: Line[] = [];
  let cur: Fragment[] = [];
  let lo = 0;
  let hi = 0;
  const flush = () => {
    if (cur.length) out.push(makeLine(cur, column, colLeft, colRight));
    cur = [];
  };
  for (const f of sorted) {
    const flo = f.y - 0.15 * f.size;
    const fhi = f.y + 0.7 * f.size;
    if (cur.length) {
      const overlap = Math.min(hi, fhi) - Math.max(lo, flo);
      if (overlap < 0.45 * Math.min(hi - lo, fhi - flo)) flush();
    }
    if (!cur.length) {
      lo = flo;
      hi = fhi;
    }
    cur.push(f);
  }
  flush();
  return out;
}

function makeLine(frags: Fragment[], column: Column, colLeft: number, colRight: number): Line {
  frags.sort((a, b) => a.x0 - b.x0);
  let main = frags[0]!;
  for (const f of frags) if (f.text.length > main.text.length) main = f;
  const runs = frags.length === 1 ? frags[0]!.runs : frags.flatMap((f) => f.runs).sort((a, b) => a.x - b.x);
  const text = frags.length === 1 ? frags[0]!.text : joinFragments(frags);
  let x0 = Infinity;
  let x1 = -Infinity;
  let top = -Infinity;
  let bottom = Infinity;
  for (const f of frags) {
    x0 = Math.min(x0, f.x0);
    x1 = Math.max(x1, f.x1);
    top = Math.max(top, f.top);
    bottom = Math.min(bottom, f.bottom);
  }
  return {
    page: main.page,
    frags,
    runs,
    x0,
    x1,
    y: main.y,
    top,
    bottom,
    size: main.size,
    font: main.font,
    text,
    column,
    colLeft,
    colRight,
    segment: 0,
  };
}

function joinFragments(frags: readonly Fragment[]): string {
  let s = '';
  for (let i = 0; i < frags.length; i++) {
    const f = frags[i]!;
    if (i > 0) {
      const p = frags[i - 1]!;
      s += f.x0 - p.x1 > 0.15 * f.size ? ' ' : '';
    }
    s += f.text;
  }
  return s;
}
