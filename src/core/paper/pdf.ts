// PDF → Paper with pdf.js. Pages are read one at a time and released at once, so a long
// document costs the memory of its text, not of its pages; structure is recovered afterwards
// from the text runs alone (no operator lists, which cost more than the text itself).
import { createHash } from 'node:crypto';
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import type { Paper } from './model';
import { PAPER_SCHEMA_VERSION } from './model';
import type { Line, PageGeometry } from './pdf-layout';
import { findBodyStyle, findFurniture, findGutter, layoutPage } from './pdf-layout';
import { guardPdfjsRejections } from './pdf-guard';
import { buildStructure } from './pdf-structure';
import type { FontUse, Fragment, RawTextContent } from './pdf-text';
import { applyFonts, buildFragments, noteFonts, readRuns, unifyFonts } from './pdf-text';
import { loadPdfjs } from './pdfjs';

export interface PdfSourceInfo {
  location: string;
  arxivId?: string;
  /** Pages beyond this are not read (a warning says so). Default 2000. */
  maxPages?: number;
  signal?: AbortSignal;
}

/** Fewer visible characters than this on a page means it carries no text layer. */
const MIN_PAGE_CHARS = 40;

export async function parsePdf(bytes: Uint8Array, info: PdfSourceInfo): Promise<Result<Paper>> {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (!head.includes('%PDF-')) return fail('bad-input', `${info.location}: not a PDF file (no %PDF header); give a .pdf file`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const { lib, standardFontDataUrl, cMapUrl } = await loadPdfjs();
  guardPdfjsRejections();
  let doc;
  try {
    doc = await lib.getDocument({
      data: bytes.slice(),
      isEvalSupported: false,
      enableXfa: false,
      standardFontDataUrl,
      cMapUrl,
      verbosity: 0,
    }).promise;
  } catch (e) {
    const name = (e as Error)?.name;
    if (name === 'PasswordException')
      return fail(
        'unsupported',
        `${info.location}: the PDF is encrypted with a password; save an unprotected copy (e.g. print to PDF) and try again`,
      );
    return fail(
      'bad-input',
      `${info.location}: the PDF is damaged or truncated and cannot be read (${(e as Error)?.message ?? e}); download it again`,
    );
  }
  try {
    if (doc.numPages < 1) return fail('bad-input', `${info.location}: the PDF has no pages; export the paper again`);
    const maxPages = info.maxPages ?? 2000;
    const pageCount = Math.min(doc.numPages, maxPages);
    const warnings: string[] = [];
    if (doc.numPages > maxPages) warnings.push(`only the first ${maxPages} of ${doc.numPages} pages were read`);
    const geometry: PageGeometry[] = [];
    const fragments: Fragment[][] = [];
    const emptyPages: number[] = [];
    const fonts = new Map<string, FontUse>();
    // "arXiv:2203.00130v1 [cs.HC] 28 Feb 2022" down page 1's margin: the e-print this PDF is.
    let stamp: string | undefined;
    let chars = 0;
    let damaged = 0;
    for (let n = 1; n <= pageCount; n++) {
      if (info.signal?.aborted) return fail('cancelled', `${info.location}: parsing was cancelled`);
      let page;
      try {
        page = await doc.getPage(n);
      } catch (e) {
        damaged++;
        geometry.push({ width: 612, height: 792 });
        fragments.push([]);
        warnings.push(`page ${n}: cannot be read (${(e as Error)?.message ?? e})`);
        continue;
      }
      const [x0 = 0, y0 = 0, x1 = 612, y1 = 792] = page.view;
      geometry.push({ width: x1 - x0, height: y1 - y0 });
      try {
        const content = (await page.getTextContent()) as unknown as RawTextContent;
        const { runs, truncated, unspaced, rotated } = readRuns(content);
        if (n === 1) stamp = arxivStamp(rotated);
        if (truncated) warnings.push(`page ${n}: too much text; only part of it was read`);
        if (unspaced.length)
          warnings.push(`page ${n}: letter-spaced text whose word breaks the PDF does not keep: "${unspaced.slice(0, 3).join('", "')}"`);
        // Runs are shifted so that pages whose view box does not start at 0 read like the rest.
        if (x0 || y0) for (const r of runs) (r.x -= x0), (r.y -= y0);
        let pageChars = 0;
        for (const r of runs) pageChars += r.text.length;
        chars += pageChars;
        if (pageChars < MIN_PAGE_CHARS) emptyPages.push(n);
        noteFonts(fonts, n, runs, content.styles);
        const gutter = findGutter(runs, x1 - x0);
        geometry[geometry.length - 1]!.gutter = gutter;
        fragments.push(buildFragments(runs, n, gutter));
      } catch (e) {
        damaged++;
        fragments.push([]);
        warnings.push(`page ${n}: its text cannot be read (${(e as Error)?.message ?? e})`);
      } finally {
        page.cleanup();
      }
    }
    // No page with text: a scan, unless pages could not even be read.
    const textPages = pageCount - damaged - emptyPages.length;
    const unreadable =
      damaged === pageCount ? `none of its ${pageCount} pages can be read` : `${damaged} of its ${pageCount} pages cannot be read`;
    const damagedMessage = `${info.location}: the PDF is damaged or truncated: ${unreadable}; download it again`;
    if (textPages === 0 && damaged) return fail('bad-input', damagedMessage);
    if (textPages === 0 || (chars < MIN_PAGE_CHARS * pageCount && emptyPages.length * 2 > pageCount - damaged)) {
      return fail('unsupported', `${info.location}: the PDF has no text layer (a scan?); run OCR (e.g. ocrmypdf) first`);
    }
    if (damaged * 2 > pageCount) return fail('bad-input', damagedMessage);
    if (emptyPages.length) warnings.push(`${describePages(emptyPages)}: no text layer`);

    applyFonts(fragments, unifyFonts(fonts));
    const furniture = findFurniture(fragments, geometry);
    const content = fragments.map((frags) => frags.filter((f) => !furniture.has(f)));
    const body = findBodyStyle(content);
    const lines: Line[] = [];
    let segment = 0;
    content.forEach((frags, i) => {
      const laid = layoutPage(frags, geometry[i]!, segment);
      segment += laid.segments + 1;
      lines.push(...laid.lines);
    });
    const s = buildStructure(lines, body, geometry);
    return ok({
      schemaVersion: PAPER_SCHEMA_VERSION,
      id: info.arxivId ? `arxiv:${info.arxivId}` : `sha256:${sha256.slice(0, 16)}`,
      source: { kind: 'pdf', location: info.location, sha256, ...((info.arxivId ?? stamp) ? { arxivId: info.arxivId ?? stamp } : {}) },
      title: s.title,
      authors: s.authors,
      abstract: s.abstract,
      pageCount: doc.numPages,
      pages: geometry.map((g) => ({ width: round1(g.width), height: round1(g.height) })),
      sections: s.sections,
      equations: s.equations,
      figures: s.figures,
      tables: s.tables,
      algorithms: s.algorithms,
      passages: s.passages,
      warnings: [...warnings, ...s.warnings],
    });
  } finally {
    await doc.destroy();
  }
}

/** The arXiv id (with version) in the text of arXiv's margin stamp, if that is what `text` holds. */
export function arxivStamp(text: string): string | undefined {
  const m = /arXiv:\s*(\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?\/\d{7}(?:v\d+)?)\s*\[[^\]]+\]/i.exec(text.replace(/\s+/g, ' '));
  return m?.[1];
}

function describePages(pages: readonly number[]): string {
  if (pages.length === 1) return `page ${pages[0]}`;
  if (pages.length <= 6) return `pages ${pages.join(', ')}`;
  return `${pages.length} pages (${pages.slice(0, 5).join(', ')}, …)`;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
