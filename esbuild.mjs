// Three bundles (extension, CLI, webview) plus the pdf.js files they load at run time.
// Type-checking runs first: a bundle that does not type-check is not built.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const skipTypecheck = args.has('--no-typecheck') || watch;

if (!skipTypecheck) {
  const tsc = path.join('node_modules', '.bin', 'tsc');
  for (const project of ['tsconfig.json', 'webview/tsconfig.json', 'test/webview/tsconfig.json']) {
    try {
      execFileSync(tsc, ['-p', project, '--noEmit'], { stdio: 'inherit' });
    } catch {
      console.error(`type errors in ${project}: fix them, then build again`);
      process.exit(1);
    }
  }
}

fs.rmSync('dist', { recursive: true, force: true });
copyPdfjs();
copyTreeSitter();
copyRuff();

const common = {
  bundle: true,
  // The .vsix ships no maps (users don't need them); dev builds and tests keep them.
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'linked',
};

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // pdf.js is loaded at run time from dist/pdfjs (see src/core/paper/pdfjs.ts), never bundled.
    external: ['vscode', 'pdfjs-dist', '@astral-sh/ruff-wasm-nodejs'],
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/bin.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['pdfjs-dist', '@astral-sh/ruff-wasm-nodejs'],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    // planReview is the plan review panel, with mermaid in it (one file: no splitting, so
    // nothing is loaded later past the nonce CSP).
    entryPoints: { viewer: 'webview/viewer/main.ts', planReview: 'webview/planReview/main.ts' },
    plugins: [mermaidOnly(['classDiagram', 'classDiagram-v2', 'sequenceDiagram', 'dagre', 'sizeCapture'])],
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    // pdf.js's viewer CSS refers to its icons; they ship as files beside the CSS (the CSP allows them).
    loader: { '.css': 'css', '.svg': 'file', '.gif': 'file', '.png': 'file' },
    assetNames: 'images/[name]-[hash]',
  },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  fs.chmodSync('dist/cli.js', 0o755);
}

/**
 * The plan review draws only class and sequence diagrams. Mermaid loads every other diagram
 * type, KaTeX and its cytoscape layouts through dynamic imports, which esbuild would inline
 * (3.4 MB minified instead of under 1). Those imports get a module that throws: a diagram
 * of another type then shows its source with a note, as any diagram that fails to draw.
 */
function mermaidOnly(keep) {
  return {
    name: 'mermaid-only',
    setup(build) {
      build.onResolve({ filter: /^(\.\/|katex$)/ }, (args) => {
        if (args.kind !== 'dynamic-import' || !/[\\/]node_modules[\\/]mermaid[\\/]dist[\\/]/.test(args.importer)) return undefined;
        const name = path.basename(args.path).replace(/-[A-Z0-9]{8}\.mjs$/, '');
        return keep.includes(name) ? undefined : { path: name, namespace: 'mermaid-left-out' };
      });
      build.onLoad({ filter: /.*/, namespace: 'mermaid-left-out' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is not part of this view`)});`,
        loader: 'js',
      }));
    },
  };
}

/** pdf.js is loaded from files beside the bundles so that its worker and fonts resolve. */
function copyPdfjs() {
  const root = path.dirname(path.dirname(path.dirname(fileURLToPathSafe(import.meta.resolve('pdfjs-dist/legacy/build/pdf.mjs')))));
  const copy = (from, to) => fs.cpSync(path.join(root, from), to, { recursive: true });
  // Node (extension host and CLI): legacy build, which needs no browser globals.
  copy('legacy/build/pdf.mjs', 'dist/pdfjs/pdf.mjs');
  copy('legacy/build/pdf.worker.mjs', 'dist/pdfjs/pdf.worker.mjs');
  copy('standard_fonts', 'dist/pdfjs/standard_fonts');
  copy('cmaps', 'dist/pdfjs/cmaps');
  copy('LICENSE', 'dist/pdfjs/LICENSE');
  // Webview (Chromium in the editor): pdf.js itself is bundled into viewer.js; its worker,
  // fonts and cmaps are fetched at run time.
  copy('build/pdf.worker.min.mjs', 'dist/webview/pdfjs/pdf.worker.min.mjs');
  copy('standard_fonts', 'dist/webview/pdfjs/standard_fonts');
  copy('cmaps', 'dist/webview/pdfjs/cmaps');
}

/**
 * Citation tags are found with web-tree-sitter, loaded at run time from dist/tree-sitter/
 * (see src/core/citations/treeSitter.ts): its CommonJS build, its wasm, and the grammars
 * of the languages whose comments are searched (C uses the C++ grammar).
 */
function copyTreeSitter() {
  const runtime = path.dirname(fileURLToPathSafe(import.meta.resolve('web-tree-sitter/web-tree-sitter.wasm')));
  const grammars = path.join(path.dirname(fileURLToPathSafe(import.meta.resolve('@vscode/tree-sitter-wasm/package.json'))), 'wasm');
  fs.mkdirSync('dist/tree-sitter', { recursive: true });
  for (const f of ['web-tree-sitter.cjs', 'web-tree-sitter.wasm']) fs.copyFileSync(path.join(runtime, f), path.join('dist/tree-sitter', f));
  fs.copyFileSync(path.join(runtime, 'LICENSE'), 'dist/tree-sitter/LICENSE.web-tree-sitter');
  for (const lang of ['python', 'javascript', 'typescript', 'tsx', 'cpp', 'rust']) {
    fs.copyFileSync(path.join(grammars, `tree-sitter-${lang}.wasm`), path.join('dist/tree-sitter', `tree-sitter-${lang}.wasm`));
  }
  fs.copyFileSync(path.join(grammars, '..', 'LICENSE'), 'dist/tree-sitter/LICENSE.grammars');
}

// ruff's WebAssembly build reads its .wasm beside its own file: both ship in dist/ruff.
function copyRuff() {
  const dir = path.dirname(fileURLToPathSafe(import.meta.resolve('@astral-sh/ruff-wasm-nodejs/package.json')));
  fs.mkdirSync('dist/ruff', { recursive: true });
  for (const f of ['ruff_wasm.js', 'ruff_wasm_bg.wasm', 'LICENSE']) fs.copyFileSync(path.join(dir, f), path.join('dist/ruff', f));
}

function fileURLToPathSafe(u) {
  return new URL(u).pathname;
}
