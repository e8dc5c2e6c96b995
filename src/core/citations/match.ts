// Tolerant phrase matching: does a quoted phrase appear in a passage of the paper?
//
// Text extracted from a PDF differs from what a person types in ways that do not change
// its meaning: line breaks and spacing, words hyphenated across lines, ligatures (ﬁ),
// subscripts set apart ("d k" for d_k), LaTeX markup in the quote (\sqrt{d_k}), unicode
// minus signs. All of that is normalised away. A number is never: 64 does not match 640,
// 6 4, or 0.64, and "0.1" does not match "0.15".

export interface Normalized {
  /** Lower-case letters, digits and significant math symbols; "|" between two numbers. */
  text: string;
  /** For each character of `text`, its offset in the original string. */
  map: number[];
}

export interface PhraseMatch {
  /** Offsets in the original haystack string. */
  start: number;
  end: number;
}

const LATEX_SYMBOLS: Record<string, string> = {
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  epsilon: 'ε',
  varepsilon: 'ε',
  zeta: 'ζ',
  eta: 'η',
  theta: 'θ',
  iota: 'ι',
  kappa: 'κ',
  lambda: 'λ',
  mu: 'μ',
  nu: 'ν',
  xi: 'ξ',
  pi: 'π',
  rho: 'ρ',
  sigma: 'σ',
  tau: 'τ',
  phi: 'φ',
  varphi: 'φ',
  chi: 'χ',
  psi: 'ψ',
  omega: 'ω',
  Gamma: 'γ',
  Delta: 'δ',
  Theta: 'θ',
  Lambda: 'λ',
  Pi: 'π',
  Sigma: 'σ',
  Phi: 'φ',
  Psi: 'ψ',
  Omega: 'ω',
  sqrt: '√',
  cdot: '·',
  times: '×',
  leq: '≤',
  le: '≤',
  geq: '≥',
  ge: '≥',
  neq: '≠',
  ne: '≠',
  in: '∈',
  sum: '∑',
  prod: '∏',
  infty: '∞',
  to: '→',
  rightarrow: '→',
  approx: '≈',
  pm: '±',
};

const GREEK_NAMES = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'varepsilon',
  'zeta',
  'eta',
  'theta',
  'iota',
  'kappa',
  'lambda',
  'mu',
  'nu',
  'xi',
  'pi',
  'rho',
  'sigma',
  'tau',
  'phi',
  'varphi',
  'chi',
  'psi',
  'omega',
];
const GREEK_WORDS = new Map(GREEK_NAMES.map((g) => [g, LATEX_SYMBOLS[g]!]));
const GREEK_FIRST = new Set(GREEK_NAMES.map((g) => g.charCodeAt(0)));

/** Symbols that carry meaning in a formula and are kept; everything else that is not a letter or digit goes. */
const KEEP = new Set(['=', '+', '<', '>', '≤', '≥', '≠', '×', '·', '/', '√', '∑', '∏', '∈', '%', '*', '→', '≈', '±', '∞', '-']);
const FOLD: Record<string, string> = {
  '−': '-',
  '–': '-',
  '‐': '-',
  '‑': '-',
  '∗': '*',
  '⋅': '·',
  '∙': '·',
  ϵ: 'ε',
  ϕ: 'φ',
  ϑ: 'θ',
  ς: 'σ',
  '\u00ad': '',
};

