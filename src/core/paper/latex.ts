// LaTeX source → Paper: sections, equations, captions, labels and paragraphs, numbered the
// way the compiled PDF numbers them. Positions are unknown from source (page 0, no rects)
// until merged with the PDF (merge.ts).
import type { Result } from '../errors';
import { ok } from '../errors';
import type { Counters } from './latex-counters';
import {
  format,
  newCounters,
  numberWithin,
  numberWithout,
  setCounter,
  setTemplate,
  stepCounter,
  getCounter,
  theCounter,
} from './latex-counters';
import { findEnvEnd, isEscaped, matchBrace, readArg, readOptArg, readStarOptArg, splitRows } from './latex-scan';
import type { LatexSource, SourceTree } from './latex-source';
import { chooseMainFile, loadLatex, otherMainsWarning } from './latex-source';
import type { Macros, RefStyle, TextContext } from './latex-text';
import { collectEnvAliases, collectMacros, expandMacros, flattenMath, flattenText, mathLatex } from './latex-text';
import type { AlgorithmLine } from './latex-algorithm';
import { latexAlgorithms } from './latex-algorithm';
import { latexTables } from './latex-table';
import type { Caption, CaptionKind, Equation, Paper, Passage, PassageKind, Section } from './model';
import { PAPER_SCHEMA_VERSION } from './model';

export interface LatexInfo {
  location: string;
  arxivId?: string;
}

/** Finds the main file of a tree, reads it with its inputs, and scans it. */
export function parseLatexTree(tree: SourceTree, info: LatexInfo, mainFile?: string): Result<Paper> {
  const main = mainFile ? ok({ main: mainFile, others: [] }) : chooseMainFile(tree);
  if (!main.ok) return main;
  const src = loadLatex(tree, main.value.main);
  if (!src.ok) return src;
  if (main.value.others.length) src.value.warnings.push(otherMainsWarning(main.value.main, main.value.others, src.value.bbl !== undefined));
  return ok(latexToPaper(src.value, info));
}

interface Heading {
  number: string;
  rawTitle: string;
  level: number;
  label?: string;
  id: string;
}

interface RawEquation {
  number: string;
  section: string;
  latex: string;
  label?: string;
}

interface RawCaption {
  kind: CaptionKind;
  number: string;
  section: string;
  raw: string;
  label?: string;
}

interface RawPassage {
  kind: PassageKind;
  heading?: Heading;
  raw: string;
  /** For caption passages: which caption, so the passage reads exactly like it. */
  caption?: number;
  /** A run-in heading (\paragraph{…}) that opens this paragraph, as LaTeX. */
  runIn?: string;
  /** For equation passages: the display as written, and the numbers it prints (none: unnumbered). */
  display?: string;
  numbers?: string[];
  /** For table passages: rows of LaTeX cells. */
  rows?: string[][];
  /** For code passages: the lines of an algorithm or listing. */
  code?: AlgorithmLine[];
}

type LabelKind = 'section' | 'equation' | 'theorem' | CaptionKind;

interface Target {
  kind: LabelKind;
  number: string;
  /** What \autoref calls it when the kind does not say (a theorem's "Lemma"). */
  name?: string;
  item?: { label?: string };
}

interface Theorem {
  counter: string;
  title: string;
}

interface Scan {
  counters: Counters;
  secnumdepth: number;
  topLevel: number;
  algorithm2e: boolean;
  stack: Heading[];
  headings: Heading[];
  equations: RawEquation[];
  captions: RawCaption[];
  passages: RawPassage[];
  labels: Map<string, Target>;
  theorems: Map<string, Theorem>;
  target?: Target;
  para: string;
  /** The run-in heading waiting for the paragraph it opens. */
  runIn?: string;
  /** An open subequations block: its number, parts so far, the counter to restore, the group as an equation of its own. */
  subeq?: { parent: string; count: number; saved: number; group: RawEquation; at: number; outer?: Target };
  title?: string;
  authors: string[];
  abstract?: string;
  hadBibliography: boolean;
  envAliases: Map<string, string>;
  warnings: string[];
}

/** LaTeX sectioning levels (\part -1 … \subparagraph 5). */
const LATEX_LEVEL: Record<string, number> = {
  part: -1,
  chapter: 0,
  section: 1,
  subsection: 2,
  subsubsection: 3,
  paragraph: 4,
  subparagraph: 5,
};

/** Environments that get one number for the whole display. */
const SINGLE = new Set(['equation', 'multline', 'dmath', 'dgroup', 'math', 'displaymath']);
/** Environments that number each row. */
const ROWS = new Set(['align', 'flalign', 'alignat', 'gather', 'eqnarray', 'xalignat', 'xxalignat', 'IEEEeqnarray']);

const FLOATS: Record<string, CaptionKind> = {
  figure: 'figure',
  wrapfigure: 'figure',
  SCfigure: 'figure',
  sidewaysfigure: 'figure',
  figwindow: 'figure',
  table: 'table',
  wraptable: 'table',
  SCtable: 'table',
  sidewaystable: 'table',
  longtable: 'table',
  tabwindow: 'table',
  algorithm: 'algorithm',
  algorithm2e: 'algorithm',
};

