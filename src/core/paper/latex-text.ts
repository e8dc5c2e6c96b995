// LaTeX → readable text: user macros expanded, markup dropped, math turned into the
// symbols a reader sees ("\frac{QK^T}{\sqrt{d_k}}" → "QK^T/√d_k"), references resolved.
import { matchBrace, readArg, readOptArg } from './latex-scan';

export interface Macro {
  nargs: number;
  /** Default of the first argument when it is optional (\newcommand{\x}[2][def]{…}). */
  optDefault?: string;
  body: string;
}

/** User macros by name, without the backslash. */
export type Macros = Map<string, Macro>;

/** Collects \newcommand, \renewcommand, \providecommand, \def and \DeclareMathOperator definitions. */
export function collectMacros(src: string, into: Macros): void {
  const re =
    /\\(newcommand|renewcommand|providecommand|DeclareRobustCommand|def|DeclareMathOperator|newenvironment|renewenvironment)(?![a-zA-Z@])\*?/g;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const kind = m[1]!;
    let i = m.index + m[0].length;
    if (kind === 'newenvironment' || kind === 'renewenvironment') continue;
    if (kind === 'def') {
      const d = /^\s*\\([a-zA-Z@]+)((?:#\d)*)\s*\{/.exec(src.slice(i, i + 200));
      if (!d) continue;
      const open = i + d[0].length - 1;
      const close = matchBrace(src, open);
      if (close < 0) continue;
      re.lastIndex = close + 1;
      const body = src.slice(open + 1, close);
      if (acceptable(d[1]!, body)) into.set(d[1]!, { nargs: (d[2] ?? '').length / 2, body });
      continue;
    }
    const name = readArg(src, i);
    if (!name?.content.trim().startsWith('\\')) continue;
    const macroName = name.content.trim().slice(1);
    if (!/^[a-zA-Z@]+$/.test(macroName)) continue;
    i = name.end;
    if (kind === 'DeclareMathOperator') {
      const body = readArg(src, i);
      if (!body) continue;
      into.set(macroName, { nargs: 0, body: `\\operatorname{${body.content}}` });
      re.lastIndex = body.end;
      continue;
    }
    let nargs = 0;
    let optDefault: string | undefined;
    const n = readOptArg(src, i);
    if (n) {
      nargs = Number.parseInt(n.content, 10) || 0;
      i = n.end;
      const d = readOptArg(src, i);
      if (d) {
        optDefault = d.content;
        i = d.end;
      }
    }
    const body = readArg(src, i);
    if (!body) continue;
    re.lastIndex = body.end;
    if (!acceptable(macroName, body.content) || (kind === 'providecommand' && into.has(macroName))) continue;
    into.set(macroName, { nargs, body: body.content, ...(optDefault !== undefined ? { optDefault } : {}) });
  }
}

// What the structure scanner reads itself; a style file redefining them (ICML's \section) must not hide them.
const PROTECTED = new Set([
  'begin',
  'end',
  'part',
  'chapter',
  'section',
  'subsection',
  'subsubsection',
  'paragraph',
  'subparagraph',
  'appendix',
  'label',
  'caption',
  'captionof',
  'ref',
  'eqref',
  'cref',
  'Cref',
  'autoref',
  'cite',
  'citep',
  'citet',
  'title',
  'author',
  'and',
  'And',
  'AND',
  'input',
  'include',
  'maketitle',
  'tag',
  'nonumber',
  'notag',
  'item',
  'footnote',
  'thanks',
  'bibliography',
  'icmltitle',
  'icmlauthor',
  'abstract',
  'frac',
  'text',
  'left',
  'right',
]);

/** Skips definitions that are TeX programming (\@-internals, \csname) rather than shorthand. */
function acceptable(name: string, body: string): boolean {
  if (PROTECTED.has(name) || name.includes('@')) return false;
  if (/^the(chapter|section|subsection|subsubsection|paragraph|equation|figure|table|algorithm|algocf|footnote|page)$/.test(name))
    return false;
  return !/\\(@|csname|expandafter|futurelet|let(?![a-zA-Z])|def(?![a-zA-Z])|edef|gdef|xdef|if[a-zA-Z]*(?![a-zA-Z])|afterassignment)/.test(
    body,
  );
}

/** Environments defined as another environment (\newenvironment{eq}{\begin{equation}}{\end{equation}}). */
export function collectEnvAliases(src: string, into: Map<string, string>): void {
  const re =
    /\\(?:re)?newenvironment\*?\s*\{([a-zA-Z*]+)\}\s*(?:\[\d\])?\s*\{\s*\\begin\s*\{([a-zA-Z*]+)\}\s*\}\s*\{\s*\\end\s*\{\2\}\s*\}/g;
  for (let m = re.exec(src); m; m = re.exec(src)) into.set(m[1]!, m[2]!);
}

interface Budget {
  left: number;
}

/**
 * Expands the macros accepted by `want` everywhere in `src` (used for structural macros such
 * as \be → \begin{equation}, which the scanner must see). Bounded: a self-referencing macro stops.
 */
export function expandMacros(src: string, macros: Macros, want: (name: string, m: Macro) => boolean): string {
  return expand(src, macros, want, 0, { left: 20000 });
}

function expand(src: string, macros: Macros, want: (name: string, m: Macro) => boolean, depth: number, budget: Budget): string {
  if (depth > 24 || !src.includes('\\')) return src;
  const re = /\\([a-zA-Z@]+)|\\[^a-zA-Z@]/g;
  let out = '';
  let last = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const name = m[1];
    const def = name ? macros.get(name) : undefined;
    if (!name || !def || !want(name, def) || budget.left <= 0) continue;
    budget.left--;
    const call = readCall(src, m.index + m[0].length, def);
    const body = substitute(def.body, call.args);
    out += src.slice(last, m.index) + expand(body, macros, want, depth + 1, budget);
    last = call.end;
    re.lastIndex = call.end;
  }
  return out + src.slice(last);
}

