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
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', zeta: 'ζ', eta: 'η',
  theta: 'θ', iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ',
  sigma: 'σ', tau: 'τ', phi: 'φ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω',
  Gamma: 'γ', Delta: 'δ', Theta: 'θ', Lambda: 'λ', Pi: 'π', Sigma: 'σ', Phi: 'φ', Psi: 'ψ', Omega: 'ω',
  sqrt: '√', cdot: '·', times: '×', leq: '≤', le: '≤', geq: '≥', ge: '≥', neq: '≠', ne: '≠',
  in: '∈', sum: '∑', prod: '∏', infty: '∞', to: '→', rightarrow: '→', approx: '≈', pm: '±',
};

const GREEK_START = /[abgdeztiklmnxprsucopABGDEZTIKLMNXPRSUCOP]/;
const GREEK_WORD =
  /^(alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|iota|kappa|lambda|mu|nu|xi|pi|rho|sigma|tau|phi|varphi|chi|psi|omega)(?![a-z])/i;

/** Symbols that carry meaning in a formula and are kept; everything else that is not a letter or digit goes. */
const KEEP = new Set(['=', '+', '<', '>', '≤', '≥', '≠', '×', '·', '/', '√', '∑', '∏', '∈', '%', '*', '→', '≈', '±', '∞', '-']);
const FOLD: Record<string, string> = {
  '−': '-', '–': '-', '‐': '-', '‑': '-', '∗': '*', '⋅': '·', '∙': '·', 'ϵ': 'ε', 'ϕ': 'φ', 'ϑ': 'θ', 'ς': 'σ',
  '\u00ad': '',
};

/** Normalises a passage or a quote for matching, keeping a map back to the original offsets. */
export function normalizeForMatch(input: string): Normalized {
  const out: string[] = [];
  const map: number[] = [];
  let gap = false;
  let lastKept = '';
  const n = input.length;
  for (let i = 0; i < n; i++) {
    let c = input[i]!;
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
    // A Greek letter spelled out ("beta_2", "epsilon") reads as the letter the PDF shows.
    if (GREEK_START.test(c) && !/\p{L}/u.test(input[i - 1] ?? '')) {
      const m = GREEK_WORD.exec(input.slice(i, i + 12));
      if (m) {
        emit(LATEX_SYMBOLS[m[1]!.toLowerCase()]!, i);
        i += m[1]!.length - 1;
        continue;
      }
    }
    if (c.charCodeAt(0) > 127) c = (FOLD[c] ?? c).normalize('NFKC');
    for (const ch of c.toLowerCase()) {
      if (/[\p{L}\p{N}]/u.test(ch)) emit(ch, i);
      else if (ch === '-') {
        // A hyphen between letters (also across a line break, "repre- sentation") is typography;
        // before a digit it is a minus sign ("1e-9", "-1").
        const next = nextSignificant(input, i + 1);
        if (/\d/.test(next)) emit('-', i);
        else gap = gap || !/\p{L}/u.test(lastKept) || !/\p{L}/u.test(next);
      } else if (ch === '.' && /\d/.test(lastKept) && !gap && /\d/.test(input[i + 1] ?? '')) emit('.', i);
      else if (KEEP.has(ch)) emit(ch, i);
      else gap = true;
    }
  }
  return { text: out.join(''), map };

  function emit(ch: string, at: number): void {
    // Two numbers set apart stay apart: "6 4" is not "64".
    if (gap && /\d/.test(ch) && /\d/.test(lastKept)) {
      out.push('|');
      map.push(at);
    }
    for (const x of ch) {
      out.push(x);
      map.push(at);
    }
    lastKept = ch[ch.length - 1]!;
    gap = false;
  }
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
  const parts = needle
    .split(/\s*(?:…|\.\.\.)\s*/)
    .map((p) => normalizeForMatch(p).text)
    .filter((p) => p.length > 0);
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
