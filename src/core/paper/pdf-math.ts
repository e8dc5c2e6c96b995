// A display equation rebuilt from its glyph layout as LaTeX-like text: what pdf.js returns
// for math is its glyphs in drawing order ("QK⊤ Attention(Q, K, V ) = softmax √ V dk"); the
// positions say the rest. Sub- and superscripts come from baseline shift and size, fractions
// from a numerator and a denominator stacked on either side of the main row, radicals take
// what follows them in their group, and a big operator drawn from Computer Modern's extension
// font (which pdf.js reads as "X", "P", "Z") becomes ∑, ∏ or ∫ with its limits.
import type { TextRun } from './pdf-text';

/** One piece of a row: text at an x, with what hangs on it. */
interface Item {
  x: number;
  x1: number;
  text: string;
  sub: string[];
  sup: string[];
}

interface Band {
  y: number;
  runs: TextRun[];
}

const BIG_OPERATORS: Record<string, string> = { X: '∑', P: '∑', Y: '∏', Q: '∏', Z: '∫', R: '∫', S: '∮', '[': '⋃', '\\': '⋂' };
/** Big delimiters of the extension font, which pdf.js reads as control characters. */
const BIG_DELIMITERS: Record<string, string> = {
  '\u0000': '(',
  '\u0001': ')',
  '\u0002': '[',
  '\u0003': ']',
  '\u0008': '{',
  '\u0009': '}',
  '\u0010': '(',
  '\u0011': ')',
  '\u0012': '(',
  '\u0013': ')',
  '\u0014': '[',
  '\u0015': ']',
  '\u001a': '{',
  '\u001b': '}',
};
const BIG_OPERATOR_SET = new Set(Object.values(BIG_OPERATORS));
/** Spacing accents drawn over a letter, as combining marks. */
const ACCENTS: Record<string, string> = {
  ˆ: '\u0302',
  '˜': '\u0303',
  '¯': '\u0304',
  '˙': '\u0307',
  '¨': '\u0308',
  ˇ: '\u030C',
  '´': '\u0301',
  '`': '\u0300',
  '⃗': '\u20D7',
};

/**
 * The display's text with `_{…}`, `^{…}`, `\frac{…}{…}` and `\sqrt{…}`, rows joined by ` \\ `.
 * @param rows the runs of each line of the display, top to bottom (PDF user space, y up).
 * @returns "" when there is nothing to read.
 */
