// One decoding path for every structured answer a model gives, whatever the server:
// the JSON object is cut out of prose and Markdown fences, LaTeX written with single
// backslashes is read as LaTeX (never as JSON's control-character escapes), the rest is
// repaired by `jsonrepair` (trailing commas, comments, unquoted keys, raw newlines), and
// the value is checked against the stage's schema. A field that still fails is named.
import { jsonrepair } from 'jsonrepair';
import type { z } from 'zod';

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * The object in `text`, decoded and validated.
 * @param text a model's whole answer: bare JSON, or JSON inside ```json fences and prose.
 * @param repair let jsonrepair mend the text; off for an answer known to be cut, which jsonrepair
 *   would close into a valid but incomplete object.
 * @returns the value, or one line naming what is wrong (with the JSON path of the field).
 */
export function decodeJsonAnswer<T>(text: string, schema: z.ZodType<T>, { repair = true }: { repair?: boolean } = {}): Decoded<T> {
  const json = extractJsonObject(text);
  if (json === undefined) return { ok: false, error: 'no JSON object in the answer' };
  let data: unknown;
  const latexSafe = latexSafeJson(json);
  try {
    data = JSON.parse(latexSafe);
  } catch (e) {
    if (!repair) return { ok: false, error: `not valid JSON: ${(e as Error).message}` };
    try {
      data = JSON.parse(jsonrepair(latexSafe));
    } catch (e) {
      const position = (e as { position?: number }).position;
      const field = position === undefined ? undefined : fieldAt(latexSafe, position);
      return { ok: false, error: `not valid JSON${field ? ` in the field "${field}"` : ''}: ${(e as Error).message}` };
    }
  }
  const result = schema.safeParse(withoutControlCharacters(data));
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, error: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
}

/**
 * The JSON object in an answer: the body of the first fence (a line of ``` or ```json) that
 * holds one, else from the first `{` to the last `}` — or to the end, for an answer that was cut.
 * Fences inside JSON strings are escaped (`\n```bash`), so only fences at a line start count.
 */