/** Normalises a passage or a quote for matching, keeping a map back to the original offsets. */
export function normalizeForMatch(input: string): Normalized {
  const out: string[] = [];
  const map: number[] = [];
  let gap = false;
  let lastKept = '';
  let lastDigit = false;
  let lastLetter = false;
  const n = input.length;
  for (let i = 0; i < n; i++) {
    const code = input.charCodeAt(i);
    // ASCII letters and digits are nearly all of a passage: handled without regexes.
    const lower = code >= 65 && code <= 90 ? code + 32 : code;
    if (lower >= 97 && lower <= 122) {
      // A Greek letter spelled out ("beta_2", "epsilon") reads as the letter the PDF shows.
      if (!isLetterAt(input, i - 1) && GREEK_FIRST.has(lower)) {
        let j = i;
        while (j < n && j - i < 11 && isAsciiLetter(input.charCodeAt(j))) j++;
        const sym =
          j - i >= 2 && j - i <= 10 && !isAsciiLetter(input.charCodeAt(j)) ? GREEK_WORDS.get(input.slice(i, j).toLowerCase()) : undefined;
        if (sym) {
          emit(sym, i);
          i = j - 1;
          continue;
        }
      }
      emit(String.fromCharCode(lower), i);
      continue;
    }
    if (code >= 48 && code <= 57) {
      emit(input[i]!, i);
      continue;
    }
    if (code === 32 || code === 10 || code === 9 || code === 13) {
      gap = true;
      continue;
    }
    const c = input[i]!;
    // LaTeX in a quote: "\sqrt{d_k}" reads "√dk", "\alpha" reads "α", unknown commands vanish.
    if (c === '\\') {
      const m = /^[A-Za-z]+/.exec(input.slice(i + 1, i + 20));
      if (m) {
        const sym = LATEX_SYMBOLS[m[0]];
        i += m[0].length;
        if (sym) emit(sym, i - m[0].length);
        else gap = true;
        continue;
      }
      gap = true;
      continue;
    }
    const folded = code > 127 ? (FOLD[c] ?? c).normalize('NFKC').toLowerCase() : c;
    for (const ch of folded) {
      if (ch.charCodeAt(0) > 127 ? /[\p{L}\p{N}]/u.test(ch) : /[a-z0-9]/.test(ch)) emit(ch, i);
      else if (ch === '-') {
        // A hyphen between letters (also across a line break, "repre- sentation") is typography;
        // before a digit it is a minus sign ("1e-9", "-1").
        const next = nextSignificant(input, i + 1);
        if (next >= '0' && next <= '9') emit('-', i);
        else gap = gap || !lastLetter || !/\p{L}/u.test(next);
      } else if (ch === '.' && lastDigit && !gap && isDigit(input.charCodeAt(i + 1))) emit('.', i);
      else if (KEEP.has(ch)) emit(ch, i);
      else gap = true;
    }
  }
  return { text: out.join(''), map };

  function emit(ch: string, at: number): void {
    const digit = ch.length === 1 && isDigit(ch.charCodeAt(0));
    // Two numbers set apart stay apart: "6 4" is not "64".
    if (gap && digit && lastDigit) {
      out.push('|');
      map.push(at);
    }
    if (ch.length === 1) {
      out.push(ch);
      map.push(at);
    } else {
      for (const x of ch) {
        out.push(x);
        map.push(at);
      }
    }
    lastKept = ch[ch.length - 1]!;
    lastDigit = isDigit(lastKept.charCodeAt(0));
    lastLetter = !lastDigit && (isAsciiLetter(lastKept.charCodeAt(0)) || (lastKept.charCodeAt(0) > 127 && /\p{L}/u.test(lastKept)));
    gap = false;
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isLetterAt(s: string, i: number): boolean {
  if (i < 0) return false;
  const code = s.charCodeAt(i);
  return isAsciiLetter(code) || (code > 127 && /\p{L}/u.test(s[i]!));
}

function nextSignificant(s: string, from: number): string {
  for (let i = from; i < s.length && i < from + 8; i++) if (!/\s/.test(s[i]!)) return s[i]!;
  return '';
}

/**
 * Where `needle` appears in `haystack`, tolerant as described above. An ellipsis in the
 * needle ("scaled … by") lets its parts stand apart, in order. Returns original offsets.
 */
export function findPhrase(haystack: Normalized | string, needle: string): PhraseMatch | undefined {
  const hay = typeof haystack === 'string' ? normalizeForMatch(haystack) : haystack;
  const parts = needleParts(needle);
  if (!parts.length) return undefined;
  let from = 0;
  let first = -1;
  let last = -1;
  for (const p of parts) {
    const at = indexOfNumberSafe(hay.text, p, from);
    if (at < 0) return undefined;
    if (first < 0) first = at;
    last = at + p.length;
    from = last;
  }
  return { start: hay.map[first]!, end: hay.map[last - 1]! + 1 };
}

// A hover resolves the same quote again and again: its normalised parts are kept.
const needles = new Map<string, string[]>();
function needleParts(needle: string): string[] {
  let parts = needles.get(needle);
  if (!parts) {
    parts = needle
      .split(/\s*(?:…|\.\.\.)\s*/)
      .map((p) => normalizeForMatch(p).text)
      .filter((p) => p.length > 0);
    if (needles.size > 10000) needles.clear();
    needles.set(needle, parts);
  }
  return parts;
}

/** indexOf that refuses a match cutting through a number: "64" is not found in "640" or "1.64". */
function indexOfNumberSafe(hay: string, needle: string, from: number): number {
  const startsDigit = /\d/.test(needle[0]!);
  const endsDigit = /\d/.test(needle[needle.length - 1]!);
  for (let at = hay.indexOf(needle, from); at >= 0; at = hay.indexOf(needle, at + 1)) {
    if (startsDigit && at > 0 && /[\d.]/.test(hay[at - 1]!) && (hay[at - 1] !== '.' || /\d/.test(hay[at - 2] ?? ''))) continue;
    const after = at + needle.length;
    if (endsDigit && (/\d/.test(hay[after] ?? '') || (hay[after] === '.' && /\d/.test(hay[after + 1] ?? '')))) continue;
    return at;
  }
  return -1;
}

/**
 * The same search with every number blanked out: finds where the paper says the same words
 * with other numbers ("d_k = 128" where the paper has "d k = 64"), so a reason can quote it.
 */
export function findWithOtherNumbers(haystack: Normalized, needle: string): PhraseMatch | undefined {
  const n = normalizeForMatch(needle).text;
  if (!/\d/.test(n) || n.replace(/[\d.|]/g, '').length < 3) return undefined;
  let hay = masked.get(haystack);
  if (!hay) {
    hay = maskNumbers(haystack.text);
    masked.set(haystack, hay);
  }
  const pat = maskNumbers(n).text;
  const at = hay.text.indexOf(pat);
  if (at < 0) return undefined;
  const a = hay.map[at]!;
  const b = hay.map[at + pat.length - 1]!;
  // Extend to the end of the last number in the original normalised text.
  let end = b;
  while (end + 1 < haystack.text.length && /[\d.]/.test(haystack.text[end + 1]!)) end++;
  return { start: haystack.map[a]!, end: haystack.map[end]! + 1 };
}

const masked = new WeakMap<Normalized, { text: string; map: number[] }>();

function maskNumbers(s: string): { text: string; map: number[] } {
  const out: string[] = [];
  const map: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (/\d/.test(s[i]!)) {
      out.push('#');
      map.push(i);
      while (i + 1 < s.length && /[\d.|]/.test(s[i + 1]!)) i++;
    } else {
      out.push(s[i]!);
      map.push(i);
    }
  }
  return { text: out.join(''), map };
}
