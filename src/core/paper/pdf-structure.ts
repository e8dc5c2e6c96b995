// Lines in reading order → the structure a reader sees: title, authors, abstract, section
// headings, display equations, captions and paragraphs, each with its page and rectangles.
import type { FoundEquation } from './pdf-equations';
import { findEquations } from './pdf-equations';
import { looksTabular, tableGridFromLines } from './pdf-table';
import type { Anchor, Caption, Equation, Paper, Passage, PassageKind, Rect, Section } from './model';
import type { HyphenOracle } from './normalize';
import { hyphenOracleFrom, joinLines, normalizeText } from './normalize';
import type { BodyStyle, Line, PageGeometry } from './pdf-layout';
import type { TextRun } from './pdf-text';
import type { Role } from './pdf-lines';
import {
  CAPTION,
  captionGoesOn,
  captionKind,
  continuesHeading,
  headingStyle,
  isCaptionStart,
  isFootnoteStart,
  isHeadingCandidate,
  lineRect,
  readHeading,
  runsRect,
  startsParagraph,
} from './pdf-lines';
import { runsText, unionRect } from './pdf-text';

/** What the PDF's text says about the paper: the Paper model less its source and pages. */
export type Structure = Pick<
  Paper,
  'title' | 'authors' | 'abstract' | 'sections' | 'equations' | 'figures' | 'tables' | 'algorithms' | 'passages' | 'warnings'
>;

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

  // Walk the reading order: each line goes to the first handler that takes it.
  const w: Walk = { lines, norm, body, abstractAt, equationsAt, sections: [], blocks: [], captions: [], equations: [], usedIds: new Set() };
  for (let i = 0; i < lines.length; i++) {
    const role = roles[i]!;
    if (role === 'front' || role === 'abstract-head') {
      closeBlock(w);
      continue;
    }
    if (role === 'abstract') {
      abstractLine(w, i);
      continue;
    }
    if (equationAt(w, i) || role === 'equation') continue;
    i = headingAt(w, i) ?? (captionAt(w, i) ? i : bodyLine(w, i));
  }
  closeBlock(w);
  const { sections, blocks, captions, equations, usedIds } = w;

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

// ---------------------------------------------------------------- the walk

/** The walk's state: the lines, what is open (the section, the block being filled), what is done. */
interface Walk {
  lines: readonly Line[];
  norm: readonly string[];
  body: BodyStyle;
  abstractAt: number;
  equationsAt: ReadonlyMap<number, FoundEquation>;
  sections: Section[];
  blocks: Block[];
  captions: Caption[];
  equations: Equation[];
  usedIds: Set<string>;
  section?: Section;
  lastNumber?: string;
  block?: Block;
}

function closeBlock(w: Walk): void {
  if (w.block) w.blocks.push(w.block);
  w.block = undefined;
}

/** A line of the abstract: a new paragraph of it, or the next line of the one open. */
function abstractLine(w: Walk, i: number): void {
  const l = w.lines[i]!;
  const text = i === w.abstractAt ? w.norm[i]!.replace(/^abstract\s*[-—–.:]?\s*/i, '') : l.text;
  if (w.block?.kind !== 'abstract' || startsParagraph(l, w.lines[i - 1], w.body)) {
    closeBlock(w);
    w.block = { kind: 'abstract', lines: [], texts: [], sectionId: '' };
  }
  w.block.lines.push(l);
  w.block.texts.push(text);
}

/** The first line of a display equation: the equation and its passage. False when no equation starts here. */
function equationAt(w: Walk, i: number): boolean {
  const eq = w.equationsAt.get(i);
  if (!eq) return false;
  closeBlock(w);
  const { number, lines: eqLines, rects } = eq;
  const text = normalizeText(eq.texts.join(' '));
  const id = uniqueId(`eq:${number}`, w.usedIds);
  // Equation.latex means the source's LaTeX; the layout's rebuilt text goes on the passage only.
  w.equations.push({ id, number, section: w.section?.number ?? '', page: eqLines[0]!.page, rects: rects.map((r) => r.rect), text });
  w.blocks.push({
    kind: 'equation',
    lines: eqLines,
    texts: [...eq.texts, `(${number})`],
    sectionId: w.section?.id ?? '',
    rects,
    ...(eq.latex ? { latex: eq.latex } : {}),
    equationNumbers: [number],
  });
  return true;
}

/**
 * A section heading (with the lines it wraps onto, and a run-in paragraph after it): opens the section.
 * @returns the index of its last line, or undefined when the line is no heading.
 */
function headingAt(w: Walk, i: number): number | undefined {
  const { lines, norm, body } = w;
  const l = lines[i]!;
  const heading = readHeading(l, norm[i]!, body, w.lastNumber);
  if (!heading) return undefined;
  closeBlock(w);
  let titleText = heading.title;
  const headLines = [l];
  // A long heading wraps onto a second line in the same style.
  while (i + 1 < lines.length && continuesHeading(lines[i + 1]!, norm[i + 1]!, headLines[headLines.length - 1]!, body)) {
    i++;
    headLines.push(lines[i]!);
    titleText = joinLines([titleText, norm[i]!]);
  }
  if (heading.number) w.lastNumber = heading.number;
  const id = uniqueId(heading.number ? `sec:${heading.number}` : `sec:${slug(titleText)}`, w.usedIds);
  const rects = headLines.map((h, k) => (k === 0 && heading.runs ? runsRect(heading.runs) : lineRect(h)));
  w.section = {
    id,
    number: heading.number,
    title: titleText,
    level: heading.number ? heading.number.split('.').length : 1,
    page: l.page,
    rects,
  };
  w.sections.push(w.section);
  w.blocks.push({
    kind: 'heading',
    lines: headLines,
    texts: [heading.number ? `${heading.number} ${titleText}` : titleText],
    sectionId: id,
    rects: rects.map((rect, k) => ({ page: headLines[k]!.page, segment: headLines[k]!.segment, rect })),
  });
  if (heading.rest) {
    w.block = {
      kind: 'paragraph',
      lines: [l],
      texts: [heading.rest],
      sectionId: id,
      rects: [{ page: l.page, segment: l.segment, rect: runsRect(heading.restRuns!) }],
    };
  }
  return i;
}

/** The first line of a caption ("Figure 3: …"): opens the caption block. False when none starts here. */
function captionAt(w: Walk, i: number): boolean {
  const l = w.lines[i]!;
  const cap = CAPTION.exec(w.norm[i]!);
  if (!cap || !isCaptionStart(l, cap, w.body)) return false;
  closeBlock(w);
  const caption: Caption = {
    id: '',
    kind: captionKind(cap[1]!),
    number: cap[2]!,
    section: w.section?.number ?? '',
    page: l.page,
    rects: [],
    text: '',
  };
  w.captions.push(caption);
  w.block = { kind: 'caption', lines: [l], texts: [l.text], sectionId: w.section?.id ?? '', caption };
  return true;
}

/** Any other line: it goes on with the open paragraph, caption or footnote, or starts a new one. */
function bodyLine(w: Walk, i: number): number {
  const { lines, body } = w;
  const l = lines[i]!;
  const small = l.size < body.size * 0.88;
  const prev = lines[i - 1];
  const hanging = /^(references|bibliography)$/i.test(w.section?.title ?? '');
  const block = w.block;
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
      return i;
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
    closeBlock(w);
    w.block = { kind, lines: [], texts: [], sectionId: w.section?.id ?? '', hanging };
  }
  w.block!.lines.push(l);
  w.block!.texts.push(l.text);
  return i;
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
