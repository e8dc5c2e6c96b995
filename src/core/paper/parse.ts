// Entry point of ingestion: decides what the source is (PDF, LaTeX file or folder, e-print
// archive, arXiv id or URL), serves it from the cache when it can, else hands it to the
// right reader and caches what comes back.
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import type { ArxivRef, DownloadOptions } from './arxiv';
import { downloadArxiv, downloadEprint, isPdf, looksLikeArxiv, parseArxivRef } from './arxiv';
import { cacheRoot, parsedKey, readParsed, sha256Hex, writeParsed } from './cache';
import type { Fetcher } from './fetch';
import { httpFetcher } from './fetch';
import { latexToPaper, parseLatexTree } from './latex';
import { isGzip, isTar, looksLikeTex, readEprint } from './latex-eprint';
import type { SourceTree } from './latex-source';
import { chooseMainFile, folderTree, loadLatex, memoryTree, otherMainsWarning } from './latex-source';
import { mergeSourceWithPdf } from './merge';
import type { Paper } from './model';
import { parsePdf } from './pdf';

export interface ParseOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Parse again even when a cached result exists (the new result is still cached). */
  noCache?: boolean;
  cacheDir?: string;
  signal?: AbortSignal;
  /** How downloads happen; tests pass one that talks to a local server. */
  fetcher?: Fetcher;
  /** Where arXiv is; default $PAPERTRAIL_ARXIV_BASE_URL, else https://arxiv.org. */
  arxivBaseUrl?: string;
  /** Idle timeout of each download (ms). */
  timeoutMs?: number;
  /** Told what happened: cache hits, downloads, which reader ran. */
  onEvent?: (event: ParseEvent) => void;
}

export type ParseEvent =
  | { type: 'cache-hit'; key: string }
  | { type: 'cache-write'; key: string; ok: boolean }
  | { type: 'download'; url: string }
  | { type: 'download-cached'; arxivId: string }
  | { type: 'read'; reader: 'pdf' | 'latex' | 'eprint' | 'merge' };

const GIVE = 'give a .pdf, a .tex file, a LaTeX folder or e-print .tar.gz, or an arXiv id such as 1706.03762';
const MAX_INPUT_BYTES = 512 * 1024 * 1024;

export async function parsePaper(source: string, options: ParseOptions = {}): Promise<Result<Paper>> {
  const abs = path.resolve(options.cwd ?? process.cwd(), source);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(abs);
  } catch {
    stat = undefined;
  }
  if (stat?.isDirectory()) return parseLatexFolder(abs, source, options);
  if (stat?.isFile()) return parseFile(abs, source, stat.size, options);
  if (stat) return fail('bad-input', `${source}: not a paper PDF, LaTeX source or arXiv id; ${GIVE}`);
  const ref = parseArxivRef(source);
  if (ref) return parseArxiv(ref, source, options);
  if (looksLikeArxiv(source))
    return fail('bad-input', `${source}: not a valid arXiv id or URL; ids look like 1706.03762, 1706.03762v5 or hep-th/9901001`);
  return fail('not-found', `${source}: no such file; ${GIVE}`);
}

function cancelled(options: ParseOptions): Result<never> | undefined {
  return options.signal?.aborted ? fail('cancelled', 'parsing was cancelled') : undefined;
}

/** Serves `key` from the cache, or runs `produce` and caches its result. */
async function cached(key: string, location: string, options: ParseOptions, produce: () => Promise<Result<Paper>>): Promise<Result<Paper>> {
  const root = cacheRoot(options);
  if (!options.noCache) {
    const hit = readParsed(root, key);
    if (hit) {
      options.onEvent?.({ type: 'cache-hit', key });
      return ok({ ...hit, source: { ...hit.source, location } });
    }
  }
  const result = await produce();
  if (result.ok) {
    // Not inside onEvent?.(…): optional chaining would skip the write when nobody listens.
    const written = writeParsed(root, key, result.value);
    options.onEvent?.({ type: 'cache-write', key, ok: written });
  }
  return result;
}

