// Resolution: a tag's references → the passages of the paper they name, and the checks
// that make a tag broken (a reference to nothing, an equation outside the cited section,
// a quote the cited passage does not contain).
//
// Every lookup goes through a per-paper index built once (maps by number, normalised
// passage text built lazily), so resolving one tag for a hover costs microseconds.
import type { Anchor, Caption, Equation, Paper, Passage, Section } from '../paper/model';
import type { ParsedTag, RefKind } from './grammar';
import { refLabel } from './grammar';
import type { Normalized } from './match';
import { findPhrase, findWithOtherNumbers, normalizeForMatch } from './match';

/** What a reference is: the parts of a TagRef that resolution reads. */
export interface RefQuery {
  kind: RefKind;
  number: string;
}

export interface ResolvedRef {
  resolved: true;
  kind: RefKind;
  /** As cited ("3.2", "4"). */
  number: string;
  /** "§3.2", "Eq. 4", "Table 1". */
  label: string;
  /** Section: its title ("Multi-Head Attention"); equation: "Equation 4"; caption: its first sentence. */
  title: string;
  /** Section: "3.2 Multi-Head Attention"; otherwise the label and title. */
  heading: string;
  page: number;
  /**
   * Section: its heading and the text of its passages (subsections included);
   * equation: the equation as extracted; table, figure, algorithm: the caption.
   */
  text: string;
  /** The section a equation or caption stands in ("3.2"); a section's own number. */
  section: string;
  sectionTitle?: string;
  /** Where to highlight in the PDF: the heading and passages, or the equation or caption. */
  anchors: Anchor[];
  /** Id in the Paper model (section, equation or caption id). */
  id: string;
}

export interface BrokenRef {
  resolved: false;
  kind: RefKind;
  number: string;
  label: string;
  reason: string;
  suggestions: Suggestion[];
}

export type RefResolution = ResolvedRef | BrokenRef;

/** A real section / equation / table to offer instead of a broken reference (quick fix). */
export interface Suggestion {
  /** Which reference of the tag to change (index into tag.refs). */
  refIndex: number;
  kind: RefKind;
  number: string;
  /** "§3.2.2 Multi-Head Attention", "Eq. 2". */
  label: string;
  /** Why this one: "closest section number", "the equation is in §3.1", "the quote is in §3.3". */
  why: string;
}

export interface QuoteResolution {
  found: boolean;
  /** Where it was found (found) or where the same words stand with other numbers / elsewhere (not found). */
  passageId?: string;
  /** Label of the reference whose passage holds the quote ("§3.2"); "" when found outside the cited refs. */
  in?: string;
  page?: number;
  anchors?: Anchor[];
  /** Offsets of the match in `passageText`, for highlighting. */
  start?: number;
  end?: number;
  passageText?: string;
}

export interface TagResolution {
  tag: ParsedTag;
  /** True when every reference exists, equations stand in the cited sections and the quote is there. */
  resolved: boolean;
  refs: RefResolution[];
  quote?: QuoteResolution;
  /** Why the tag is broken; empty when resolved. */
  reasons: string[];
  /** The reasons joined with "; " (absent when resolved). */
  reason?: string;
  suggestions: Suggestion[];
  /** The tag's paper key names no paper of the repository (family.ts): the keys there are, for a quick fix. */
  unknownPaper?: { key: string; known: string[]; closest?: string };
}

interface Haystack {
  passageId: string;
  page: number;
  anchors: Anchor[];
  text: string;
  norm?: Normalized;
  /** Section number the text stands in (for "it is in §3.3"). */
  section: string;
  /** A caption's own reference ("it is in Fig. 7"), when the text is a caption. */
  ref?: { kind: RefKind; number: string };
}

export interface PaperIndex {
  paper: Paper;
  sectionsByNumber: Map<string, Section>;
  sectionsById: Map<string, Section>;
  equations: Map<string, Equation>;
  captions: Record<'table' | 'figure' | 'algorithm', Map<string, Caption>>;
  /** Passages by the id of the section they stand in. */
  passagesBySection: Map<string, Passage[]>;
  sectionText: Map<string, { text: string; anchors: Anchor[]; hay: Haystack[] }>;
  allHay?: Haystack[];
}

const indexes = new WeakMap<Paper, PaperIndex>();