/** Environments whose content is not prose. */
const OPAQUE = new Set([
  'verbatim',
  'Verbatim',
  'lstlisting',
  'minted',
  'comment',
  'tikzpicture',
  'pgfpicture',
  'picture',
  'filecontents',
  'tikzcd',
  'forest',
]);

const LISTS = new Set(['itemize', 'enumerate', 'description', 'compactitem', 'compactenum', 'inparaenum']);

const REPORT_CLASSES = /^(report|book|memoir|scrbook|scrreprt|amsbook|thesis|ucthesis)$/;

export function latexToPaper(src: LatexSource, info: LatexInfo): Paper {
  const everything = src.localPackages + '\n' + src.preamble + '\n' + src.body;
  const macros: Macros = new Map();
  collectMacros(src.localPackages, macros);
  collectMacros(src.preamble, macros);
  collectMacros(src.body, macros);
  const envAliases = new Map<string, string>();
  collectEnvAliases(everything, envAliases);
  const withChapters = REPORT_CLASSES.test(src.documentClass) || /\\chapter\*?\s*[[{]/.test(src.body);
  const scan: Scan = {
    counters: newCounters(withChapters),
    secnumdepth: REPORT_CLASSES.test(src.documentClass) ? 2 : 3,
    topLevel: withChapters ? 0 : 1,
    algorithm2e: /\\usepackage\s*(\[[^\]]*\])?\s*\{[^}]*\balgorithm2e\b/.test(src.preamble),
    stack: [],
    headings: [],
    equations: [],
    captions: [],
    passages: [],
    labels: new Map(),
    para: '',
    authors: [],
    hadBibliography: false,
    envAliases,
    theorems: new Map(),
    warnings: [...src.warnings],
  };
  collectTheorems(scan, src.localPackages + '\n' + src.preamble);
  // Shorthands such as \be → \begin{equation} must be seen by the scanner.
  const structural = (_n: string, m: { body: string }) =>
    /\\(begin|end|section|subsection|subsubsection|label|caption|appendix|tag|nonumber|notag|\[|\])(?![a-zA-Z])|\$\$/.test(m.body);
  const preamble = expandMacros(src.localPackages + '\n' + src.preamble, macros, structural);
  const body = expandMacros(src.body, macros, structural);
  readSettings(scan, preamble);
  scanBody(scan, body);
  const cleveref = /\\usepackage\s*(?:\[([^\]]*)\])?\s*\{[^}]*\bcleveref\b/.exec(src.preamble);
  const style = { capitalize: /capitali[sz]e/.test(cleveref?.[1] ?? ''), noabbrev: /noabbrev/.test(cleveref?.[1] ?? '') };
  return assemble(scan, src, info, macros, style);
}

/** \newtheorem{lemma}[theorem]{Lemma}[section]: which counter each theorem-like environment steps. */
function collectTheorems(scan: Scan, preamble: string): void {
  const re = /\\newtheorem\s*\{([^}]+)\}\s*(?:\[([^\]]+)\])?\s*\{([^}]*)\}\s*(?:\[([^\]]+)\])?/g;
  for (const m of preamble.matchAll(re)) {
    const name = m[1]!.trim();
    const shared = m[2]?.trim();
    const counter = shared ? (scan.theorems.get(shared)?.counter ?? shared) : name;
    scan.theorems.set(name, { counter, title: m[3]!.trim() });
    if (!shared && m[4]) numberWithin(scan.counters, counter, m[4].trim(), true);
  }
}

const SETTINGS =
  /\\(numberwithin|counterwithin|counterwithout|renewcommand|setcounter|addtocounter|stepcounter|refstepcounter|@addtoreset|title|icmltitle|author|icmlauthor|abstract)(?![a-zA-Z])(\*?)/g;

/** Numbering settings, title and authors in the preamble (or a local package). */
function readSettings(scan: Scan, text: string): void {
  const re = new RegExp(SETTINGS.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (isEscaped(text, m.index)) continue;
    const end = applyCommand(scan, m[1]!, m[2] === '*', text, m.index + m[0].length);
    if (end > re.lastIndex) re.lastIndex = end;
  }
}

