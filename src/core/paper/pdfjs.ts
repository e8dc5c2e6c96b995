// Loads pdf.js (legacy build) in Node. The bundles ship pdf.js beside themselves in
// dist/pdfjs/ (no node_modules in the .vsix); in development it resolves from node_modules.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';

export type PdfjsModule = typeof Pdfjs;

export interface PdfjsRuntime {
  lib: PdfjsModule;
  /** Folder holding pdf.mjs, pdf.worker.mjs, standard_fonts/ and cmaps/. */
  dir: string;
  standardFontDataUrl: string;
  cMapUrl: string;
}

let runtime: Promise<PdfjsRuntime> | undefined;

export function loadPdfjs(): Promise<PdfjsRuntime> {
  runtime ??= load();
  return runtime;
}

async function load(): Promise<PdfjsRuntime> {
  const dir = findPdfjsDir();
  // A computed specifier keeps bundlers from inlining pdf.js; it must stay a real ES module.
  const importEsm = new Function('u', 'return import(u)') as (u: string) => Promise<PdfjsModule>;
  const lib = await importEsm(pathToFileURL(path.join(dir, 'pdf.mjs')).href);
  lib.GlobalWorkerOptions.workerSrc = pathToFileURL(path.join(dir, 'pdf.worker.mjs')).href;
  const fonts = fs.existsSync(path.join(dir, 'standard_fonts'))
    ? path.join(dir, 'standard_fonts')
    : path.join(dir, '..', '..', 'standard_fonts');
  const cmaps = fs.existsSync(path.join(dir, 'cmaps')) ? path.join(dir, 'cmaps') : path.join(dir, '..', '..', 'cmaps');
  return { lib, dir, standardFontDataUrl: fonts + path.sep, cMapUrl: cmaps + path.sep };
}

function findPdfjsDir(): string {
  const override = process.env.PAPERTRAIL_PDFJS_DIR;
  if (override) return override;
  // Walk up from the running bundle: dist/cli.js -> dist/pdfjs, out/test/x.cjs -> dist/pdfjs.
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    for (const candidate of [path.join(dir, 'pdfjs'), path.join(dir, 'dist', 'pdfjs')]) {
      if (fs.existsSync(path.join(candidate, 'pdf.mjs'))) return candidate;
    }
    dir = path.dirname(dir);
  }
  return path.dirname(require.resolve('pdfjs-dist/legacy/build/pdf.mjs'));
}
