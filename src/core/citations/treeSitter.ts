// web-tree-sitter in Node: initialised once, lazily; grammars loaded once each and cached.
// The .vsix has no node_modules, so the bundles ship web-tree-sitter (its CommonJS build and
// its wasm) and the grammars in dist/tree-sitter/ (copied by esbuild.mjs); in development
// they resolve from node_modules. It is loaded at run time, never bundled: bundled, its
// ES build looks for its wasm through import.meta.url, which a CommonJS bundle does not have.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as WebTreeSitter from 'web-tree-sitter';
import type { TreeSitterLanguage } from './languages';

export interface LoadedLanguage {
  parser: WebTreeSitter.Parser;
  query: WebTreeSitter.Query;
}

let lib: Promise<typeof WebTreeSitter> | undefined;
const loaded = new Map<string, Promise<LoadedLanguage>>();

/** Starts tree-sitter (once). */
export async function initTreeSitter(): Promise<typeof WebTreeSitter> {
  lib ??= (async () => {
    const dir = runtimeDir();
    const mod = createRequire(__filename)(path.join(dir, 'web-tree-sitter.cjs')) as typeof WebTreeSitter;
    await mod.Parser.init({ locateFile: (name: string) => path.join(dir, name) });
    return mod;
  })();
  lib.catch(() => (lib = undefined));
  return lib;
}

/** A parser and the comment query for a language, loaded on first use. */
export function loadLanguage(spec: TreeSitterLanguage): Promise<LoadedLanguage> {
  let p = loaded.get(spec.id);
  if (!p) {
    p = (async () => {
      const ts = await initTreeSitter();
      const language = await ts.Language.load(grammarPath(spec.wasm));
      const parser = new ts.Parser();
      parser.setLanguage(language);
      return { parser, query: new ts.Query(language, spec.query) };
    })();
    // A failed load (missing file) is not cached: the next call says so again.
    p.catch(() => loaded.delete(spec.id));
    loaded.set(spec.id, p);
  }
  return p;
}

/** Folder holding web-tree-sitter.cjs and web-tree-sitter.wasm. */
function runtimeDir(): string {
  return shippedDir('web-tree-sitter.cjs') ?? fromNodeModules('web-tree-sitter', '');
}

function grammarPath(wasm: string): string {
  const shipped = shippedDir(wasm);
  return shipped ? path.join(shipped, wasm) : path.join(fromNodeModules('@vscode/tree-sitter-wasm', 'wasm'), wasm);
}

/** A package folder in node_modules above the running bundle (development, tests, the npm CLI). */
function fromNodeModules(pkg: string, sub: string): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'node_modules', pkg, sub);
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`${pkg} not found beside the bundle (dist/tree-sitter) nor in node_modules; reinstall PaperTrail`);
}

/** dist/tree-sitter/ beside the running bundle (dist/cli.js, dist/extension.js, out/test/...). */
function shippedDir(file: string): string | undefined {
  const override = process.env.PAPERTRAIL_TREE_SITTER_DIR;
  if (override) return override;
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    for (const candidate of [path.join(dir, 'tree-sitter'), path.join(dir, 'dist', 'tree-sitter')]) {
      if (fs.existsSync(path.join(candidate, file))) return candidate;
    }
    dir = path.dirname(dir);
  }
  return undefined;
}
