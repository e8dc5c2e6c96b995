// Finding tags in a file: comments and docstrings (tree-sitter), '#' comments in configs,
// every line of a Markdown note; and the lines each tag applies to.
//
// Scope rules (DESIGN.md): a tag in a trailing comment applies to its own line; a tag in a
// comment on a line of its own applies to that line and the block under it, up to a blank
// line or a line indented less than the comment; a tag in a docstring applies to the whole
// function or class. A module docstring and a Markdown line apply to themselves only.
import type { Edit, Parser, Tree } from 'web-tree-sitter';
import type { ParsedTag, TagRef } from './grammar';
import { parseTagText } from './grammar';
import type { LanguageId, TreeSitterLanguage } from './languages';
import { isCode, languageForFile } from './languages';
import { initTreeSitter, loadLanguage } from './treeSitter';

/** 0-based line and column (UTF-16 code units), as editors count them. */
export interface LinePosition {
  line: number;
  column: number;
}

export interface FoundRef extends TagRef {
  /** Where the number stands in the file (what a quick fix replaces). `start`/`end` are file offsets. */
  line: number;
  column: number;
  endColumn: number;
}

export interface FoundTag extends ParsedTag {
  /** All offsets (`start`, `end`, `quoteStart`, refs' `start`/`end`) are offsets in the file text. */
  refs: FoundRef[];
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The lines the tag applies to, 0-based, inclusive. */
  scope: { startLine: number; endLine: number };
  /** What holds the tag. */
  container: 'comment' | 'docstring' | 'markdown';
}

export interface FileScan {
  language: LanguageId;
  tags: FoundTag[];
  lineCount: number;
  /** 0-based lines that hold code: not blank, not only comment or docstring. Empty for configs and notes. */
  codeLines: number[];
}

/** Whether tags are looked for in this file (by extension). */
export function supportsFile(file: string): boolean {
  return languageForFile(file) !== undefined;
}

/**
 * The tag under a position (0-based line and UTF-16 column), for a hover or a quick fix:
 * the innermost tag whose text spans it, else undefined.
 */
export function tagAt(tags: readonly FoundTag[], line: number, column: number): FoundTag | undefined {
  let best: FoundTag | undefined;
  for (const t of tags) {
    const afterStart = line > t.line || (line === t.line && column >= t.column);
    const beforeEnd = line < t.endLine || (line === t.endLine && column <= t.endColumn);
    if (afterStart && beforeEnd && (!best || t.end - t.start < best.end - best.start)) best = t;
  }
  return best;
}

/** Starts tree-sitter and loads the grammars of the given files' languages ahead of time. */
export async function initTagFinder(files: string[] = ['x.py']): Promise<void> {
  await initTreeSitter();
  for (const f of files) {
    const spec = languageForFile(f);
    if (spec?.kind === 'tree-sitter') await loadLanguage(spec);
  }
}

/** Every tag in a file, with its position and scope. Unsupported files have none. */
export async function findTags(file: string, text: string): Promise<FoundTag[]> {
  return (await scan(file, text, false))?.tags ?? [];
}

/** Tags plus what coverage needs (which lines are code). Undefined for an unsupported file. */
export function scanFile(file: string, text: string): Promise<FileScan | undefined> {
  return scan(file, text, true);
}

async function scan(file: string, text: string, withCodeLines: boolean): Promise<FileScan | undefined> {
  const spec = languageForFile(file);
  if (!spec) return undefined;
  const lines = new Lines(text);
  const blocks: Block[] = [];
  if (spec.kind === 'tree-sitter') await treeSitterBlocks(spec, file, text, blocks);
  else if (spec.kind === 'hash') hashBlocks(text, lines, blocks);
  else if (spec.kind === 'julia') juliaBlocks(text, lines, blocks);
  else blocks.push({ start: 0, end: text.length, container: 'markdown' });
  const tags = tagsIn(text, lines, blocks);
  return {
    language: spec.id,
    tags,
    lineCount: lines.count,
    codeLines: withCodeLines && isCode(spec.id) ? codeLines(text, lines, blocks) : [],
  };
}

/** A comment or docstring: where it is, and for a docstring the lines of what it documents. */
interface Block {
  start: number;
  end: number;
  container: FoundTag['container'];
  /** Docstring of a definition: the definition's lines. */
  defLines?: { startLine: number; endLine: number };
}