async function parseFile(abs: string, source: string, size: number, options: ParseOptions): Promise<Result<Paper>> {
  if (size > MAX_INPUT_BYTES)
    return fail(
      'unsupported',
      `${source}: ${Math.round(size / 1024 / 1024)} MB is more than the ${MAX_INPUT_BYTES / 1024 / 1024} MB PaperTrail reads; give a smaller file`,
    );
  if (size === 0) return fail('bad-input', `${source}: the file is empty; ${GIVE}`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(abs));
  } catch (e) {
    return fail(
      'bad-input',
      `${source}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check its permissions`,
    );
  }
  if (/\.pdf$/i.test(abs) || isPdf(bytes)) {
    const pdf = await cached(parsedKey('pdf', sha256Hex(bytes)), source, options, () => {
      options.onEvent?.({ type: 'read', reader: 'pdf' });
      return parsePdf(bytes, { location: source, ...(options.signal ? { signal: options.signal } : {}) });
    });
    // A PDF stamped by arXiv: its e-print gives the exact equations, tables and algorithms.
    if (pdf.ok && pdf.value.source.arxivId) return withEprint(pdf.value, bytes, source, options);
    return pdf;
  }
  if (isGzip(bytes) || isTar(bytes)) {
    return cached(parsedKey('eprint', sha256Hex(bytes)), source, options, async () => {
      options.onEvent?.({ type: 'read', reader: 'eprint' });
      return parseEprint(bytes, source, { location: source });
    });
  }
  const head = Buffer.from(bytes.subarray(0, 64 * 1024)).toString('utf8');
  if (/\.(tex|ltx|latex)$/i.test(abs) || looksLikeTex(head)) {
    const tree = folderTree(path.dirname(abs), path.dirname(source) || '.');
    return parseLatexMain(tree, path.basename(abs), source, options, [], path.dirname(abs));
  }
  return fail('bad-input', `${source}: not a paper PDF, LaTeX source or arXiv id; ${GIVE}`);
}

function parseLatexFolder(abs: string, source: string, options: ParseOptions): Promise<Result<Paper>> {
  const tree = folderTree(abs, source);
  const main = chooseMainFile(tree);
  if (!main.ok) return Promise.resolve(main);
  return parseLatexMain(tree, main.value.main, source, options, main.value.others, abs);
}

/**
 * Reading the sources is cheap; scanning them is what the cache saves. `folder`: where the
 * sources lie on disk, so that a compiled PDF beside the main file can give the pages.
 */
async function parseLatexMain(
  tree: SourceTree,
  mainFile: string,
  location: string,
  options: ParseOptions,
  others: string[] = [],
  folder?: string,
): Promise<Result<Paper>> {
  const src = loadLatex(tree, mainFile);
  if (!src.ok) return src;
  if (others.length) src.value.warnings.push(otherMainsWarning(mainFile, others, src.value.bbl !== undefined));
  const latex = await cached(parsedKey('latex', src.value.sha256), location, options, async () => {
    options.onEvent?.({ type: 'read', reader: 'latex' });
    return ok(latexToPaper(src.value, { location }));
  });
  if (!latex.ok || !folder) return latex;
  return withCompiledPdf(latex.value, path.join(folder, mainFile), location, options);
}

/**
 * LaTeX on disk with its compiled PDF beside the main file (main.tex → main.pdf), merged as an
 * arXiv e-print is with its PDF: structure and numbering from the source, pages and rectangles
 * from the PDF, so a citation of the paper can be shown in it. The paper keeps the source's id.
 * No PDF: the source alone. A PDF that cannot be read: the source alone, with a warning.
 */
async function withCompiledPdf(latex: Paper, texPath: string, location: string, options: ParseOptions): Promise<Result<Paper>> {
  const pdfPath = texPath.replace(/\.(tex|ltx|latex)$/i, '') + '.pdf';
  let bytes: Uint8Array;
  let stale = false;
  try {
    bytes = new Uint8Array(fs.readFileSync(pdfPath));
    // Two seconds of slack: a checkout writes both at about the same moment, in any order.
    stale = fs.statSync(pdfPath).mtimeMs + 2000 < fs.statSync(texPath).mtimeMs;
  } catch {
    return ok(latex);
  }
  const name = path.basename(pdfPath);
  const merged = await cached(parsedKey('latex+pdf', latex.source.sha256, sha256Hex(bytes)), location, options, async () => {
    options.onEvent?.({ type: 'read', reader: 'pdf' });
    const pdf = await parsePdf(bytes, { location: name, ...(options.signal ? { signal: options.signal } : {}) });
    if (!pdf.ok) {
      // parsePdf's advice is for a downloaded paper; this one was compiled here.
      const why = pdf.error.message.replace(`${name}: `, '').replace(/; [^;]*$/, '');
      const warning = `${name} beside the source was not used (${why}); the source is read without pages: compile it again`;
      return ok({ ...latex, warnings: [...latex.warnings, warning] });
    }
    options.onEvent?.({ type: 'read', reader: 'merge' });
    const m = mergeSourceWithPdf(latex, pdf.value, { location, arxivId: '' });
    return ok({ ...m, id: latex.id, source: latex.source });
  });
  if (!merged.ok || !stale) return merged;
  const warning = `${name} is older than ${path.basename(texPath)}: pages and positions may be off; compile it again`;
  return ok({ ...merged.value, warnings: [...merged.value.warnings, warning] });
}

