// Lint and format generated Python with ruff, in-process (its WebAssembly build): no Python
// install is needed to find syntax errors, undefined names and unused imports, to sort the
// imports and to format the repository as ruff would.
import type { Workspace } from '@astral-sh/ruff-wasm-nodejs';
import { loadRuff } from './ruff';

export interface LintProblem {
  /** Relative, '/'-separated. */
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  /** ruff's rule code ("F821"), or "invalid-syntax". */
  code: string;
  message: string;
  /** `error`: the module cannot run as written (syntax, undefined names); `warning`: style. */
  severity: 'error' | 'warning';
}

export interface LintResult {
  /** Every file given, Python files sorted and formatted (unchanged when they do not parse). */
  files: Map<string, string>;
  problems: LintProblem[];
}

// Pyflakes (F), syntax-level errors (E9) and import sorting (I).
const SETTINGS = { 'line-length': 100, lint: { select: ['E9', 'F', 'I'] } };
/** Rules whose finding means the code fails when it runs. */
const FATAL = /^(invalid-syntax|E9\d\d|F821|F822|F823|F63\d|F70\d|F72\d|F811)$/;

let workspace: Workspace | undefined;

/**
 * Lints every `.py` file of `files` (path → content), applies ruff's import sorting, and formats
 * the ones that parse. Other files pass through unchanged.
 */
export function lintPython(files: ReadonlyMap<string, string>): LintResult {
  if (!workspace) {
    const ruff = loadRuff();
    workspace = new ruff.Workspace(SETTINGS, ruff.PositionEncoding.Utf16);
  }
  const out = new Map(files);
  const problems: LintProblem[] = [];
  for (const [file, source] of files) {
    if (!file.endsWith('.py')) continue;
    let content = source;
    const first = diagnostics(content);
    const sorting = first.find((d) => d.code === 'I001' && d.fix);
    if (sorting?.fix) content = applyEdits(content, sorting.fix.edits);
    const after = sorting ? diagnostics(content) : first;
    const broken = after.some((d) => d.code === 'invalid-syntax');
    if (!broken) {
      try {
        content = workspace.format(content);
      } catch {
        // A file ruff cannot format stays as written; its lint findings still count.
      }
    }
    out.set(file, content);
    for (const d of broken ? after : diagnostics(content)) {
      if (d.code === 'I001') continue;
      const code = d.code ?? 'invalid-syntax';
      problems.push({
        file,
        line: d.start_location.row,
        column: d.start_location.column,
        code,
        message: d.message,
        severity: FATAL.test(code) ? 'error' : 'warning',
      });
    }
  }
  return { files: out, problems };
}

interface RuffDiagnostic {
  code: string | null;
  message: string;
  start_location: { row: number; column: number };
  fix: {
    edits: { content: string | null; location: { row: number; column: number }; end_location: { row: number; column: number } }[];
  } | null;
}

function diagnostics(content: string): RuffDiagnostic[] {
  return workspace!.check(content) as RuffDiagnostic[];
}

/** Applies ruff's edits (1-based rows and columns, UTF-16), last first so positions hold. */
function applyEdits(content: string, edits: NonNullable<RuffDiagnostic['fix']>['edits']): string {
  const starts = [0];
  for (let i = 0; i < content.length; i++) if (content[i] === '\n') starts.push(i + 1);
  const offset = (p: { row: number; column: number }) => (starts[p.row - 1] ?? content.length) + p.column - 1;
  let out = content;
  for (const e of [...edits].sort((a, b) => offset(b.location) - offset(a.location))) {
    out = out.slice(0, offset(e.location)) + (e.content ?? '') + out.slice(offset(e.end_location));
  }
  return out;
}