const MAYBE_TAG = /[§[]|sec|eq|tab|fig|alg|app/i;

function tagsIn(text: string, lines: Lines, blocks: Block[]): FoundTag[] {
  const out: FoundTag[] = [];
  let inner: Uint8Array | undefined;
  for (const b of blocks) {
    const body = text.slice(b.start, b.end);
    if (!MAYBE_TAG.test(body)) continue;
    const parsed = parseTagText(body);
    if (parsed.length) inner ??= innerLines(lines, blocks);
    for (const t of parsed) out.push(place(text, lines, b, t, inner!));
  }
  return out;
}

/** Lines inside a multi-line comment or docstring (after its first): a blank one there ends no block. */
function innerLines(lines: Lines, blocks: Block[]): Uint8Array {
  const inner = new Uint8Array(lines.count);
  for (const b of blocks) {
    const s = lines.position(b.start).line;
    const e = lines.position(Math.max(b.start, b.end - 1)).line;
    for (let l = s + 1; l <= e; l++) inner[l] = 1;
  }
  return inner;
}

function place(text: string, lines: Lines, b: Block, t: ParsedTag, inner: Uint8Array): FoundTag {
  const shift = b.start;
  const start = t.start + shift;
  const end = t.end + shift;
  const s = lines.position(start);
  const e = lines.position(end);
  const refs: FoundRef[] = [];
  for (const r of t.refs) {
    const p = lines.position(r.start + shift);
    refs.push({
      kind: r.kind,
      number: r.number,
      start: r.start + shift,
      end: r.end + shift,
      line: p.line,
      column: p.column,
      endColumn: p.column + (r.end - r.start),
    });
  }
  // Built field by field, not spread: thousands of tags a file, and one object shape.
  const found: FoundTag = {
    raw: t.raw,
    start,
    end,
    refs,
    line: s.line,
    column: s.column,
    endLine: e.line,
    endColumn: e.column,
    scope: scopeOf(text, lines, b, s.line, inner),
    container: b.container,
  };
  if (t.quote !== undefined) {
    found.quote = t.quote;
    found.quoteStart = t.quoteStart! + shift;
    found.quoteEnd = t.quoteEnd! + shift;
  }
  if (t.note !== undefined) found.note = t.note;
  if (t.flag !== undefined) found.flag = t.flag;
  if (t.paper !== undefined) {
    found.paper = t.paper;
    found.paperStart = t.paperStart! + shift;
    found.paperEnd = t.paperEnd! + shift;
  }
  return found;
}

function scopeOf(text: string, lines: Lines, b: Block, tagLine: number, inner: Uint8Array): FoundTag['scope'] {
  if (b.defLines) return b.defLines;
  if (b.container !== 'comment') return { startLine: tagLine, endLine: tagLine };
  const first = lines.position(b.start);
  const lineStart = lines.start(first.line);
  // Code before the comment on its line: a trailing comment, which applies to that line.
  if (text.slice(lineStart, b.start).trim() !== '') return { startLine: first.line, endLine: first.line };
  const indent = first.column;
  const lastCommentLine = lines.position(Math.max(b.start, b.end - 1)).line;
  let end = lastCommentLine;
  for (let l = lastCommentLine + 1; l < lines.count; l++) {
    const body = lines.text(text, l);
    if (inner[l]) {
      end = l;
      continue;
    }
    if (body.trim() === '') break;
    const ind = body.length - body.trimStart().length;
    if (ind < indent) break;
    end = l;
  }
  return { startLine: tagLine, endLine: end };
}

/**
 * The last syntax tree of recently scanned files: an editor scans the same file after every
 * edit, and tree-sitter re-parses only what changed when given the old tree and the edit.
 * Trees live in wasm memory, so only a few are kept and evicted ones are freed.
 */
const trees = new Map<string, { text: string; tree: Tree }>();
const KEEP_TREES = 8;

/** Frees the kept syntax tree of a file (an editor calls this when a document closes). */
export function forgetFile(file: string): void {
  for (const [key, entry] of trees) {
    if (key.endsWith('\0' + file)) {
      entry.tree.delete();
      trees.delete(key);
    }
  }
}

function parseIncrementally(spec: TreeSitterLanguage, file: string, parser: Parser, text: string): Tree | null {
  const key = spec.id + '\0' + file;
  const last = trees.get(key);
  let tree: Tree | null;
  if (last && last.text === text) tree = last.tree;
  else if (last) {
    // Tree.edit reads only these fields; the Edit class adds helpers it does not need.
    last.tree.edit(editBetween(last.text, text) as Edit);
    tree = parser.parse(text, last.tree);
    last.tree.delete();
  } else tree = parser.parse(text);
  trees.delete(key);
  if (!tree) return null;
  trees.set(key, { text, tree });
  while (trees.size > KEEP_TREES) {
    const [oldest, entry] = trees.entries().next().value!;
    entry.tree.delete();
    trees.delete(oldest);
  }
  return tree;
}

/** The single edit that turns `before` into `after`: the span between their common prefix and suffix. */
function editBetween(
  before: string,
  after: string,
): Pick<Edit, 'startIndex' | 'oldEndIndex' | 'newEndIndex' | 'startPosition' | 'oldEndPosition' | 'newEndPosition'> {
  let p = 0;
  const max = Math.min(before.length, after.length);
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let sfx = 0;
  while (sfx < max - p && before.charCodeAt(before.length - 1 - sfx) === after.charCodeAt(after.length - 1 - sfx)) sfx++;
  const point = (t: string, index: number) => {
    const lineStart = t.lastIndexOf('\n', index - 1) + 1;
    let row = 0;
    for (let i = t.indexOf('\n'); i >= 0 && i < index; i = t.indexOf('\n', i + 1)) row++;
    return { row, column: index - lineStart };
  };
  return {
    startIndex: p,
    oldEndIndex: before.length - sfx,
    newEndIndex: after.length - sfx,
    startPosition: point(before, p),
    oldEndPosition: point(before, before.length - sfx),
    newEndPosition: point(after, after.length - sfx),
  };
}

async function treeSitterBlocks(spec: TreeSitterLanguage, file: string, text: string, blocks: Block[]): Promise<void> {
  const { parser, query } = await loadLanguage(spec);
  const tree = parseIncrementally(spec, file, parser, text);
  if (!tree) return;
  for (const c of query.captures(tree.rootNode)) {
    const n = c.node;
    if (c.name === 'comment') blocks.push({ start: n.startIndex, end: n.endIndex, container: 'comment' });
    else if (c.name === 'doc.module') blocks.push({ start: n.startIndex, end: n.endIndex, container: 'docstring' });
    else if (c.name === 'doc.def') {
      // string → expression_statement → block → definition (→ decorated_definition)
      let def = n.parent?.parent?.parent ?? null;
      if (def?.parent && spec.definitions.includes(def.parent.type)) def = def.parent;
      const defLines = def ? { startLine: def.startPosition.row, endLine: def.endPosition.row } : undefined;
      blocks.push({ start: n.startIndex, end: n.endIndex, container: 'docstring', ...(defLines ? { defLines } : {}) });
    }
  }
  blocks.sort((a, b) => a.start - b.start);
}

/** '#' comments of YAML / TOML: a '#' at a line's start or after a space, outside quotes. */
function hashBlocks(text: string, lines: Lines, blocks: Block[]): void {
  for (let l = 0; l < lines.count; l++) {
    const from = lines.start(l);
    const line = lines.text(text, l);
    if (!line.includes('#')) continue;
    let quote = '';
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quote) {
        if (c === quote) quote = '';
        else if (c === '\\' && quote === '"') i++;
      } else if (c === '"' || c === "'") {
        // A quote inside a plain scalar ("it's") does not open a string.
        if (i === 0 || /[\s:[{,=-]/.test(line[i - 1]!)) quote = c;
      } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
        blocks.push({ start: from + i, end: from + line.length, container: 'comment' });
        break;
      }
    }
  }
}

