// The citation tag grammar: what a tag inside a comment, docstring or note looks like.
// Pure string → data; no file, language or paper knowledge here (see find.ts, resolve.ts).
//
// A tag is either a run of references with an optional quoted phrase and note
//   §3.2, Eq. (4) "d_k = d_v = 64" — project into h heads
// or a flag with its trailing text, which may itself carry references and a quote
//   [PARTIALLY_SPECIFIED] §5.3 "warmup_steps = 4000" — schedule shape unclear
// A reference always needs a number: "a table of results" or "this section" is prose.

export type RefKind = 'section' | 'equation' | 'table' | 'figure' | 'algorithm';

export const FLAGS = ['UNSPECIFIED', 'PARTIALLY_SPECIFIED', 'ASSUMPTION', 'FROM_OFFICIAL_CODE'] as const;
export type Flag = (typeof FLAGS)[number];

export interface TagRef {
  kind: RefKind;
  /** As printed in the paper: "3.2", "A.1", "B" (Appendix B), "4", "3a". */
  number: string;
  /** Offsets of the number itself in the parsed text (what a quick fix replaces). */
  start: number;
  end: number;
}

export interface ParsedTag {
  /** The tag as written, from its first reference or flag to the end of its quote or note. */
  raw: string;
  start: number;
  end: number;
  refs: TagRef[];
  /** The quoted phrase, without its quotes. */
  quote?: string;
  /** Offsets of the quoted phrase (inside the quotes). */
  quoteStart?: number;
  quoteEnd?: number;
  /**
   * Free text after "—" / " - " / "--" / ":" to the end of the line (references in it are
   * prose, not tags); for a flag, all the text after the flag.
   */
  note?: string;
  flag?: Flag;
  /**
   * The key of the paper the references name, in a repository that implements several
   * ("[titans] §3.1, Eq. 3"); lower case. Absent: the repository's main paper.
   */
  paper?: string;
  /** Offsets of the key itself, inside its brackets (what the unknown-key quick fix replaces). */
  paperStart?: number;
  paperEnd?: number;
}

// Kind words. Matched case-insensitively; the number after them is matched case-sensitively
// so that "Section A" is an appendix but "section a" is prose.
const KIND_WORDS: [RegExp, RefKind, boolean][] = [
  // [pattern, kind, plural]
  [/§§/y, 'section', true],
  [/§/y, 'section', false],
  [/(?:sections|secs\.?|sects\.?)/iy, 'section', true],
  [/(?:section|sect\.?|sec\.?)/iy, 'section', false],
  [/appendices/iy, 'section', true],
  [/(?:appendix|app\.)/iy, 'section', false],
  [/(?:equations|eqns\.?|eqs\.?)/iy, 'equation', true],
  [/(?:equation|eqn\.?|eq\.?)/iy, 'equation', false],
  [/tables/iy, 'table', true],
  [/(?:table|tab\.)/iy, 'table', false],
  [/(?:figures|figs\.?)/iy, 'figure', true],
  [/(?:figure|fig\.?)/iy, 'figure', false],
  [/(?:algorithms|algs\.?|algos\.?)/iy, 'algorithm', true],
  [/(?:algorithm|algo\.?|alg\.?)/iy, 'algorithm', false],
];