export function extractJsonObject(text: string): string | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```[\w-]*\s*$/.test(lines[i]!)) continue;
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) j++;
    const body = lines
      .slice(i + 1, j)
      .join('\n')
      .trim();
    if (body.startsWith('{')) return body;
    i = j;
  }
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  const end = text.lastIndexOf('}');
  return end > start ? text.slice(start, end + 1) : text.slice(start);
}

// LaTeX commands whose first letter is also a JSON escape (\b \f \n \r \t). Where a model
// wrote `\nabla` or `\top` with one backslash it meant the command, not newline + "abla".
// \b, \f and \r before a letter are always LaTeX (no model means backspace, form feed or a
// bare carriage return there); \n and \t are LaTeX only before one of these names.
const LATEX_AFTER_N = new Set([
  'nabla',
  'neq',
  'newline',
  'newcommand',
  'not',
  'notin',
  'nonumber',
  'norm',
  'neg',
  'nolimits',
  'noindent',
  'nearrow',
  'nwarrow',
  'nleq',
  'ngeq',
  'nmid',
  'nsubseteq',
  'natural',
  'nparallel',
  'nu',
  'ni',
  'ne',
]);
const LATEX_AFTER_T = new Set([
  'tau',
  'theta',
  'vartheta',
  'tanh',
  'tan',
  'text',
  'textbf',
  'textit',
  'texttt',
  'textrm',
  'textsc',
  'textsf',
  'textnormal',
  'times',
  'top',
  'tilde',
  'widetilde',
  'triangle',
  'triangleq',
  'tfrac',
  'tag',
  'tr',
  'trace',
  'therefore',
  'textstyle',
  'tiny',
  'to',
  'twoheadrightarrow',
  'top',
  'textsuperscript',
  'textsubscript',
  'thinspace',
  'tbinom',
]);
/** Two-letter names that are also common right after a real newline or tab in code (`\ni = 0`): LaTeX only in math context. */
const SHORT_AMBIGUOUS = new Set(['nu', 'ni', 'ne', 'to', 'tr']);

/**
 * Doubles the backslash of every LaTeX command inside the JSON strings of `json`, and of
 * every escape JSON does not have (`\S`, `\sqrt`, `\(`), so that `JSON.parse` keeps the
 * backslash. Valid escapes (`\"`, `\\`, `\/`, `\uXXXX`, `\n` before ordinary text) are kept.
 * Outside strings, `#` and `//` line comments are dropped; nothing else changes.
 */
export function latexSafeJson(json: string): string {
  let out = '';
  let i = 0;
  while (i < json.length) {
    const c = json[i]!;
    if (c === '"') {
      const end = stringEnd(json, i);
      out += `"${fixString(json.slice(i + 1, end))}"`;
      i = end + 1;
    } else if (c === '#' || (c === '/' && json[i + 1] === '/')) {
      // A comment: `#` is not JSON at all, and jsonrepair would keep it as a string.
      const nl = json.indexOf('\n', i);
      i = nl < 0 ? json.length : nl;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Index of the quote that closes the string opened at `open`: the next unescaped `"` followed
 * (after spaces) by `,` `}` `]` `:` a line end or the end — a quote in running text such as
 * `"the "base" model"` does not close it. The end of the text closes a cut string.
 */
function stringEnd(json: string, open: number): number {
  for (let i = open + 1; i < json.length; i++) {
    const c = json[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c !== '"') continue;
    const rest = /^[ \t]*(.?)/.exec(json.slice(i + 1, i + 40))![1]!;
    if (rest === '' || /[,}\]:\r\n#/]/.test(rest)) return i;
  }
  return json.length;
}

function fixString(body: string): string {
  const math = /\\(?:[ac-eg-mo-qsv-z]|[A-Z]|[bfr][a-zA-Z])|\$|\^\{|_\{/.test(body);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"') {
      out += '\\"';
      continue;
    }
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) {
      out += '\\\\';
      continue;
    }
    const word = /^[a-zA-Z]+/.exec(body.slice(i + 1))?.[0] ?? '';
    const after = body[i + 1 + word.length] ?? '';
    if (next === '\\' || next === '"' || next === '/') {
      out += c + next;
      i++;
    } else if (next === 'u' && /^u[0-9a-fA-F]{4}/.test(body.slice(i + 1, i + 6))) {
      out += c + next;
      i++;
    } else if ((next === 'b' || next === 'f' || next === 'r') && /[a-zA-Z]/.test(body[i + 2] ?? '')) {
      out += '\\\\';
    } else if ((next === 'n' || next === 't') && isLatexName(word, after, math)) {
      out += '\\\\';
    } else if ('bfnrt'.includes(next)) {
      out += c + next;
      i++;
    } else {
      out += '\\\\';
    }
  }
  return out;
}

function isLatexName(word: string, after: string, math: boolean): boolean {
  const names = word.startsWith('n') ? LATEX_AFTER_N : LATEX_AFTER_T;
  if (!names.has(word)) return false;
  if (!SHORT_AMBIGUOUS.has(word)) return true;
  return math || /[_^{$\\]/.test(after);
}

/** The key of the innermost field whose value spans `position`, for error messages. */
function fieldAt(json: string, position: number): string | undefined {
  const before = json.slice(0, position);
  const keys = [...before.matchAll(/"([^"\\]{1,80})"\s*:/g)];
  return keys.at(-1)?.[1];
}

/**
 * `value` with every string freed of control characters other than newline and tab
 * (CR LF and lone CR become LF), so none reaches a prompt or a file.
 */
export function withoutControlCharacters(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  }
  if (Array.isArray(value)) return value.map(withoutControlCharacters);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutControlCharacters(v)]));
  }
  return value;
}
