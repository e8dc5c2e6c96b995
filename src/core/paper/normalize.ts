// Text clean-up for what the Paper model exposes. Positions never pass through here:
// these functions only change strings, so rects stay exactly where pdf.js put the glyphs.

const LIGATURES: Record<string, string> = {
  '\uFB00': 'ff',
  '\uFB01': 'fi',
  '\uFB02': 'fl',
  '\uFB03': 'ffi',
  '\uFB04': 'ffl',
  '\uFB05': 'st',
  '\uFB06': 'st',
  '\u0132': 'IJ',
  '\u0133': 'ij',
  '\u0152': 'OE',
  '\u0153': 'oe',
};
const LIGATURE_RE = /[\uFB00-\uFB06\u0132\u0133]/g;

/** Ligature glyphs become their letters, so that search and quotes match what a reader types. */
export function expandLigatures(s: string): string {
  return s.replace(LIGATURE_RE, (c) => LIGATURES[c] ?? c);
}

// Second halves of compounds that keep their hyphen when a line break falls on it
// ("document-\nlevel" is "document-level", not "documentlevel").
const COMPOUND_TAILS = new Set([
  'based', 'level', 'specific', 'aware', 'wise', 'scale', 'free', 'like', 'style', 'trained', 'tuned',
  'tuning', 'art', 'end', 'shot', 'order', 'step', 'sized', 'size', 'dimensional', 'layer', 'head',
  'supervised', 'training', 'domain', 'task', 'class', 'label', 'side', 'time', 'world', 'term',
  'grained', 'driven', 'defined', 'independent', 'dependent', 'invariant', 'agnostic', 'oriented',
  'wide', 'only', 'off', 'up', 'down', 'in', 'out', 'of', 'the', 'to', 'and', 'or', 'vs',
]);

/** Decides a line-end hyphen from what the document writes elsewhere; undefined: no evidence. */
export type HyphenOracle = (head: string, tail: string) => 'keep' | 'join' | undefined;

/**
 * Joins the lines of one passage. A hyphen at a line end is a break inside a word when the
 * next line goes on in lower case ("repre-" + "sentation"); it stays when the document writes
 * the hyphenated form elsewhere, when the first part is an acronym or number ("BERT-" +
 * "based"), when the second part is a common compound tail, or before a capital ("NAACL-HLT").
 */
export function joinLines(lines: readonly string[], oracle?: HyphenOracle): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (!out) {
      out = line;
      continue;
    }
    const hy = /([\p{L}\d]+)[-\u00AD\u2010]$/u.exec(out);
    const next = /^(\p{Ll}+)/u.exec(line);
    if (hy && next) {
      const head = hy[1]!;
      const tail = next[1]!;
      const verdict = oracle?.(head, tail);
      const keep =
        verdict === 'keep' ||
        (verdict === undefined && ((/\p{Lu}/u.test(head) && head === head.toUpperCase()) || /\d/.test(head) || COMPOUND_TAILS.has(tail)));
      out = keep ? out.replace(/[\u00AD\u2010]$/, '-') + line : out.slice(0, -1) + line;
    } else if (hy && /^[\p{Lu}\d]/u.test(line) && /-$/.test(out)) {
      out += line;
    } else if (/[\u00AD]$/.test(out)) {
      out = out.slice(0, -1) + line;
    } else {
      out += ' ' + line;
    }
  }
  return out;
}

/**
 * Letter-spaced words as pdf.js sometimes returns them inside one string ("L AT E X",
 * "A B S T R A C T", "t r a n s f o r m e r") become words again. Only runs of at least
 * three short tokens are joined, mostly single letters, so "a b" in prose is left alone.
 */
export function joinLetterSpaced(s: string): string {
  if (!/(?:^|\s)\S\s\S/.test(s)) return s;
  const tokens = s.split(' ');
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    let j = i;
    let singles = 0;
    const upper = isSpacedUpper(tokens[i]!);
    while (j < tokens.length && (upper ? isSpacedUpper(tokens[j]!) : isSpacedLower(tokens[j]!))) {
      if (tokens[j]!.replace(/[^\p{L}]/gu, '').length === 1) singles++;
      j++;
    }
    const run = j - i;
    const enough = upper ? run >= 3 && singles * 2 >= run : run >= 4 && singles === run;
    if (enough) {
      out.push(tokens.slice(i, j).join(''));
      i = j;
    } else {
      out.push(tokens[i]!);
      i++;
    }
  }
  return out.join(' ');
}

function isSpacedUpper(t: string): boolean {
  return /^\p{Lu}{1,3}$/u.test(t);
}

function isSpacedLower(t: string): boolean {
  return /^\p{Ll}$/u.test(t);
}

// TeX draws accents as spacing glyphs before the letter ("J¨org", "ˇReh˚uˇrek").
const SPACING_ACCENTS: Record<string, string> = {
  '\u00A8': '\u0308',
  '\u00B4': '\u0301',
  '\u02C6': '\u0302',
  '\u02DC': '\u0303',
  '\u02C7': '\u030C',
  '\u02DA': '\u030A',
  '\u00B8': '\u0327',
  '\u02DD': '\u030B',
  '\u02D8': '\u0306',
  '\u00AF': '\u0304',
};
const ACCENT_RE = /([\u00A8\u00B4\u02C6\u02DC\u02C7\u02DA\u00B8\u02DD\u02D8\u00AF]) ?([A-Za-z\u0131\u0237])/g;

/** "J¨org" → "Jörg": a spacing accent glued to the letter after it becomes one character. */
export function composeAccents(s: string): string {
  if (!/[\u00A8\u00B4\u02C6\u02DC\u02C7\u02DA\u00B8\u02DD\u02D8\u00AF]/.test(s)) return s;
  return s
    .replace(ACCENT_RE, (_m, accent: string, letter: string) => {
      const base = letter === '\u0131' ? 'i' : letter === '\u0237' ? 'j' : letter;
      return (base + SPACING_ACCENTS[accent]).normalize('NFC');
    });
}

/** Everything the model exposes as text goes through here. */
export function normalizeText(s: string): string {
  return joinLetterSpaced(
    composeAccents(expandLigatures(s))
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/g, '')
      .replace(/[\s\u00A0]+/g, ' ')
      .trim(),
  );
}

/**
 * Builds the oracle from the document's own words: "document-level" written on one line
 * keeps the hyphen of "document-\nlevel"; "representation" written whole joins "repre-\nsentation".
 */
export function hyphenOracleFrom(texts: Iterable<string>): HyphenOracle {
  const words = new Set<string>();
  const compounds = new Set<string>();
  for (const t of texts) {
    for (const m of t.matchAll(/[\p{L}\d]+(?:-[\p{L}\d]+)*/gu)) {
      const w = m[0].toLowerCase();
      if (w.includes('-')) {
        const parts = w.split('-');
        for (let i = 0; i + 1 < parts.length; i++) compounds.add(`${parts[i]}-${parts[i + 1]}`);
      } else {
        words.add(w);
      }
    }
  }
  return (head, tail) => {
    const h = head.toLowerCase();
    const t = tail.toLowerCase();
    if (compounds.has(`${h}-${t}`)) return 'keep';
    if (words.has(h + t)) return 'join';
    return undefined;
  };
}
