// A LaTeX project as files: a folder on disk or an unpacked e-print held in memory.
// Finds the main file and inlines \input / \include / \subfile / \import, so the structure
// scanner sees one document, exactly as LaTeX would read it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import { dropDeadCode, readArg, splitDocument, stripComments } from './latex-scan';

export interface SourceTree {
  /** How messages name the tree: the folder or archive as the user gave it. */
  name: string;
  /** Text of a file by path relative to the root ("/" separators); undefined when absent. */
  read(rel: string): string | undefined;
  /** Every file in the tree (relative paths), bounded. */
  list(): string[];
}

const MAX_FILE_BYTES = 8 * 1024 * 1024;
const MAX_LIST = 5000;

/** Text of LaTeX bytes: UTF-8, or Latin-1 for the older sources that are not valid UTF-8. */
export function decodeTex(bytes: Uint8Array): string {
  const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return utf8.includes('\uFFFD') ? Buffer.from(bytes).toString('latin1') : utf8;
}

export function folderTree(folder: string, name: string): SourceTree {
  let listed: string[] | undefined;
  return {
    name,
    read(rel) {
      const abs = path.resolve(folder, rel);
      try {
        const st = fs.statSync(abs);
        if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
        return decodeTex(fs.readFileSync(abs));
      } catch {
        return undefined;
      }
    },
    list() {
      listed ??= walk(folder);
      return listed;
    },
  };
}

function walk(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string, rel: string, depth: number) => {
    if (depth > 4 || out.length >= MAX_LIST) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) visit(path.join(dir, e.name), r, depth + 1);
      else if (e.isFile() && out.length < MAX_LIST) out.push(r);
    }
  };
  visit(root, '', 0);
  return out;
}

/** A tree of files already in memory (an unpacked e-print). Paths cannot leave it. */
export function memoryTree(name: string, files: Map<string, Uint8Array>): SourceTree {
  const decoded = new Map<string, string>();
  return {
    name,
    read(rel) {
      const key = path.posix.normalize(rel.replace(/\\/g, '/')).replace(/^\.\//, '');
      if (key.startsWith('../') || key.startsWith('/')) return undefined;
      const cached = decoded.get(key);
      if (cached !== undefined) return cached;
      const bytes = files.get(key);
      if (!bytes) return undefined;
      const text = decodeTex(bytes);
      decoded.set(key, text);
      return text;
    },
    list: () => [...files.keys()].sort(),
  };
}

const PREFERRED_MAIN = /^(main|ms|paper|article|manuscript|arxiv|root|document|submission)\.tex$/i;

/**
 * The file LaTeX is run on: arXiv's 00README.json says so when present; otherwise the one .tex
 * file with both \documentclass and \begin{document}; among several, a conventional name, then
 * one that no other candidate \inputs, then the shallowest.
 */
export function findMainFile(tree: SourceTree): Result<string> {
  const r = chooseMainFile(tree);
  return r.ok ? ok(r.value.main) : r;
}

/**
 * The file LaTeX was run on, as arXiv ran it: `00README.json`'s toplevel file, else among the
 * files with \documentclass and \begin{document}: the one with a `.bbl` of its own name (the
 * compiler's output ships beside it), a conventional name, one nobody inputs, one that inputs
 * others. `others` are the candidates not chosen, for a warning.
 */
export function chooseMainFile(tree: SourceTree): Result<{ main: string; others: string[] }> {
  const files = tree.list();
  const readme = tree.read('00README.json');
  if (readme) {
    try {
      const top = (JSON.parse(readme) as { sources?: { filename?: string; usage?: string }[] }).sources?.find(
        (s) => s.usage === 'toplevel',
      );
      if (top?.filename && tree.read(top.filename) !== undefined) return ok({ main: top.filename, others: [] });
    } catch {
      // Not the JSON we expected: fall back to looking at the files.
    }
  }
  const candidates: { rel: string; text: string }[] = [];
  for (const rel of files.filter((f) => /\.tex$/i.test(f)).slice(0, 500)) {
    const raw = tree.read(rel);
    if (!raw?.includes('\\documentclass')) continue;
    const text = stripComments(raw);
    const cls = /\\documentclass\s*(?:\[[^\]]*\])?\s*\{([^}]*)\}/.exec(text);
    if (!cls || !/\\begin\s*\{document\}/.test(text)) continue;
    if (/^(standalone|subfiles)$/.test(cls[1]!.trim())) continue;
    candidates.push({ rel, text });
  }
  if (!candidates.length)
    return fail('bad-input', `no main .tex file (with \\documentclass) in ${tree.name}; give the main .tex file itself`);
  if (candidates.length === 1) return ok({ main: candidates[0]!.rel, others: [] });
  const inputted = new Set<string>();
  const inputsOthers = new Set<string>();
  const known = new Set(files);
  for (const c of candidates) {
    for (const m of c.text.matchAll(/\\(?:input|include|subfile)\s*\{([^}]+)\}/g)) {
      const p = path.posix.normalize(path.posix.join(path.posix.dirname(c.rel), m[1]!.trim()));
      const tex = p.endsWith('.tex') ? p : `${p}.tex`;
      inputted.add(tex);
      if (known.has(tex)) inputsOthers.add(c.rel);
    }
  }
  const depth = (rel: string) => rel.split('/').length;
  // A conventional name first, then a file nobody inputs, then one that inputs the others.
  const hasBbl = (rel: string) => known.has(rel.replace(/\.tex$/i, '.bbl'));
  const score = (c: { rel: string }) =>
    (hasBbl(c.rel) ? 0 : 8) +
    (PREFERRED_MAIN.test(path.posix.basename(c.rel)) ? 0 : 4) +
    (inputted.has(c.rel) ? 2 : 0) +
    (inputsOthers.has(c.rel) ? 0 : 1);
  const ranked = [...candidates].sort((a, b) => score(a) - score(b) || depth(a.rel) - depth(b.rel) || b.text.length - a.text.length);
  return ok({ main: ranked[0]!.rel, others: ranked.slice(1).map((c) => c.rel) });
}