export function linearizeDisplay(rows: readonly (readonly TextRun[])[]): string {
  const all = rows.flat().filter((r) => r.text.trim());
  if (!all.length) return '';
  // Big delimiters and operators sit on baselines of their own: they join a row by x alone.
  // Extension-font operators are wider than tall letters of the same name (X for ∑ is 1.4 em wide).
  const bigGlyph = (r: TextRun) => r.text in BIG_DELIMITERS || (r.text.length === 1 && r.text in BIG_OPERATORS && r.w > 1.2 * r.size);
  const bracketsOnly = (r: TextRun) => /^[(){}[\]|‖⟨⟩⌈⌉⌊⌋]+$/u.test(r.text);
  const runs = all.filter((r) => !bigGlyph(r) && !bracketsOnly(r));
  if (!runs.length) return '';
  const size = mainSize(runs);
  const normal = runs.filter((r) => r.size >= 0.85 * size);
  const small = runs.filter((r) => r.size < 0.85 * size);
  const bands = clusterBands(normal, size);
  // A bracket on a row's baseline is part of that row; one drawn larger, off every baseline, floats.
  const floatingRuns: TextRun[] = all.filter(bigGlyph);
  for (const r of all.filter(bracketsOnly)) {
    const on = bands.find((b) => Math.abs(b.y - r.y) < 0.3 * size);
    if (on && r.size < 1.15 * size) on.runs.push(r);
    else floatingRuns.push(r);
  }
  const used = new Set<Band>();
  const mains: Band[] = [];
  // Fractions: a band stacked over another, both within the span of a band between them.
  const fractions = new Map<Band, { at: number; x1: number; text: string }[]>();
  for (let k = 0; k < bands.length; k++) {
    const num = bands[k]!;
    if (used.has(num)) continue;
    const mid = bands.slice(k + 1).find((b) => b.y < num.y && num.y - b.y < 1.3 * size && spans(b, num));
    const den =
      mid &&
      bands
        .slice(k + 1)
        .find((b) => b !== mid && b.y < mid.y && mid.y - b.y < 1.3 * size && overlap(num, b) > 0.3 * Math.min(width(num), width(b)));
    if (!mid || !den || used.has(den)) continue;
    used.add(num);
    used.add(den);
    const at = Math.min(left(num), left(den));
    // A radical sign is drawn from above its radicand's baseline: it belongs to the denominator.
    for (const r of mid.runs.filter((x) => x.text === '√' && x.x >= at - 2 && x.x < right(den))) {
      mid.runs.splice(mid.runs.indexOf(r), 1);
      den.runs.unshift({ ...r, y: den.runs[0]!.y });
    }
    const list = fractions.get(mid) ?? [];
    list.push({
      at,
      x1: Math.max(right(num), right(den)),
      text: `\\frac{${group(num.runs, small, size)}}{${group(den.runs, small, size)}}`,
    });
    fractions.set(mid, list);
  }
  for (const b of bands) if (!used.has(b)) mains.push(b);
  for (const r of floatingRuns) {
    const host = [...mains].sort((a, b) => Math.abs(a.y - r.y) - Math.abs(b.y - r.y))[0];
    host?.runs.push({ ...r, text: BIG_DELIMITERS[r.text] ?? r.text, y: host.y });
  }
  const out = mains.map((b) => {
    const extra = fractions.get(b) ?? [];
    // Small runs belong to the main band whose baseline is nearest.
    const mine = small.filter(
      (r) => nearestBand(r, mains) === b && !extra.some((f) => r.x >= f.at - 1 && r.x <= f.x1 + 1 && Math.abs(r.y - b.y) > 0.5 * size),
    );
    return composeRow(b, mine, extra, size);
  });
  return out.filter(Boolean).join(' \\\\ ');
}

/** The size of most of the ink: characters weighted, the largest on a tie. */
function mainSize(runs: readonly TextRun[]): number {
  const count = new Map<number, number>();
  for (const r of runs) count.set(Math.round(r.size * 10) / 10, (count.get(Math.round(r.size * 10) / 10) ?? 0) + r.text.length);
  return [...count].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];
}

function clusterBands(runs: readonly TextRun[], size: number): Band[] {
  const bands: Band[] = [];
  for (const r of [...runs].sort((a, b) => b.y - a.y)) {
    const b = bands.find((x) => Math.abs(x.y - r.y) < 0.3 * size);
    if (b) b.runs.push(r);
    else bands.push({ y: r.y, runs: [r] });
  }
  return bands.sort((a, b) => b.y - a.y);
}

const left = (b: Band) => Math.min(...b.runs.map((r) => r.x));
const right = (b: Band) => Math.max(...b.runs.map((r) => r.x + r.w));
const width = (b: Band) => right(b) - left(b);
const overlap = (a: Band, b: Band) => Math.min(right(a), right(b)) - Math.max(left(a), left(b));
/** `outer` reaches beyond `inner` on at least one side: it is the row the fraction sits in. */
const spans = (outer: Band, inner: Band) => left(outer) < left(inner) - 1 || right(outer) > right(inner) + 1;

function nearestBand(r: TextRun, bands: readonly Band[]): Band | undefined {
  let best: Band | undefined;
  for (const b of bands) if (!best || Math.abs(b.y - r.y) < Math.abs(best.y - r.y)) best = b;
  return best;
}

/** A numerator's or denominator's runs (and the small runs on them) as text. */
function group(runs: readonly TextRun[], small: readonly TextRun[], size: number): string {
  const y = runs[0]!.y;
  const x0 = Math.min(...runs.map((r) => r.x)) - 1;
  const x1 = Math.max(...runs.map((r) => r.x + r.w)) + size;
  const mine = small.filter((r) => r.x >= x0 && r.x <= x1 && Math.abs(r.y - y) < 0.6 * size);
  return composeRow({ y, runs: [...runs] }, mine, [], size);
}

