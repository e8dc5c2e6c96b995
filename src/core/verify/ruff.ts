// ruff's WebAssembly build, loaded at run time. The .vsix has no node_modules, so the bundles
// ship ruff_wasm.js and its .wasm in dist/ruff/ (copied by esbuild.mjs); in development and
// tests the package in node_modules is used.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type Ruff = typeof import('@astral-sh/ruff-wasm-nodejs');

let ruff: Ruff | undefined;

/** The ruff module (loaded once). Throws with what to do when it is missing. */
export function loadRuff(): Ruff {
  ruff ??= createRequire(__filename)(ruffEntry()) as Ruff;
  return ruff;
}

function ruffEntry(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    for (const candidate of [
      path.join(dir, 'ruff'),
      path.join(dir, 'dist', 'ruff'),
      path.join(dir, 'node_modules', '@astral-sh', 'ruff-wasm-nodejs'),
    ]) {
      if (fs.existsSync(path.join(candidate, 'ruff_wasm_bg.wasm'))) return path.join(candidate, 'ruff_wasm.js');
    }
    dir = path.dirname(dir);
  }
  throw new Error('ruff (dist/ruff or @astral-sh/ruff-wasm-nodejs) is missing; reinstall PaperTrail');
}