/**
 * A local PDF whose margin stamp names its arXiv e-print, merged with that source as an arXiv
 * id would be (the source fetched once and cached). Offline or without source: the PDF alone,
 * with one warning saying why.
 */
async function withEprint(pdf: Paper, bytes: Uint8Array, location: string, options: ParseOptions): Promise<Result<Paper>> {
  const arxivId = pdf.source.arxivId!;
  const got = await downloadEprint(arxivId, downloadOptions(options));
  if (!got.ok) return got;
  const { source, warnings } = got.value;
  if (!source) return ok({ ...pdf, warnings: [...pdf.warnings, ...warnings] });
  return cached(parsedKey('pdf+eprint', sha256Hex(bytes), sha256Hex(source)), location, options, async () => {
    options.onEvent?.({ type: 'read', reader: 'latex' });
    const latex = await parseEprint(source, `arXiv e-print ${arxivId}`, { location, arxivId });
    if (!latex.ok)
      return ok({
        ...pdf,
        warnings: [
          ...pdf.warnings,
          `arXiv:${arxivId}: the e-print source was not used (${latex.error.message}); structure from this PDF alone`,
        ],
      });
    options.onEvent?.({ type: 'read', reader: 'merge' });
    const merged = mergeSourceWithPdf(latex.value, pdf, { location, arxivId });
    // Still the user's file: its id stays the file's, so a repository names the same paper offline.
    return ok({ ...merged, id: pdf.id, source: { ...pdf.source, arxivId } });
  });
}

/** How arXiv is reached for this parse: the fetcher, arXiv's address, the cache, limits and events. */
function downloadOptions(options: ParseOptions): DownloadOptions {
  const env = options.env ?? process.env;
  return {
    fetcher: options.fetcher ?? httpFetcher,
    baseUrl: options.arxivBaseUrl || env.PAPERTRAIL_ARXIV_BASE_URL || undefined,
    cacheRoot: cacheRoot(options),
    noCache: !!options.noCache,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    onRequest: (url) => options.onEvent?.({ type: 'download', url }),
  };
}

async function parseEprint(bytes: Uint8Array, name: string, info: { location: string; arxivId?: string }): Promise<Result<Paper>> {
  const unpacked = await readEprint(bytes, name);
  if (!unpacked.ok) return unpacked;
  const result = parseLatexTree(memoryTree(name, unpacked.value.files), info);
  if (!result.ok) return result;
  return ok({ ...result.value, warnings: [...unpacked.value.warnings, ...result.value.warnings] });
}

async function parseArxiv(ref: ArxivRef, source: string, options: ParseOptions): Promise<Result<Paper>> {
  const download = await downloadArxiv(ref, downloadOptions(options));
  if (!download.ok) return download;
  const dl = download.value;
  if (dl.fromCache) options.onEvent?.({ type: 'download-cached', arxivId: dl.arxivId });
  const stop = cancelled(options);
  if (stop) return stop;
  const key = parsedKey('arxiv', dl.arxivId, sha256Hex(dl.pdf), dl.source ? sha256Hex(dl.source) : 'no-source');
  const result = await cached(key, source, options, async () => {
    options.onEvent?.({ type: 'read', reader: 'pdf' });
    const pdf = await parsePdf(dl.pdf, { location: source, arxivId: dl.arxivId, ...(options.signal ? { signal: options.signal } : {}) });
    if (!pdf.ok) return pdf;
    const asArxiv = (p: Paper, extra: string[]): Paper => ({
      ...p,
      id: `arxiv:${dl.arxivId}`,
      source: { ...p.source, kind: 'arxiv', location: source, arxivId: dl.arxivId },
      warnings: [...p.warnings, ...extra],
    });
    if (!dl.source) return ok(asArxiv(pdf.value, [...dl.warnings]));
    options.onEvent?.({ type: 'read', reader: 'latex' });
    const latex = await parseEprint(dl.source, `arXiv e-print ${dl.arxivId}`, { location: source, arxivId: dl.arxivId });
    if (!latex.ok)
      return ok(asArxiv(pdf.value, [...dl.warnings, `LaTeX source not used (${latex.error.message}); structure from the PDF only`]));
    options.onEvent?.({ type: 'read', reader: 'merge' });
    const merged = mergeSourceWithPdf(latex.value, pdf.value, { location: source, arxivId: dl.arxivId });
    return ok({ ...merged, warnings: [...dl.warnings, ...merged.warnings] });
  });
  return result;
}
