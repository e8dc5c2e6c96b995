// Low-level reading of LaTeX source: comments, brace groups, environments, table rows.
// Deliberately not a TeX engine: it reads the way LaTeX authors write, and is bounded
// (no macro may expand forever, no scan goes backwards).

/** Removes `%` comments (not `\%`), eating the newline as TeX does, so "a%\nb" is "ab". */
export function stripComments(src: string): string {
  const out: string[] = [];
  let i = 0;
  while (i < src.length) {
    const pct = src.indexOf('%', i);
    if (pct < 0) {
      out.push(src.slice(i));
      break;
    }
    if (isEscaped(src, pct)) {
      out.push(src.slice(i, pct + 1));
      i = pct + 1;
      continue;
    }
    out.push(src.slice(i, pct));
    const nl = src.indexOf('\n', pct);
    if (nl < 0) break;
    // TeX also skips the next line's leading blanks; a following empty line still ends the paragraph.
    let j = nl + 1;
    while (j < src.length && (src[j] === ' ' || src[j] === '\t')) j++;
    i = j;
  }
  return out.join('');
}

/** True when the character at `pos` is preceded by an odd number of backslashes. */
export function isEscaped(s: string, pos: number): boolean {
  let n = 0;
  for (let k = pos - 1; k >= 0 && s[k] === '\\'; k--) n++;
  return n % 2 === 1;
}

/**
 * Removes `\iffalse … \fi` blocks (keeping an `\else` branch) and `comment` environments:
 * authors park whole sections there, and arXiv sources are full of them.
 */
export function dropDeadCode(src: string): string {
  let s = src.replace(/\\begin\{comment\}[\s\S]*?\\end\{comment\}/g, '');
  for (let guard = 0; guard < 10000; guard++) {
    const start = s.search(/\\iffalse(?![a-zA-Z@])/);
    if (start < 0) break;
    const re = /\\(if[a-zA-Z@]*|else|fi)(?![a-zA-Z@])/g;
    re.lastIndex = start + '\\iffalse'.length;
    let depth = 1;
    let elseAt = -1;
    let end = -1;
    let afterEnd = -1;
    for (let m = re.exec(s); m; m = re.exec(s)) {
      const word = m[1]!;
      if (word === 'fi') {
        depth--;
        if (depth === 0) {
          end = m.index;
          afterEnd = m.index + m[0].length;
          break;
        }
      } else if (word === 'else') {
        if (depth === 1 && elseAt < 0) elseAt = m.index + m[0].length;
      } else if (word !== 'ifthenelse') depth++;
    }
    if (end < 0) {
      // Unclosed: TeX would skip to the end of the file.
      s = s.slice(0, start);
      break;
    }
    s = s.slice(0, start) + (elseAt >= 0 ? s.slice(elseAt, end) : '') + s.slice(afterEnd);
  }
  return s;
}

export interface Span {
  /** Text inside the delimiters. */
  content: string;
  /** Index just after the closing delimiter. */
  end: number;
}

function skipSpaces(s: string, i: number): number {
  // TeX skips blanks and at most one newline before an argument.
  let newlines = 0;
  while (i < s.length && /\s/.test(s[i]!)) {
    if (s[i] === '\n' && ++newlines > 1) break;
    i++;
  }
  return i;
}

/** Reads a mandatory argument at `i`: a `{…}` group, a control sequence, or one character. */
export function readArg(s: string, i: number): Span | undefined {
  const j = skipSpaces(s, i);
  if (j >= s.length) return undefined;
  if (s[j] === '{') {
    const close = matchBrace(s, j);
    return { content: s.slice(j + 1, close < 0 ? s.length : close), end: close < 0 ? s.length : close + 1 };
  }
  if (s[j] === '}') return undefined;
  if (s[j] === '\\') {
    const m = /^\\([a-zA-Z@]+|.)/.exec(s.slice(j, j + 64));
    if (m) return { content: m[0], end: j + m[0].length };
  }
  return { content: s[j]!, end: j + 1 };
}

