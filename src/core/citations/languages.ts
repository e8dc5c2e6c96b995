// Which files hold tags and how to find their comments. Languages with a tree-sitter grammar
// are parsed (comments inside strings are not comments); configs and notes are scanned by line.
import path from 'node:path';

export type LanguageId = 'python' | 'javascript' | 'typescript' | 'tsx' | 'cpp' | 'rust' | 'julia' | 'yaml' | 'toml' | 'markdown';

export interface TreeSitterLanguage {
  id: LanguageId;
  kind: 'tree-sitter';
  /** Grammar file name, in dist/tree-sitter/ or @vscode/tree-sitter-wasm/wasm/. */
  wasm: string;
  /**
   * Captures: @comment for comments, @doc.def for docstrings that document their enclosing
   * definition, @doc.module for a module docstring (it documents only itself).
   */
  query: string;
  /** Node types that a docstring documents (its scope is the whole definition). */
  definitions: string[];
}

export interface LineLanguage {
  id: LanguageId;
  /** 'hash': '#' comments (YAML, TOML); 'julia': '#' and '#= =#' comments and docstrings; 'markdown': all text. */
  kind: 'hash' | 'julia' | 'markdown';
}

export type LanguageSpec = TreeSitterLanguage | LineLanguage;

const PYTHON: TreeSitterLanguage = {
  id: 'python',
  kind: 'tree-sitter',
  wasm: 'tree-sitter-python.wasm',
  query: `
    (comment) @comment
    (module . (expression_statement (string) @doc.module))
    (function_definition body: (block . (expression_statement (string) @doc.def)))
    (class_definition body: (block . (expression_statement (string) @doc.def)))
  `,
  definitions: ['function_definition', 'class_definition', 'decorated_definition'],
};

const C_LIKE_QUERY = '(comment) @comment';

const LANGUAGES: Record<LanguageId, LanguageSpec> = {
  python: PYTHON,
  javascript: { id: 'javascript', kind: 'tree-sitter', wasm: 'tree-sitter-javascript.wasm', query: C_LIKE_QUERY, definitions: [] },
  typescript: { id: 'typescript', kind: 'tree-sitter', wasm: 'tree-sitter-typescript.wasm', query: C_LIKE_QUERY, definitions: [] },
  tsx: { id: 'tsx', kind: 'tree-sitter', wasm: 'tree-sitter-tsx.wasm', query: C_LIKE_QUERY, definitions: [] },
  // One grammar for C and C++: comments are the same, and it spares shipping a second one.
  cpp: { id: 'cpp', kind: 'tree-sitter', wasm: 'tree-sitter-cpp.wasm', query: C_LIKE_QUERY, definitions: [] },
  rust: {
    id: 'rust',
    kind: 'tree-sitter',
    wasm: 'tree-sitter-rust.wasm',
    query: '(line_comment) @comment (block_comment) @comment',
    definitions: [],
  },
  // No tree-sitter grammar for Julia small enough to ship (the npm one is 6 MB): a lexer does.
  julia: { id: 'julia', kind: 'julia' },
  yaml: { id: 'yaml', kind: 'hash' },
  toml: { id: 'toml', kind: 'hash' },
  markdown: { id: 'markdown', kind: 'markdown' },
};

const BY_EXTENSION: Record<string, LanguageId> = {
  '.py': 'python',
  '.pyi': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.c': 'cpp',
  '.h': 'cpp',
  '.cc': 'cpp',
  '.cpp': 'cpp',
  '.cxx': 'cpp',
  '.hpp': 'cpp',
  '.hh': 'cpp',
  '.cu': 'cpp',
  '.cuh': 'cpp',
  '.rs': 'rust',
  '.jl': 'julia',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.toml': 'toml',
  '.md': 'markdown',
  '.markdown': 'markdown',
};

/** The language of a file from its extension; undefined when tags are not looked for in it. */
export function languageForFile(file: string): LanguageSpec | undefined {
  const id = BY_EXTENSION[path.extname(file).toLowerCase()];
  return id ? LANGUAGES[id] : undefined;
}

export function languageById(id: LanguageId): LanguageSpec {
  return LANGUAGES[id];
}

/** File extensions that may hold tags ('.py', '.yaml', ...). */
export function taggedExtensions(): string[] {
  return Object.keys(BY_EXTENSION);
}

/** Whether a language's lines count towards citation coverage (code, not configs or notes). */
export function isCode(id: LanguageId): boolean {
  return id !== 'yaml' && id !== 'toml' && id !== 'markdown';
}