/** Julia: '#' and nested '#= =#' comments; a string right above a definition is its docstring. */
function juliaBlocks(text: string, lines: Lines, blocks: Block[]): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === '#') {
      if (text[i + 1] === '=') {
        let depth = 1;
        let j = i + 2;
        while (j < n && depth > 0) {
          if (text.startsWith('#=', j)) {
            depth++;
            j += 2;
          } else if (text.startsWith('=#', j)) {
            depth--;
            j += 2;
          } else j++;
        }
        blocks.push({ start: i, end: j, container: 'comment' });
        i = j;
      } else {
        const e = text.indexOf('\n', i);
        const end = e < 0 ? n : e;
        blocks.push({ start: i, end, container: 'comment' });
        i = end;
      }
    } else if (c === '"') {
      const triple = text.startsWith('"""', i);
      const close = triple ? '"""' : '"';
      let j = i + close.length;
      while (j < n && !text.startsWith(close, j)) j += text[j] === '\\' ? 2 : 1;
      const end = Math.min(n, j + close.length);
      const doc = docstringOf(text, lines, i, end);
      if (doc) blocks.push({ start: i, end, container: 'docstring', defLines: doc });
      i = end;
    } else if (c === "'" && /^'(?:\\.[^']*|[^\\'])'/.test(text.slice(i, i + 12)) && !/[\p{L}\p{N}_)\]']/u.test(text[i - 1] ?? '')) {
      // A character literal ('#'), not the transpose operator (a').
      i = text.indexOf("'", i + 2) + 1;
    } else i++;
  }
}