/** Reads an optional `[…]` argument at `i` (brace groups may hold `]`). */
export function readOptArg(s: string, i: number): Span | undefined {
  const j = skipSpaces(s, i);
  if (s[j] !== '[') return undefined;
  let depth = 0;
  for (let k = j + 1; k < s.length; k++) {
    const c = s[k];
    if (c === '\\') {
      k++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ']' && depth <= 0) return { content: s.slice(j + 1, k), end: k + 1 };
  }
  return undefined;
}

/** Index of the `}` matching the `{` at `open`, or -1. */
export function matchBrace(s: string, open: number): number {
  let depth = 0;
  for (let k = open; k < s.length; k++) {
    const c = s[k];
    if (c === '\\') {
      k++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return k;
  }
  return -1;
}

/** Reads `*`? `[opt]`? `{arg}` — the shape of \section, \caption and friends. */
export function readStarOptArg(s: string, i: number): { star: boolean; opt?: string; arg: string; end: number } | undefined {
  let j = i;
  let star = false;
  const k = skipSpaces(s, j);
  if (s[k] === '*') {
    star = true;
    j = k + 1;
  }
  const opt = readOptArg(s, j);
  if (opt) j = opt.end;
  const arg = readArg(s, j);
  if (!arg) return undefined;
  return { star, ...(opt ? { opt: opt.content } : {}), arg: arg.content, end: arg.end };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds the `\end{name}` that closes an environment whose body starts at `from`,
 * counting nested environments of the same name. -1 when unclosed.
 */
export function findEnvEnd(s: string, name: string, from: number): { start: number; end: number } | undefined {
  const re = new RegExp(`\\\\(begin|end)\\s*\\{${escapeRe(name)}\\}`, 'g');
  re.lastIndex = from;
  let depth = 1;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m[1] === 'begin') depth++;
    else if (--depth === 0) return { start: m.index, end: m.index + m[0].length };
  }
  return undefined;
}

/**
 * Splits the body of an align-like environment into rows at top-level `\\`
 * (not inside braces or nested environments such as aligned, cases, array).
 */
export function splitRows(body: string): string[] {
  const rows: string[] = [];
  let depth = 0;
  let envDepth = 0;
  let start = 0;
  for (let k = 0; k < body.length; k++) {
    const c = body[k];
    if (c === '\\') {
      if (body.startsWith('\\begin', k) && !/[a-zA-Z]/.test(body[k + 6] ?? '')) envDepth++;
      else if (body.startsWith('\\end', k) && !/[a-zA-Z]/.test(body[k + 4] ?? '')) envDepth--;
      else if (body[k + 1] === '\\' && depth === 0 && envDepth === 0) {
        rows.push(body.slice(start, k));
        let j = k + 2;
        if (body[j] === '*') j++;
        const opt = readOptArg(body, j);
        // `\\[2pt]` is spacing, but `\\ [x]` starting a row is content; amsmath takes both as spacing.
        if (opt && /^\s*-?[\d.]+\s*[a-z]{2}\s*$/.test(opt.content)) j = opt.end;
        start = j;
        k = j - 1;
        continue;
      }
      k++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth--;
  }
  rows.push(body.slice(start));
  return rows;
}

/** The part between \begin{document} and \end{document}; the preamble before it. */
export function splitDocument(src: string): { preamble: string; body: string; hasDocument: boolean } {
  const begin = /\\begin\s*\{document\}/.exec(src);
  if (!begin) return { preamble: '', body: src, hasDocument: false };
  const after = begin.index + begin[0].length;
  const end = /\\end\s*\{document\}/.exec(src.slice(after));
  return { preamble: src.slice(0, begin.index), body: src.slice(after, end ? after + end.index : src.length), hasDocument: true };
}