/** One row: its runs in x order, scripts hung on the item before them, fractions slotted in. */
function composeRow(
  band: Band,
  small: readonly TextRun[],
  fractions: readonly { at: number; x1: number; text: string }[],
  size: number,
): string {
  const items: Item[] = [];
  const pieces = [
    ...band.runs.map((r) => ({ x: r.x, x1: r.x + r.w, text: r.text, run: r as TextRun | undefined })),
    ...fractions.map((f) => ({ x: f.at, x1: f.x1, text: f.text, run: undefined })),
  ].sort((a, b) => a.x - b.x);
  for (const p of pieces) items.push({ x: p.x, x1: p.x1, text: p.text, sub: [], sup: [] });
  // An accent over a letter ("y" then "ˆ" at about the same x) is one character: ŷ.
  for (const acc of items.filter((it) => it.text in ACCENTS)) {
    const base = items
      .filter((it) => it !== acc && /^\p{L}$/u.test(it.text))
      .sort((a, b) => Math.abs(a.x - acc.x) - Math.abs(b.x - acc.x))[0];
    if (!base || Math.abs(base.x - acc.x) > 0.5 * size) continue;
    base.text = (base.text + ACCENTS[acc.text]!).normalize('NFC');
    items.splice(items.indexOf(acc), 1);
  }
  // Big operators: an extension-font glyph with its limits above and below.
  for (const it of items) {
    const op = BIG_OPERATORS[it.text];
    if (!op) continue;
    const limits = small.filter((r) => r.x + r.w > it.x - 0.5 * size && r.x < it.x1 + 0.5 * size && Math.abs(r.y - band.y) > 0.5 * size);
    if (!limits.length) continue;
    it.text = op;
    for (const r of limits.sort((a, b) => a.x - b.x)) (r.y > band.y ? it.sup : it.sub).push(r.text);
  }
  const placed = new Set<TextRun>();
  for (const it of items)
    if (it.sub.length || it.sup.length)
      for (const r of small)
        if (r.x + r.w > it.x - 0.5 * size && r.x < it.x1 + 0.5 * size && Math.abs(r.y - band.y) > 0.5 * size) placed.add(r);
  for (const r of [...small].sort((a, b) => a.x - b.x)) {
    if (placed.has(r)) continue;
    const host = [...items].reverse().find((it) => it.x <= r.x + 0.5);
    const up = r.y > band.y + 0.12 * size;
    const down = r.y < band.y - 0.08 * size;
    if (!host || (!up && !down)) {
      items.push({ x: r.x, x1: r.x + r.w, text: r.text, sub: [], sup: [] });
      items.sort((a, b) => a.x - b.x);
      continue;
    }
    // A script starts where its host ends; a run that starts further on is a new item.
    (up ? host.sup : host.sub).push(r.text);
  }
  let s = '';
  let prevEnd = -Infinity;
  for (let k = 0; k < items.length; k++) {
    const it = items[k]!;
    const gap = it.x - prevEnd;
    const afterScripts = k > 0 && (items[k - 1]!.sub.length || items[k - 1]!.sup.length) && BIG_OPERATOR_SET.has(items[k - 1]!.text);
    if (s && (gap > 0.2 * size || afterScripts) && !/[([{]$/.test(s) && !/^[)\]},.;:]/.test(it.text)) s += ' ';
    s += it.text;
    if (it.sub.length) s += script('_', it.sub.join(''));
    if (it.sup.length) s += script('^', it.sup.join(''));
    prevEnd = it.x1;
  }
  return radicals(s).replace(/\s+/g, ' ').trim();
}

function script(mark: '_' | '^', text: string): string {
  const t = text.replace(/\s+/g, '');
  return [...t].length === 1 ? `${mark}${t}` : `${mark}{${t}}`;
}

/** "√ d_k" → "\sqrt{d_k}": a radical takes the word (and its scripts) that follows it. */
function radicals(s: string): string {
  return s.replace(/√\s*([^\s=+−\-·×/,;)]+)/gu, (_all, body: string) => `\\sqrt{${body}}`);
}
