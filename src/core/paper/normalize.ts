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
  'based',
  'level',
  'specific',
  'aware',
  'wise',
  'scale',
  'free',
  'like',
  'style',
  'trained',
  'tuned',
  'tuning',
  'art',
  'end',
  'shot',
  'order',
  'step',
  'sized',
  'size',
  'dimensional',
  'layer',
  'head',
  'supervised',
  'training',
  'domain',
  'task',
  'class',
  'label',
  'side',
  'time',
  'world',
  'term',
  'grained',
  'driven',
  'defined',
  'independent',
  'dependent',
  'invariant',
  'agnostic',
  'oriented',
  'wide',
  'only',
  'off',
  'up',
  'down',
  'in',
  'out',
  'of',
  'the',
  'to',
  'and',
  'or',
  'vs',
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
  // Pieces, not one growing string: the end-of-line test must look at the last line only,
  // or a passage that runs over many pages costs quadratic time.
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    const k = out.length - 1;
    if (k < 0) {
      out.push(line);
      continue;
    }
    const prev = out[k]!;
    const end = prev.charCodeAt(prev.length - 1);
    const hy = end === 0x2d || end === 0xad || end === 0x2010 ? /([\p{L}\d]+)[-\u00AD\u2010]$/u.exec(prev.slice(-48)) : null;
    const next = hy ? /^(\p{Ll}+)/u.exec(line) : null;
    if (hy && next) {
      const head = hy[1]!;
      const tail = next[1]!;
      const verdict = oracle?.(head, tail);
      const keep =
        verdict === 'keep' ||
        (verdict === undefined && ((/\p{Lu}/u.test(head) && head === head.toUpperCase()) || /\d/.test(head) || COMPOUND_TAILS.has(tail)));
      out[k] = keep ? prev.replace(/[\u00AD\u2010]$/, '-') : prev.slice(0, -1);
      out.push(line);
    } else if (hy && /-$/.test(prev) && /^[\p{Lu}\d]/u.test(line)) {
      out.push(line);
    } else if (prev.endsWith('\u00AD')) {
      out[k] = prev.slice(0, -1);
      out.push(line);
    } else {
      out.push(' ' + line);
    }
  }
  return out.join('');
}

/**
 * Letter-spaced words as pdf.js sometimes returns them inside one string ("L AT E X",
 * "A B S T R A C T", "t r a n s f o r m e r") become words again. Only runs of at least
 * three short capital tokens (mostly single letters) or four single small letters are
 * joined, so "a b" in prose is left alone.
 */
export function joinLetterSpaced(s: string): string {
  if (!/(?:^|\s)\S\s\S/.test(s)) return s;
  return s
    .replace(SPACED_UPPER, (run) => {
      const tokens = run.split(' ');
      const singles = tokens.filter((t) => t.length === 1).length;
      return singles * 2 >= tokens.length ? tokens.join('') : run;
    })
    .replace(SPACED_LOWER, (run) => run.replace(/ /g, ''));
}

// Runs are found by one linear scan each; a letter or digit on either side means a real word.
const SPACED_UPPER = /(?<![\p{L}\d])(?:\p{Lu}{1,3} ){2,}\p{Lu}{1,3}(?![\p{L}\d])/gu;
const SPACED_LOWER = /(?<![\p{L}\d])(?:\p{Ll} ){3,}\p{Ll}(?![\p{L}\d])/gu;

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
  return s.replace(ACCENT_RE, (_m, accent: string, letter: string) => {
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
  let built = false;
  // Built on the first question: many passages never end a line in a hyphen.
  const build = () => {
    built = true;
    for (const t of texts) {
      for (const m of t.matchAll(/[\p{L}\d]+(?:-[\p{L}\d]+)*/gu)) {
        const w = m[0].toLowerCase();
        if (!w.includes('-')) {
          words.add(w);
          continue;
        }
        const parts = w.split('-');
        for (let i = 0; i + 1 < parts.length; i++) compounds.add(`${parts[i]}-${parts[i + 1]}`);
      }
    }
  };
  return (head, tail) => {
    if (!built) build();
    const h = head.toLowerCase();
    const t = tail.toLowerCase();
    if (compounds.has(`${h}-${t}`)) return 'keep';
    if (words.has(h + t)) return 'join';
    return undefined;
  };
}
