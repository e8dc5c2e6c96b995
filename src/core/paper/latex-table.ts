// LaTeX tables → rows of cells, as the reader sees the grid: `tabular`-like environments,
// booktabs rules dropped, \multicolumn spread over the columns it spans (text in the first),
// \multirow text in its first row (the rows below have their own empty cells in the source).
// Cells stay LaTeX; the caller flattens them.
import { findEnvEnd, isEscaped, readArg, readOptArg, splitRows } from './latex-scan';

const TABULARS = ['tabular', 'tabular*', 'tabularx', 'tabulary', 'longtable', 'array', 'tblr', 'NiceTabular'];
/** Mandatory arguments before the column spec (the width of tabular* and tabularx). */
const WIDTH_ARGS: Record<string, number> = { 'tabular*': 1, tabularx: 1, tabulary: 1 };
const RULES =
  /\\(hline|toprule|midrule|bottomrule|cline|cmidrule|specialrule|addlinespace|arrayrulecolor|rowcolor|hhline|Xhline|morecmidrules)(?![a-zA-Z])(?:\s*\[[^\]]*\]|\s*\([^)]*\))*(?:\s*\{[^}]*\})*/g;

/**
 * The grids of every tabular-like environment in `body`, in order.
 * @returns one `string[][]` per grid: rows of LaTeX cells, each row as long as the widest.
 */
export function latexTables(body: string): string[][][] {
  const grids: string[][][] = [];
  const re = new RegExp(`\\\\begin\\s*\\{(${TABULARS.map((t) => t.replace('*', '\\*')).join('|')})\\}`, 'g');
  for (let m = re.exec(body); m; m = re.exec(body)) {
    if (isEscaped(body, m.index)) continue;
    const name = m[1]!;
    let at = m.index + m[0].length;
    const opt = readOptArg(body, at);
    if (opt) at = opt.end;
    for (let k = 0; k < (WIDTH_ARGS[name] ?? 0); k++) at = readArg(body, at)?.end ?? at;
    const spec = readArg(body, at);
    if (spec) at = spec.end;
    const end = findEnvEnd(body, name, at);
    const inner = body.slice(at, end ? end.start : body.length);
    const grid = tableGrid(inner);
    if (grid.length) grids.push(grid);
    re.lastIndex = end ? end.end : body.length;
  }
  return grids;
}

/** Rows and cells of one tabular body. */
export function tableGrid(inner: string): string[][] {
  const rows: string[][] = [];
  for (const rawRow of splitRows(inner)) {
    const row = rawRow.replace(RULES, ' ').replace(/\\(endhead|endfirsthead|endfoot|endlastfoot)(?![a-zA-Z])/g, ' ');
    if (!row.trim()) continue;
    const cells: string[] = [];
    for (const rawCell of splitCells(row)) {
      const { text, span } = unwrapCell(rawCell.trim());
      cells.push(text);
      for (let k = 1; k < span; k++) cells.push('');
    }
    if (cells.some((c) => c.trim())) rows.push(cells);
  }
  const width = Math.max(0, ...rows.map((r) => r.length));
  return rows.map((r) => [...r, ...Array<string>(width - r.length).fill('')]);
}

/** Cells at top-level `&` (not in braces, nested environments or `\&`). */
function splitCells(row: string): string[] {
  const cells: string[] = [];
  let depth = 0;
  let env = 0;
  let start = 0;
  for (let k = 0; k < row.length; k++) {
    const c = row[k];
    if (c === '\\') {
      if (row.startsWith('\\begin', k)) env++;
      else if (row.startsWith('\\end', k)) env--;
      k++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === '&' && depth === 0 && env === 0) {
      cells.push(row.slice(start, k));
      start = k + 1;
    }
  }
  cells.push(row.slice(start));
  return cells;
}

/** \multicolumn{n}{spec}{x} and \multirow{n}{w}{x}, possibly nested: the text and the columns it spans. */
function unwrapCell(cell: string): { text: string; span: number } {
  let text = cell;
  let span = 1;
  for (let guard = 0; guard < 4; guard++) {
    const mc = /^\\multicolumn\s*/.exec(text);
    const mr = /^\\multirow\s*/.exec(text);
    if (mc) {
      const n = readArg(text, mc[0].length);
      const spec = n && readArg(text, n.end);
      const body = spec && readArg(text, spec.end);
      if (!body) break;
      span = Math.max(1, Number.parseInt(n!.content, 10) || 1);
      text = (body.content + text.slice(body.end)).trim();
    } else if (mr) {
      let at = mr[0].length;
      const o = readOptArg(text, at);
      if (o) at = o.end;
      const n = readArg(text, at);
      if (!n) break;
      at = n.end;
      const o2 = readOptArg(text, at);
      if (o2) at = o2.end;
      const width = readArg(text, at);
      if (!width) break;
      at = width.end;
      const o3 = readOptArg(text, at);
      if (o3) at = o3.end;
      const body = readArg(text, at);
      if (!body) break;
      text = (body.content + text.slice(body.end)).trim();
    } else break;
  }
  return { text, span };
}
