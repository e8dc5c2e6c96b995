// pdf.js's viewer component reads the library from globalThis.pdfjsLib when it is evaluated,
// so this module must be imported before 'pdfjs-dist/web/pdf_viewer.mjs'.
import * as pdfjs from 'pdfjs-dist';

(globalThis as { pdfjsLib?: typeof pdfjs }).pdfjsLib = pdfjs;

export { pdfjs };
