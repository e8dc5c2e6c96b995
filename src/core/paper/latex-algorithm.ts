// LaTeX algorithms and listings → lines of pseudo-code, as the typeset algorithm reads:
// `algorithmic` / `algpseudocode` keywords (\State, \If … \EndIf, \For …) with their
// indentation, algorithm2e blocks, and `lstlisting` / `verbatim` / `minted` bodies verbatim
// (lstlisting's escapeinside LaTeX kept for the caller to flatten).
import { findEnvEnd, isEscaped, readArg, readOptArg } from './latex-scan';

/**
 * One line of an algorithm: LaTeX to flatten (`latex`), or code as written (`code`), in which
 * `\u0000k\u0000` stands for the LaTeX `marks[k]` (lstlisting's escapeinside).
 */
export interface AlgorithmLine {
  indent: number;
  latex?: string;
  code?: string;
  marks?: string[];
}

const LISTINGS = ['lstlisting', 'verbatim', 'Verbatim', 'minted', 'BVerbatim', 'pythoncode', 'python'];
const PSEUDO = ['algorithmic', 'algorithmic*', 'algpseudocode'];

/** Every algorithm or listing body in `body`, in order; empty when there is none. */
export function latexAlgorithms(body: string): AlgorithmLine[][] {
  const out: AlgorithmLine[][] = [];
  const names = [...LISTINGS, ...PSEUDO, 'algorithm2e', 'procedure', 'function'];
  const re = new RegExp(`\\\\begin\\s*\\{(${names.map((n) => n.replace('*', '\\*')).join('|')})\\}`, 'g');
  for (let m = re.exec(body); m; m = re.exec(body)) {
    if (isEscaped(body, m.index)) continue;
    const name = m[1]!;
    let at = m.index + m[0].length;
    const end = findEnvEnd(body, name, at);
    const stop = end ? end.start : body.length;
    if (LISTINGS.includes(name)) {
      const opt = readOptArg(body, at);
      if (opt) at = opt.end;
      if (name === 'minted') at = readArg(body, at)?.end ?? at;
      out.push(listingLines(body.slice(at, stop), opt?.content ?? ''));
    } else if (PSEUDO.includes(name)) {
      const opt = readOptArg(body, at);
      if (opt) at = opt.end;
      out.push(pseudoLines(body.slice(at, stop)));
    } else {
      out.push(algorithm2eLines(body.slice(at, stop)));
    }
    re.lastIndex = end ? end.end : body.length;
  }
  return out.filter((lines) => lines.length);
}

/** A listing as written; escapeinside delimiters such as `(@$\alpha$@)` become LaTeX in `$…$`. */
function listingLines(text: string, options: string): AlgorithmLine[] {
  const esc =
    /escapeinside\s*=\s*\{?([^{},\s]{1,3})\}?\s*\{?([^{},\s]{1,3})\}?/.exec(options) ??
    /escapeinside\s*=\s*\{(.{1,3})\}\{(.{1,3})\}/.exec(options);
  let t = text.replace(/^\s*\n/, '').replace(/\s+$/, '');
  const marks: string[] = [];
  if (esc) {
    const [open, close] = [esc[1]!, esc[2]!];
    let from = 0;
    for (let i = t.indexOf(open, from); i >= 0; i = t.indexOf(open, from)) {
      const j = t.indexOf(close, i + open.length);
      if (j < 0) break;
      marks.push(t.slice(i + open.length, j));
      t = `${t.slice(0, i)}\u0000${marks.length - 1}\u0000${t.slice(j + close.length)}`;
      from = i + 1;
    }
  }
  const lines = t.split('\n');
  const common = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => {
    const code = l.slice(Number.isFinite(common) ? common : 0).replace(/\s+$/, '');
    return code.includes('\u0000') ? { indent: 0, code, marks } : { indent: 0, code };
  });
}

const KEYWORDS: Record<string, [before: string, after: string, indent: number]> = {
  If: ['if ', ' then', 1],
  ElsIf: ['else if ', ' then', 0],
  For: ['for ', ' do', 1],
  ForAll: ['for all ', ' do', 1],
  ForEach: ['for each ', ' do', 1],
  While: ['while ', ' do', 1],
  Procedure: ['procedure ', '', 1],
  Function: ['function ', '', 1],
};