/** The per-paper index; built on first use and kept as long as the Paper object lives. */
export function indexPaper(paper: Paper): PaperIndex {
  const cached = indexes.get(paper);
  if (cached) return cached;
  const index: PaperIndex = {
    paper,
    sectionsByNumber: new Map(),
    sectionsById: new Map(),
    equations: new Map(),
    captions: { table: new Map(), figure: new Map(), algorithm: new Map() },
    passagesBySection: new Map(),
    sectionText: new Map(),
  };
  for (const s of paper.sections) {
    index.sectionsById.set(s.id, s);
    // The first section with a number wins: a later duplicate is a parser slip, not a second §3.
    if (s.number && !index.sectionsByNumber.has(s.number)) index.sectionsByNumber.set(s.number, s);
  }
  for (const e of paper.equations) if (!index.equations.has(e.number)) index.equations.set(e.number, e);
  for (const [kind, list] of [
    ['table', paper.tables],
    ['figure', paper.figures],
    ['algorithm', paper.algorithms],
  ] as const) {
    for (const c of list) if (!index.captions[kind].has(c.number)) index.captions[kind].set(c.number, c);
  }
  for (const p of paper.passages) {
    const list = index.passagesBySection.get(p.sectionId);
    if (list) list.push(p);
    else index.passagesBySection.set(p.sectionId, [p]);
  }
  indexes.set(paper, index);
  return index;
}

/** One reference → the passage it names, or why it names nothing. */
export function resolveRef(paper: Paper, ref: RefQuery, refIndex = 0): RefResolution {
  const index = indexPaper(paper);
  const label = refLabel(ref);
  switch (ref.kind) {
    case 'section': {
      const s = index.sectionsByNumber.get(ref.number);
      if (!s) return broken(ref, label, `no ${label} in the paper (${sectionsNear(index, ref.number)})`, nearest(paper, ref, refIndex));
      const body = sectionBody(index, s);
      return {
        resolved: true,
        kind: 'section',
        number: ref.number,
        label,
        title: s.title,
        heading: `${s.number} ${s.title}`,
        page: s.page,
        text: body.text,
        section: s.number,
        anchors: body.anchors,
        id: s.id,
      };
    }
    case 'equation': {
      const e = index.equations.get(ref.number);
      if (!e)
        return broken(
          ref,
          label,
          `no ${label} in the paper (${itemsNear('equation', [...index.equations.keys()])})`,
          nearest(paper, ref, refIndex),
        );
      const sec = e.section ? index.sectionsByNumber.get(e.section) : undefined;
      return {
        resolved: true,
        kind: 'equation',
        number: ref.number,
        label,
        title: `Equation ${e.number}`,
        heading: sec ? `Equation (${e.number}) in §${sec.number} ${sec.title}` : `Equation (${e.number})`,
        page: e.page,
        text: e.text,
        section: e.section,
        ...(sec ? { sectionTitle: sec.title } : {}),
        anchors: [{ page: e.page, rects: e.rects }],
        id: e.id,
      };
    }
    default: {
      const map = index.captions[ref.kind];
      // "Figure 2b" is a panel of Figure 2.
      const c = map.get(ref.number) ?? map.get(ref.number.replace(/(?<=\d)[a-z]$/, ''));
      if (!c)
        return broken(ref, label, `no ${label} in the paper (${itemsNear(ref.kind, [...map.keys()])})`, nearest(paper, ref, refIndex));
      const sec = c.section ? index.sectionsByNumber.get(c.section) : undefined;
      return {
        resolved: true,
        kind: ref.kind,
        number: ref.number,
        label,
        title: captionTitle(c),
        heading: `${KIND_NAME[ref.kind]} ${c.number}: ${captionTitle(c)}`,
        page: c.page,
        text: c.text,
        section: c.section,
        ...(sec ? { sectionTitle: sec.title } : {}),
        anchors: [{ page: c.page, rects: c.rects }],
        id: c.id,
      };
    }
  }
}

