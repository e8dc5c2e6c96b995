// Lines in reading order → the structure a reader sees: title, authors, abstract, section
// headings, display equations, captions and paragraphs, each with its page and rectangles.
import { linearizeDisplay } from './pdf-math';
import { looksTabular, tableGridFromLines } from './pdf-table';
import type { Anchor, Caption, CaptionKind, Equation, Paper, Passage, PassageKind, Rect, Section } from './model';
import type { HyphenOracle } from './normalize';
import { hyphenOracleFrom, joinLines, normalizeText } from './normalize';
import type { BodyStyle, Line, PageGeometry } from './pdf-layout';
import type { TextRun } from './pdf-text';
import { round, runsText, unionRect } from './pdf-text';

/** What the PDF's text says about the paper: the Paper model less its source and pages. */
export type Structure = Pick<
  Paper,
  'title' | 'authors' | 'abstract' | 'sections' | 'equations' | 'figures' | 'tables' | 'algorithms' | 'passages' | 'warnings'
>;

type Role = 'front' | 'abstract-head' | 'abstract' | 'equation' | 'text';

interface Block {
  kind: PassageKind;
  lines: Line[];
  /** Text of each line as it enters the passage (a run-in prefix may be cut off). */
  texts: string[];
  sectionId: string;
  /** In a bibliography, where entries hang. */
  hanging?: boolean;
  /** The caption this block holds; its text and rects are filled in when the block ends. */
  caption?: Caption;
  /** Rects override (equations: without the gap between body and number). */
  rects?: { page: number; segment: number; rect: Rect }[];
  /** Equations: the display rebuilt from its glyph layout, and the number it prints. */
  latex?: string;
  equationNumbers?: string[];
  /** Tables: the grid rebuilt from the layout. */
  rows?: string[][];
}

const NAMED_HEADING =
  /^(acknowledge?ments?|references|bibliography|appendix|appendices|supplementary( materials?)?|limitations|ethics statement|ethical considerations|broader impacts?( statement)?|impact statement|conclusions?|related work|author contributions)$/i;