/** One line naming the main file chosen and the other candidates, so a wrong guess can be corrected. */
export function otherMainsWarning(main: string, others: string[], hasBbl: boolean): string {
  const shown = others.slice(0, 5).join(', ') + (others.length > 5 ? `, and ${others.length - 5} more` : '');
  return `read ${main}${hasBbl ? ' (the file with the compiled bibliography)' : ''} as the main file; ${others.length} other file${others.length > 1 ? 's' : ''} with \\documentclass not read: ${shown} (give one of them directly to read it instead)`;
}

export interface LatexSource {
  /** The main file, relative to the tree. */
  mainFile: string;
  documentClass: string;
  classOptions: string;
  /** Preamble with inputs inlined and comments removed. */
  preamble: string;
  /** Text of local packages (\usepackage{x} with x.sty in the tree): macros and numbering live there too. */
  localPackages: string;
  body: string;
  /** Every file read, in reading order. */
  files: string[];
  /** sha256 of the files read, in order: the same sources give the same hash wherever they lie. */
  sha256: string;
  warnings: string[];
  /** The main file's bibliography as compiled (`<main>.bbl`), when the tree has it. */
  bbl?: string;
}

const MAX_DEPTH = 20;
const MAX_FILES = 1000;
const MAX_TOTAL_CHARS = 40 * 1024 * 1024;

interface LoadState {
  tree: SourceTree;
  mainDir: string;
  files: string[];
  hash: ReturnType<typeof createHash>;
  total: number;
  warnings: string[];
  stack: string[];
}

/** Reads the main file and everything it inputs, as one document. */
export function loadLatex(tree: SourceTree, mainFile: string): Result<LatexSource> {
  const raw = tree.read(mainFile);
  if (raw === undefined) return fail('not-found', `${tree.name}: cannot read ${mainFile}`);
  const state: LoadState = {
    tree,
    mainDir: path.posix.dirname(mainFile),
    files: [mainFile],
    hash: createHash('sha256').update(raw),
    total: raw.length,
    warnings: [],
    stack: [mainFile],
  };
  const text = expandInputs(clean(raw), path.posix.dirname(mainFile), state, 0);
  const { preamble, body } = splitDocument(text);
  const cls = /\\documentclass\s*(?:\[([^\]]*)\])?\s*\{([^}]*)\}/.exec(preamble);
  let localPackages = '';
  for (const m of preamble.matchAll(/\\(?:usepackage|RequirePackage)\s*(?:\[[^\]]*\])?\s*\{([^}]*)\}/g)) {
    for (const name of m[1]!
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)) {
      const sty = tree.read(path.posix.join(state.mainDir, `${name}.sty`));
      if (sty !== undefined && localPackages.length < 2 * 1024 * 1024) localPackages += '\n' + clean(sty);
    }
  }
  const bblName = mainFile.replace(/\.(tex|ltx|latex)$/i, '') + '.bbl';
  const bbl = tree.read(bblName);
  if (bbl !== undefined) {
    state.hash.update(bbl);
    state.files.push(bblName);
  }
  return ok({
    ...(bbl !== undefined ? { bbl } : {}),
    mainFile,
    documentClass: cls?.[2]?.trim() ?? '',
    classOptions: cls?.[1] ?? '',
    preamble,
    localPackages,
    body,
    files: state.files,
    sha256: state.hash.digest('hex'),
    warnings: state.warnings,
  });
}