/** A whole tag: each reference, the equation-in-section check, the quote. */
export function resolveTag(paper: Paper, tag: ParsedTag): TagResolution {
  const index = indexPaper(paper);
  const refs = tag.refs.map((r, i) => resolveRef(paper, r, i));
  const reasons: string[] = [];
  const suggestions: Suggestion[] = [];
  for (const r of refs) {
    if (!r.resolved) {
      reasons.push(r.reason);
      suggestions.push(...r.suggestions);
    }
  }

  // An equation cited with a section must stand in it (or in one of its subsections).
  const sectionRefs = tag.refs.map((r, i) => ({ r, i })).filter(({ r, i }) => r.kind === 'section' && refs[i]!.resolved);
  if (sectionRefs.length) {
    refs.forEach((res, i) => {
      if (!res.resolved || res.kind !== 'equation' || !res.section) return;
      if (sectionRefs.some(({ r }) => within(res.section, r.number))) return;
      // "§2.5 (Equation 1)": a section whose text uses the equation ("… pooled output (Equation 1)") may cite it.
      if (
        sectionRefs.some(({ r }) =>
          mentionsEquation(
            index.sectionsByNumber.has(r.number) ? sectionBody(index, index.sectionsByNumber.get(r.number)!).text : '',
            res.number,
          ),
        )
      )
        return;
      const cited = sectionRefs.map(({ r }) => refLabel(r)).join(' or ');
      reasons.push(`${res.label} is in §${res.section}, not ${cited}`);
      const sec = index.sectionsByNumber.get(res.section);
      suggestions.push({
        refIndex: sectionRefs[0]!.i,
        kind: 'section',
        number: res.section,
        label: sec ? `§${sec.number} ${sec.title}` : `§${res.section}`,
        why: `${res.label} is in §${res.section}`,
      });
      const inCited = [...index.equations.values()].filter((e) => sectionRefs.some(({ r }) => within(e.section, r.number)));
      for (const e of inCited.slice(0, 3)) {
        suggestions.push({ refIndex: i, kind: 'equation', number: e.number, label: `Eq. ${e.number}`, why: `in ${cited}` });
      }
    });
  }

  let quote: QuoteResolution | undefined;
  if (tag.quote !== undefined) {
    quote = checkQuote(index, tag, refs);
    if (!quote.found) {
      const where = tag.refs.length ? tag.refs.map(refLabel).join(', ') : 'the paper';
      const elsewhere = quote.in;
      let reason = `the quote "${tag.quote}" is not in ${where}`;
      if (elsewhere && tag.refs.length) {
        reason += ` (it is in ${elsewhere})`;
        const secNum = elsewhere.replace(/^§/, '');
        const secRefIndex = tag.refs.findIndex((r) => r.kind === 'section');
        const cap = /^(Table|Fig\.|Alg\.) (\S+)$/.exec(elsewhere);
        const capKind: RefKind | undefined = cap
          ? ({ Table: 'table', 'Fig.': 'figure', 'Alg.': 'algorithm' } as const)[cap[1] as 'Table' | 'Fig.' | 'Alg.']
          : undefined;
        const capRefIndex = capKind ? tag.refs.findIndex((r) => r.kind === capKind) : -1;
        if (cap && capKind && capRefIndex >= 0) {
          suggestions.push({
            refIndex: capRefIndex,
            kind: capKind,
            number: cap[2]!,
            label: elsewhere,
            why: `the quote is in ${elsewhere}`,
          });
        } else if (secRefIndex >= 0 && index.sectionsByNumber.has(secNum)) {
          const s = index.sectionsByNumber.get(secNum)!;
          suggestions.push({
            refIndex: secRefIndex,
            kind: 'section',
            number: secNum,
            label: `§${s.number} ${s.title}`,
            why: `the quote is in §${secNum}`,
          });
        }
      } else if (quote.passageText !== undefined && quote.start !== undefined) {
        reason += `; the paper says "${quote.passageText.slice(quote.start, quote.end)}"`;
      } else if (tag.refs.length && refs.some((r) => r.resolved)) {
        reason += ' (nor anywhere else in the paper)';
      }
      // A quote cannot be checked against a reference that does not exist; say so only once.
      if (refs.every((r) => r.resolved) || !tag.refs.length) reasons.push(reason);
    }
  }

  const result: TagResolution = { tag, resolved: reasons.length === 0, refs, reasons, suggestions: dedupe(suggestions) };
  if (quote) result.quote = quote;
  if (reasons.length) result.reason = reasons.join('; ');
  return result;
}

/**
 * The real sections / equations / captions closest to a reference that names nothing:
 * siblings of a missing subsection, the nearest numbers, in order of closeness.
 */