const JULIA_DEF =
  /^\s*(?:@\w+\s+)*(?:function|macro|struct|mutable\s+struct|abstract\s+type|primitive\s+type|module|baremodule|const)\b|^\s*[\w.!]+(?:\{[^}]*\})?\([^)]*\)\s*(?:where\b.*)?=/;

/** A string standing alone on its lines with a definition on the next line: the definition's lines. */
function docstringOf(text: string, lines: Lines, start: number, end: number): { startLine: number; endLine: number } | undefined {
  const s = lines.position(start);
  const e = lines.position(end);
  if (lines.text(text, s.line).slice(0, s.column).trim() !== '') return undefined;
  if (lines.text(text, e.line).slice(e.column).trim() !== '') return undefined;
  const defLine = e.line + 1;
  if (defLine >= lines.count) return undefined;
  const def = lines.text(text, defLine);
  if (!JULIA_DEF.test(def)) return undefined;
  const indent = def.length - def.trimStart().length;
  // One-line definitions (f(x) = ..., const) end on their line; blocks end at their `end`.
  if (!/^\s*(?:@\w+\s+)*(?:function|macro|struct|mutable|abstract|primitive|module|baremodule)\b/.test(def) || /\bend\s*$/.test(def)) {
    return { startLine: defLine, endLine: defLine };
  }
  for (let l = defLine + 1; l < lines.count; l++) {
    const t = lines.text(text, l);
    if (t.length - t.trimStart().length === indent && /^\s*end\b/.test(t)) return { startLine: defLine, endLine: l };
  }
  return { startLine: defLine, endLine: lines.count - 1 };
}

/** Lines with code: not blank and not covered entirely by comments and docstrings. */
function codeLines(text: string, lines: Lines, blocks: Block[]): number[] {
  const notCode = new Uint8Array(lines.count);
  for (const b of blocks) {
    const s = lines.position(b.start);
    const e = lines.position(Math.max(b.start, b.end - 1));
    for (let l = s.line; l <= e.line; l++) {
      const body = lines.text(text, l);
      const from = l === s.line ? s.column : 0;
      const to = l === e.line ? e.column + 1 : body.length;
      if (body.slice(0, from).trim() === '' && body.slice(to).trim() === '') notCode[l] = 1;
    }
  }
  const out: number[] = [];
  for (let l = 0; l < lines.count; l++) if (!notCode[l] && lines.text(text, l).trim() !== '') out.push(l);
  return out;
}

/** Line starts of a text, for offset ↔ line/column. */
class Lines {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  get count(): number {
    return this.starts.length;
  }
  start(line: number): number {
    return this.starts[line]!;
  }
  text(text: string, line: number): string {
    const end = line + 1 < this.starts.length ? this.starts[line + 1]! - 1 : text.length;
    const from = this.starts[line]!;
    return text.charCodeAt(end - 1) === 13 && end > from ? text.slice(from, end - 1) : text.slice(from, end);
  }
  position(offset: number): LinePosition {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: offset - this.starts[lo]! };
  }
}
