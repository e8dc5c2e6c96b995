// Bundles each test/unit/**/*.test.ts with esbuild and runs them with node:test.
// Prints node's spec report and writes a TAP copy to test-results/unit.tap for the totals.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// usage: node scripts/run-unit.mjs [--dir test/webview] [filter]
const argv = process.argv.slice(2);
const dirFlag = argv.indexOf('--dir');
const dir = dirFlag >= 0 ? argv.splice(dirFlag, 2)[1] : 'test/unit';
const layer = path.basename(dir);
const filter = argv[0];
// The CLI contract is also tested on the built bundle, as users run it.
if (!fs.existsSync('dist/cli.js')) spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
const files = fs
  .readdirSync(dir, { recursive: true })
  .map((f) => path.join(dir, String(f)))
  .filter((f) => f.endsWith('.test.ts') && (!filter || f.includes(filter)));

// One folder per run, so that parallel runs (several developers' shells) do not trip over each other.
const outdir = `out/test/${layer}-${process.pid}`;
process.on('exit', () => fs.rmSync(outdir, { recursive: true, force: true }));
await esbuild.build({
  entryPoints: files,
  outdir,
  outbase: dir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  outExtension: { '.js': '.cjs' },
  external: ['vscode', 'pdfjs-dist', 'playwright-core'],
  logLevel: 'warning',
});

fs.mkdirSync('test-results', { recursive: true });
const outs = files.map((f) => path.join(outdir, path.relative(dir, f)).replace(/\.ts$/, '.cjs'));
const r = spawnSync(
  process.execPath,
  [
    '--enable-source-maps',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=test-results/${layer}.tap`,
    ...outs,
  ],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      PAPERTRAIL_REPO_ROOT: process.cwd(),
      PAPERTRAIL_CLI_BUNDLE: path.resolve('dist/cli.js'),
      // Tests load pdf.js from node_modules, so a concurrent `npm run build` (which empties dist/) cannot break them.
      PAPERTRAIL_PDFJS_DIR: path.resolve('node_modules/pdfjs-dist/legacy/build'),
    },
  },
);
process.exit(r.status ?? 1);