export function nearest(paper: Paper, ref: RefQuery, refIndex = 0, limit = 3): Suggestion[] {
  const index = indexPaper(paper);
  if (ref.kind === 'section') {
    const cands = [...index.sectionsByNumber.values()];
    const scored = cands.map((s) => ({ s, d: sectionDistance(ref.number, s.number) })).sort((a, b) => a.d - b.d);
    return scored.slice(0, limit).map(({ s }) => ({
      refIndex,
      kind: 'section',
      number: s.number,
      label: `§${s.number} ${s.title}`,
      why: 'closest section number',
    }));
  }
  const numbers = ref.kind === 'equation' ? [...index.equations.keys()] : [...index.captions[ref.kind].keys()];
  const target = numericValue(ref.number);
  return numbers
    .map((n) => ({ n, d: Math.abs(numericValue(n) - target) + (n === ref.number ? -1 : 0) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, limit)
    .map(({ n }) => ({
      refIndex,
      kind: ref.kind,
      number: n,
      label: refLabel({ kind: ref.kind, number: n }),
      why: `closest ${KIND_NAME[ref.kind].toLowerCase()} number`,
    }));
}

const KIND_NAME: Record<RefKind, string> = {
  section: 'Section',
  equation: 'Equation',
  table: 'Table',
  figure: 'Figure',
  algorithm: 'Algorithm',
};

function broken(ref: RefQuery, label: string, reason: string, suggestions: Suggestion[]): BrokenRef {
  return { resolved: false, kind: ref.kind, number: ref.number, label, reason, suggestions };
}

function mentionsEquation(text: string, number: string): boolean {
  const n = number.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\b(?:Equations?|Eqs?\\.|Eqns?\\.)\\s*\\(?${n}\\)?(?![\\w.])`, 'i').test(text);
}

function within(sectionNumber: string, cited: string): boolean {
  return sectionNumber === cited || sectionNumber.startsWith(cited + '.');
}

function sectionBody(index: PaperIndex, s: Section): { text: string; anchors: Anchor[]; hay: Haystack[] } {
  const cached = index.sectionText.get(s.id);
  if (cached) return cached;
  const parts: string[] = [];
  const anchors: Anchor[] = [{ page: s.page, rects: s.rects }];
  const hay: Haystack[] = [];
  let headingSeen = false;
  for (const sec of index.paper.sections) {
    if (sec !== s && !(s.number && within(sec.number, s.number))) continue;
    for (const p of index.passagesBySection.get(sec.id) ?? []) {
      if (p.kind === 'heading' && sec === s) headingSeen = true;
      parts.push(p.text);
      if (p.kind !== 'heading' || sec !== s) anchors.push(...p.anchors);
      hay.push({ passageId: p.id, page: p.page, anchors: p.anchors, text: p.text, section: sec.number });
    }
  }
  if (!headingSeen) parts.unshift(`${s.number} ${s.title}`);
  const body = { text: parts.join('\n\n'), anchors, hay };
  index.sectionText.set(s.id, body);
  return body;
}

/** Where the quote must stand: the cited sections, equations (and the text around them on their page), captions. */
function quoteScope(index: PaperIndex, refs: RefResolution[]): Haystack[] {
  const out: Haystack[] = [];
  for (const r of refs) {
    if (!r.resolved) continue;
    if (r.kind === 'section') {
      out.push(...sectionBody(index, index.sectionsById.get(r.id)!).hay);
    } else if (r.kind === 'equation') {
      out.push({ passageId: r.id, page: r.page, anchors: r.anchors, text: r.text, section: r.section });
      // The sentence that introduces or explains an equation ("where d is a distance") is
      // part of what the equation says: the passages of its section on its page.
      const sec = index.sectionsByNumber.get(r.section);
      if (sec) for (const h of sectionBody(index, sec).hay) if (h.page === r.page) out.push(h);
    } else {
      out.push({ passageId: r.id, page: r.page, anchors: r.anchors, text: r.text, section: r.section });
      // A table's cells and an algorithm's lines are part of it, not only its caption.
      for (const p of floatBody(index.paper, r.text))
        out.push({ passageId: p.id, page: p.page, anchors: p.anchors, text: p.text, section: r.section });
    }
  }
  return out;
}

/**
 * The passages a float shows beside its caption: a table's grid, an algorithm's lines, the
 * small print inside a figure (axis labels, boxes), right before or after the caption passage.
 */
function floatBody(paper: Paper, caption: string): Passage[] {
  const at = paper.passages.findIndex((p) => p.kind === 'caption' && p.text === caption);
  if (at < 0) return [];
  const page = paper.passages[at]!.page;
  const body = (p: Passage | undefined) => p && p.page === page && (p.kind === 'table' || p.kind === 'code' || p.kind === 'other');
  const out: Passage[] = [];
  for (let k = at + 1; body(paper.passages[k]); k++) out.push(paper.passages[k]!);
  for (let k = at - 1; body(paper.passages[k]); k--) out.push(paper.passages[k]!);
  return out;
}

function allHaystacks(index: PaperIndex): Haystack[] {
  if (index.allHay) return index.allHay;
  const secNum = (id: string) => index.sectionsById.get(id)?.number ?? '';
  // Captions first: words of a caption are "in Fig. 7", not only in the section around it.
  index.allHay = [
    ...[...index.paper.tables, ...index.paper.figures, ...index.paper.algorithms].map((c) => ({
      passageId: c.id,
      page: c.page,
      anchors: [{ page: c.page, rects: c.rects }],
      text: c.text,
      section: c.section,
      ref: { kind: c.kind as RefKind, number: c.number },
    })),
    ...index.paper.passages.map((p) => ({ passageId: p.id, page: p.page, anchors: p.anchors, text: p.text, section: secNum(p.sectionId) })),
    ...index.paper.equations.map((e) => ({
      passageId: e.id,
      page: e.page,
      anchors: [{ page: e.page, rects: e.rects }],
      text: e.text,
      section: e.section,
    })),
  ];
  return index.allHay;
}

// Normalised text is cached per passage text: a passage is in several haystack lists.
const normCache = new Map<string, Normalized>();
function norm(h: Haystack): Normalized {
  if (h.norm) return h.norm;
  let n = normCache.get(h.text);
  if (!n) {
    n = normalizeForMatch(h.text);
    if (normCache.size > 20000) normCache.clear();
    normCache.set(h.text, n);
  }
  h.norm = n;
  return n;
}

function checkQuote(index: PaperIndex, tag: ParsedTag, refs: RefResolution[]): QuoteResolution {
  const q = tag.quote!;
  const scope = tag.refs.length ? quoteScope(index, refs) : allHaystacks(index);
  const found = search(scope, q);
  if (found) {
    const owner = refs.find(
      (r) =>
        r.resolved &&
        (r.kind === 'section' ? within(found.h.section, r.number) : r.id === found.h.passageId || r.section === found.h.section),
    );
    return hit(true, found, owner ? owner.label : '');
  }
  if (tag.refs.length) {
    // Not where it was cited: is it anywhere else? That tells the reader which section to cite.
    const elsewhere = search(allHaystacks(index), q);
    if (elsewhere)
      return hit(
        false,
        elsewhere,
        elsewhere.h.ref
          ? refLabel(elsewhere.h.ref)
          : elsewhere.h.section
            ? `§${elsewhere.h.section}`
            : placeOf(index, elsewhere.h.passageId),
      );
  }
  // The same words with other numbers: the reason can show what the paper says instead.
  for (const h of scope.length ? scope : allHaystacks(index)) {
    const m = findWithOtherNumbers(norm(h), q);
    if (m)
      return { found: false, passageId: h.passageId, page: h.page, anchors: h.anchors, start: m.start, end: m.end, passageText: h.text };
  }
  return { found: false };

  function hit(ok: boolean, f: { h: Haystack; start: number; end: number }, where: string): QuoteResolution {
    return {
      found: ok,
      passageId: f.h.passageId,
      in: where,
      page: f.h.page,
      anchors: f.h.anchors,
      start: f.start,
      end: f.end,
      passageText: f.h.text,
    };
  }
}

/** Where an unnumbered passage stands, in words: "the abstract", "Table 2", "the unnumbered part "References"". */
function placeOf(index: PaperIndex, passageId: string): string {
  const c = [...index.paper.tables, ...index.paper.figures, ...index.paper.algorithms].find((x) => x.id === passageId);
  if (c) return refLabel({ kind: c.kind, number: c.number });
  const p = index.paper.passages.find((x) => x.id === passageId);
  if (p?.kind === 'abstract') return 'the abstract';
  const s = p && index.sectionsById.get(p.sectionId);
  return s ? `the unnumbered part "${s.title}"` : 'the text before the first section';
}

function search(hay: Haystack[], q: string): { h: Haystack; start: number; end: number } | undefined {
  for (const h of hay) {
    const m = findPhrase(norm(h), q);
    if (m) return { h, ...m };
  }
  return undefined;
}

function captionTitle(c: Caption): string {
  const body = c.text.replace(/^\s*(?:Figure|Fig\.|Table|Tab\.|Algorithm|Alg\.)\s*[A-Z]?\d+[a-z]?\s*[:.]?\s*/i, '');
  const first = /^(.*?[.!?])(?:\s|$)/.exec(body);
  return (first ? first[1]! : body).trim();
}

/** "§3 has §3.1–3.4" or "it has §1–7, Appendix A–B": what exists near a missing section. */
function sectionsNear(index: PaperIndex, number: string): string {
  const all = [...index.sectionsByNumber.keys()];
  if (!all.length) return 'the paper as parsed has no numbered sections';
  const parent = number.includes('.') ? number.slice(0, number.lastIndexOf('.')) : '';
  if (parent && index.sectionsByNumber.has(parent)) {
    const kids = all.filter((n) => n.startsWith(parent + '.') && !n.slice(parent.length + 1).includes('.'));
    return kids.length ? `§${parent} has ${compactSections(kids)}` : `§${parent} has no subsections`;
  }
  const top = all.filter((n) => !n.includes('.'));
  const numeric = top.filter((n) => /^\d+$/.test(n));
  const appendix = top.filter((n) => /^[A-Z]$/.test(n));
  const parts = [];
  if (numeric.length) parts.push(compactSections(numeric));
  if (appendix.length) parts.push(`Appendix ${compactRange(appendix)}`);
  return `it has ${parts.join(', ')}`;
}

function compactSections(numbers: string[]): string {
  return '§' + compactRange(numbers);
}

/** "Eq. 1–5", "Table 1–3, 5": what the paper has of a kind. */
function itemsNear(kind: RefKind, numbers: string[]): string {
  const name = kind === 'equation' ? 'Eq.' : kind === 'table' ? 'Table' : kind === 'figure' ? 'Fig.' : 'Alg.';
  if (!numbers.length) return `the paper as parsed has no numbered ${KIND_NAME[kind].toLowerCase()}s`;
  return `it has ${name} ${compactRange(numbers)}`;
}

/** ["1","2","3","5"] → "1–3, 5"; "3.1","3.2","3.3" → "3.1–3.3"; letters A,B,C → "A–C". */
function compactRange(numbers: string[]): string {
  const sorted = [...numbers].sort(compareNumbers);
  const out: string[] = [];
  let runStart = sorted[0]!;
  let prev = sorted[0]!;
  const next = (a: string, b: string) => {
    const pa = a.split('.');
    const pb = b.split('.');
    if (pa.length !== pb.length || pa.slice(0, -1).join('.') !== pb.slice(0, -1).join('.')) return false;
    const x = pa[pa.length - 1]!;
    const y = pb[pb.length - 1]!;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(y) === Number(x) + 1;
    if (/^[A-Z]$/.test(x) && /^[A-Z]$/.test(y)) return y.charCodeAt(0) === x.charCodeAt(0) + 1;
    return false;
  };
  for (const n of sorted.slice(1)) {
    if (next(prev, n)) {
      prev = n;
      continue;
    }
    out.push(runStart === prev ? runStart : `${runStart}–${prev}`);
    runStart = prev = n;
  }
  out.push(runStart === prev ? runStart : `${runStart}–${prev}`);
  return out.join(', ');
}

function compareNumbers(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+/.test(x) ? parseInt(x, 10) : 1000 + x.charCodeAt(0);
    const ny = /^\d+/.test(y) ? parseInt(y, 10) : 1000 + y.charCodeAt(0);
    if (nx !== ny) return nx - ny;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Distance between section numbers: siblings by closeness, then the parent, then the rest. */
function sectionDistance(want: string, have: string): number {
  const a = want.split('.');
  const b = have.split('.');
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const diff = (xs: string[]) => (xs[common] === undefined ? 0 : numericValue(xs[common]!));
  if (a.length === b.length && common === a.length - 1) return Math.abs(diff(a) - diff(b));
  if (common === b.length) return 50 + (a.length - common);
  return 100 * (a.length - common + b.length - common) + Math.abs(diff(a) - diff(b));
}

function numericValue(n: string): number {
  const m = /^(\d+)(?:\.(\d+))?/.exec(n);
  if (m) return Number(m[1]) + (m[2] ? Number(m[2]) / 100 : 0);
  return 1000 + n.charCodeAt(0);
}

function dedupe(s: Suggestion[]): Suggestion[] {
  const seen = new Set<string>();
  return s.filter((x) => {
    const k = `${x.refIndex}:${x.kind}:${x.number}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
