// PDF → Paper with pdf.js. (Structure recovery lands with the ingestion work.)
import { createHash } from 'node:crypto';
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import type { Paper } from './model';
import { PAPER_SCHEMA_VERSION } from './model';
import { loadPdfjs } from './pdfjs';

export interface PdfSourceInfo {
  location: string;
  arxivId?: string;
}

export async function parsePdf(bytes: Uint8Array, info: PdfSourceInfo): Promise<Result<Paper>> {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (!head.includes('%PDF-')) return fail('bad-input', `${info.location}: not a PDF file (no %PDF header)`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const { lib, standardFontDataUrl, cMapUrl } = await loadPdfjs();
  let doc;
  try {
    doc = await lib.getDocument({ data: bytes.slice(), isEvalSupported: false, enableXfa: false, standardFontDataUrl, cMapUrl, verbosity: 0 }).promise;
  } catch (e) {
    const name = (e as Error)?.name;
    if (name === 'PasswordException') return fail('unsupported', `${info.location}: the PDF is encrypted with a password; save an unprotected copy and try again`);
    return fail('bad-input', `${info.location}: the PDF is damaged and cannot be read (${(e as Error)?.message ?? e}); download it again`);
  }
  try {
    const pages = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const [x0, y0, x1, y1] = page.view;
      pages.push({ width: x1 - x0, height: y1 - y0 });
    }
    return ok({
      schemaVersion: PAPER_SCHEMA_VERSION,
      id: info.arxivId ? `arxiv:${info.arxivId}` : `sha256:${sha256.slice(0, 16)}`,
      source: { kind: 'pdf', location: info.location, sha256, ...(info.arxivId ? { arxivId: info.arxivId } : {}) },
      title: '',
      authors: [],
      abstract: '',
      pageCount: doc.numPages,
      pages,
      sections: [],
      equations: [],
      figures: [],
      tables: [],
      algorithms: [],
      passages: [],
      warnings: [],
    });
  } finally {
    await doc.destroy();
  }
}