/** algorithmic / algpseudocode, one line per command, indented by the blocks open. */
function pseudoLines(text: string): AlgorithmLine[] {
  const lines: AlgorithmLine[] = [];
  let indent = 0;
  const re =
    /\\(State|Statex|STATE|If|IF|ElsIf|ELSIF|Else|ELSE|EndIf|ENDIF|For|FOR|ForAll|FORALL|ForEach|EndFor|ENDFOR|While|WHILE|EndWhile|ENDWHILE|Repeat|REPEAT|Until|UNTIL|Loop|LOOP|EndLoop|ENDLOOP|Require|REQUIRE|Ensure|ENSURE|Input|Output|Return|RETURN|Procedure|EndProcedure|Function|EndFunction|Call|Comment|COMMENT|PRINT|Print)(?![a-zA-Z])/g;
  const hits = [...text.matchAll(re)].filter((m) => !isEscaped(text, m.index!));
  for (let k = 0; k < hits.length; k++) {
    const m = hits[k]!;
    const cmd = m[1]!;
    const name = canonical(cmd);
    let at = m.index! + m[0].length;
    const nextAt = hits[k + 1]?.index ?? text.length;
    if (name === 'Comment' || name === 'Call') {
      const a = readArg(text, at);
      const prev = lines.at(-1);
      if (a && prev && name === 'Comment') prev.latex = `${prev.latex ?? ''} ▷ ${a.content}`;
      else if (a) lines.push({ indent, latex: a.content });
      continue;
    }
    if (/^End/.test(name) || name === 'Until') {
      indent = Math.max(0, indent - 1);
      if (name === 'Until') lines.push({ indent, latex: `until ${readArg(text, at)?.content ?? ''}` });
      else lines.push({ indent, latex: `end ${name.slice(3).toLowerCase()}` });
      continue;
    }
    if (name === 'Else') {
      lines.push({ indent: Math.max(0, indent - 1), latex: 'else' });
      continue;
    }
    const kw = KEYWORDS[name];
    if (kw) {
      const named = name === 'Procedure' || name === 'Function' ? readArg(text, at) : undefined;
      if (named) at = named.end;
      const cond = readArg(text, at);
      const head = named ? `${named.content}(${cond?.content ?? ''})` : (cond?.content ?? '');
      if (name === 'ElsIf') lines.push({ indent: Math.max(0, indent - 1), latex: `${kw[0]}${head}${kw[1]}` });
      else {
        lines.push({ indent, latex: `${kw[0]}${head}${kw[1]}` });
        indent += kw[2];
      }
      continue;
    }
    const rest = text.slice(at, nextAt).trim();
    if (name === 'Repeat' || name === 'Loop') {
      lines.push({ indent, latex: name.toLowerCase() });
      indent++;
      continue;
    }
    const label =
      { Require: 'Require: ', Ensure: 'Ensure: ', Input: 'Input: ', Output: 'Output: ', Return: 'return ', Print: 'print ' }[name] ?? '';
    lines.push({ indent, latex: `${label}${rest}` });
  }
  // Text outside any command (a bare algorithmic body) is still shown.
  if (!hits.length && text.trim()) for (const l of text.split(/\\\\|\n/)) if (l.trim()) lines.push({ indent: 0, latex: l.trim() });
  return lines;
}

function canonical(cmd: string): string {
  const map: Record<string, string> = {
    STATE: 'State',
    Statex: 'State',
    IF: 'If',
    ELSIF: 'ElsIf',
    ELSE: 'Else',
    ENDIF: 'EndIf',
    FOR: 'For',
    FORALL: 'ForAll',
    ENDFOR: 'EndFor',
    WHILE: 'While',
    ENDWHILE: 'EndWhile',
    REPEAT: 'Repeat',
    UNTIL: 'Until',
    LOOP: 'Loop',
    ENDLOOP: 'EndLoop',
    REQUIRE: 'Require',
    ENSURE: 'Ensure',
    RETURN: 'Return',
    COMMENT: 'Comment',
    PRINT: 'Print',
  };
  return map[cmd] ?? cmd;
}

/** algorithm2e: statements end at `\;`, blocks are \For{cond}{body}, \If{cond}{body}, \eIf{c}{a}{b}. */
function algorithm2eLines(text: string, indent = 0): AlgorithmLine[] {
  const lines: AlgorithmLine[] = [];
  let i = 0;
  let buf = '';
  const push = (): void => {
    const t = buf
      .replace(
        /\\caption\s*\{[^}]*\}|\\label\s*\{[^}]*\}|\\(SetAlgoLined|DontPrintSemicolon|LinesNumbered|SetKwInOut|SetKwFunction|SetKw)[^\n]*/g,
        '',
      )
      .trim();
    if (t) lines.push({ indent, latex: t });
    buf = '';
  };
  while (i < text.length) {
    const m =
      /^\\(For|ForEach|ForAll|While|If|uIf|ElseIf|uElseIf|Else|uElse|eIf|Repeat|KwIn|KwOut|KwData|KwResult|Return|KwRet)(?![a-zA-Z])/.exec(
        text.slice(i),
      );
    if (text.startsWith('\\;', i)) {
      push();
      i += 2;
    } else if (m && !isEscaped(text, i)) {
      push();
      const name = m[1]!;
      let at = i + m[0].length;
      if (/^(KwIn|KwOut|KwData|KwResult|Return|KwRet)$/.test(name)) {
        const a = readArg(text, at);
        lines.push({
          indent,
          latex: `${{ KwIn: 'Input: ', KwOut: 'Output: ', KwData: 'Data: ', KwResult: 'Result: ', Return: 'return ', KwRet: 'return ' }[name]}${a?.content ?? ''}`,
        });
        i = a ? a.end : at;
        continue;
      }
      const cond = /Else$|^uElse$/.test(name) ? undefined : readArg(text, at);
      if (cond) at = cond.end;
      const word = {
        For: 'for',
        ForEach: 'for each',
        ForAll: 'for all',
        While: 'while',
        If: 'if',
        uIf: 'if',
        ElseIf: 'else if',
        uElseIf: 'else if',
        Else: 'else',
        uElse: 'else',
        eIf: 'if',
        Repeat: 'repeat',
      }[name]!;
      const suffix = /If$/.test(name) || name === 'eIf' ? ' then' : /^(For|ForEach|ForAll|While)$/.test(name) ? ' do' : '';
      lines.push({ indent, latex: cond ? `${word} ${cond.content}${suffix}` : word });
      const block = readArg(text, at);
      if (block) {
        lines.push(...algorithm2eLines(block.content, indent + 1));
        at = block.end;
      }
      if (name === 'eIf') {
        const other = readArg(text, at);
        if (other) {
          lines.push({ indent, latex: 'else' }, ...algorithm2eLines(other.content, indent + 1));
          at = other.end;
        }
      }
      i = at;
    } else {
      buf += text[i];
      i++;
    }
  }
  push();
  return lines;
}
