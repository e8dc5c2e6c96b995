// Bundles one TypeScript entry (a benchmark, a fixture generator) with esbuild and runs it.
// usage: node scripts/run-ts.mjs <file.ts> [args...]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [entry, ...args] = process.argv.slice(2);
const outfile = path.resolve('out', 'run-ts', `${path.basename(entry, '.ts')}-${process.pid}.cjs`);
await esbuild.build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'pdfjs-dist', 'playwright-core'],
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...args], {
  stdio: 'inherit',
  env: { ...process.env, PAPERTRAIL_REPO_ROOT: process.cwd(), PAPERTRAIL_PDFJS_DIR: path.resolve('node_modules/pdfjs-dist/legacy/build') },
});
fs.rmSync(outfile, { force: true });
process.exit(r.status ?? 1);