/** Applies a numbering / front-matter command; returns where its arguments end. */
function applyCommand(scan: Scan, cmd: string, star: boolean, s: string, at: number): number {
  const c = scan.counters;
  switch (cmd) {
    case 'numberwithin':
    case 'counterwithin':
    case 'counterwithout':
    case '@addtoreset': {
      const opt = cmd === 'numberwithin' ? readOptArg(s, at) : undefined;
      const a = readArg(s, opt ? opt.end : at);
      const b = a && readArg(s, a.end);
      if (!a || !b) return at;
      if (cmd === 'counterwithout') numberWithout(c, a.content, b.content);
      else numberWithin(c, a.content, b.content, cmd !== '@addtoreset' && !star);
      return b.end;
    }
    case 'renewcommand': {
      const name = readArg(s, at);
      if (!name) return at;
      const the = /^\s*\\the([a-zA-Z]+)\s*$/.exec(name.content);
      if (!the) return name.end;
      const body = readArg(s, name.end);
      if (!body) return name.end;
      setTemplate(c, the[1]!, body.content);
      return body.end;
    }
    case 'setcounter':
    case 'addtocounter': {
      const a = readArg(s, at);
      const b = a && readArg(s, a.end);
      if (!a || !b) return at;
      const value = Number.parseInt(b.content.trim(), 10);
      if (Number.isNaN(value)) return b.end;
      const name = a.content.trim();
      if (name === 'secnumdepth') scan.secnumdepth = cmd === 'setcounter' ? value : scan.secnumdepth + value;
      else setCounter(c, name, cmd === 'setcounter' ? value : getCounter(c, name) + value);
      return b.end;
    }
    case 'stepcounter':
    case 'refstepcounter': {
      const a = readArg(s, at);
      if (!a) return at;
      stepCounter(c, a.content.trim());
      return a.end;
    }
    case 'title':
    case 'icmltitle': {
      const a = readStarOptArg(s, at);
      if (!a) return at;
      if (scan.title === undefined && a.arg.trim()) scan.title = a.arg;
      return a.end;
    }
    case 'author': {
      const a = readStarOptArg(s, at);
      if (!a) return at;
      if (a.arg.trim()) scan.authors.push(a.arg);
      return a.end;
    }
    case 'icmlauthor': {
      const a = readArg(s, at);
      const b = a && readArg(s, a.end);
      if (!a) return at;
      scan.authors.push(a.content);
      return b ? b.end : a.end;
    }
    case 'abstract': {
      // A class macro some templates take in the preamble: \abstract{…} (not \newcommand{\abstract}).
      if (!/^\s*\{/.test(s.slice(at, at + 40))) return at;
      const a = readArg(s, at);
      if (!a) return at;
      scan.abstract ??= a.content;
      return a.end;
    }
    default:
      return at;
  }
}

const TRIGGER =
  /\\(begin|end)\s*\{([^{}]+)\}|\\(part|chapter|section|subsection|subsubsection|paragraph|subparagraph)(?![a-zA-Z@])|\\(appendix|label|captionof|bibliography|printbibliography|abstract|numberwithin|counterwithin|counterwithout|renewcommand|setcounter|addtocounter|stepcounter|refstepcounter|title|icmltitle|author|icmlauthor)(?![a-zA-Z@])(\*?)|\\\[|\$\$/g;

function scanBody(scan: Scan, body: string): void {
  const re = new RegExp(TRIGGER.source, 'g');
  let last = 0;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    if (isEscaped(body, m.index)) continue;
    scan.para += body.slice(last, m.index);
    let end = m.index + m[0].length;
    if (m[1]) end = environment(scan, body, m[1] as 'begin' | 'end', m[2]!.trim(), end);
    else if (m[3]) end = sectioning(scan, body, m[3], end);
    else if (m[4]) end = command(scan, body, m[4], m[5] === '*', end);
    else if (m[0] === '\\[' || m[0] === '$$') {
      end = skipTo(body, end, m[0] === '$$' ? /\$\$/ : /\\\]/);
      flush(scan);
      const inner = body.slice(m.index + 2, end - 2);
      if (inner.trim()) scan.passages.push({ kind: 'equation', heading: currentHeading(scan), raw: '', display: inner, numbers: [] });
    }
    last = end;
    re.lastIndex = end;
  }
  scan.para += body.slice(last);
  flush(scan);
}

function skipTo(s: string, from: number, close: RegExp): number {
  const re = new RegExp(close.source, 'g');
  re.lastIndex = from;
  for (let m = re.exec(s); m; m = re.exec(s)) if (!isEscaped(s, m.index)) return m.index + m[0].length;
  return s.length;
}

function sectioning(scan: Scan, s: string, cmd: string, at: number): number {
  const a = readStarOptArg(s, at);
  if (!a) return at;
  const latexLevel = LATEX_LEVEL[cmd]!;
  const numbered = !a.star && latexLevel >= 0 && latexLevel <= scan.secnumdepth;
  // An unnumbered \paragraph is a run-in heading: bold words opening a paragraph of the
  // section it stands in, not a section of its own — its text keeps the §-number around it.
  if (latexLevel >= 4 && !numbered) {
    flush(scan);
    scan.runIn = a.arg.replace(/\\label\s*\{[^}]*\}/g, '');
    return a.end;
  }
  let number = '';
  if (numbered) {
    stepCounter(scan.counters, cmd);
    number = theCounter(scan.counters, cmd);
  }
  addHeading(scan, a.arg.replace(/\\label\s*\{[^}]*\}/g, ''), Math.max(1, latexLevel - scan.topLevel + 1), number);
  // \section{Title\label{sec:x}} labels the section too.
  for (const m of a.arg.matchAll(/\\label\s*\{([^}]*)\}/g)) attachLabel(scan, m[1]!.trim());
  return a.end;
}

