// arXiv ids and URLs, and downloading a paper's PDF and e-print source (cached by id+version).
import path from 'node:path';
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import { readBytes, readJson, writeFileAtomic } from './cache';
import type { Fetcher } from './fetch';

export interface ArxivRef {
  /** "1706.03762" or "hep-th/9901001", without version. */
  id: string;
  /** "v5" when given or learned. */
  version?: string;
}

export const ARXIV_BASE_URL = 'https://arxiv.org';

const NEW_STYLE = /^(\d{2}(0[1-9]|1[0-2])\.\d{4,5})(v[1-9]\d*)?$/;
const OLD_STYLE = /^([a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?\/\d{2}(?:0[1-9]|1[0-2])\d{3})(v[1-9]\d*)?$/;
const URL_FORM = /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|e-print|html|format)\/(.+?)(?:\.pdf)?\/?(?:[?#].*)?$/i;

/** Reads 1706.03762, 1706.03762v5, arXiv:1706.03762, hep-th/9901001, and arxiv.org abs/pdf URLs. */
export function parseArxivRef(input: string): ArxivRef | undefined {
  let s = input.trim().replace(/^arxiv:\s*/i, '');
  const url = URL_FORM.exec(s);
  if (url) s = url[1]!;
  const m = NEW_STYLE.exec(s) ?? OLD_STYLE.exec(s);
  if (!m) return undefined;
  const id = m[1]!;
  // Since 2015 (1501.xxxxx) the number after the dot has five digits; before, four.
  const dotted = /^(\d{4})\.(\d+)$/.exec(id);
  if (dotted && Number(dotted[1]) >= 1501 !== (dotted[2]!.length === 5)) return undefined;
  const version = NEW_STYLE.test(s) ? m[3] : m[2];
  return { id, ...(version ? { version } : {}) };
}

/** Whether the user meant an arXiv paper, even one we cannot read (for a better message). */
export function looksLikeArxiv(input: string): boolean {
  return /arxiv/i.test(input) || /^\d{4}\.\d+/.test(input.trim());
}

export function arxivIdString(ref: ArxivRef): string {
  return ref.id + (ref.version ?? '');
}

export interface ArxivDownload {
  /** Id with version when known ("1706.03762v7"). */
  arxivId: string;
  pdf: Uint8Array;
  /** The e-print when it is source (tar.gz or gzipped .tex), not a PDF. */
  source?: Uint8Array;
  fromCache: boolean;
  warnings: string[];
}

export interface DownloadOptions {
  fetcher: Fetcher;
  baseUrl?: string;
  /** Cache root; undefined means no download cache. */
  cacheRoot?: string;
  noCache?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Called for each URL actually requested. */
  onRequest?: (url: string) => void;
}

/** An unversioned id names whatever arXiv's latest version is; trust a cached copy this long. */
export const LATEST_TTL_MS = 7 * 24 * 3600 * 1000;

interface DownloadMeta {
  arxivId: string;
  fetchedAt: number;
  hasSource: boolean;
}

/** Fetches the PDF and, when arXiv has it, the e-print source. */
export async function downloadArxiv(ref: ArxivRef, opts: DownloadOptions): Promise<Result<ArxivDownload>> {
  const dir = opts.cacheRoot ? path.join(opts.cacheRoot, 'arxiv', arxivIdString(ref).replace(/\//g, '_')) : undefined;
  if (dir && !opts.noCache) {
    const hit = readDownload(dir, !ref.version);
    if (hit) return ok(hit);
  }
  const base = (opts.baseUrl || ARXIV_BASE_URL).replace(/\/+$/, '');
  const shown = arxivIdString(ref);
  const get = (url: string) => {
    opts.onRequest?.(url);
    return opts.fetcher({ url, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
  };
  const pdfRes = await get(`${base}/pdf/${shown}`);
  if (!pdfRes.ok) {
    if (pdfRes.error.code === 'cancelled') return pdfRes;
    if (pdfRes.error.code === 'unsupported')
      return fail('unsupported', `arXiv's PDF of ${shown} is too large (${pdfRes.error.message}); pass a downloaded PDF`);
    return fail(pdfRes.error.code, `could not reach arXiv (${pdfRes.error.message}); check your connection or pass a downloaded PDF`);
  }
  const res = pdfRes.value;
  if (res.status === 404 || res.status === 410) return fail('not-found', `arXiv has no paper ${shown}; check the id`);
  if (res.status !== 200)
    return fail('network', `arXiv answered HTTP ${res.status} for ${shown}; try again later or pass a downloaded PDF`);
  if (!isPdf(res.bytes))
    return fail(
      'bad-input',
      `arXiv sent something other than a PDF for ${shown} (${res.headers['content-type'] ?? 'no type'}); try again later or pass a downloaded PDF`,
    );
  const version = ref.version ?? versionFrom(res.url, res.headers['content-disposition']);
  const arxivId = ref.id + (version ?? '');
  const warnings: string[] = [];

  let source: Uint8Array | undefined;
  let cacheable = true;
  const src = await get(`${base}/e-print/${arxivId}`);
  if (!src.ok) {
    if (src.error.code === 'cancelled') return src;
    warnings.push(`arXiv e-print source of ${arxivId} not fetched (${src.error.message}); structure from the PDF only`);
    cacheable = false;
  } else if (src.value.status === 200 && !isPdf(src.value.bytes) && src.value.bytes.length > 0) {
    source = src.value.bytes;
  }
  if (dir && cacheable) writeDownload(dir, { arxivId, fetchedAt: Date.now(), hasSource: !!source }, res.bytes, source);
  return ok({ arxivId, pdf: res.bytes, ...(source ? { source } : {}), fromCache: false, warnings });
}

/**
 * The e-print source of a versioned id only, for a PDF the user already has (its margin stamp
 * names the e-print). Cached beside downloads as `eprint-<id>.bin`; a failed fetch is a warning.
 * @returns the source bytes (undefined when arXiv has none, or sends a PDF), and warnings.
 */
export async function downloadEprint(
  arxivId: string,
  opts: DownloadOptions,
): Promise<Result<{ source?: Uint8Array; fromCache: boolean; warnings: string[] }>> {
  const file = opts.cacheRoot ? path.join(opts.cacheRoot, 'arxiv', `eprint-${arxivId.replace(/\//g, '_')}.bin`) : undefined;
  if (file && !opts.noCache) {
    const hit = readBytes(file);
    if (hit) return ok({ ...(hit.length ? { source: hit } : {}), fromCache: true, warnings: [] });
  }
  const base = (opts.baseUrl || ARXIV_BASE_URL).replace(/\/+$/, '');
  const url = `${base}/e-print/${arxivId}`;
  opts.onRequest?.(url);
  const res = await opts.fetcher({
    url,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  if (!res.ok) {
    if (res.error.code === 'cancelled') return res;
    return ok({
      fromCache: false,
      warnings: [`arXiv:${arxivId}: the e-print source was not fetched (${res.error.message}); structure from this PDF alone`],
    });
  }
  const source = res.value.status === 200 && !isPdf(res.value.bytes) && res.value.bytes.length > 0 ? res.value.bytes : undefined;
  if (res.value.status !== 200 && res.value.status !== 404) {
    return ok({
      fromCache: false,
      warnings: [`arXiv:${arxivId}: arXiv answered HTTP ${res.value.status} for the e-print; structure from this PDF alone`],
    });
  }
  // An empty file records "arXiv has no source": it is not asked again.
  if (file) writeFileAtomic(file, source ?? new Uint8Array());
  return ok({ ...(source ? { source } : {}), fromCache: false, warnings: [] });
}

function readDownload(dir: string, expires: boolean): ArxivDownload | undefined {
  const meta = readJson(path.join(dir, 'meta.json')) as Partial<DownloadMeta> | undefined;
  if (!meta || typeof meta.arxivId !== 'string' || typeof meta.fetchedAt !== 'number') return undefined;
  if (expires && Date.now() - meta.fetchedAt > LATEST_TTL_MS) return undefined;
  const pdf = readBytes(path.join(dir, 'paper.pdf'));
  if (!pdf || !isPdf(pdf)) return undefined;
  const source = meta.hasSource ? readBytes(path.join(dir, 'source.bin')) : undefined;
  if (meta.hasSource && !source) return undefined;
  return { arxivId: meta.arxivId, pdf, ...(source ? { source } : {}), fromCache: true, warnings: [] };
}

function writeDownload(dir: string, meta: DownloadMeta, pdf: Uint8Array, source: Uint8Array | undefined): void {
  // meta.json last: it is what says the entry is complete.
  if (!writeFileAtomic(path.join(dir, 'paper.pdf'), pdf)) return;
  if (source && !writeFileAtomic(path.join(dir, 'source.bin'), source)) return;
  writeFileAtomic(path.join(dir, 'meta.json'), JSON.stringify(meta));
}

export function isPdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 1024)).toString('latin1').includes('%PDF-');
}

/** arXiv names the version it served in the final URL or the file name it offers. */
function versionFrom(url: string, disposition: string | undefined): string | undefined {
  const fromUrl = /v([1-9]\d*)(?:\.pdf)?\/?$/.exec(url.split(/[?#]/)[0]!);
  if (fromUrl) return `v${fromUrl[1]}`;
  const fromName = disposition && /filename\*?=["']?[^"';]*?v([1-9]\d*)\.pdf/i.exec(disposition);
  return fromName ? `v${fromName[1]}` : undefined;
}