const CAPTION = /^(figure|fig\.|table|tab\.|algorithm|alg\.)\s*([A-Z]?\d{1,3}(?:\.\d{1,3})?[a-z]?)\s*([:.|]|(?=\s)|$)/i;
// "(4)", "(3.2)", "(A.1)", "(5a)", and \tag symbols: "(∗)", "(A.⋆)", "(4′)".
const EQ_NUMBER = /^\(((?:[A-Z]\.?)?(?:\d{1,3}(?:\.\d{1,3})?|[∗*⋆†‡]{1,2})[a-z]?[′']*)\)$/;
const AFFILIATION =
  /\b(univ|universit|institut|college|school|department|dept\.|laborator|lab\b|labs\b|research|inc\b|ltd\b|llc\b|gmbh|corp|company|centre|center|academy|google|microsoft|facebook|meta ai|deepmind|openai|amazon|ibm|nvidia|allen)|@/i;
const MONTHS = /\b(january|february|march|april|may|june|july|august|september|october|november|december)\b/i;

export function buildStructure(lines: readonly Line[], body: BodyStyle, geometry: readonly PageGeometry[]): Structure {
  const warnings: string[] = [];
  const oracle = hyphenOracleFrom(lines.map((l) => l.text));
  // Each line's text is normalised once; the classifiers below all read it.
  const norm = lines.map((l) => normalizeText(l.text));
  const roles = new Array<Role>(lines.length).fill('text');

  // Front matter: page-1 lines before the abstract (or the first heading).
  const abstractAt = lines.findIndex((l, i) => l.page <= 2 && /^abstract\b/i.test(norm[i]!));
  let frontEnd = abstractAt;
  if (frontEnd < 0) {
    frontEnd = lines.findIndex((l, i) => headingStyle(l, body) && (/^1\.?\s+\p{L}/u.test(norm[i]!) || /^introduction$/i.test(norm[i]!)));
    if (frontEnd < 0) frontEnd = lines.findIndex((l) => l.page > 1);
    if (frontEnd < 0) frontEnd = lines.length;
  }
  const front = lines.slice(0, frontEnd).filter((l) => l.page === 1);
  const { title, authors, used } = readFrontMatter(front, body, geometry[0]);
  for (let i = 0; i < frontEnd; i++) if (lines[i]!.page === 1) roles[i] = 'front';
  // Title and author lines are read as such; every other line of the front matter
  // (affiliations, e-mails, a teaser sentence) is kept as one passage before the abstract.
  const frontRest = front.filter((l) => !used.has(l) && /\p{L}{2}/u.test(l.text));
  if (!title) warnings.push('no title found on page 1');

  // Abstract: after its heading (or run-in "Abstract—") up to the first section heading.
  let abstractEnd = abstractAt;
  if (abstractAt >= 0) {
    roles[abstractAt] = 'abstract-head';
    const runIn = /^abstract\s*[-—–.:]?\s*\S/i.test(norm[abstractAt]!) && norm[abstractAt]!.length > 12;
    if (runIn) roles[abstractAt] = 'abstract';
    abstractEnd = abstractAt + 1;
    while (abstractEnd < lines.length && abstractEnd - abstractAt < 80) {
      const l = lines[abstractEnd]!;
      if (isHeadingCandidate(l, norm[abstractEnd]!, body) || (l.page > lines[abstractAt]!.page && abstractEnd - abstractAt > 40)) break;
      if (l.size < body.size * 0.85 && l.bottom < (geometry[l.page - 1]?.height ?? 800) * 0.3) break;
      roles[abstractEnd] = 'abstract';
      abstractEnd++;
    }
  } else {
    warnings.push('no abstract heading found');
  }

  // Display equations and their numbers, found before paragraphs so that they are cut out of them.
  const equationsAt = findEquations(lines, roles, body);

  // Walk the reading order: headings open sections, everything else becomes passages.
  const sections: Section[] = [];
  const blocks: Block[] = [];
  const captions: Caption[] = [];
  const equations: Equation[] = [];
  const usedIds = new Set<string>();
  let section: Section | undefined;
  let lastNumber: string | undefined;
  let block: Block | undefined;
  const sectionId = () => section?.id ?? '';
  const sectionNumber = () => section?.number ?? '';
  const close = () => {
    if (block) blocks.push(block);
    block = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const role = roles[i]!;
    if (role === 'front' || role === 'abstract-head') {
      close();
      continue;
    }
    if (role === 'abstract') {
      const text = i === abstractAt ? norm[i]!.replace(/^abstract\s*[-—–.:]?\s*/i, '') : l.text;
      if (block?.kind !== 'abstract' || startsParagraph(l, lines[i - 1], body)) {
        close();
        block = { kind: 'abstract', lines: [], texts: [], sectionId: '' };
      }
      block.lines.push(l);
      block.texts.push(text);
      continue;
    }
    const eq = equationsAt.get(i);
    if (eq) {
      close();
      const { number, lines: eqLines, rects } = eq;
      const text = normalizeText(eq.texts.join(' '));
      const id = uniqueId(`eq:${number}`, usedIds);
      // Equation.latex means the source's LaTeX; the layout's rebuilt text goes on the passage only.
      equations.push({ id, number, section: sectionNumber(), page: eqLines[0]!.page, rects: rects.map((r) => r.rect), text });
      blocks.push({
        kind: 'equation',
        lines: eqLines,
        texts: [...eq.texts, `(${number})`],
        sectionId: sectionId(),
        rects,
        ...(eq.latex ? { latex: eq.latex } : {}),
        equationNumbers: [number],
      });
      continue;
    }
    if (role === 'equation') continue;

    const heading = readHeading(l, norm[i]!, body, lastNumber);
    if (heading) {
      close();
      let titleText = heading.title;
      const headLines = [l];
      // A long heading wraps onto a second line in the same style.
      while (i + 1 < lines.length && continuesHeading(lines[i + 1]!, norm[i + 1]!, headLines[headLines.length - 1]!, body)) {
        i++;
        headLines.push(lines[i]!);
        titleText = joinLines([titleText, norm[i]!]);
      }
      if (heading.number) lastNumber = heading.number;
      const id = uniqueId(heading.number ? `sec:${heading.number}` : `sec:${slug(titleText)}`, usedIds);
      const rects = headLines.map((h, k) => (k === 0 && heading.runs ? runsRect(heading.runs) : lineRect(h)));
      section = {
        id,
        number: heading.number,
        title: titleText,
        level: heading.number ? heading.number.split('.').length : 1,
        page: l.page,
        rects,
      };
      sections.push(section);
      const label = heading.number ? `${heading.number} ${titleText}` : titleText;
      blocks.push({
        kind: 'heading',
        lines: headLines,
        texts: [label],
        sectionId: id,
        rects: rects.map((rect, k) => ({ page: headLines[k]!.page, segment: headLines[k]!.segment, rect })),
      });
      if (heading.rest) {
        block = {
          kind: 'paragraph',
          lines: [l],
          texts: [heading.rest],
          sectionId: id,
          rects: [{ page: l.page, segment: l.segment, rect: runsRect(heading.restRuns!) }],
        };
      }
      continue;
    }

    const cap = CAPTION.exec(norm[i]!);
    if (cap && isCaptionStart(l, cap, body)) {
      close();
      const kind = captionKind(cap[1]!);
      const caption: Caption = { id: '', kind, number: cap[2]!, section: sectionNumber(), page: l.page, rects: [], text: '' };
      captions.push(caption);
      block = { kind: 'caption', lines: [l], texts: [l.text], sectionId: sectionId(), caption };
      continue;
    }

    const small = l.size < body.size * 0.88;
    const prev = lines[i - 1];
    const hanging = /^(references|bibliography)$/i.test(section?.title ?? '');
    // Small print between two lines of one paragraph (a label over an arrow, a raised
    // annotation on a baseline of its own) belongs to the paragraph and does not end it.
    if (small && block?.kind === 'paragraph') {
      const last = block.lines[block.lines.length - 1]!;
      const next = lines[i + 1];
      if (
        next &&
        next.size >= body.size * 0.88 &&
        next.segment === last.segment &&
        l.y < last.y &&
        l.y > next.y &&
        !startsParagraph(next, last, body, hanging)
      ) {
        block.lines.push(l);
        block.texts.push(l.text);
        continue;
      }
    }
    const breaks = startsParagraph(l, prev, body, hanging);
    const footStart = small && isFootnoteStart(l, prev, body);
    const kind: PassageKind = small ? (footStart || (block?.kind === 'footnote' && !breaks) ? 'footnote' : 'other') : 'paragraph';
    const continues =
      block &&
      block.lines.length > 0 &&
      (block.kind === 'caption' ? captionGoesOn(l, block.lines) : block.kind === kind) &&
      !breaks &&
      !footStart;
    if (!continues) {
      close();
      block = { kind, lines: [], texts: [], sectionId: sectionId(), hanging };
    }
    block!.lines.push(l);
    block!.texts.push(l.text);
  }
  close();

  // Captions: text and rects come from their finished blocks.
  for (const b of blocks) {
    const cap = b.caption;
    if (!cap) continue;
    cap.text = normalizeText(joinLines(b.texts, oracle));
    cap.rects = mergeLineRects(b.lines.map(lineRect));
  }
  const figures: Caption[] = [];
  const tables: Caption[] = [];
  const algorithms: Caption[] = [];
  const seenCaption = new Set<string>();
  for (const c of captions) {
    const key = `${c.kind}:${c.number}`;
    if (seenCaption.has(key)) continue;
    seenCaption.add(key);
    c.id = uniqueId(`${c.kind === 'figure' ? 'fig' : c.kind === 'table' ? 'tab' : 'alg'}:${c.number}`, usedIds);
    (c.kind === 'figure' ? figures : c.kind === 'table' ? tables : algorithms).push(c);
  }

  const frontBlock: Block[] = frontRest.length
    ? [{ kind: 'other', lines: frontRest, texts: frontRest.map((l) => l.text), sectionId: '' }]
    : [];
  const merged = [...frontBlock, ...mergeAcrossBreaks(algorithmBlocks(tableBlocks(blocks), body))];
  const passages = merged.map((b, n) => toPassage(b, n + 1, oracle));
  const abstract = passages
    .filter((p) => p.kind === 'abstract')
    .map((p) => p.text)
    .join('\n\n');
  if (!sections.some((s) => s.number)) warnings.push('no numbered section headings found');
  return { title, authors, abstract, sections, equations, figures, tables, algorithms, passages, warnings };
}

// ---------------------------------------------------------------- front matter

function readFrontMatter(front: readonly Line[], body: BodyStyle, g: PageGeometry | undefined) {
  const height = g?.height ?? 792;
  const upper = front.filter((l) => l.top > height * 0.4);
  let titleLines: Line[] = [];
  let maxSize = 0;
  for (const l of upper) if (l.size > maxSize && /\p{L}{2}/u.test(l.text)) maxSize = l.size;
  if (maxSize >= body.size * 1.12) {
    // The title is the run of largest lines, read top to bottom; a subtitle in the same size joins it.
    const byY = [...upper].sort((a, b) => b.y - a.y);
    const first = byY.findIndex((l) => Math.abs(l.size - maxSize) < 0.6 && /\p{L}{2}/u.test(l.text));
    if (first >= 0) {
      titleLines = [byY[first]!];
      for (let k = first + 1; k < byY.length; k++) {
        const l = byY[k]!;
        const prev = titleLines[titleLines.length - 1]!;
        if (Math.abs(l.size - maxSize) < 0.6 && prev.y - l.y < maxSize * 2.2) titleLines.push(l);
        else if (l.y < prev.y - 1) break;
      }
    }
  } else if (upper.length) {
    titleLines = [[...upper].sort((a, b) => b.y - a.y)[0]!];
  }
  // Footnote marks (\thanks) are small raised runs; they are no part of the title.
  const title = normalizeText(
    joinLines(titleLines.map((l) => runsText(l.runs.filter((r) => !(r.size < l.size * 0.8 && r.y > l.y + 0.15 * l.size))))),
  );

  // Authors: the lines under the title in the style of the first of them, less affiliations.
  const lowest = titleLines.length ? Math.min(...titleLines.map((l) => l.y)) : height;
  const below = front.filter((l) => !titleLines.includes(l) && l.y < lowest).sort((a, b) => b.y - a.y || a.x0 - b.x0);
  const authors: string[] = [];
  const used = new Set<Line>(titleLines);
  const firstAuthor = below.findIndex((l) => !AFFILIATION.test(l.text) && /\p{Lu}\p{L}+/u.test(l.text));
  // The names go on over further lines while a line ends in "," or "and", or while every
  // piece of the next line still reads as a person's name; affiliations and dates end them.
  let prev: Line | undefined;
  for (let k = Math.max(0, firstAuthor); firstAuthor >= 0 && k < below.length; k++) {
    const l = below[k]!;
    const first = below[firstAuthor]!;
    if (l.font !== first.font || Math.abs(l.size - first.size) > 0.6 || /^abstract\b/i.test(l.text)) break;
    const names = splitNames(l);
    if (prev) {
      const goesOn =
        /(,|\band)\s*$/.test(normalizeText(prev.text).replace(/[*†‡§¶∗\d\s]+$/, '')) || (names.ok && prev.y - l.y < l.size * 1.8);
      if (!goesOn) break;
    }
    if (!names.names.length || (!names.ok && prev)) break;
    for (const name of names.names) if (!authors.includes(name)) authors.push(name);
    prev = l;
    used.add(l);
  }
  return { title, authors, used };
}

/**
 * Names on an author line, split at commas, "and", footnote marks and wide gaps; `ok` says
 * whether every piece read as a name (no affiliation, e-mail or date among them).
 */
function splitNames(l: Line): { names: string[]; ok: boolean } {
  const parts: TextRun[][] = [[]];
  let prev: TextRun | undefined;
  for (const r of l.runs) {
    const sup = r.size < l.size * 0.85 && r.y > l.y + 0.15 * l.size;
    const gap = prev ? r.x - (prev.x + prev.w) : 0;
    // An author line is centred, not justified: a gap of over half an em is between names, not words.
    if (sup || (prev && gap > l.size * 0.6)) {
      if (parts[parts.length - 1]!.length) parts.push([]);
      if (sup) {
        prev = r;
        continue;
      }
    }
    parts[parts.length - 1]!.push(r);
    prev = r;
  }
  const names: string[] = [];
  let ok = true;
  for (const p of parts) {
    if (!p.length) continue;
    for (let piece of normalizeText(runsText(p)).split(/,|;|\band\b|&/)) {
      if (/\d{4}/.test(piece) || MONTHS.test(piece)) ok = false;
      piece = piece
        .replace(/[*†‡§¶∗#⋆♠♣♥♦\d]+/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      if (!piece) continue;
      if (AFFILIATION.test(piece) || /https?:/.test(piece) || !/^\p{Lu}/u.test(piece) || piece.length > 40 || piece.split(' ').length > 5) {
        ok = false;
        continue;
      }
      names.push(piece);
    }
  }
  return { names, ok };
}

// ---------------------------------------------------------------- headings

interface HeadingMatch {
  number: string;
  title: string;
  /** Runs of a run-in heading (the rest of the line is a paragraph). */
  runs?: TextRun[];
  rest?: string;
  restRuns?: TextRun[];
}

/** A line in a heading's typeface: bold (another face than the body) or larger, not small. */
export function headingStyle(l: Line, body: BodyStyle): boolean {
  // Headings are never set smaller than the body (italic reference titles are).
  if (l.size < body.size - 0.3) return false;
  if (l.size >= body.size * 1.12) return true;
  let other = 0;
  let same = 0;
  for (const r of l.runs) {
    if (r.size < l.size * 0.85) continue;
    if (r.font === body.font && Math.abs(r.size - body.size) < 0.6) same += r.text.length;
    else other += r.text.length;
  }
  return other > 0 && same <= other * 0.15;
}

function isHeadingCandidate(l: Line, t: string, body: BodyStyle): boolean {
  if (!headingStyle(l, body)) return false;
  return NAMED_HEADING.test(t.replace(/[.:]$/, '')) || /^(\d{1,2}(\.\d{1,2}){0,3}|[A-Z](\.\d{1,2}){0,3})\.?\s+\p{L}/u.test(t);
}

const NUMBERED = /^(\d{1,2}(?:\.\d{1,2}){0,3}|[A-Z](?:\.\d{1,2}){0,3})\.?\s+(\S.*)$/u;

function readHeading(l: Line, text: string, body: BodyStyle, last: string | undefined): HeadingMatch | undefined {
  if (text.length > 160 || CAPTION.test(text)) return undefined;
  if (headingStyle(l, body)) {
    const named = text.replace(/[.:]$/, '');
    if (NAMED_HEADING.test(named)) return { number: '', title: named };
    const appendix = /^appendix\s+([A-Z](?:\.\d{1,2})*)\s*[:.\-—–]?\s*(.*)$/i.exec(text);
    if (appendix && follows(last, appendix[1]!)) return { number: appendix[1]!, title: appendix[2] || `Appendix ${appendix[1]}` };
    const m = NUMBERED.exec(text);
    if (m && plausibleTitle(m[2]!) && follows(last, m[1]!)) return { number: m[1]!, title: m[2]!.replace(/\s*[.:]$/, '') };
    return undefined;
  }
  // Run-in heading: "3.2 Training. We train ..." with the number and title in bold.
  const lead: TextRun[] = [];
  for (const r of l.runs) {
    if (r.font === body.font && Math.abs(r.size - body.size) < 0.6) break;
    lead.push(r);
  }
  if (!lead.length || lead.length === l.runs.length) return undefined;
  const leadText = normalizeText(runsText(lead));
  const m = NUMBERED.exec(leadText);
  if (!m || /^[A-Z]$/.test(m[1]!) || !plausibleTitle(m[2]!) || !follows(last, m[1]!)) return undefined;
  if (!/\d\.\d/.test(m[1]!) && !/[.:]$/.test(leadText)) return undefined;
  const restRuns = l.runs.slice(lead.length);
  return { number: m[1]!, title: m[2]!.replace(/\s*[.:]$/, ''), runs: lead, rest: normalizeText(runsText(restRuns)), restRuns };
}

function plausibleTitle(t: string): boolean {
  if (!/^[\p{L}"“'(]/u.test(t)) return false;
  if (/[,;]$/.test(t) || t.length > 120) return false;
  const words = t.split(/\s+/);
  if (words.length > 16) return false;
  // A heading has more letters than digits and symbols (table rows do not).
  const letters = (t.match(/\p{L}/gu) ?? []).length;
  return letters >= t.replace(/\s/g, '').length * 0.6;
}

function continuesHeading(next: Line, t: string, prev: Line, body: BodyStyle): boolean {
  if (next.page !== prev.page || next.segment !== prev.segment) return false;
  if (next.font !== prev.font || Math.abs(next.size - prev.size) > 0.3 || !headingStyle(next, body)) return false;
  if (prev.y - next.y > prev.size * 1.6) return false;
  return !NUMBERED.test(t) && !NAMED_HEADING.test(t) && !CAPTION.test(t) && t.length < 100;
}

/** Section numbers go forward: 2.1 → 2.2, 2.1.1, 3 or 3.1; appendices start at A after numbers. */
export function follows(prev: string | undefined, cand: string): boolean {
  const c = parseNumber(cand);
  if (!prev) return c.letter ? c.parts[0] === 1 : c.parts[0]! <= 2;
  const p = parseNumber(prev);
  if (p.letter !== c.letter) return !p.letter && c.letter && c.parts[0]! <= 2;
  const n = Math.max(p.parts.length, c.parts.length);
  for (let k = 0; k < n; k++) {
    const a = p.parts[k] ?? 0;
    const b = c.parts[k];
    if (b === undefined) return false;
    if (a === b) continue;
    if (b < a || b - a > 2) return false;
    // Deeper levels of a new number restart from 1 (one missed heading is tolerated).
    return c.parts.slice(k + 1).every((x) => x <= 2);
  }
  return false;
}

function parseNumber(s: string): { letter: boolean; parts: number[] } {
  const letter = /^[A-Z]/.test(s);
  const parts = s.split('.').map((x) => (/^[A-Z]$/.test(x) ? x.charCodeAt(0) - 64 : Number(x)));
  return { letter, parts };
}

// ---------------------------------------------------------------- captions, footnotes

function captionKind(word: string): CaptionKind {
  const w = word.toLowerCase();
  return w.startsWith('fig') ? 'figure' : w.startsWith('tab') ? 'table' : 'algorithm';
}

function isCaptionStart(l: Line, m: RegExpExecArray, body: BodyStyle): boolean {
  // "Algorithm 1 Training" (algorithmic's bold label, no colon) is a caption only in bold.
  if (m[3] === '' && !/^alg/i.test(m[1]!)) return false;
  if (m[3] === '') {
    const first = l.runs[0];
    return Boolean(first && first.font !== body.font);
  }
  return true;
}

function isFootnoteStart(l: Line, prev: Line | undefined, body: BodyStyle): boolean {
  const first = l.runs[0];
  if (!first) return false;
  const marker = first.size < l.size * 0.9 && first.y > l.y + 0.1 * l.size && /^[\d*†‡§¶∗a-z]{1,3}$/.test(first.text);
  const numbered = /^\d{1,2}\s+\S/.test(l.text) && l.size < body.size * 0.92;
  return (marker || numbered) && (!prev || prev.segment !== l.segment || prev.size >= body.size * 0.9 || startsParagraph(l, prev, body));
}

/**
 * A caption wraps onto the next line only when its last line was full (reached the right
 * edge) and the next starts where the caption started: table rows under a short, centred
 * caption do not.
 */
function captionGoesOn(l: Line, caption: readonly Line[]): boolean {
  const first = caption[0]!;
  const last = caption[caption.length - 1]!;
  return Math.abs(l.size - last.size) < 0.6 && last.colRight - last.x1 < last.size * 2 && Math.abs(l.x0 - first.x0) < l.size * 2;
}

/**
 * A new paragraph starts after a wider gap than line spacing, at an indent, or at a change of
 * size. In a bibliography (`hanging`) entries hang: the flush line starts one, indented lines go on.
 */
function startsParagraph(l: Line, prev: Line | undefined, body: BodyStyle, hanging = false): boolean {
  if (!prev || prev.segment !== l.segment || prev.page !== l.page) return true;
  const pitch = Math.max(body.pitch * (l.size / body.size), l.size * 1.05);
  if (prev.y - l.y > pitch * 1.45 || prev.y - l.y < -1) return true;
  if (Math.abs(prev.size - l.size) > Math.max(0.6, l.size * 0.1)) return true;
  const indented = (x: Line) => x.x0 - x.colLeft > x.size * 0.6 && x.x0 - x.colLeft < x.size * 4;
  if (hanging) return !indented(l) && (indented(prev) || /[.]$/.test(prev.text.trim()));
  // A first line stands in from the line before it; measured from that line, not from the
  // column, so that inset blocks (an abstract, a quotation) read the same way.
  const step = l.x0 - prev.x0;
  if (!(step > l.size * 0.6 && step < l.size * 4)) return false;
  // A hanging indent (a question list, a quoted item) goes on: the line before it runs to the
  // column's edge without ending a sentence, and this one starts in lower case.
  const runsOn = prev.colRight - prev.x1 < prev.size * 1.5 && !/[.!?:]["')\]]?$/.test(prev.text.trim());
  return !(runsOn && /^\p{Ll}/u.test(l.text.trim()));
}

// ---------------------------------------------------------------- equations

interface FoundEquation {
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
function findEquations(lines: readonly Line[], roles: Role[], body: BodyStyle): Map<number, FoundEquation> {
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
function equationRows(rows: TextRun[][]): string[] {
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

function equationNumber(l: Line): { number: string; numRuns: TextRun[]; bodyRuns: TextRun[] } | undefined {
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
function adjacent(upper: Line, lower: Line): boolean {
  if (upper.page !== lower.page || upper.segment !== lower.segment) return false;
  return upper.y - lower.y <= 1.65 * Math.max(upper.size, lower.size) && upper.bottom - lower.top < lower.size * 0.9;
}

function displayLike(l: Line, body: BodyStyle): boolean {
  if (headingStyle(l, body) && /^\d/.test(l.text) && NUMBERED.test(l.text)) return false;
  if (CAPTION.test(l.text)) return false;
  return !proseLike(l.text) || l.x0 > l.colLeft + l.size * 1.5;
}

function wordsOnly(t: string): boolean {
  const tokens = t.trim().split(/\s+/);
  return tokens.some((w) => /\p{L}{2}/u.test(w)) && tokens.every((w) => /^[("“]?\p{L}[\p{L}'’-]*[,.;:)"”]?$/u.test(w));
}

/** Running words, not symbols: most characters letters, several real words, or a sentence that ends in a colon. */
function proseLike(t: string): boolean {
  const compact = t.replace(/\s/g, '');
  if (!compact.length) return false;
  const letters = (compact.match(/\p{L}/gu) ?? []).length;
  const words = t.split(/\s+/).filter((w) => /^[("“]?\p{L}{2,}(?:[-'’]\p{L}+)*[,.;:)"”]?$/u.test(w)).length;
  if (letters / compact.length <= 0.7) return false;
  return words >= 4 || (words >= 2 && /\p{L}{2,}:$/u.test(t.trim()));
}

// ---------------------------------------------------------------- passages

/**
 * A paragraph that runs from the foot of one column (or page) to the head of the next is one
 * passage with an anchor on each. Floats and footnotes that LaTeX put in between are skipped.
 */
/**
 * A table caption's body: the small-print blocks right before it on its page (captions under
 * the table, as most templates put them), else right after it, read as one grid.
 */
function tableBlocks(blocks: Block[]): Block[] {
  const out = [...blocks];
  for (let k = 0; k < out.length; k++) {
    const cap = out[k]!;
    if (cap.kind !== 'caption' || cap.caption?.kind !== 'table') continue;
    const page = cap.lines[0]?.page;
    const body = (from: number, step: number): number[] => {
      const at: number[] = [];
      for (let j = from; j >= 0 && j < out.length && at.length < 40; j += step) {
        const b = out[j]!;
        if (b.lines[0]?.page !== page || !(b.kind === 'other' || (b.kind === 'paragraph' && looksTabular(b.lines)))) break;
        at.push(j);
      }
      return at;
    };
    const before = body(k - 1, -1);
    const at = before.length ? before : body(k + 1, 1);
    if (!at.length) continue;
    const lines = at.flatMap((j) => out[j]!.lines);
    const rows = tableGridFromLines(lines);
    if (!rows) continue;
    const table: Block = {
      kind: 'table',
      lines,
      texts: rows.map((r) => r.filter(Boolean).join(' ')),
      sectionId: out[at[0]!]!.sectionId,
      rows,
    };
    const lo = Math.min(...at);
    out.splice(lo, at.length, table);
    if (lo < k) k -= at.length - 1;
  }
  return out;
}

/**
 * An algorithm caption's body: the lines right under it on its page, while each follows the
 * one before at about the line pitch (a float ends at its rule and a larger skip), read as code
 * with the indentation the layout shows.
 */
function algorithmBlocks(blocks: Block[], body: BodyStyle): Block[] {
  const out = [...blocks];
  for (let k = 0; k < out.length; k++) {
    const cap = out[k]!;
    if (cap.kind !== 'caption' || cap.caption?.kind !== 'algorithm') continue;
    let last = cap.lines[cap.lines.length - 1];
    const taken: number[] = [];
    for (let j = k + 1; j < out.length && last; j++) {
      const b = out[j]!;
      const first = b.lines[0];
      if (
        !first ||
        (b.kind !== 'paragraph' && b.kind !== 'other' && b.kind !== 'list') ||
        first.page !== last.page ||
        first.segment !== last.segment
      )
        break;
      if (last.y - first.y > 1.7 * Math.max(body.pitch, first.size * 1.2)) break;
      taken.push(j);
      last = b.lines[b.lines.length - 1];
    }
    if (!taken.length) continue;
    const lines = taken.flatMap((j) => out[j]!.lines);
    const left = Math.min(...lines.map((l) => l.x0));
    const texts = lines.map((l) => `${'    '.repeat(Math.max(0, Math.round((l.x0 - left) / (l.size * 1.2))))}${normalizeText(l.text)}`);
    out.splice(taken[0]!, taken.length, { kind: 'code', lines, texts, sectionId: out[taken[0]!]!.sectionId });
  }
  return out;
}

function mergeAcrossBreaks(blocks: Block[]): Block[] {
  const out: Block[] = [];
  let open: Block | undefined;
  for (const b of blocks) {
    if (b.kind === 'heading' || b.kind === 'equation') {
      out.push(b);
      open = undefined;
      continue;
    }
    if (b.kind !== 'paragraph' && b.kind !== 'abstract') {
      out.push(b);
      continue;
    }
    // An abstract, like a paragraph, goes on at the head of the next column.
    if (open && open.kind === b.kind && b.lines[0] && open.lines.length) {
      const last = open.lines[open.lines.length - 1]!;
      const first = b.lines[0];
      const lastText = open.texts[open.texts.length - 1]!.trim();
      const newColumn = first.segment !== last.segment;
      const indented = first.x0 - first.colLeft > first.size * 0.6;
      const fullLast = last.colRight - last.x1 < last.size * 2;
      // A bibliography entry goes on at the head of the next column with its hanging indent.
      const ended = /[.!?:]["')\]]?$/.test(lastText);
      const lower = /^\p{Ll}/u.test(b.texts[0] ?? '');
      // A sentence cut mid-way and a column that starts in lower case go on even when the
      // last line is short (ragged-right text, narrow columns).
      const goesOn = b.hanging ? indented : !indented && ((fullLast && (!ended || lower)) || (!ended && lower));
      if (newColumn && goesOn && b.sectionId === open.sectionId) {
        open.lines.push(...b.lines);
        open.texts.push(...b.texts);
        if (open.rects || b.rects)
          open.rects = [
            ...(open.rects ?? open.lines.slice(0, -b.lines.length).map(lineAnchorRect)),
            ...(b.rects ?? b.lines.map(lineAnchorRect)),
          ];
        continue;
      }
    }
    out.push(b);
    open = b;
  }
  return out;
}

function lineAnchorRect(l: Line): { page: number; segment: number; rect: Rect } {
  return { page: l.page, segment: l.segment, rect: lineRect(l) };
}

function toPassage(b: Block, n: number, oracle: HyphenOracle): Passage {
  const rects = b.rects ?? b.lines.map(lineAnchorRect);
  const anchors: Anchor[] = [];
  let seg = -1;
  for (const r of rects) {
    if (!anchors.length || r.segment !== seg || anchors[anchors.length - 1]!.page !== r.page) {
      anchors.push({ page: r.page, rects: [] });
      seg = r.segment;
    }
    anchors[anchors.length - 1]!.rects.push(r.rect);
  }
  if (b.kind !== 'equation') for (const a of anchors) a.rects = mergeLineRects(a.rects);
  // Code keeps its lines and their indentation; prose is joined (hyphenation mended).
  const text =
    b.kind === 'code'
      ? b.texts.join('\n')
      : b.kind === 'equation'
        ? normalizeText(b.texts.join(' '))
        : normalizeText(joinLines(b.texts, oracle));
  return {
    id: `p:${n}`,
    kind: b.kind,
    sectionId: b.sectionId,
    text,
    page: anchors[0]?.page ?? b.lines[0]?.page ?? 1,
    anchors,
    ...(b.latex ? { latex: b.latex } : {}),
    ...(b.equationNumbers ? { equationNumbers: b.equationNumbers } : {}),
    ...(b.rows ? { rows: b.rows } : {}),
  };
}

/**
 * Consecutive lines with the same left and right edges (the justified body of a paragraph)
 * become one rectangle: the highlight looks the same, and a long passage carries a handful of
 * rectangles instead of one per line.
 */
export function mergeLineRects(rects: readonly Rect[]): Rect[] {
  const out: Rect[] = [];
  for (const r of rects) {
    const a = out[out.length - 1];
    if (
      a &&
      Math.abs(a.x - r.x) <= 0.5 &&
      Math.abs(a.x + a.width - (r.x + r.width)) <= 0.5 &&
      r.y < a.y &&
      a.y - (r.y + r.height) <= r.height * 0.6
    ) {
      out[out.length - 1] = unionRect([a, r]);
    } else {
      out.push(r);
    }
  }
  return out;
}

export function lineRect(l: Line): Rect {
  return { x: round(l.x0), y: round(l.bottom), width: round(l.x1 - l.x0), height: round(l.top - l.bottom) };
}

function runsRect(runs: readonly TextRun[]): Rect {
  return unionRect(runs.map((r) => ({ x: r.x, y: r.y - r.descent * r.size, width: r.w, height: (r.ascent + r.descent) * r.size })));
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
  used.add(id);
  return id;
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'section'
  );
}
