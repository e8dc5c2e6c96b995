// Inverse search: from a point in the PDF to what stands there, and to the tags that cite it.
import type { Caption, Equation, Paper, Passage, Rect, Section } from '../paper/model';
import type { AuditTag } from './audit';

export interface PaperLocation {
  page: number;
  /** The innermost section the point stands in (by reading order); undefined before the first heading. */
  section?: Section;
  equation?: Equation;
  caption?: Caption;
  passage?: Passage;
}

const SLACK = 3; // PDF units: a click on the margin of a line still counts.

function inside(rects: readonly Rect[], x: number, y: number): boolean {
  return rects.some((r) => x >= r.x - SLACK && x <= r.x + r.width + SLACK && y >= r.y - SLACK && y <= r.y + r.height + SLACK);
}

/** What is at (x, y) on `page` (PDF user space). */
export function locateAt(paper: Paper, page: number, x: number, y: number): PaperLocation {
  const equation = paper.equations.find((e) => e.page === page && inside(e.rects, x, y));
  const caption = [...paper.figures, ...paper.tables, ...paper.algorithms].find((c) => c.page === page && inside(c.rects, x, y));
  const passage = paper.passages.find((p) => p.anchors.some((a) => a.page === page && inside(a.rects, x, y)));
  const byId = new Map(paper.sections.map((s) => [s.id, s]));
  let section = passage ? byId.get(passage.sectionId) : undefined;
  if (!section) section = paper.sections.find((s) => s.page === page && inside(s.rects, x, y));
  if (!section && equation?.section) section = paper.sections.find((s) => s.number === equation.section);
  if (!section && caption?.section) section = paper.sections.find((s) => s.number === caption.section);
  if (!section) section = sectionBefore(paper, page, y);
  return {
    page,
    ...(section ? { section } : {}),
    ...(equation ? { equation } : {}),
    ...(caption ? { caption } : {}),
    ...(passage ? { passage } : {}),
  };
}

/** The last heading at or above the point in reading order (headings are listed in that order). */
function sectionBefore(paper: Paper, page: number, y: number): Section | undefined {
  let found: Section | undefined;
  for (const s of paper.sections) {
    if (s.page === 0 || s.page > page) break;
    const top = s.rects[0] ? s.rects[0].y : Infinity;
    if (s.page < page || top >= y) found = s;
  }
  return found;
}

/** How well a tag cites the location: 3 the equation or caption itself, 2 its section, 1 an enclosing section, 0 not at all. */
export function citationScore(tag: Pick<AuditTag, 'refs'>, where: PaperLocation): number {
  let best = 0;
  for (const ref of tag.refs) {
    if (!ref.resolved) continue;
    if (ref.kind === 'equation' && where.equation?.number === ref.number) best = Math.max(best, 3);
    else if (where.caption && ref.kind === where.caption.kind && ref.number === where.caption.number) best = Math.max(best, 3);
    else if (ref.kind === 'section' && where.section?.number) {
      if (ref.number === where.section.number) best = Math.max(best, 2);
      else if (where.section.number.startsWith(ref.number + '.')) best = Math.max(best, 1);
    }
  }
  return best;
}

/**
 * How well a tag's quote matches the words the user clicked or selected: 2 when one contains
 * the other, 1 when they share a run of three words, 0 otherwise (or without a quote).
 */
export function quoteScore(tag: Pick<AuditTag, 'quote'>, clicked: string): number {
  const words = (s: string) =>
    s
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const q = words(tag.quote ?? '');
  const c = words(clicked);
  if (!q.length || !c.length) return 0;
  const qs = ` ${q.join(' ')} `;
  const cs = ` ${c.join(' ')} `;
  if (qs.includes(cs) || cs.includes(qs)) return 2;
  for (let i = 0; i + 3 <= c.length; i++) if (qs.includes(` ${c.slice(i, i + 3).join(' ')} `)) return 1;
  return 0;
}

/**
 * Tags ranked for a click: what they cite there first (the equation or caption itself, then its
 * section), then, among equals, the ones whose quote matches the words under the pointer.
 * @returns the tags that cite the location at all, best first (stable for equal scores).
 */
export function rankForClick<T extends Pick<AuditTag, 'refs' | 'quote'>>(
  tags: readonly T[],
  where: PaperLocation,
  clicked: string,
): { tag: T; score: number }[] {
  return tags
    .map((tag) => ({ tag, cite: citationScore(tag, where), words: quoteScore(tag, clicked) }))
    .filter((t) => t.cite > 0)
    .map((t) => ({ tag: t.tag, score: t.cite * 10 + t.words }))
    .sort((a, b) => b.score - a.score);
}

/** "§3.2 Multi-Head Attention", "Eq. 4 (§3.2)": how the location is named to the user. */
export function describeLocation(where: PaperLocation): string {
  const sec = where.section ? `§${where.section.number ? where.section.number + ' ' : ''}${where.section.title}` : `page ${where.page}`;
  if (where.equation) return `Eq. ${where.equation.number} (${sec})`;
  if (where.caption)
    return `${where.caption.kind === 'figure' ? 'Fig.' : where.caption.kind === 'table' ? 'Table' : 'Alg.'} ${where.caption.number} (${sec})`;
  return sec;
}

/**
 * What an in-paper link lands on, for its hover preview: the caption, equation or passage whose
 * top stands at the destination (`y`, the top of the view a PDF link asks for; absent: the page's
 * first passage), in the column of `x` when given.
 * @returns the label ("Reference", "Figure 3", "Eq. 2", "§4.1") and the text (at most 600 characters), or undefined.
 */
export function linkTargetAt(paper: Paper, page: number, x?: number, y?: number): { label: string; text: string } | undefined {
  type Candidate = { top: number; left: number; right: number; label: () => string; text: string };
  const candidates: Candidate[] = [];
  const add = (rects: readonly Rect[], label: () => string, text: string) => {
    if (!rects.length || !text.trim()) return;
    candidates.push({
      top: Math.max(...rects.map((r) => r.y + r.height)),
      left: Math.min(...rects.map((r) => r.x)),
      right: Math.max(...rects.map((r) => r.x + r.width)),
      label,
      text,
    });
  };
  const kindName = { figure: 'Figure', table: 'Table', algorithm: 'Algorithm' } as const;
  for (const c of [...paper.figures, ...paper.tables, ...paper.algorithms])
    if (c.page === page) add(c.rects, () => `${kindName[c.kind]} ${c.number}`, c.text);
  for (const e of paper.equations) if (e.page === page) add(e.rects, () => `Eq. ${e.number}`, e.text);
  const byId = new Map(paper.sections.map((s) => [s.id, s]));
  for (const p of paper.passages) {
    const rects = p.anchors.filter((a) => a.page === page).flatMap((a) => a.rects);
    const section = byId.get(p.sectionId);
    const isReference = !!section && /^(references|bibliography)$/i.test(section.title.trim());
    add(rects, () => (isReference ? 'Reference' : section?.number ? `§${section.number}` : (section?.title ?? `page ${page}`)), p.text);
  }
  const inColumn = (c: Candidate) => x === undefined || (x >= c.left - 12 && x <= c.right + 12);
  const pool = candidates.filter(inColumn);
  // The highest one whose top is at or just under the destination; a link's top sits a little above the text.
  const below = y === undefined ? pool : pool.filter((c) => c.top <= y + 4);
  const best = below.sort((a, b) => b.top - a.top)[0];
  if (!best) return undefined;
  const text = best.text.replace(/\s+/g, ' ').trim();
  return { label: best.label(), text: text.length > 600 ? `${text.slice(0, 599)}…` : text };
}
