// Source + PDF → one Paper: structure, numbering and LaTeX from the source (it is exact),
// pages and rectangles from the PDF (only it knows where things landed), the PDF's passages.
import type { Caption, Equation, Paper, Passage, Section } from './model';

export interface MergeInfo {
  location: string;
  arxivId: string;
}

export function mergeSourceWithPdf(source: Paper, pdf: Paper, info: MergeInfo): Paper {
  const numbering: string[] = [];
  const { sections, idMap } = mergeSections(source.sections, pdf.sections, numbering);
  const equations = mergeNumbered(source.equations, pdf.equations);
  const figures = mergeNumbered(source.figures, pdf.figures);
  const tables = mergeNumbered(source.tables, pdf.tables);
  const algorithms = mergeNumbered(source.algorithms, pdf.algorithms);
  // What the PDF reader did not recognise as a heading, equation or caption may still be in its
  // text: put it on the page where that text stands (no rectangles: the exact box is unknown).
  placeByText(sections, pdf.passages, (s) => headingProbe(s));
  placeByText(equations, pdf.passages, (e) => equationProbe(e.number));
  for (const list of [figures, tables, algorithms]) placeByText(list, pdf.passages, (c) => captionProbe(c));
  // A subequations group prints no number of its own: it stands where its first part does.
  for (const g of equations) {
    if (g.page) continue;
    const first = equations.find(
      (e) => e.page && e.number.length === g.number.length + 1 && e.number.startsWith(g.number) && /[a-z]$/.test(e.number),
    );
    if (first) Object.assign(g, { page: first.page, rects: first.rects });
  }
  // The PDF's passages carry positions; without any (a PDF with no text layer) the source's stand in.
  const passages = pdf.passages.length
    ? pdf.passages.map((p) => ({ ...p, sectionId: idMap.get(p.sectionId) ?? p.sectionId }))
    : source.passages;
  // The Markdown reads the source: its equations, tables and algorithms as written.
  const sourcePassages = pdf.passages.length ? source.passages : undefined;
  const warnings = [...pdf.warnings, ...source.warnings, ...numbering];
  const missing = (label: string, items: { number: string; page: number }[], shown: (x: { number: string }) => string) => {
    const lost = items.filter((x) => x.page === 0);
    if (lost.length) {
      const list = lost.slice(0, 6).map(shown).join(', ') + (lost.length > 6 ? ', …' : '');
      warnings.push(`${lost.length} of ${items.length} ${label} from the LaTeX source not found in the PDF, so without a page: ${list}`);
    }
  };
  missing('sections', sections, (s) => (s as Section).number || `"${(s as Section).title}"`);
  missing('equations', equations, (e) => `(${e.number})`);
  missing('captions', [...figures, ...tables, ...algorithms], (c) => `${(c as Caption).kind} ${c.number}`);
  return {
    ...pdf,
    id: `arxiv:${info.arxivId}`,
    source: { kind: 'arxiv', location: info.location, arxivId: info.arxivId, sha256: pdf.source.sha256 },
    title: source.title || pdf.title,
    authors: source.authors.length ? source.authors : pdf.authors,
    abstract: source.abstract || pdf.abstract,
    sections,
    equations,
    figures,
    tables,
    algorithms,
    passages,
    ...(sourcePassages ? { sourcePassages } : {}),
    warnings,
  };
}