function readCall(src: string, at: number, def: Macro): { args: string[]; end: number } {
  const args: string[] = [];
  let i = at;
  for (let k = 0; k < def.nargs; k++) {
    if (k === 0 && def.optDefault !== undefined) {
      const opt = readOptArg(src, i);
      args.push(opt ? opt.content : def.optDefault);
      if (opt) i = opt.end;
      continue;
    }
    const a = readArg(src, i);
    if (!a) break;
    args.push(a.content);
    i = a.end;
  }
  return { args, end: i };
}

function substitute(body: string, args: string[]): string {
  return body.replace(/##|#(\d)/g, (_all, d: string | undefined) => (d ? (args[Number(d) - 1] ?? '') : '#'));
}

export type RefStyle = 'ref' | 'eqref' | 'cref' | 'Cref' | 'autoref';

export interface TextContext {
  macros: Macros;
  /** Printed form of a \ref to `label`; "??" when unknown, as LaTeX prints it. */
  ref?: (label: string, style: RefStyle) => string;
  /** Printed form of a \cite of these keys ("[3, 7]" from the .bbl); default: the keys in brackets. */
  cite?: (keys: string[]) => string;
  /** Markdown: inline math stays LaTeX between `$`, user macros expanded, instead of being flattened. */
  keepMath?: boolean;
}

/** Plain text of a LaTeX fragment (a title, caption, paragraph). */
export function flattenText(raw: string, ctx: TextContext): string {
  return tidy(render(raw, 'text', ctx, 0, { left: 5000 }));
}

/** Readable text of LaTeX math ("\alpha_t = \frac{1}{\sqrt{d}}" → "α_t = 1/√d"). */
export function flattenMath(raw: string, ctx: TextContext): string {
  return tidy(render(raw, 'math', ctx, 0, { left: 5000 }));
}

/** Marks the end of a function name (log, softmax): it touches a following "(" as in print, else takes a space. */
const FN_END = '\u0001';

function tidy(s: string): string {
  return s
    .replace(/\u0001\s*(?=[(_^])/g, '')
    .replace(/\u0001/g, ' ')
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.;:!?)\]])/g, '$1')
    .replace(/([([])\s+/g, '$1')
    .trim();
}

type Mode = 'text' | 'math';

const TEXT_SYMBOLS: Record<string, string> = {
  S: '§',
  P: '¶',
  ldots: '…',
  dots: '…',
  textbackslash: '\\',
  LaTeX: 'LaTeX',
  TeX: 'TeX',
  LaTeXe: 'LaTeX2e',
  BibTeX: 'BibTeX',
  copyright: '©',
  textregistered: '®',
  texttrademark: '™',
  ss: 'ß',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
  o: 'ø',
  O: 'Ø',
  aa: 'å',
  AA: 'Å',
  l: 'ł',
  L: 'Ł',
  i: 'ı',
  j: 'ȷ',
  dag: '†',
  ddag: '‡',
  textasciitilde: '~',
  textasciicircum: '^',
  textbar: '|',
  textless: '<',
  textgreater: '>',
  textendash: '–',
  textemdash: '—',
  textquoteleft: '‘',
  textquoteright: '’',
  textquotedblleft: '“',
  textquotedblright: '”',
  textbullet: '•',
  textdegree: '°',
  euro: '€',
  pounds: '£',
  textunderscore: '_',
  checkmark: '✓',
  cmark: '✓',
  xmark: '✗',
  textasteriskcentered: '*',
  slash: '/',
  textperiodcentered: '·',
  eg: 'e.g.',
  ie: 'i.e.',
  etal: 'et al.',
  etc: 'etc.',
  vs: 'vs.',
};

const SPACES = new Set([
  'quad',
  'qquad',
  'enspace',
  'thinspace',
  'medspace',
  'thickspace',
  'space',
  'enskip',
  'hfill',
  'hfil',
  'vfill',
  'newline',
  'linebreak',
  'break',
  'par',
  'cr',
  'and',
  'And',
  'AND',
]);

const MATH_SYMBOLS: Record<string, string> = {
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  epsilon: 'ϵ',
  varepsilon: 'ε',
  zeta: 'ζ',
  eta: 'η',
  theta: 'θ',
  vartheta: 'ϑ',
  iota: 'ι',
  kappa: 'κ',
  lambda: 'λ',
  mu: 'μ',
  nu: 'ν',
  xi: 'ξ',
  pi: 'π',
  varpi: 'ϖ',
  rho: 'ρ',
  varrho: 'ϱ',
  sigma: 'σ',
  varsigma: 'ς',
  tau: 'τ',
  upsilon: 'υ',
  phi: 'ϕ',
  varphi: 'φ',
  chi: 'χ',
  psi: 'ψ',
  omega: 'ω',
  Gamma: 'Γ',
  Delta: 'Δ',
  Theta: 'Θ',
  Lambda: 'Λ',
  Xi: 'Ξ',
  Pi: 'Π',
  Sigma: 'Σ',
  Upsilon: 'Υ',
  Phi: 'Φ',
  Psi: 'Ψ',
  Omega: 'Ω',
  cdot: '·',
  times: '×',
  div: '÷',
  pm: '±',
  mp: '∓',
  ast: '∗',
  star: '⋆',
  circ: '∘',
  bullet: '•',
  oplus: '⊕',
  ominus: '⊖',
  otimes: '⊗',
  odot: '⊙',
  oslash: '⊘',
  cap: '∩',
  cup: '∪',
  wedge: '∧',
  land: '∧',
  vee: '∨',
  lor: '∨',
  setminus: '∖',
  leq: '≤',
  le: '≤',
  leqslant: '≤',
  geq: '≥',
  ge: '≥',
  geqslant: '≥',
  neq: '≠',
  ne: '≠',
  approx: '≈',
  equiv: '≡',
  sim: '∼',
  simeq: '≃',
  cong: '≅',
  propto: '∝',
  ll: '≪',
  gg: '≫',
  subset: '⊂',
  subseteq: '⊆',
  supset: '⊃',
  supseteq: '⊇',
  in: '∈',
  notin: '∉',
  ni: '∋',
  perp: '⊥',
  parallel: '∥',
  mid: '|',
  coloneqq: '≔',
  triangleq: '≜',
  doteq: '≐',
  prec: '≺',
  succ: '≻',
  preceq: '⪯',
  succeq: '⪰',
  models: '⊨',
  vdash: '⊢',
  to: '→',
  rightarrow: '→',
  leftarrow: '←',
  gets: '←',
  leftrightarrow: '↔',
  Rightarrow: '⇒',
  Leftarrow: '⇐',
  Leftrightarrow: '⇔',
  iff: '⟺',
  implies: '⟹',
  mapsto: '↦',
  longrightarrow: '⟶',
  longleftarrow: '⟵',
  longmapsto: '⟼',
  uparrow: '↑',
  downarrow: '↓',
  hookrightarrow: '↪',
  rightsquigarrow: '⇝',
  sum: '∑',
  prod: '∏',
  coprod: '∐',
  int: '∫',
  iint: '∬',
  oint: '∮',
  bigcup: '⋃',
  bigcap: '⋂',
  bigoplus: '⨁',
  bigotimes: '⨂',
  bigvee: '⋁',
  bigwedge: '⋀',
  infty: '∞',
  partial: '∂',
  nabla: '∇',
  forall: '∀',
  exists: '∃',
  nexists: '∄',
  neg: '¬',
  lnot: '¬',
  emptyset: '∅',
  varnothing: '∅',
  top: '⊤',
  bot: '⊥',
  angle: '∠',
  triangle: '△',
  ell: 'ℓ',
  hbar: 'ℏ',
  Re: 'ℜ',
  Im: 'ℑ',
  aleph: 'ℵ',
  prime: '′',
  dagger: '†',
  ddagger: '‡',
  ldots: '…',
  cdots: '⋯',
  vdots: '⋮',
  ddots: '⋱',
  dots: '…',
  langle: '⟨',
  rangle: '⟩',
  lceil: '⌈',
  rceil: '⌉',
  lfloor: '⌊',
  rfloor: '⌋',
  lVert: '‖',
  rVert: '‖',
  Vert: '‖',
  lvert: '|',
  rvert: '|',
  vert: '|',
  backslash: '\\',
  colon: ':',
  lbrace: '{',
  rbrace: '}',
  lbrack: '[',
  rbrack: ']',
  '|': '‖',
  '{': '{',
  '}': '}',
  intercal: 'ᵀ',
  transpose: 'ᵀ',
  square: '□',
  Box: '□',
  checkmark: '✓',
  sqcup: '⊔',
  uplus: '⊎',
  wr: '≀',
  diamond: '⋄',
};

const MATH_WORDS = new Set([
  'log',
  'ln',
  'lg',
  'exp',
  'sin',
  'cos',
  'tan',
  'cot',
  'sec',
  'csc',
  'sinh',
  'cosh',
  'tanh',
  'arcsin',
  'arccos',
  'arctan',
  'arg',
  'max',
  'min',
  'sup',
  'inf',
  'lim',
  'limsup',
  'liminf',
  'det',
  'dim',
  'ker',
  'Pr',
  'deg',
  'gcd',
  'hom',
  'exp',
]);

const NOTHING = new Set([
  '!',
  '/',
  '-',
  'centering',
  'raggedright',
  'raggedleft',
  'tiny',
  'scriptsize',
  'footnotesize',
  'small',
  'normalsize',
  'large',
  'Large',
  'LARGE',
  'huge',
  'Huge',
  'bfseries',
  'itshape',
  'mdseries',
  'rmfamily',
  'sffamily',
  'ttfamily',
  'upshape',
  'scshape',
  'slshape',
  'em',
  'bf',
  'it',
  'rm',
  'sf',
  'tt',
  'sc',
  'sl',
  'normalfont',
  'protect',
  'xspace',
  'nobreak',
  'relax',
  'maketitle',
  'clearpage',
  'newpage',
  'cleardoublepage',
  'pagebreak',
  'noindent',
  'indent',
  'displaystyle',
  'textstyle',
  'scriptstyle',
  'scriptscriptstyle',
  'limits',
  'nolimits',
  'big',
  'Big',
  'bigg',
  'Bigg',
  'bigl',
  'bigr',
  'Bigl',
  'Bigr',
  'biggl',
  'biggr',
  'Biggl',
  'Biggr',
  'bigm',
  'Bigm',
  'middle',
  'hline',
  'toprule',
  'midrule',
  'bottomrule',
  'smallskip',
  'medskip',
  'bigskip',
  'null',
  'strut',
  'hfill',
  'unskip',
  'ignorespaces',
  'leavevmode',
  'footnotemark',
  'allowbreak',
  'nonumber',
  'notag',
  'onecolumn',
  'twocolumn',
  'appendix',
  'tableofcontents',
  'linewidth',
  'textwidth',
  'columnwidth',
  'makeatletter',
  'makeatother',
  'selectfont',
  'boldmath',
  'unboldmath',
  'mathstrut',
  'sloppy',
  'fussy',
  'frenchspacing',
  'addlinespace',
  'cmidrule',
  'newblock',
]);

/** Commands whose arguments are dropped with them: [optional args, mandatory args]. */
const DROP: Record<string, [number, number]> = {
  label: [0, 1],
  vspace: [0, 1],
  hspace: [0, 1],
  includegraphics: [1, 1],
  bibliographystyle: [0, 1],
  bibliography: [0, 1],
  thanks: [0, 1],
  footnote: [1, 1],
  footnotetext: [1, 1],
  setlength: [0, 2],
  addtolength: [0, 2],
  color: [1, 1],
  pagestyle: [0, 1],
  thispagestyle: [0, 1],
  index: [0, 1],
  nocite: [0, 1],
  hypersetup: [0, 1],
  setcounter: [0, 2],
  addtocounter: [0, 2],
  stepcounter: [0, 1],
  refstepcounter: [0, 1],
  captionsetup: [1, 1],
  todo: [1, 1],
  phantom: [0, 1],
  hphantom: [0, 1],
  vphantom: [0, 1],
  rule: [1, 2],
  definecolor: [0, 3],
  tag: [0, 1],
  input: [0, 1],
  include: [0, 1],
  renewcommand: [0, 2],
  newcommand: [0, 2],
  numberwithin: [0, 2],
  usepackage: [1, 1],
  affil: [1, 1],
  affiliation: [0, 1],
  email: [0, 1],
  orcid: [0, 1],
  orcidID: [0, 1],
  orcidlink: [0, 1],
  inst: [0, 1],
  IEEEauthorblockA: [0, 1],
  institute: [0, 1],
  address: [1, 1],
  icmlaffiliation: [0, 2],
  icmlcorrespondingauthor: [0, 2],
  icmlkeywords: [0, 1],
  keywords: [0, 1],
  date: [0, 1],
  bibitem: [1, 1],
  cline: [0, 1],
  multicolumn: [0, 2],
  multirow: [1, 2],
  newline: [1, 0],
  specialrule: [0, 3],
  arrayrulecolor: [0, 1],
  rowcolor: [1, 1],
  cellcolor: [1, 1],
  qedhere: [0, 0],
  hyperlink: [0, 1],
  hypertarget: [0, 1],
  belowcaptionskip: [0, 0],
};

/** Commands whose one argument is shown as is (fonts, boxes). */
const KEEP = new Set([
  'textbf',
  'textit',
  'emph',
  'textrm',
  'textsf',
  'texttt',
  'textsc',
  'textup',
  'textsl',
  'textmd',
  'textnormal',
  'underline',
  'uline',
  'mbox',
  'hbox',
  'fbox',
  'text',
  'textsuperscript',
  'textsubscript',
  'mathrm',
  'mathbf',
  'mathit',
  'mathsf',
  'mathtt',
  'mathnormal',
  'boldsymbol',
  'bm',
  'pmb',
  'mathbold',
  'ensuremath',
  'hl',
  'mathop',
  'mathbin',
  'mathrel',
  'mathord',
  'mathcal',
  'mathscr',
  'mathfrak',
  'nolinkurl',
  'url',
  'path',
  'makebox',
  'framebox',
  'smash',
  'IEEEauthorblockN',
  'icmltitle',
  'mathpzc',
  'vect',
]);

/** Commands that show their last argument: \textcolor{red}{x}, \href{url}{x}, \resizebox{w}{h}{x}. */
const KEEP_LAST: Record<string, number> = {
  textcolor: 2,
  href: 2,
  colorbox: 2,
  raisebox: 2,
  scalebox: 2,
  resizebox: 3,
  adjustbox: 2,
  fcolorbox: 3,
  rotatebox: 2,
};

const DOUBLE_STRUCK: Record<string, string> = { R: 'ℝ', N: 'ℕ', Z: 'ℤ', Q: 'ℚ', C: 'ℂ', E: '𝔼', P: 'ℙ', I: '𝕀', F: '𝔽', H: 'ℍ', '1': '𝟙' };

const TEXT_ACCENTS: Record<string, string> = {
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  '"': '\u0308',
  '~': '\u0303',
  '=': '\u0304',
  '.': '\u0307',
  u: '\u0306',
  v: '\u030C',
  H: '\u030B',
  c: '\u0327',
  k: '\u0328',
  r: '\u030A',
};

const MATH_ACCENTS: Record<string, string> = {
  hat: '\u0302',
  widehat: '\u0302',
  bar: '\u0304',
  overline: '\u0305',
  tilde: '\u0303',
  widetilde: '\u0303',
  vec: '\u20D7',
  dot: '\u0307',
  ddot: '\u0308',
  check: '\u030C',
  breve: '\u0306',
  acute: '\u0301',
  grave: '\u0300',
  mathring: '\u030A',
};

const ENV_ARGS: Record<string, [number, number]> = {
  array: [1, 1],
  tabular: [1, 1],
  'tabular*': [1, 2],
  tabularx: [1, 2],
  tabulary: [1, 2],
  minipage: [1, 1],
  alignat: [0, 1],
  'alignat*': [0, 1],
  alignedat: [0, 1],
  subfigure: [1, 1],
  subtable: [1, 1],
  wrapfigure: [1, 2],
  wraptable: [1, 2],
  multicols: [0, 1],
  IEEEeqnarray: [1, 1],
  thebibliography: [0, 1],
  adjustbox: [0, 1],
  longtable: [1, 1],
};

const CITE =
  /^(cite|citep|citet|citealp|citealt|citeauthor|citeyear|citeyearpar|parencite|textcite|autocite|footcite|Citet|Citep|Citealp|citenum|shortcite)$/;
const REF = /^(ref|eqref|autoref|Autoref|cref|Cref|cpageref|vref|pageref|nameref|subref|labelcref)$/;

function render(s: string, mode: Mode, ctx: TextContext, depth: number, budget: Budget): string {
  if (depth > 30) return '';
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\') {
      const r = renderCommand(s, i, mode, ctx, depth, budget);
      out += r.text;
      i = r.end;
      continue;
    }
    if (c === '{' || c === '}') {
      i++;
      continue;
    }
    if (c === '%') {
      // Only unstripped snippets reach here; a comment ends at the line end.
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? s.length : nl + 1;
      continue;
    }
    if (c === '&') {
      out += ' ';
      i++;
      continue;
    }
    if (mode === 'text') {
      if (c === '$') {
        const dbl = s[i + 1] === '$';
        const close = findDollar(s, i + (dbl ? 2 : 1), dbl);
        const inner = s.slice(i + (dbl ? 2 : 1), close);
        out +=
          (dbl ? ' ' : '') + (ctx.keepMath ? inlineMath(inner, ctx) : render(inner, 'math', ctx, depth + 1, budget)) + (dbl ? ' ' : '');
        i = close + (dbl ? 2 : 1);
        continue;
      }
      if (c === '~') {
        out += ' ';
        i++;
        continue;
      }
      if (s.startsWith('---', i)) {
        out += '—';
        i += 3;
        continue;
      }
      if (s.startsWith('--', i)) {
        out += '–';
        i += 2;
        continue;
      }
      if (s.startsWith('``', i)) {
        out += '“';
        i += 2;
        continue;
      }
      if (s.startsWith("''", i)) {
        out += '”';
        i += 2;
        continue;
      }
      out += c;
      i++;
      continue;
    }
    // Math mode.
    if (c === '^' || c === '_') {
      const arg = readArg(s, i + 1);
      if (!arg) {
        i++;
        continue;
      }
      out += c + wrapScript(tidy(render(arg.content, 'math', ctx, depth + 1, budget)));
      i = arg.end;
      continue;
    }
    if (c === "'") {
      out += '′';
      i++;
      continue;
    }
    if (c === '~') {
      out += ' ';
      i++;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** `$…$` for Markdown: the LaTeX as written, user macros expanded, labels and spacing tidied. */
function inlineMath(latex: string, ctx: TextContext): string {
  const t = mathLatex(latex, ctx.macros);
  return t ? `$${t}$` : '';
}

/**
 * Display or inline math as LaTeX for a reader (Markdown, prompts): user macros expanded,
 * \label, \nonumber and \tag removed, whitespace collapsed. Shape: one line per row.
 */
export function mathLatex(latex: string, macros: Macros): string {
  return expandMacros(latex, macros, () => true)
    .replace(/\\(label|tag\*?)\s*\{[^}]*\}/g, '')
    .replace(/\\(nonumber|notag)(?![a-zA-Z])/g, '')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

function findDollar(s: string, from: number, dbl: boolean): number {
  for (let k = from; k < s.length; k++) {
    if (s[k] === '\\') {
      k++;
      continue;
    }
    if (s[k] === '$' && (!dbl || s[k + 1] === '$')) return k;
  }
  return s.length;
}

/** Parenthesises a sub- or superscript, fraction part or root that is more than one simple token. */
function wrap(x: string): string {
  if (/^√?[\p{L}\p{N}.′∗*ᵀ⊤]+([_^][\p{L}\p{N}′∗*ᵀ⊤]+|[_^]\([^()]*\))*$/u.test(x) || (/^\(.*\)$/.test(x) && balancedOuter(x))) return x;
  return `(${x})`;
}

/** A sub- or superscript stays bare only when it is one plain token: e^(z_i), not e^z_i. */
function wrapScript(x: string): string {
  return /^[\p{L}\p{N}′∗*ᵀ⊤]+$/u.test(x) || (/^\(.*\)$/.test(x) && balancedOuter(x)) ? x : `(${x})`;
}

function balancedOuter(x: string): boolean {
  let depth = 0;
  for (let k = 0; k < x.length; k++) {
    if (x[k] === '(') depth++;
    else if (x[k] === ')' && --depth === 0 && k < x.length - 1) return false;
  }
  return true;
}

function renderCommand(s: string, at: number, mode: Mode, ctx: TextContext, depth: number, budget: Budget): { text: string; end: number } {
  const m = /^\\([a-zA-Z@]+\*?|.)/s.exec(s.slice(at, at + 80));
  if (!m) return { text: '', end: at + 1 };
  let name = m[1]!;
  let end = at + m[0].length;
  const starred = name.length > 1 && name.endsWith('*');
  if (starred) name = name.slice(0, -1);
  const sub = (x: string, md: Mode = mode) => render(x, md, ctx, depth + 1, budget);
  const arg = (): string | undefined => {
    const a = readArg(s, end);
    if (!a) return undefined;
    end = a.end;
    return a.content;
  };
  const opt = (): string | undefined => {
    const a = readOptArg(s, end);
    if (!a) return undefined;
    end = a.end;
    return a.content;
  };

  // Single-character commands.
  if (name.length === 1 && !/[a-zA-Z]/.test(name)) {
    if ('%&$#_{}'.includes(name)) return { text: mode === 'math' && (name === '{' || name === '}') ? name : name, end };
    if (name === '\\') {
      if (s[end] === '*') end++;
      const o = readOptArg(s, end);
      if (o && /^\s*-?[\d.]+\s*[a-z]{2}\s*$/.test(o.content)) end = o.end;
      return { text: ' ', end };
    }
    if ((name === '(' || name === '[') && mode === 'text') {
      // \( … \) and \[ … \] in running text are math.
      const close = s.indexOf(name === '(' ? '\\)' : '\\]', end);
      const stop = close < 0 ? s.length : close;
      const math = ctx.keepMath ? inlineMath(s.slice(end, stop), ctx) : sub(s.slice(end, stop), 'math');
      end = close < 0 ? s.length : close + 2;
      return { text: name === '[' ? ` ${math} ` : math, end };
    }
    if (name === '(' || name === ')' || name === '[' || name === ']') return { text: ' ', end };
    if (' ,;:>'.includes(name) || name === '\n') return { text: ' ', end };
    if (name === '|' && mode === 'math') return { text: '‖', end };
    if (TEXT_ACCENTS[name] && mode === 'text') return { text: accent(sub(arg() ?? ''), TEXT_ACCENTS[name]), end };
    if (NOTHING.has(name)) return { text: '', end };
    return { text: name, end };
  }

  const def = ctx.macros.get(name);
  if (def && budget.left > 0) {
    budget.left--;
    const call = readCall(s, end, def);
    return { text: sub(substitute(def.body, call.args)), end: call.end };
  }
  if (mode === 'math' && (name === '(' || name === ')')) return { text: '', end };
  if (name === 'begin' || name === 'end') {
    const env = arg() ?? '';
    if (name === 'begin') {
      const spec = ENV_ARGS[env];
      if (spec) {
        for (let k = 0; k < spec[0]; k++) opt();
        for (let k = 0; k < spec[1]; k++) arg();
      }
    }
    return { text: ' ', end };
  }
  if (name === 'item') {
    const label = opt();
    return { text: ` ${label !== undefined ? sub(label) : '•'} `, end };
  }
  if (CITE.test(name)) {
    opt();
    opt();
    const keys = (arg() ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    return { text: ctx.cite ? ctx.cite(keys) : `[${keys.join(', ')}]`, end };
  }
  if (REF.test(name)) {
    const labels = (arg() ?? '')
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean);
    const style: RefStyle =
      name === 'eqref'
        ? 'eqref'
        : /^(cref|vref)$/.test(name)
          ? 'cref'
          : name === 'Cref'
            ? 'Cref'
            : /^(autoref|Autoref)$/.test(name)
              ? 'autoref'
              : 'ref';
    return { text: labels.map((l) => ctx.ref?.(l, style) ?? '??').join(', '), end };
  }
  if (name === 'frac' || name === 'dfrac' || name === 'tfrac' || name === 'cfrac') {
    const num = tidy(sub(arg() ?? '', 'math'));
    const den = tidy(sub(arg() ?? '', 'math'));
    return { text: `${wrap(num)}/${wrap(den)}`, end };
  }
  if (name === 'binom' || name === 'dbinom' || name === 'tbinom') {
    const n = tidy(sub(arg() ?? '', 'math'));
    const k = tidy(sub(arg() ?? '', 'math'));
    return { text: `binom(${n}, ${k})`, end };
  }
  if (name === 'sqrt') {
    const root = opt();
    const body = tidy(sub(arg() ?? '', 'math'));
    return { text: `${root ? tidy(sub(root, 'math')) : ''}√${wrap(body)}`, end };
  }
  if (name === 'overset' || name === 'stackrel') {
    arg();
    return { text: sub(arg() ?? '', 'math'), end };
  }
  if (name === 'underset') {
    const under = tidy(sub(arg() ?? '', 'math'));
    return { text: `${tidy(sub(arg() ?? '', 'math'))}_${wrap(under)}`, end };
  }
  if (name === 'substack') return { text: sub((arg() ?? '').replace(/\\\\/g, ', '), 'math'), end };
  if (name === 'left' || name === 'right') {
    if (s[end] === '.') end++;
    return { text: '', end };
  }
  if (name === 'not') return { text: '¬', end };
  if (name === 'xrightarrow' || name === 'xleftarrow') {
    opt();
    arg();
    return { text: name === 'xrightarrow' ? '→' : '←', end };
  }
  if (name === 'mathbb' || name === 'mathbbm' || name === 'mathds') {
    const body = tidy(sub(arg() ?? '', 'math'));
    return { text: [...body].map((ch) => DOUBLE_STRUCK[ch] ?? ch).join(''), end };
  }
  if (name === 'operatorname') return { text: ' ' + tidy(sub(arg() ?? '', 'math')) + FN_END, end };
  if (name === 'MakeUppercase' || name === 'uppercase') return { text: sub(arg() ?? '').toUpperCase(), end };
  if (name === 'MakeLowercase' || name === 'lowercase') return { text: sub(arg() ?? '').toLowerCase(), end };
  if (name === 'textsuperscript' && mode === 'text') return { text: '^' + wrapScript(tidy(sub(arg() ?? ''))), end };
  if (
    name === 'text' ||
    name === 'textrm' ||
    name === 'mbox' ||
    name === 'textnormal' ||
    name === 'textit' ||
    name === 'textbf' ||
    name === 'texttt' ||
    name === 'textsf'
  ) {
    return { text: sub(arg() ?? '', 'text'), end };
  }
  if (MATH_ACCENTS[name] && mode === 'math') return { text: accent(tidy(sub(arg() ?? '', 'math')), MATH_ACCENTS[name]), end };
  if (TEXT_ACCENTS[name] && name.length === 1 && mode === 'text') return { text: accent(sub(arg() ?? ''), TEXT_ACCENTS[name]), end };
  if (KEEP.has(name)) {
    if (name === 'makebox' || name === 'framebox') {
      opt();
      opt();
    }
    return { text: sub(arg() ?? ''), end };
  }
  const last = KEEP_LAST[name];
  if (last) {
    opt();
    for (let k = 1; k < last; k++) arg();
    return { text: sub(arg() ?? ''), end };
  }
  if (name === 'vskip' || name === 'hskip' || name === 'kern') {
    const dim = /^\s*-?[\d.]+\s*(pt|in|cm|mm|em|ex|bp|sp|pc|dd|mu)(\s*(plus|minus)\s*-?[\d.]+\s*(pt|in|cm|mm|em|ex|fil+))*/.exec(
      s.slice(end, end + 80),
    );
    if (dim) end += dim[0].length;
    return { text: ' ', end };
  }
  const drop = DROP[name];
  if (drop) {
    for (let k = 0; k < drop[0]; k++) opt();
    for (let k = 0; k < drop[1]; k++) arg();
    return { text: name === 'tag' ? '' : ' ', end };
  }
  if (TEXT_SYMBOLS[name] !== undefined && (mode === 'text' || !MATH_SYMBOLS[name])) return { text: TEXT_SYMBOLS[name], end };
  if (MATH_SYMBOLS[name] !== undefined) return { text: MATH_SYMBOLS[name], end };
  if (SPACES.has(name)) return { text: ' ', end };
  if (NOTHING.has(name)) return { text: '', end };
  if (MATH_WORDS.has(name)) return { text: ` ${name}${FN_END}`, end };
  // An unknown command: in math its name is usually what the paper shows (\softmax); in text it is markup.
  return { text: mode === 'math' ? ` ${name} ` : '', end };
}

function accent(base: string, mark: string): string {
  const t = base.trim();
  if (!t) return '';
  const chars = [...t];
  if (chars.length !== 1) return t;
  return (chars[0] === 'ı' ? 'i' : chars[0] === 'ȷ' ? 'j' : chars[0]) + mark;
}