function addHeading(scan: Scan, rawTitle: string, level: number, number: string): Heading {
  flush(scan);
  const h: Heading = { number, rawTitle, level, id: '' };
  while (scan.stack.length && scan.stack[scan.stack.length - 1]!.level >= level) scan.stack.pop();
  scan.stack.push(h);
  scan.headings.push(h);
  scan.passages.push({ kind: 'heading', heading: h, raw: rawTitle });
  // LaTeX labels the last counter stepped: after \section* that is still the previous one.
  if (number) scan.target = { kind: 'section', number, item: h };
  return h;
}

/** Number of the innermost numbered section open now ("" before the first one). */
function sectionNumber(scan: Scan): string {
  for (let k = scan.stack.length - 1; k >= 0; k--) if (scan.stack[k]!.number) return scan.stack[k]!.number;
  return '';
}

function currentHeading(scan: Scan): Heading | undefined {
  return scan.stack[scan.stack.length - 1];
}

function command(scan: Scan, s: string, cmd: string, star: boolean, at: number): number {
  switch (cmd) {
    case 'appendix':
      enterAppendix(scan);
      return at;
    case 'label': {
      const a = readArg(s, at);
      if (!a) return at;
      attachLabel(scan, a.content.trim());
      return a.end;
    }
    case 'captionof': {
      const type = readArg(s, at);
      if (!type) return at;
      const kind = FLOATS[type.content.trim()];
      const a = readStarOptArg(s, type.end);
      if (!a) return type.end;
      if (kind) addCaption(scan, kind, a.arg);
      return a.end;
    }
    case 'bibliography':
    case 'printbibliography': {
      const a = cmd === 'bibliography' ? readArg(s, at) : readOptArg(s, at);
      references(scan);
      return a ? a.end : at;
    }
    case 'abstract': {
      // The command form some classes use: \abstract{…}.
      const a = readArg(s, at);
      if (!a || !/^\s*\{/.test(s.slice(at, at + 40))) return at;
      scan.abstract ??= a.content;
      return a.end;
    }
    default:
      return applyCommand(scan, cmd, star, s, at);
  }
}

function enterAppendix(scan: Scan): void {
  const top = scan.topLevel === 0 ? 'chapter' : 'section';
  setCounter(scan.counters, top, 0);
  for (const child of ['section', 'subsection', 'subsubsection', 'paragraph']) if (child !== top) setCounter(scan.counters, child, 0);
  setTemplate(scan.counters, top, `\\Alph{${top}}`);
}

function references(scan: Scan): void {
  if (scan.hadBibliography) return;
  scan.hadBibliography = true;
  addHeading(scan, scan.topLevel === 0 ? 'Bibliography' : 'References', 1, '');
}

function attachLabel(scan: Scan, label: string): void {
  if (!label) return;
  const t = scan.target;
  if (!t) {
    scan.labels.set(label, { kind: 'section', number: '' });
    return;
  }
  scan.labels.set(label, { kind: t.kind, number: t.number, ...(t.name ? { name: t.name } : {}) });
  if (t.item && t.item.label === undefined) t.item.label = label;
}

function environment(scan: Scan, s: string, which: 'begin' | 'end', rawName: string, at: number): number {
  const name = scan.envAliases.get(rawName) ?? rawName;
  const base = name.replace(/\*$/, '');
  if (which === 'end') {
    if (name === 'subequations' && scan.subeq) {
      const sub = scan.subeq;
      setCounter(scan.counters, 'equation', sub.saved);
      // The group is an equation too ("Eq. 1" is 1a and 1b together), listed before its parts.
      const parts = scan.equations.slice(sub.at);
      if (parts.length) {
        sub.group.latex = parts.map((e) => e.latex).join(' \\\\\n');
        scan.equations.splice(sub.at, 0, sub.group);
      }
      // LaTeX's current label is local to the environment: after it, a \label names what came before.
      scan.target = sub.outer;
      scan.subeq = undefined;
    } else if (LISTS.has(base)) scan.para += '\n\n';
    return at;
  }
  const close = () => findEnvEnd(s, rawName, at);
  if (SINGLE.has(base) || ROWS.has(base)) {
    const end = close();
    const inner = s.slice(at, end ? end.start : s.length);
    // The display stands between the prose before and after it, as printed.
    flush(scan);
    const outer = scan.target;
    const numbers = mathEnvironment(scan, name, inner);
    scan.passages.push({ kind: 'equation', heading: currentHeading(scan), raw: '', display: displayBody(base, inner), numbers });
    // A \label after \end{equation} names what came before it (LaTeX's current label is local to the environment).
    scan.target = outer;
    return end ? end.end : s.length;
  }
  const floatKind = FLOATS[base];
  if (floatKind) {
    flush(scan);
    const end = close();
    floatEnvironment(scan, floatKind, s.slice(at, end ? end.start : s.length));
    return end ? end.end : s.length;
  }
  switch (base) {
    case 'abstract': {
      const end = close();
      scan.abstract ??= s.slice(at, end ? end.start : s.length);
      return end ? end.end : s.length;
    }
    case 'subequations':
      stepCounter(scan.counters, 'equation');
      {
        const parent = theCounter(scan.counters, 'equation');
        const group: RawEquation = { number: parent, section: sectionNumber(scan), latex: '' };
        scan.subeq = {
          parent,
          count: 0,
          saved: getCounter(scan.counters, 'equation'),
          group,
          at: scan.equations.length,
          ...(scan.target ? { outer: scan.target } : {}),
        };
        scan.target = { kind: 'equation', number: parent, item: group };
      }
      return at;
    case 'thebibliography': {
      references(scan);
      const end = close();
      return end ? end.end : s.length;
    }
    case 'appendices':
    case 'appendix':
      enterAppendix(scan);
      return at;
    case 'ack':
    case 'acks':
    case 'acknowledgments':
    case 'acknowledgements':
      addHeading(scan, 'Acknowledgments', 1, '');
      return at;
    default:
      break;
  }
  const theorem = scan.theorems.get(base);
  if (theorem && !name.endsWith('*')) {
    stepCounter(scan.counters, theorem.counter);
    scan.target = { kind: 'theorem', number: theCounter(scan.counters, theorem.counter), name: theorem.title };
    return at;
  }
  if (OPAQUE.has(base)) {
    const end = close();
    return end ? end.end : s.length;
  }
  if (LISTS.has(base)) scan.para += '\n\n';
  return at;
}

interface Row {
  latex: string;
  labels: string[];
  tag?: string;
  numbered: boolean;
}

/** One display: which rows get a number, and what that number is. Returns the numbers, in order. */
function mathEnvironment(scan: Scan, name: string, inner: string): string[] {
  const base = name.replace(/\*$/, '');
  const starred = name.endsWith('*') || base === 'displaymath' || base === 'math' || base === 'xxalignat';
  let body = inner;
  if (/^(alignat|xalignat|xxalignat)$/.test(base)) body = skipArgs(body, 0, 1);
  if (base === 'IEEEeqnarray') body = skipArgs(body, 1, 1);
  const parts = SINGLE.has(base) ? [body] : splitRows(body);
  const rows: Row[] = [];
  for (const part of parts) {
    const labels = [...part.matchAll(/\\label\s*\{([^}]*)\}/g)].map((m) => m[1]!.trim());
    const tagAt = /\\tag\*?\s*\{/.exec(part);
    const tag = tagAt ? readArg(part, tagAt.index + tagAt[0].length - 1)?.content : undefined;
    const suppressed = /\\(nonumber|notag|IEEEnonumber)(?![a-zA-Z])/.test(part);
    const forced = /\\IEEEyesnumber(?![a-zA-Z])/.test(part);
    const latex = part
      .replace(/\\label\s*\{[^}]*\}/g, '')
      .replace(/\\tag\*?\s*\{[^}]*\}/g, '')
      .replace(/\\(nonumber|notag|IEEEnonumber|IEEEyesnumber)(?![a-zA-Z])/g, '')
      .trim();
    // An empty row still takes a number in align/gather/eqnarray: a trailing \\ prints "(6)" on a blank line.
    if (!latex && !tag && SINGLE.has(base)) continue;
    rows.push({ latex, labels, ...(tag !== undefined ? { tag } : {}), numbered: tag !== undefined || forced || (!starred && !suppressed) });
  }
  // Unnumbered rows belong to the numbered row they lead to (a derivation ending in "(4)");
  // trailing ones to the last numbered row.
  let pending: string[] = [];
  let lastEq: RawEquation | undefined;
  const numbers: string[] = [];
  for (const row of rows) {
    if (!row.numbered) {
      pending.push(row.latex);
      continue;
    }
    const number = row.tag !== undefined ? flattenText(row.tag, { macros: new Map() }) : nextEquationNumber(scan);
    const eq: RawEquation = { number, section: sectionNumber(scan), latex: [...pending, row.latex].filter(Boolean).join(' \\\\\n') };
    numbers.push(number);
    pending = [];
    scan.equations.push(eq);
    lastEq = eq;
    scan.target = { kind: 'equation', number, item: eq };
    for (const l of row.labels) attachLabel(scan, l);
  }
  if (pending.some(Boolean) && lastEq) lastEq.latex = [lastEq.latex, ...pending].filter(Boolean).join(' \\\\\n');
  return numbers;
}

