// The paper as Markdown: what a reader (and every model call) reads. One function, and
// deterministic: the same paper gives the same bytes, so the prompt prefix that carries it
// is cached by providers across the calls of a run.
//
// Shape: `# Title`, the authors, `## Abstract`; each heading on its own line with its number
// at a depth that follows its level (`## 3 Model`, `### 3.2 Attention`); display equations as
// `$$ … $$` followed by their number; tables as Markdown tables under their caption; algorithms
// and listings as fenced code under theirs; figures as their caption; footnotes at the end of
// their section; the reference list left out (see REFERENCES_NOTE).
import type { Paper, Passage, Section } from './model';

/** Why the reference list is not in the Markdown, said where it would stand. */
export const REFERENCES_NOTE =
  "(The reference list is left out: code cites the paper's own sections, equations, tables and figures, and the list would take a large share of every prompt.)";

export interface MarkdownOptions {
  /** Keep the reference list's entries (default false: one line says they are left out). */
  references?: boolean;
}

/**
 * The paper as Markdown.
 * @param paper any Paper (PDF, LaTeX, merged); a merged paper is written from its source passages.
 * @returns Markdown text ending in one newline; the same input always gives the same bytes.
 */
export function paperMarkdown(paper: Paper, options: MarkdownOptions = {}): string {
  const out: string[] = [];
  out.push(`# ${oneLine(paper.title) || 'Untitled paper'}`);
  if (paper.authors.length) out.push(paper.authors.join(', '));
  const passages = paper.sourcePassages?.length ? paper.sourcePassages : paper.passages;
  // The abstract stands where the passages have it (after any front-matter lines), else first.
  if (paper.abstract && !passages.some((p) => p.kind === 'abstract')) out.push('## Abstract', md(paper.abstract));

  const sections = new Map(paper.sections.map((s) => [s.id, s]));
  const equationsByNumber = new Map(paper.equations.map((e) => [e.number, e]));
  let current = '';
  let notes: string[] = [];
  let inReferences = false;
  let abstractSeen = false;
  let figureText: string[] = [];
  // Small print right before a figure's caption on its page is the figure's own text (labels, boxes).
  const inFigure = new Set<Passage>();
  passages.forEach((p, k) => {
    if (p.kind !== 'caption' || !/^(Figure|Fig\.)/.test(p.text)) return;
    for (let j = k - 1; j >= 0 && passages[j]!.kind === 'other' && passages[j]!.page === p.page && passages[j]!.sectionId; j--)
      inFigure.add(passages[j]!);
  });
  let last = '';

  const endSection = (): void => {
    if (inReferences && !options.references) out.push(REFERENCES_NOTE);
    if (notes.length) out.push(notes.map((n) => `> Footnote: ${n}`).join('\n>\n'));
    notes = [];
  };
  const enter = (sectionId: string, heading?: Passage): void => {
    if (sectionId === current && !heading) return;
    endSection();
    current = sectionId;
    const s = sections.get(sectionId);
    inReferences = !!s && isReferences(s);
    if (s) out.push(headingLine(s));
    else if (heading) out.push(`## ${oneLine(heading.text)}`);
  };

  for (const p of passages) {
    if (p.kind === 'abstract') {
      if (!abstractSeen) out.push('## Abstract');
      abstractSeen = true;
      out.push(md(p));
      continue;
    }
    if (p.kind === 'heading') {
      enter(p.sectionId, p);
      continue;
    }
    if (p.sectionId !== current) enter(p.sectionId);
    if (inReferences && !options.references) continue;
    const text = md(p);
    if (!text.trim() || (p.kind !== 'equation' && text === last)) continue;
    if (inFigure.has(p)) {
      figureText.push(oneLine(text));
      continue;
    }
    last = text;
    switch (p.kind) {
      case 'footnote':
        notes.push(oneLine(text));
        break;
      case 'equation':
        out.push(equationBlock(p, equationsByNumber));
        break;
      case 'caption':
        out.push(captionLine(text));
        if (figureText.length) out.push(`> Text in the figure: ${figureText.join(' · ')}`);
        figureText = [];
        break;
      case 'table':
        out.push(p.rows?.length ? tableBlock(p.rows) : text);
        break;
      case 'code':
        out.push(fence(text));
        break;
      case 'list':
        out.push(listBlock(text));
        break;
      default:
        out.push(p.runIn ? runIn(p.runIn, text) : oneLine(text));
    }
  }
  endSection();
  // Numbered items the passages never showed (a PDF whose equation lines were not found) still reach the reader.
  const shown = new Set(passages.flatMap((p) => p.equationNumbers ?? []));
  const isShown = (n: string): boolean => shown.has(n) || [...shown].some((x) => x.startsWith(n) && /^[a-z]$/.test(x.slice(n.length)));
  const missing = paper.equations.filter(
    (e) => !isShown(e.number) && !passages.some((p) => p.kind === 'equation' && p.text.includes(`(${e.number})`)),
  );
  if (missing.length && passages.some((p) => p.kind === 'equation' && p.equationNumbers)) {
    out.push('## Equations not placed in the text', ...missing.map((e) => `$$\n${e.latex ?? e.text}\n$$ (${e.number})`));
  }
  if (paper.warnings.length) out.push('## Parser warnings', paper.warnings.map((w) => `- ${oneLine(w)}`).join('\n'));
  return `${out
    .join('\n\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

function md(p: Passage | string): string {
  if (typeof p === 'string') return oneLine(p);
  return p.markdown ?? p.text;
}

/** `## 3 Model`, `### 3.2 Attention`, `#### 3.2.1 …`; appendices (`A`, `A.1`) alike; unnumbered at their level. */
function headingLine(s: Section): string {
  const depth = Math.min(6, Math.max(2, s.level + 1));
  return `${'#'.repeat(depth)} ${s.number ? `${s.number} ` : ''}${oneLine(s.title)}`;
}

function isReferences(s: Section): boolean {
  return !s.number && /^(references|bibliography|works cited|literature cited)$/i.test(s.title.trim());
}

/** `(4)`, `(5) (6)`, or `(3a) (3b) (3c) of (3)` when the parts belong to a numbered group (subequations). */
function tagsOf(numbers: string[], equations: Map<string, unknown>): string {
  const groups = new Set(numbers.map((n) => /^(.*\d)[a-z]$/.exec(n)?.[1]));
  const group = groups.size === 1 ? [...groups][0] : undefined;
  const list = numbers.map((n) => `(${n})`).join(' ');
  return group && equations.has(group) ? `${list} of (${group})` : list;
}

function equationBlock(p: Passage, equations: Map<string, { latex?: string; text: string }>): string {
  const numbers = p.equationNumbers ?? [];
  let body = p.latex;
  if (body === undefined && numbers.length) {
    const eq = equations.get(numbers[0]!);
    body = eq?.latex ?? eq?.text;
  }
  body ??= p.text.replace(/\s*(\([A-Z]?\d+(\.\d+)?[a-z]?\)\s*)+$/, '');
  const tags = numbers.length
    ? numbers
    : (/(\(([A-Z]?\d+(\.\d+)?[a-z]?)\)\s*)+$/.exec(p.text)?.[0].match(/[A-Z]?\d+(\.\d+)?[a-z]?/g) ?? []);
  return `$$\n${body.trim()}\n$$${tags.length ? ` ${tagsOf(tags, equations)}` : ''}`;
}

/** "Table 2: …" → "**Table 2:** …" so the number stands out; figure captions in italics would hide math. */
function captionLine(text: string): string {
  const t = oneLine(text);
  const m = /^((?:Figure|Fig\.|Table|Algorithm|Listing)\s+[A-Z]?\d+(?:\.\d+)?[a-z]?[:.]?)\s*/.exec(t);
  return m ? `**${m[1]}** ${t.slice(m[0].length)}` : t;
}

function tableBlock(rows: string[][]): string {
  const width = Math.max(...rows.map((r) => r.length));
  const cell = (c: string | undefined): string => oneLine(c ?? '').replace(/\|/g, '\\|');
  const line = (r: string[]): string => `| ${Array.from({ length: width }, (_, k) => cell(r[k])).join(' | ')} |`;
  return [line(rows[0]!), `| ${Array(width).fill('---').join(' | ')} |`, ...rows.slice(1).map(line)].join('\n');
}

function fence(code: string): string {
  const ticks = code.includes('```') ? '~~~' : '```';
  return `${ticks}\n${code.replace(/\s+$/, '')}\n${ticks}`;
}

/** A list passage: one item a line when the reader left bullets or numbers in it. */
function listBlock(text: string): string {
  const items = oneLine(text)
    .split(/\s(?=•\s)|\s(?=\(\w\)\s)/)
    .map((x) => x.trim())
    .filter(Boolean);
  return items.map((i) => (i.startsWith('•') ? `- ${i.slice(1).trim()}` : `- ${i}`)).join('\n');
}

function runIn(head: string, text: string): string {
  const body = text.startsWith(head) ? text.slice(head.length).trim() : text;
  return `**${oneLine(head)}** ${oneLine(body)}`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
