// Benchmark of PDF ingestion, as a user meets it: whole-process wall time of
//   node dist/cli.js parse <pdf> --json --no-cache      (pdf.js text + structure + JSON out)
//   node dist/cli.js parse <pdf> --markdown --no-cache  (the same, written as the Markdown every model call reads)
// against a bare pdf.js script that only extracts the text of every page of the same file,
// plus the cached re-parse (`parse <pdf> --json`, second and later runs).
//
//   npm run bench:parse                      (builds dist/, then runs this)
//   node bench/parse.mjs [--runs 5] [--cli dist/cli.js] [--no-long] [--markdown] [file.pdf ...]
//
// With no files: the papers in ../shared/papers (when present), the project's synthetic
// paper and a generated 500-page document. Runs alternate between the two commands and the
// median is reported, so a busy machine disturbs both sides alike.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const runs = Number(option('--runs', '5'));
const cli = path.resolve(option('--cli', 'dist/cli.js'));
const files = argv.filter((a, i) => a.endsWith('.pdf') && argv[i - 1] !== '--cli');

if (!fs.existsSync(cli)) {
  console.error(`bench: ${cli} is missing; run \`npm run bench:parse\` (it builds dist/ first)`);
  process.exit(2);
}
// The same pdf.js files the CLI loads: beside the bundle, else node_modules.
const pdfjsDir = [path.join(path.dirname(cli), 'pdfjs'), path.resolve('node_modules/pdfjs-dist/legacy/build')].find((d) =>
  fs.existsSync(path.join(d, 'pdf.mjs')),
);
const fontsDir = ['standard_fonts', '../../standard_fonts'].map((d) => path.join(pdfjsDir, d)).find((d) => fs.existsSync(d));
const cmapsDir = ['cmaps', '../../cmaps'].map((d) => path.join(pdfjsDir, d)).find((d) => fs.existsSync(d));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'papertrail-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

// Bare extraction: what any pdf.js-based tool must do at least, with the same options.
const bare = path.join(work, 'bare.mjs');
fs.writeFileSync(
  bare,
  `import fs from 'node:fs';
const lib = await import(${JSON.stringify(pathToFileURL(path.join(pdfjsDir, 'pdf.mjs')).href)});
lib.GlobalWorkerOptions.workerSrc = ${JSON.stringify(pathToFileURL(path.join(pdfjsDir, 'pdf.worker.mjs')).href)};
const doc = await lib.getDocument({ data: new Uint8Array(fs.readFileSync(process.argv[2])), isEvalSupported: false,
  standardFontDataUrl: ${JSON.stringify(fontsDir + path.sep)}, cMapUrl: ${JSON.stringify(cmapsDir + path.sep)}, verbosity: 0 }).promise;
let chars = 0;
for (let i = 1; i <= doc.numPages; i++) {
  const page = await doc.getPage(i);
  const content = await page.getTextContent();
  for (const item of content.items) chars += item.str?.length ?? 0;
  page.cleanup();
}
process.stdout.write(JSON.stringify({ pages: doc.numPages, chars }) + '\\n');
await doc.destroy();
`,
);

const inputs = files.length ? files.map((f) => path.resolve(f)) : await defaultInputs();
const env = { ...process.env, PAPERTRAIL_CACHE_DIR: path.join(work, 'cache') };

function timed(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, maxBuffer: 1 << 30, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n')[0]}`);
  return { ms, out: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows = [];
for (const file of inputs) {
  const n = /500-page/.test(file) ? Math.min(runs, 3) : runs;
  const bareMs = [];
  const parseMs = [];
  const markdownMs = [];
  let markdownChars = 0;
  let pages = 0;
  let summary = '';
  timed([bare, file]); // warm the file cache on both sides
  for (let i = 0; i < n; i++) {
    const b = timed([bare, file]);
    bareMs.push(b.ms);
    pages = JSON.parse(b.out).pages;
    const p = timed([cli, 'parse', file, '--json', '--no-cache']);
    parseMs.push(p.ms);
    const paper = JSON.parse(p.out);
    summary = `${paper.sections.length} sections, ${paper.equations.length} equations, ${paper.passages.length} passages`;
    const m = timed([cli, 'parse', file, '--markdown', '--no-cache']);
    markdownMs.push(m.ms);
    markdownChars = m.out.length;
  }
  timed([cli, 'parse', file, '--json']); // fills the cache if --no-cache did not
  const cachedMs = [];
  for (let i = 0; i < n; i++) cachedMs.push(timed([cli, 'parse', file, '--json']).ms);
  const row = {
    file: path.basename(file),
    pages,
    bare: median(bareMs),
    parse: median(parseMs),
    markdown: median(markdownMs),
    markdownChars,
    cached: median(cachedMs),
    summary,
  };
  row.ratio = row.parse / row.bare;
  row.mdRatio = row.markdown / row.bare;
  rows.push(row);
  console.error(`  ${row.file}: bare ${row.bare.toFixed(0)} ms, parse ${row.parse.toFixed(0)} ms, cached ${row.cached.toFixed(0)} ms`);
}

const header = [
  'file',
  'pages',
  'bare pdf.js (ms)',
  'papertrail parse (ms)',
  'ratio',
  'parse --markdown (ms)',
  'ratio',
  'Markdown chars',
  'cached re-parse (ms)',
  'found',
];
const table = rows.map((r) => [
  r.file,
  String(r.pages),
  r.bare.toFixed(0),
  r.parse.toFixed(0),
  r.ratio.toFixed(2),
  r.markdown.toFixed(0),
  r.mdRatio.toFixed(2),
  String(r.markdownChars),
  r.cached.toFixed(0),
  r.summary,
]);
if (flag('--markdown')) {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const t of table) console.log(`| ${t.join(' | ')} |`);
} else {
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const t of table) console.log(line(t));
}
const geo = Math.exp(rows.reduce((s, r) => s + Math.log(r.ratio), 0) / rows.length);
const geoMd = Math.exp(rows.reduce((s, r) => s + Math.log(r.mdRatio), 0) / rows.length);
console.log(
  `\nmedian of ${runs} runs each (3 for the 500-page document); structure overhead, geometric mean: ${((geo - 1) * 100).toFixed(0)}% over bare pdf.js for --json, ${((geoMd - 1) * 100).toFixed(0)}% for --markdown (goal: at most 30%)`,
);
console.log(
  `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg()[0].toFixed(2)}`,
);

/** The shared real papers when present, and documents the project generates itself. */
async function defaultInputs() {
  const out = [];
  const shared = path.resolve('../shared/papers');
  if (fs.existsSync(shared)) for (const f of fs.readdirSync(shared).sort()) if (f.endsWith('.pdf')) out.push(path.join(shared, f));
  const gen = path.join(work, 'make-pdf.mjs');
  await esbuild.build({
    entryPoints: ['test/fixtures/synthetic/make-pdf.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: gen,
    logLevel: 'warning',
  });
  const make = await import(pathToFileURL(gen).href);
  const synthetic = path.join(work, 'synthetic.pdf');
  fs.writeFileSync(synthetic, (await make.makeSyntheticPaper()).bytes);
  out.push(synthetic);
  if (!flag('--no-long')) {
    const long = path.join(work, 'generated-500-page.pdf');
    fs.writeFileSync(long, await make.makeLongPdf(500));
    out.push(long);
  }
  return out;
}