/** The display as a reader sees it: align-like rows kept (with their `&`), the environment's own arguments dropped. */
function displayBody(base: string, inner: string): string {
  let body = inner;
  if (/^(alignat|xalignat|xxalignat)$/.test(base)) body = skipArgs(body, 0, 1);
  if (base === 'IEEEeqnarray') body = skipArgs(body, 1, 1);
  if (ROWS.has(base)) return `\\begin{aligned}\n${body.trim()}\n\\end{aligned}`;
  return body;
}

function skipArgs(s: string, optional: number, mandatory: number): string {
  let i = 0;
  for (let k = 0; k < optional; k++) {
    const o = readOptArg(s, i);
    if (o) i = o.end;
  }
  for (let k = 0; k < mandatory; k++) {
    const a = readArg(s, i);
    if (a) i = a.end;
  }
  return s.slice(i);
}

function nextEquationNumber(scan: Scan): string {
  if (scan.subeq) {
    scan.subeq.count++;
    return scan.subeq.parent + format('alph', scan.subeq.count);
  }
  stepCounter(scan.counters, 'equation');
  return theCounter(scan.counters, 'equation');
}

/**
 * A float: its \caption(s) and \label(s), then what it shows that is text (table grids,
 * algorithm and listing lines). Sub-figure captions do not take a figure number; a float
 * inside another (an algorithm in a wrapfigure) takes its own counter, as LaTeX counts it.
 */
