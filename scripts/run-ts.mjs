// Bundles one TypeScript entry (a benchmark, a fixture generator) with esbuild and runs it.
// usage: node scripts/run-ts.mjs <file.ts> [args...]
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
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
// The child gets the signals this process gets (Ctrl+C, kill), so a server started through
// here stops with it and leaves no bundle behind.
const child = spawn(process.execPath, ['--enable-source-maps', outfile, ...args], {
  stdio: 'inherit',
  env: { ...process.env, PAPERTRAIL_REPO_ROOT: process.cwd(), PAPERTRAIL_PDFJS_DIR: path.resolve('node_modules/pdfjs-dist/legacy/build') },
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => {
  fs.rmSync(outfile, { force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