/** Kind words by their first letter, so a candidate tries two or four patterns, not fourteen. */
const KIND_BY_FIRST = new Map<string, [RegExp, RefKind, boolean][]>();
for (const entry of KIND_WORDS) {
  const first = entry[0].source[0] === '§' ? '§' : entry[0].source.replace(/^\(\?:/, '')[0]!;
  KIND_BY_FIRST.set(first, [...(KIND_BY_FIRST.get(first) ?? []), entry]);
}

/** Where a kind word may start: not glued to a preceding word, identifier or member access. */
const KIND_START = /(?<![\p{L}\p{N}_.$])(?:§|sec|sect|app|eq|equation|tab|fig|alg)/giu;

// Numbers. Sections: 3, 3.2.1, A, A.1. Equations: 4, 4a, 3.2, A.1, A1. Captions: 1, 2b, A.1, A1.
const SECTION_NUMBER = /(?:\d+(?:\.\d+)*|[A-Z](?:\.\d+)*)(?![\p{L}\p{N}_]|\.\d)/uy;
const ITEM_NUMBER = /(?:\d+(?:\.\d+)?[a-z]?|[A-Z]\.?\d+[a-z]?)(?![\p{L}\p{N}_]|\.\d)/uy;
const SPACE_AFTER_WORD = /[ \t\u00a0~]*/y;
// An em dash is never a range: it introduces a note ("Eq. 4 — 64 heads").
const RANGE_DASH = /(?:–|--?)|[ \t]+(?:–|to)[ \t]+/y;
const CONTINUE = /\s*(?:,|and|&|or)\s*/y;
const CONNECTOR = /[ \t\u00a0,;&+/()[\]]*(?:(?:and|in|of|or|see|cf\.|with)(?![\p{L}\p{N}])[ \t\u00a0(]*)?/uy;
const QUOTE_LEAD = /[ \t\u00a0)\]]*[:,]?[ \t\u00a0]*/y;
const NOTE_LEAD = /[ \t\u00a0)\]]*(?:—|\s[–-]{1,2}\s|--|:)[ \t\u00a0]*/y;
const FLAG_RE = /\[\s*(UNSPECIFIED|PARTIALLY[_ -]SPECIFIED|ASSUMPTION|FROM[_ -]OFFICIAL[_ -]CODE)\s*\]/giy;
const FLAG_NAMES = new Set<string>(FLAGS);
const FLAG_SCAN = /\[\s*(?:UNSPECIFIED|PARTIALLY[_ -]SPECIFIED|ASSUMPTION|FROM[_ -]OFFICIAL[_ -]CODE)\s*\]/gi;
// Only double and typographic quotes make a quotation: 'layernorm' in single quotes is code.
const QUOTE_PAIRS: Record<string, string> = { '"': '"', '“': '”', '„': '“', '«': '»', '‘': '’' };
/** Comment and string closers that end a line of comment text, never part of a note. */
const TRAILING_CLOSERS = /\s*(?:\*\/|"""|'''|-->|=#|\*+)?\s*$/;

/** Cheap test first: most comments hold no tag at all. */
const MAYBE_TAG = /[§[]|sec|eq|tab|fig|alg|app/i;

interface Run {
  start: number;
  end: number;
  refs: TagRef[];
  paper?: { key: string; start: number; end: number };
}

/**
 * A paper key written right before a run of references: "[titans] §3.1". Two to 24
 * characters, a letter first, so "[1]" (a bibliography marker) and "[x]" (a Markdown
 * checkbox) are never keys; a flag's name is never a key either.
 */
const PAPER_KEY_BEFORE = /\[([A-Za-z][A-Za-z0-9_-]{1,23})\][ \t\u00a0]*$/;
/** What a paper key looks like on its own (paper.json, the plan review's key field). */
export const PAPER_KEY = /^[a-z][a-z0-9_-]{1,23}$/;

/** Finds every citation tag in a piece of comment, docstring or Markdown text. */
export function parseTagText(text: string): ParsedTag[] {
  if (!MAYBE_TAG.test(text)) return [];
  const runs = findRuns(text);
  const flags = findFlags(text);
  if (!runs.length && !flags.length) return [];
  const tags: ParsedTag[] = [];
  const used = new Set<Run>();

  for (const f of flags) {
    const lineEnd = endOfLine(text, f.end);
    let start = f.start;
    // "§3.2 [ASSUMPTION] ..." — a run just before the flag on its line belongs to it.
    const before = runs.find(
      (r) =>
        !used.has(r) &&
        r.end <= f.start &&
        /^[\s,;:—–-]*$/.test(text.slice(r.end, f.start)) &&
        !text.slice(r.start, f.start).includes('\n'),
    );
    // Only a run right after the flag is its citation ("[ASSUMPTION] §3.2 — …"); references
    // later in its reasoning are mentions, each its own tag, not a compound citation.
    const own = runs.find((r) => !used.has(r) && r.start >= f.end && r.start < lineEnd && /^[\s:—–-]*$/.test(text.slice(f.end, r.start)));
    const mine = [...(before ? [before] : []), ...(own ? [own] : [])];
    for (const r of mine) used.add(r);
    if (before) start = before.start;
    // A later flag on the same line ends this flag's text.
    const nextFlag = flags.find((g) => g.start > f.start && g.start < lineEnd);
    const textEnd = trimEnd(text, f.end, nextFlag ? nextFlag.start : lineEnd);
    const tail = text.slice(f.end, textEnd).replace(/^[\s:—–-]+/, '');
    const tag: ParsedTag = {
      raw: text.slice(start, textEnd),
      start,
      end: textEnd,
      refs: mine.flatMap((r) => r.refs),
      flag: f.flag,
    };
    const keyed = mine.find((r) => r.paper);
    if (keyed) setPaper(tag, keyed);
    if (tail) tag.note = tail;
    // A quote right after a mention is that mention's; a flag's own quote may stand anywhere
    // else in its text ([PARTIALLY_SPECIFIED] warmup "4000 steps" is ambiguous).
    const mentions = runs.filter((r) => !used.has(r) && r.start >= f.end && r.start < textEnd);
    const claimed: [number, number][] = [];
    const mentionTags = mentions.map((r, k) => {
      used.add(r);
      const m: ParsedTag = { raw: '', start: r.start, end: r.end, refs: r.refs };
      setPaper(m, r);
      const q = readQuote(text, r.end, Math.min(textEnd, mentions[k + 1]?.start ?? textEnd));
      if (q) {
        setQuote(m, q.fields);
        m.end = q.end;
        claimed.push([q.fields.quoteStart! - 1, q.end]);
      }
      m.raw = text.slice(m.start, m.end);
      return m;
    });
    const q = readFlagQuote(text, f.end, textEnd, claimed);
    // Without a citation of its own, only [PARTIALLY_SPECIFIED] quotes the paper; an
    // [ASSUMPTION]'s quotes are its reasoning (an error message, a library's default).
    if (q && (tag.refs.length || f.flag === 'PARTIALLY_SPECIFIED')) setQuote(tag, q.fields);
    tags.push(tag, ...mentionTags);
  }

  const free = runs.filter((r) => !used.has(r));
  let consumed = 0;
  for (let i = 0; i < free.length; i++) {
    const r = free[i]!;
    // A note is prose: "— Eq. 2 is in §3.3" there is an explanation, not another tag.
    if (r.start < consumed) continue;
    const lineEnd = endOfLine(text, r.end);
    const next = free[i + 1];
    // Without a note, a second run on the line is its own tag; a quote stops before it.
    const quoteLimit = next && next.start < lineEnd ? next.start : lineEnd;
    const limit = Math.min(lineEnd, ...flags.filter((f) => f.start > r.end).map((f) => f.start));
    const tag: ParsedTag = { raw: '', start: r.start, end: r.end, refs: r.refs };
    setPaper(tag, r);
    let pos = r.end;
    const q = readQuote(text, pos, Math.min(limit, quoteLimit));
    if (q) {
      setQuote(tag, q.fields);
      pos = q.end;
    }
    const n = readNote(text, pos, limit);
    if (n) {
      tag.note = n.note;
      pos = n.end;
    }
    tag.end = pos;
    tag.raw = text.slice(tag.start, tag.end);
    consumed = pos;
    tags.push(tag);
  }
  return tags.sort((a, b) => a.start - b.start);
}

/** How a reference reads to a person: "§3.2", "Eq. 4", "Table 1", "Fig. 2", "Alg. 1", "Appendix B". */
export function refLabel(ref: { kind: RefKind; number: string }): string {
  switch (ref.kind) {
    case 'section':
      return /^[A-Z]$/.test(ref.number) ? `Appendix ${ref.number}` : `§${ref.number}`;
    case 'equation':
      return `Eq. ${ref.number}`;
    case 'table':
      return `Table ${ref.number}`;
    case 'figure':
      return `Fig. ${ref.number}`;
    case 'algorithm':
      return `Alg. ${ref.number}`;
  }
}

function setPaper(tag: ParsedTag, r: Run): void {
  if (!r.paper) return;
  tag.paper = r.paper.key;
  tag.paperStart = r.paper.start;
  tag.paperEnd = r.paper.end;
}

/** Plain assignments keep every tag the same object shape (spreading them stays fast). */
function setQuote(tag: ParsedTag, q: Pick<ParsedTag, 'quote' | 'quoteStart' | 'quoteEnd'>): void {
  tag.quote = q.quote;
  tag.quoteStart = q.quoteStart;
  tag.quoteEnd = q.quoteEnd;
}

function findFlags(text: string): { start: number; end: number; flag: Flag }[] {
  const out: { start: number; end: number; flag: Flag }[] = [];
  FLAG_SCAN.lastIndex = 0;
  for (let m = FLAG_SCAN.exec(text); m; m = FLAG_SCAN.exec(text)) {
    FLAG_RE.lastIndex = m.index;
    const exact = FLAG_RE.exec(text)!;
    const flag = exact[1]!.toUpperCase().replace(/[ -]/g, '_') as Flag;
    out.push({ start: m.index, end: m.index + m[0].length, flag });
  }
  return out;
}

function findRuns(text: string): Run[] {
  const runs: Run[] = [];
  KIND_START.lastIndex = 0;
  for (let m = KIND_START.exec(text); m; m = KIND_START.exec(text)) {
    const run = readRun(text, m.index);
    if (run) {
      const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
      const key = PAPER_KEY_BEFORE.exec(text.slice(Math.max(lineStart, m.index - 40), m.index));
      if (key && !FLAG_NAMES.has(key[1]!.toUpperCase().replace(/[ -]/g, '_'))) {
        const open = m.index - key[0].length;
        run.paper = { key: key[1]!.toLowerCase(), start: open + 1, end: open + 1 + key[1]!.length };
        run.start = open;
      }
      runs.push(run);
      KIND_START.lastIndex = run.end;
    }
  }
  return runs;
}

/** A run of references joined by commas, "and", "in", parentheses: "§3.2, Eq. (4) and Table 1". */
function readRun(text: string, at: number): Run | undefined {
  const refs: TagRef[] = [];
  let pos = at;
  let end = at;
  for (;;) {
    const got = readRefGroup(text, pos);
    if (!got) break;
    refs.push(...got.refs);
    end = got.end;
    CONNECTOR.lastIndex = end;
    const c = CONNECTOR.exec(text);
    const next = c ? end + c[0].length : end;
    if (c?.[0].includes('\n')) break;
    if (!startsKindWord(text, next)) break;
    pos = next;
  }
  if (!refs.length) return undefined;
  return { start: at, end, refs };
}

function startsKindWord(text: string, pos: number): boolean {
  if (pos > 0 && /[\p{L}\p{N}_.$]/u.test(text[pos - 1]!) && text[pos] !== '§') return false;
  return (KIND_BY_FIRST.get((text[pos] ?? '').toLowerCase()) ?? []).some(([re]) => {
    re.lastIndex = pos;
    return re.test(text);
  });
}

/** One kind word and its numbers: "Eqs. (4)–(6)", "§§3.1, 3.2", "Table 2". */
function readRefGroup(text: string, at: number): { refs: TagRef[]; end: number } | undefined {
  for (const [re, kind, plural] of KIND_BY_FIRST.get((text[at] ?? '').toLowerCase()) ?? []) {
    re.lastIndex = at;
    const w = re.exec(text);
    if (!w) continue;
    let pos = at + w[0].length;
    // A bare word must end at a word boundary: "Sectional 3" is not a section.
    if (!w[0].startsWith('§') && /[\p{L}]/u.test(text[pos] ?? '')) continue;
    SPACE_AFTER_WORD.lastIndex = pos;
    pos += SPACE_AFTER_WORD.exec(text)![0].length;
    if (!w[0].startsWith('§') && pos === at + w[0].length && !w[0].endsWith('.') && /\d/.test(text[pos] ?? '')) {
      // "Eq4", "Table1": accepted only with a dot ("Eq.4"); glued letters+digits are identifiers.
      continue;
    }
    const first = readNumber(text, pos, kind);
    if (!first) continue;
    const refs: TagRef[] = [first.ref];
    pos = first.end;
    for (;;) {
      // Range: "4–5", "(4)-(6)", "4 to 6".
      RANGE_DASH.lastIndex = pos;
      const d = RANGE_DASH.exec(text);
      if (d && (plural || !/\s/.test(d[0]))) {
        const second = readNumber(text, pos + d[0].length, kind);
        if (second && !text.slice(pos, second.end).includes('\n')) {
          refs.push(...expandRange(refs[refs.length - 1]!, second.ref), second.ref);
          pos = second.end;
          continue;
        }
      }
      // Continuation without a kind word, only when the word was plural or the number
      // is parenthesised like an equation: "Eqs. 4, 5 and 7", "Eq. (4) and (5)".
      CONTINUE.lastIndex = pos;
      const c = CONTINUE.exec(text);
      if (c && !c[0].includes('\n')) {
        const nextPos = pos + c[0].length;
        const paren = kind === 'equation' && text[nextPos] === '(';
        if (plural || paren) {
          const more = readNumber(text, nextPos, kind, paren);
          if (more) {
            refs.push(more.ref);
            pos = more.end;
            continue;
          }
        }
      }
      break;
    }
    return { refs, end: pos };
  }
  return undefined;
}

function readNumber(text: string, at: number, kind: RefKind, requireParen = false): { ref: TagRef; end: number } | undefined {
  let pos = at;
  let paren = false;
  if (text[pos] === '(') {
    if (kind !== 'equation') return undefined;
    paren = true;
    pos++;
  } else if (requireParen) return undefined;
  const re = kind === 'section' ? SECTION_NUMBER : ITEM_NUMBER;
  re.lastIndex = pos;
  const m = re.exec(text);
  if (!m) return undefined;
  const start = pos;
  const end = pos + m[0].length;
  if (paren && text[end] !== ')') return undefined;
  // "§3.2." at the end of a sentence: the dot is punctuation (the number patterns never take it).
  return { ref: { kind, number: m[0], start, end }, end: paren ? end + 1 : end };
}

/** "Eqs. 4–7" means 4, 5, 6 and 7; returns the numbers strictly between the two ends. */
function expandRange(from: TagRef, to: TagRef): TagRef[] {
  const a = /^\d+$/.test(from.number) ? Number(from.number) : NaN;
  const b = /^\d+$/.test(to.number) ? Number(to.number) : NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= a + 1 || b - a > 20) return [];
  const out: TagRef[] = [];
  // The numbers in between are not written out, so they carry the span of the whole range.
  for (let n = a + 1; n < b; n++) out.push({ kind: from.kind, number: String(n), start: from.start, end: to.end });
  return out;
}

function readQuote(
  text: string,
  at: number,
  limit: number,
  anywhere = false,
): { end: number; fields: Pick<ParsedTag, 'quote' | 'quoteStart' | 'quoteEnd'> } | undefined {
  let pos = at;
  if (anywhere) {
    const rest = text.slice(at, limit);
    const i = rest.search(/["“„«‘]/);
    if (i < 0) return undefined;
    pos = at + i;
  } else {
    QUOTE_LEAD.lastIndex = pos;
    pos += QUOTE_LEAD.exec(text)![0].length;
  }
  const open = text[pos];
  if (!open || !Object.hasOwn(QUOTE_PAIRS, open)) return undefined;
  const close = QUOTE_PAIRS[open]!;
  const lineEnd = Math.min(limit, endOfLine(text, pos));
  let closeAt = text.indexOf(close, pos + 1);
  if (open === '“' && (closeAt < 0 || closeAt > lineEnd)) closeAt = text.indexOf('"', pos + 1);
  if (closeAt < 0 || closeAt > lineEnd) return undefined;
  const quote = text.slice(pos + 1, closeAt);
  if (!quote.trim()) return undefined;
  return { end: closeAt + 1, fields: { quote, quoteStart: pos + 1, quoteEnd: closeAt } };
}

/** The first quote in a flag's text that no mention has claimed. */
function readFlagQuote(text: string, from: number, limit: number, claimed: [number, number][]): ReturnType<typeof readQuote> {
  let at = from;
  while (at < limit) {
    const q = readQuote(text, at, limit, true);
    if (!q) return undefined;
    if (!claimed.some(([a, b]) => q.fields.quoteStart! - 1 >= a && q.end <= b)) return q;
    at = q.end;
  }
  return undefined;
}

function readNote(text: string, at: number, limit: number): { note: string; end: number } | undefined {
  NOTE_LEAD.lastIndex = at;
  const m = NOTE_LEAD.exec(text);
  if (!m) return undefined;
  const from = at + m[0].length;
  if (from > limit) return undefined;
  const end = trimEnd(text, from, limit);
  const note = text.slice(from, end).trim();
  if (!note) return undefined;
  return { note, end };
}

function endOfLine(text: string, pos: number): number {
  const i = text.indexOf('\n', pos);
  return i < 0 ? text.length : i;
}

/** End of the meaningful text before `limit`: no trailing spaces, comment closers or separators. */
function trimEnd(text: string, from: number, limit: number): number {
  const slice = text
    .slice(from, limit)
    .replace(TRAILING_CLOSERS, '')
    .replace(/[\s,;]+$/, '');
  return from + slice.length;
}