/** Letters and digits only, lower case: what survives ligatures, small caps and line breaks alike. */
export function normTitle(t: string): string {
  return t
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

function titlesMatch(a: string, b: string): boolean {
  const x = normTitle(a);
  const y = normTitle(b);
  if (!x || !y) return false;
  if (x === y || x.startsWith(y) || y.startsWith(x)) return Math.min(x.length, y.length) >= Math.min(4, Math.max(x.length, y.length));
  // A title the PDF broke oddly still shares most of its words' letters.
  return similarity(x, y) >= 0.8;
}

function similarity(a: string, b: string): number {
  const grams = (s: string) => {
    const g = new Map<string, number>();
    for (let k = 0; k < s.length - 2; k++) g.set(s.slice(k, k + 3), (g.get(s.slice(k, k + 3)) ?? 0) + 1);
    return g;
  };
  const ga = grams(a);
  const gb = grams(b);
  let common = 0;
  for (const [g, n] of ga) common += Math.min(n, gb.get(g) ?? 0);
  const total = Math.max(1, Math.max(a.length, b.length) - 2);
  return common / total;
}

function mergeSections(src: Section[], pdf: Section[], warnings: string[]): { sections: Section[]; idMap: Map<string, string> } {
  const used = new Set<number>();
  const matchOf = new Map<number, string>();
  const take = (pred: (p: Section) => boolean): number => {
    for (let k = 0; k < pdf.length; k++) if (!used.has(k) && pred(pdf[k]!)) return k;
    return -1;
  };
  const sections = src.map((s) => {
    let k = -1;
    if (s.number) {
      k = take((p) => p.number === s.number && titlesMatch(p.title, s.title));
      // A numbered heading whose title the PDF garbled still has its number; trust it when no other title fits.
      if (k < 0) k = take((p) => p.number === s.number && !src.some((o) => o !== s && titlesMatch(p.title, o.title)));
    } else {
      k = take((p) => !p.number && titlesMatch(p.title, s.title));
    }
    // Numbered differently but the same title, once: the page is still right; say that the numbers disagree.
    if (k < 0 && s.number) {
      const same = pdf.map((_p, j) => j).filter((j) => !used.has(j) && pdf[j]!.number && titlesMatch(pdf[j]!.title, s.title));
      if (same.length === 1) {
        k = same[0]!;
        warnings.push(`section "${s.title}": the LaTeX source numbers it ${s.number}, the PDF shows ${pdf[k]!.number}`);
      }
    }
    if (k < 0) return s;
    used.add(k);
    matchOf.set(k, s.id);
    const p = pdf[k]!;
    return { ...s, page: p.page, rects: p.rects };
  });
  // PDF section ids → merged ids; an unmatched PDF heading maps to the matched one before it.
  const idMap = new Map<string, string>();
  let last = '';
  pdf.forEach((p, k) => {
    const m = matchOf.get(k);
    if (m) last = m;
    idMap.set(p.id, m ?? last);
  });
  return { sections, idMap };
}

/** "(4)" and "4" alike; TeX prints a math * as ∗ (U+2217). */
function normNumber(n: string): string {
  return n
    .replace(/[\s()]/g, '')
    .replace(/∗/g, '*')
    .toLowerCase();
}

function mergeNumbered<T extends Equation | Caption>(src: T[], pdf: T[]): T[] {
  const byNumber = new Map<string, T[]>();
  for (const p of pdf) {
    const key = normNumber(p.number);
    byNumber.set(key, [...(byNumber.get(key) ?? []), p]);
  }
  return src.map((s) => {
    const p = byNumber.get(normNumber(s.number))?.shift();
    return p ? { ...s, page: p.page, rects: p.rects } : s;
  });
}

type Probe = (p: Passage) => boolean;

/**
 * Gives items still without a page the page of the first passage the probe accepts, searching only
 * between the pages of their placed neighbours so a mention elsewhere cannot pull them away.
 */
function placeByText<T extends { page: number }>(items: T[], passages: Passage[], probe: (item: T) => Probe | undefined): void {
  for (let k = 0; k < items.length; k++) {
    const item = items[k]!;
    if (item.page > 0) continue;
    const accept = probe(item);
    if (!accept) continue;
    let lo = 1;
    for (let j = k - 1; j >= 0; j--)
      if (items[j]!.page > 0) {
        lo = items[j]!.page;
        break;
      }
    let hi = Infinity;
    for (let j = k + 1; j < items.length; j++)
      if (items[j]!.page > 0) {
        hi = items[j]!.page;
        break;
      }
    const hit = passages.find((p) => p.page >= lo && p.page <= hi && accept(p));
    if (hit) items[k] = { ...item, page: hit.page, rects: [] };
  }
}

function headingProbe(s: Section): Probe | undefined {
  const want = normTitle(`${s.number} ${s.title}`);
  if (want.length < 4) return undefined;
  return (p) => (p.kind === 'heading' || p.kind === 'paragraph') && normTitle(p.text).startsWith(want);
}

function equationProbe(number: string): Probe | undefined {
  if (!number) return undefined;
  const tag = `(${number.replace(/∗/g, '*')})`;
  // Its number closes the display (possibly followed by the next rows' numbers), not a mention "Eq. (4)" in prose.
  return (p) => {
    const t = p.text.replace(/\s+/g, ' ').replace(/∗/g, '*').trim();
    const at = t.lastIndexOf(tag);
    if (at < 0) return false;
    return p.kind === 'equation' || /^(\s*\([^()]{1,12}\))*$/.test(t.slice(at + tag.length));
  };
}

function captionProbe(c: Caption): Probe {
  const name = c.kind === 'figure' ? 'Figure' : c.kind === 'table' ? 'Table' : 'Algorithm';
  const want = normTitle(`${name} ${c.number}`);
  return (p) =>
    (p.kind === 'caption' || p.kind === 'paragraph') &&
    normTitle(p.text).startsWith(want) &&
    !/^\d/.test(normTitle(p.text).slice(want.length));
}