function floatEnvironment(scan: Scan, kind: CaptionKind, body: string): void {
  const re =
    /\\(caption|captionof|label|subcaption|subcaptionbox|subfloat|subref)(?![a-zA-Z@])|\\begin\s*\{(subfigure|subtable|subfloat|minipage|algorithm|algorithm2e|table|figure)\*?\}/g;
  let own = '';
  let last = 0;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    if (isEscaped(body, m.index)) continue;
    let end = m.index + m[0].length;
    const cmd = m[1];
    const nested = m[2] && FLOATS[m[2]];
    if (nested) {
      const name = m[0].slice(m[0].indexOf('{') + 1, -1);
      const close = findEnvEnd(body, name, end);
      own += body.slice(last, m.index);
      floatEnvironment(scan, nested, body.slice(end, close ? close.start : body.length));
      end = close ? close.end : body.length;
      last = end;
    } else if (m[2] && m[2] !== 'minipage') {
      const close = findEnvEnd(body, m[2], end);
      end = close ? close.end : body.length;
    } else if (cmd === 'caption' || cmd === 'captionof') {
      let k = kind;
      if (cmd === 'captionof') {
        const t = readArg(body, end);
        if (t) {
          k = FLOATS[t.content.trim()] ?? kind;
          end = t.end;
        }
      }
      const a = readStarOptArg(body, end);
      if (a) {
        addCaption(scan, k, a.arg);
        end = a.end;
      }
    } else if (cmd === 'label') {
      const a = readArg(body, end);
      if (a) {
        attachLabel(scan, a.content.trim());
        end = a.end;
      }
    } else if (cmd === 'subcaptionbox' || cmd === 'subfloat') {
      const o = readOptArg(body, end);
      if (o) end = o.end;
      const a = readArg(body, end);
      if (a) end = a.end;
    } else if (cmd === 'subcaption' || cmd === 'subref') {
      const a = readArg(body, end);
      if (a) end = a.end;
    }
    re.lastIndex = end;
  }
  own += body.slice(last);
  const heading = currentHeading(scan);
  for (const rows of latexTables(own)) scan.passages.push({ kind: 'table', heading, raw: '', rows });
  for (const code of latexAlgorithms(own)) scan.passages.push({ kind: 'code', heading, raw: '', code });
}

function addCaption(scan: Scan, kind: CaptionKind, raw: string): void {
  stepCounter(scan.counters, kind);
  const number = theCounter(scan.counters, kind);
  const inner = [...raw.matchAll(/\\label\s*\{([^}]*)\}/g)].map((m) => m[1]!.trim());
  const cap: RawCaption = { kind, number, section: sectionNumber(scan), raw: raw.replace(/\\label\s*\{[^}]*\}/g, '') };
  scan.captions.push(cap);
  scan.passages.push({ kind: 'caption', heading: currentHeading(scan), raw: '', caption: scan.captions.length - 1 });
  scan.target = { kind, number, item: cap };
  for (const l of inner) attachLabel(scan, l);
}

/** Turns the prose gathered since the last heading into paragraph passages. */
function flush(scan: Scan): void {
  const text = scan.para;
  scan.para = '';
  if (!text.trim()) return;
  const heading = currentHeading(scan);
  for (const chunk of text.split(/\n[ \t]*\n/)) {
    if (!chunk.trim()) continue;
    const { rest, notes } = extractFootnotes(chunk);
    const runIn = scan.runIn;
    scan.runIn = undefined;
    scan.passages.push({
      kind: /\\item(?![a-zA-Z])/.test(rest) ? 'list' : 'paragraph',
      heading,
      raw: rest,
      ...(runIn !== undefined ? { runIn } : {}),
    });
    for (const n of notes) scan.passages.push({ kind: 'footnote', heading, raw: n });
  }
}

function extractFootnotes(chunk: string): { rest: string; notes: string[] } {
  const notes: string[] = [];
  let rest = '';
  let last = 0;
  const re = /\\footnote(?![a-zA-Z@])/g;
  for (let m = re.exec(chunk); m; m = re.exec(chunk)) {
    if (isEscaped(chunk, m.index)) continue;
    let end = m.index + m[0].length;
    const o = readOptArg(chunk, end);
    if (o) end = o.end;
    const a = readArg(chunk, end);
    if (!a) continue;
    notes.push(a.content);
    rest += chunk.slice(last, m.index);
    last = a.end;
    re.lastIndex = a.end;
  }
  return { rest: rest + chunk.slice(last), notes };
}

/** cleveref's names: [abbreviated, full]; \autoref uses the capitalised full one. */
const REF_NAMES: Record<LabelKind, [string, string]> = {
  section: ['section', 'section'],
  equation: ['eq.', 'equation'],
  figure: ['fig.', 'figure'],
  table: ['table', 'table'],
  algorithm: ['algorithm', 'algorithm'],
  theorem: ['theorem', 'theorem'],
};

