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
  installDomMatrixStub();
  // The legacy build's polyfills replace Array.prototype.push and JSON.stringify for the whole
  // process (for engines far older than Node 20) and make JSON output twice as slow: keep ours.
  const { push } = Array.prototype;
  const { stringify } = JSON;
  // At load pdf.js tries (and warns that it failed) to require the optional @napi-rs/canvas,
  // which only rendering needs; that one warning is noise for us, everything else passes.
  const { warn } = console;
  console.warn = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && args[0].startsWith('Warning: Cannot load "@napi-rs/canvas"'))) warn(...args);
  };
  const restoreNavigator = provideNavigator();
  let lib: PdfjsModule;
  try {
    lib = await importEsm(pathToFileURL(path.join(dir, 'pdf.mjs')).href);
  } finally {
    restoreNavigator();
    Array.prototype.push = push;
    JSON.stringify = stringify;
    console.warn = warn;
  }
  lib.GlobalWorkerOptions.workerSrc = pathToFileURL(path.join(dir, 'pdf.worker.mjs')).href;
  const fonts = fs.existsSync(path.join(dir, 'standard_fonts'))
    ? path.join(dir, 'standard_fonts')
    : path.join(dir, '..', '..', 'standard_fonts');
  const cmaps = fs.existsSync(path.join(dir, 'cmaps')) ? path.join(dir, 'cmaps') : path.join(dir, '..', '..', 'cmaps');
  return { lib, dir, standardFontDataUrl: fonts + path.sep, cMapUrl: cmaps + path.sep };
}

/**
 * pdf.js assigns globalThis.navigator when it has no `language`. VS Code's extension host
 * guards `navigator` with a getter, so the assignment throws there: lend pdf.js a plain one
 * while it loads, then put the host's back.
 */
function provideNavigator(): () => void {
  const g = globalThis as { navigator?: { language?: string } };
  let language: string | undefined;
  try {
    language = g.navigator?.language;
  } catch {
    language = undefined;
  }
  if (language) return () => {};
  const own = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  if (own && !own.configurable) return () => {};
  Object.defineProperty(globalThis, 'navigator', {
    value: { language: 'en-US', platform: '', userAgent: '' },
    configurable: true,
    writable: true,
  });
  return () => {
    if (own) Object.defineProperty(globalThis, 'navigator', own);
    else delete g.navigator;
  };
}

/**
 * pdf.js constructs a DOMMatrix when it loads; in Node it borrows one from @napi-rs/canvas,
 * which the .vsix does not ship. Text extraction never renders, so an identity stub will do.
 */
function installDomMatrixStub(): void {
  const g = globalThis as { DOMMatrix?: unknown; ImageData?: unknown; Path2D?: unknown };
  // Drawing classes pdf.js also looks for (and warns about) at load; never used without a canvas.
  g.ImageData ??= class ImageDataStub {};
  g.Path2D ??= class Path2DStub {};
  if (g.DOMMatrix) return;
  class DOMMatrixStub {
    a = 1;
    b = 0;
    c = 0;
    d = 1;
    e = 0;
    f = 0;
    m11 = 1;
    m12 = 0;
    m21 = 0;
    m22 = 1;
    m41 = 0;
    m42 = 0;
    is2D = true;
    isIdentity = true;
    multiplySelf(): this {
      return this;
    }
    preMultiplySelf(): this {
      return this;
    }
    translateSelf(): this {
      return this;
    }
    scaleSelf(): this {
      return this;
    }
    invertSelf(): this {
      return this;
    }
    multiply(): DOMMatrixStub {
      return new DOMMatrixStub();
    }
    translate(): DOMMatrixStub {
      return new DOMMatrixStub();
    }
    scale(): DOMMatrixStub {
      return new DOMMatrixStub();
    }
    inverse(): DOMMatrixStub {
      return new DOMMatrixStub();
    }
  }
  g.DOMMatrix = DOMMatrixStub;
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