function clean(raw: string): string {
  return dropDeadCode(stripComments(raw.replace(/\r\n?/g, '\n')));
}

const INPUT = /\\(input|include|subfile|import|subimport|inputfrom|subinputfrom|includefrom|subincludefrom)(?![a-zA-Z@])\*?/g;

function expandInputs(text: string, currentDir: string, state: LoadState, depth: number): string {
  let out = '';
  let last = 0;
  const re = new RegExp(INPUT.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const cmd = m[1]!;
    let end = m.index + m[0].length;
    let dir = '';
    let file: string | undefined;
    if (/import|from$/.test(cmd)) {
      const d = readArg(text, end);
      const f = d && readArg(text, d.end);
      if (!d || !f) continue;
      dir = d.content.trim();
      file = f.content.trim();
      end = f.end;
    } else {
      const braced = /^\s*\{/.test(text.slice(end, end + 64));
      if (braced) {
        const a = readArg(text, end);
        if (!a) continue;
        file = a.content.trim();
        end = a.end;
      } else {
        // Plain-TeX form: \input sections/intro
        const bare = /^[ \t]+([^\s{}\\%]+)/.exec(text.slice(end, end + 300));
        if (!bare) continue;
        file = bare[1]!;
        end += bare[0].length;
      }
    }
    // A \input inside a macro body (\newcommand{\fig}[1]{\input{figs/#1}}) names no file yet.
    if (!file || file.includes('#')) continue;
    out += text.slice(last, m.index);
    last = end;
    re.lastIndex = end;
    out += '\n' + inline(cmd, dir, file, currentDir, state, depth) + '\n';
  }
  return out + text.slice(last);
}

function inline(cmd: string, dir: string, file: string, currentDir: string, state: LoadState, depth: number): string {
  const shown = `\\${cmd}{${dir ? dir + '}{' : ''}${file}}`;
  if (depth >= MAX_DEPTH) {
    state.warnings.push(`${shown}: inputs nested deeper than ${MAX_DEPTH}; not followed`);
    return '';
  }
  if (state.files.length >= MAX_FILES || state.total >= MAX_TOTAL_CHARS) {
    state.warnings.push(`${shown}: the sources exceed ${MAX_FILES} files or ${MAX_TOTAL_CHARS / 1024 / 1024} MB; not followed`);
    return '';
  }
  const bases: string[] = [];
  if (cmd === 'subimport' || cmd === 'subinputfrom' || cmd === 'subincludefrom') bases.push(path.posix.join(currentDir, dir));
  else if (dir) bases.push(path.posix.join(state.mainDir, dir), dir);
  else bases.push(state.mainDir, currentDir);
  const names = /\.[a-zA-Z]{1,4}$/.test(file) ? [file, `${file}.tex`] : [`${file}.tex`, file];
  for (const base of bases) {
    for (const name of names) {
      const rel = path.posix.normalize(path.posix.join(base, name));
      if (state.stack.includes(rel)) {
        state.warnings.push(`${shown}: inputs itself (through ${state.stack.join(' → ')}); not followed`);
        return '';
      }
      const raw = state.tree.read(rel);
      if (raw === undefined) continue;
      state.files.push(rel);
      state.hash.update('\0' + rel + '\0').update(raw);
      state.total += raw.length;
      let text = clean(raw);
      if (cmd === 'subfile' || /\\documentclass\s*(\[[^\]]*\])?\s*\{subfiles\}/.test(text)) text = splitDocument(text).body;
      state.stack.push(rel);
      const expanded = expandInputs(text, path.posix.dirname(rel), state, depth + 1);
      state.stack.pop();
      return expanded;
    }
  }
  state.warnings.push(`${shown}: file not found in ${state.tree.name}`);
  return '';
}