interface RefOptions {
  capitalize: boolean;
  noabbrev: boolean;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function assemble(scan: Scan, src: LatexSource, info: LatexInfo, macros: Macros, opts: RefOptions): Paper {
  const ref = (label: string, style: RefStyle): string => {
    const t = scan.labels.get(label);
    if (!t?.number) return '??';
    if (style === 'ref') return t.number;
    if (style === 'eqref') return `(${t.number})`;
    const names = REF_NAMES[t.kind];
    if (style === 'autoref') return `${t.name ?? capital(names[1])} ${t.number}`;
    const name = t.name ? t.name.toLowerCase() : names[opts.noabbrev || style === 'Cref' ? 1 : 0];
    const n = t.kind === 'equation' ? `(${t.number})` : t.number;
    return `${style === 'Cref' || opts.capitalize ? capital(name) : name} ${n}`;
  };
  // A bibliography written in the document itself numbers its items as a compiled one does.
  const numbers = bibliographyNumbers(src.bbl ?? inlineBibliography(src.body));
  // Numbered as the compiled bibliography lists them; a key it lacks stays a key, as "[?]" would hide it.
  const cite = numbers.size ? (keys: string[]): string => `[${keys.map((k) => numbers.get(k) ?? k).join(', ')}]` : undefined;
  const ctx: TextContext = { macros, ref, ...(cite ? { cite } : {}) };
  const text = (raw: string) => flattenText(raw, ctx);

  const ids = new Set<string>();
  const unique = (base: string) => {
    let id = base;
    for (let k = 2; ids.has(id); k++) id = `${base}-${k}`;
    ids.add(id);
    return id;
  };
  const sections: Section[] = scan.headings.map((h) => {
    const title = text(h.rawTitle);
    h.id = unique(h.number ? `sec:${h.number}` : `sec:${slug(title) || 'untitled'}`);
    return { id: h.id, number: h.number, title, level: h.level, page: 0, rects: [], ...(h.label ? { label: h.label } : {}) };
  });
  const equations: Equation[] = scan.equations.map((e) => ({
    id: unique(`eq:${e.number}`),
    number: e.number,
    section: e.section,
    page: 0,
    rects: [],
    text: flattenMath(e.latex, ctx),
    latex: e.latex,
    ...(e.label ? { label: e.label } : {}),
  }));
  const captionText = scan.captions.map((c) => captionPrefix(c, scan.algorithm2e) + text(c.raw));
  const captions: Caption[] = scan.captions.map((c, k) => ({
    id: unique(`${c.kind === 'figure' ? 'fig' : c.kind === 'table' ? 'tab' : 'alg'}:${c.number}`),
    kind: c.kind,
    number: c.number,
    section: c.section,
    page: 0,
    rects: [],
    text: captionText[k]!,
    ...(c.label ? { label: c.label } : {}),
  }));
  const abstract = scan.abstract !== undefined ? text(scan.abstract) : '';
  const passages: Passage[] = [];
  const mdCtx: TextContext = { ...ctx, keepMath: true };
  const push = (kind: PassageKind, sectionId: string, t: string, extra: Partial<Passage> = {}) => {
    // A stray bracket or rule left from layout commands is not a passage.
    if (/[\p{L}\p{N}]/u.test(t))
      passages.push({ id: `p:${passages.length + 1}`, kind, sectionId, text: t, page: 0, anchors: [], ...extra });
  };
  if (abstract) push('abstract', '', abstract, markdownOf(scan.abstract!, abstract));
  const equationIds = new Map(equations.map((e) => [e.number, e.id]));
  for (const p of scan.passages) {
    const sectionId = p.heading?.id ?? '';
    if (p.kind === 'heading') {
      const sec = sections.find((x) => x.id === sectionId);
      push('heading', sectionId, sec ? `${sec.number} ${sec.title}`.trim() : text(p.raw));
    } else if (p.kind === 'equation') {
      const numbers = p.numbers ?? [];
      const tex = mathLatex(p.display ?? '', macros);
      push('equation', sectionId, flattenMath(p.display ?? '', ctx) + numbers.map((n) => ` (${n})`).join(''), {
        latex: tex,
        equationNumbers: numbers.filter((n) => equationIds.has(n)),
      });
    } else if (p.kind === 'table') {
      const rows = (p.rows ?? []).map((r) => r.map((c) => flattenText(c, mdCtx)));
      push('table', sectionId, rows.map((r) => r.filter(Boolean).join(' ')).join('\n'), { rows });
    } else if (p.kind === 'code') {
      const lines = (p.code ?? []).map(
        (l) =>
          '    '.repeat(l.indent) +
          (l.code !== undefined
            ? l.code.replace(/\u0000(\d+)\u0000/g, (_all, k: string) => flattenText(l.marks?.[Number(k)] ?? '', ctx))
            : flattenText(l.latex ?? '', mdCtx)),
      );
      push('code', sectionId, lines.join('\n'));
    } else if (p.caption !== undefined) {
      push(
        p.kind,
        sectionId,
        captionText[p.caption]!,
        markdownOf(scan.captions[p.caption]!.raw, captionText[p.caption]!, captionPrefix(scan.captions[p.caption]!, scan.algorithm2e)),
      );
    } else {
      const body = text(p.raw);
      const runIn = p.runIn !== undefined ? text(p.runIn) : '';
      const md = markdownOf(p.raw, body);
      push(p.kind, sectionId, runIn ? `${runIn} ${body}` : body, {
        ...(runIn ? { runIn } : {}),
        ...(md.markdown !== undefined && runIn ? { markdown: `${runIn} ${md.markdown}` } : md),
      });
    }
  }

  /** `{ markdown }` when the Markdown form (inline math as LaTeX) differs from the plain text. */
  function markdownOf(raw: string, plain: string, prefix = ''): Partial<Passage> {
    const md = prefix + flattenText(raw, mdCtx);
    return md !== plain ? { markdown: md } : {};
  }
  const sha256 = src.sha256;
  return {
    schemaVersion: PAPER_SCHEMA_VERSION,
    id: info.arxivId ? `arxiv:${info.arxivId}` : `sha256:${sha256.slice(0, 16)}`,
    source: { kind: 'latex', location: info.location, sha256, ...(info.arxivId ? { arxivId: info.arxivId } : {}) },
    title: scan.title !== undefined ? text(scan.title) : '',
    authors: splitAuthors(scan.authors, ctx),
    abstract,
    pageCount: 0,
    pages: [],
    sections,
    equations,
    figures: captions.filter((c) => c.kind === 'figure'),
    tables: captions.filter((c) => c.kind === 'table'),
    algorithms: captions.filter((c) => c.kind === 'algorithm'),
    passages,
    warnings: scan.warnings,
  };
}

/** Citation keys → their number in a compiled bibliography (`\bibitem[label]{key}` in order, from 1). */
export function bibliographyNumbers(bbl: string | undefined): Map<string, string> {
  const numbers = new Map<string, string>();
  if (!bbl) return numbers;
  for (const m of bbl.matchAll(/\\bibitem\s*(?:\[(?:[^[\]]|\[[^\]]*\])*\])?\s*\{([^}]+)\}/g)) {
    const key = m[1]!.trim();
    if (!numbers.has(key)) numbers.set(key, String(numbers.size + 1));
  }
  return numbers;
}

