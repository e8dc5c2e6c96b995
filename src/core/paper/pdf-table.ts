// A table's grid rebuilt from the layout of its lines: lines on one baseline are one row
// (a table across both columns arrives as left and right pieces), a wide gap between runs
// ends a cell, and cells take the column they overlap most, the columns being those of the
// row with the most cells. What pdf.js gives is its glyph runs; the rules are not in the text.
import type { Line } from './pdf-layout';
import type { TextRun } from './pdf-text';
import { runsText } from './pdf-text';
import { normalizeText } from './normalize';

interface Cell {
  x0: number;
  x1: number;
  text: string;
}

/**
 * Rows of cells, top to bottom; undefined when the lines do not read as a grid (fewer than two
 * rows, or no row with two cells).
 * @param lines the table's lines, in any order, on one page (PDF user space, y up).
 */
export function tableGridFromLines(lines: readonly Line[]): string[][] | undefined {
  if (!lines.length) return undefined;
  const size = median(lines.map((l) => l.size));
  const rows = groupRows(lines, size).map((runs) => splitCells(runs, size));
  if (rows.length < 2 || !rows.some((r) => r.length >= 2)) return undefined;
  // The columns: the cells of the row that has the most of them (the header usually does).
  const widest = rows.reduce((a, b) => (b.length > a.length ? b : a));
  const columns = widest.map((c) => ({ x0: c.x0, x1: c.x1 }));
  // A cell beside the columns (a label wider than the widest row's) opens one of its own; a cell
  // merely offset from its column (a left-aligned header over right-aligned numbers) does not.
  for (const row of rows) {
    for (const c of row) {
      if (columns.some((k) => overlap(k, c) > -size)) continue;
      columns.push({ x0: c.x0, x1: c.x1 });
    }
  }
  columns.sort((a, b) => a.x0 - b.x0);
  // A header set in one run over several columns ("CLS USR CITE REC") parts into its words
  // when it has one word per column it spans.
  const spread = rows.map((row) =>
    row.flatMap((c) => {
      const under = columns.filter((k) => overlap(k, c) > 0.3 * (k.x1 - k.x0));
      const words = c.text.split(' ');
      return under.length >= 2 && words.length === under.length
        ? words.map((w, j) => ({ x0: under[j]!.x0, x1: under[j]!.x1, text: w }))
        : [c];
    }),
  );
  const grid = spread.map((row) => {
    const out = columns.map(() => '');
    for (const c of row) {
      let best = 0;
      for (let k = 1; k < columns.length; k++) if (score(columns[k]!, c) > score(columns[best]!, c)) best = k;
      out[best] = out[best] ? `${out[best]} ${c.text}` : c.text;
    }
    return out;
  });
  // A column no row uses (a stray one from a misread cell) is dropped.
  const used = columns.map((_c, k) => grid.some((r) => r[k]));
  return grid.map((r) => r.filter((_c, k) => used[k]));
}

/** Whether body-size lines read as table rows rather than prose: most of them part into cells. */
export function looksTabular(lines: readonly Line[]): boolean {
  if (!lines.length) return false;
  const size = median(lines.map((l) => l.size));
  const rows = groupRows(lines, size).map((runs) => splitCells(runs, size));
  // Three cells or more, or a label and a number (a two-column table of results).
  const tabular = (r: Cell[]) => r.length >= 3 || (r.length === 2 && NUMBER.test(r[1]!.text));
  return rows.filter(tabular).length >= Math.ceil(rows.length / 2);
}

/** Runs of lines that share a baseline, left to right, rows top to bottom. */
function groupRows(lines: readonly Line[], size: number): TextRun[][] {
  const rows: { y: number; runs: TextRun[] }[] = [];
  for (const l of [...lines].sort((a, b) => b.y - a.y)) {
    const row = rows.find((r) => Math.abs(r.y - l.y) < 0.45 * size);
    if (row) row.runs.push(...l.runs);
    else rows.push({ y: l.y, runs: [...l.runs] });
  }
  return rows.map((r) => r.runs.sort((a, b) => a.x - b.x));
}

/** Cells of one row: runs apart by more than half an em (twice a word space) start a new cell. */
function splitCells(runs: readonly TextRun[], size: number): Cell[] {
  const cells: TextRun[][] = [];
  let end = -Infinity;
  for (const r of runs) {
    if (!cells.length || r.x - end > 0.55 * size) cells.push([r]);
    else cells[cells.length - 1]!.push(r);
    end = Math.max(end, r.x + r.w);
  }
  return cells.flatMap((c) => splitNumbers({ x0: c[0]!.x, x1: Math.max(...c.map((r) => r.x + r.w)), text: normalizeText(runsText(c)) }));
}

const NUMBER = /^[-−+±]?\d[\d.,]*%?\*?$|^[-−–]$/u;

/**
 * pdf.js joins a row of numbers set in one font into one item ("84.2 88.4 91.5"), spaces for
 * gaps: numbers standing apart in a table row are cells of their own, and so is a label before
 * them. Their x is estimated from their place in the text.
 */
function splitNumbers(c: Cell): Cell[] {
  const tokens = c.text.split(' ');
  let first = tokens.length;
  while (first > 0 && NUMBER.test(tokens[first - 1]!)) first--;
  if (tokens.length - first < 2 && !(tokens.length - first === 1 && first > 0)) return [c];
  const per = (c.x1 - c.x0) / Math.max(1, c.text.length);
  const out: Cell[] = [];
  let offset = 0;
  const label = tokens.slice(0, first).join(' ');
  if (label) {
    out.push({ x0: c.x0, x1: c.x0 + label.length * per, text: label });
    offset = label.length + 1;
  }
  for (const t of tokens.slice(first)) {
    out.push({ x0: c.x0 + offset * per, x1: c.x0 + (offset + t.length) * per, text: t });
    offset += t.length + 1;
  }
  return out;
}

function overlap(a: { x0: number; x1: number }, b: { x0: number; x1: number }): number {
  return Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
}

/** Overlap first; for cells that overlap no column, nearness of centres. */
function score(col: { x0: number; x1: number }, c: Cell): number {
  const o = overlap(col, c);
  return o > 0 ? o : -Math.abs((col.x0 + col.x1) / 2 - (c.x0 + c.x1) / 2);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? 10;
}