/** The document's own `thebibliography` environment(s), for a source compiled without a `.bbl`. */
function inlineBibliography(body: string): string | undefined {
  const parts = [...body.matchAll(/\\begin\s*\{thebibliography\}([\s\S]*?)\\end\s*\{thebibliography\}/g)].map((m) => m[1]!);
  return parts.length ? parts.join('\n') : undefined;
}

function captionPrefix(c: RawCaption, algorithm2e: boolean): string {
  if (c.kind === 'figure') return `Figure ${c.number}: `;
  if (c.kind === 'table') return `Table ${c.number}: `;
  // The algorithm package prints "Algorithm 1 Title"; algorithm2e prints "Algorithm 1: Title".
  return algorithm2e ? `Algorithm ${c.number}: ` : `Algorithm ${c.number} `;
}

function slug(title: string): string {
  return title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

/**
 * Author names from \author blocks: split on \and, keep the first line of each block (the
 * name; affiliations and e-mails follow after \\), drop \thanks, marks and superscripts.
 */
export function splitAuthors(raws: string[], ctx: TextContext): string[] {
  const names: string[] = [];
  for (const raw of raws) {
    let s = raw;
    const blocks = [...s.matchAll(/\\IEEEauthorblockN\s*\{/g)].map((m) => {
      const open = m.index + m[0].length - 1;
      return s.slice(open + 1, Math.max(open + 1, matchBrace(s, open)));
    });
    if (blocks.length) s = blocks.join('\\and ');
    for (const block of s.split(/\\(?:and|And|AND)(?![a-zA-Z])/)) {
      const first = splitRows(block).find((r) => r.trim()) ?? '';
      const cleaned = first
        .replace(/\$\s*\^\s*(\{[^}]*\}|\S)\s*\$/g, ' ')
        .replace(/\\textsuperscript\s*\{[^}]*\}/g, ' ')
        .replace(/\^\s*\{[^}]*\}/g, ' ')
        .replace(/\\(footnotemark|thanks|inst|affilmark|IEEEauthorrefmark|orcidlink|orcidID|orcid)\s*(\[[^\]]*\])?\s*(\{[^}]*\})?/g, ' ');
      for (const piece of cleaned.split(/\\(?:quad|qquad|hspace\*?\s*\{[^}]*\}|hfill|newline)(?![a-zA-Z])/)) {
        const flat = flattenText(piece, ctx);
        for (const name of flat.split(/\s*,\s*|\s+and\s+|\s*&\s*|\s*;\s*/)) {
          const n = name
            .replace(/[*†‡§¶#∗⋆\d]+$/u, '')
            .replace(/^[*†‡§¶#∗⋆\d]+/u, '')
            .trim();
          if (n && n.length <= 80 && /\p{L}/u.test(n) && !n.includes('@') && !names.includes(n)) names.push(n);
        }
      }
    }
  }
  return names;
}
