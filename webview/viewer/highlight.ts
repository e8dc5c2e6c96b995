// The marks of a revealed passage: a translucent fill over its lines, a bar in the margin
// beside it, and the citation's label along the bar, outside the text. A passage that runs
// onto the next page is marked on every page it touches.
import type { PDFPageView } from 'pdfjs-dist/web/pdf_viewer.mjs';
import type { PdfRect, RevealTarget } from '../../src/extension/viewer/protocol';
import { highlightBoxes, marginBar } from './geometry';

/** The rectangles of `target` on each page, the first page first. */
export function pagesOf(target: RevealTarget): { page: number; rects: PdfRect[] }[] {
  return [{ page: target.page, rects: target.rects }, ...(target.continued ?? [])];
}

/** Draws the marks of `target` that stand on `pageView`'s page (again after a re-render). */
export function drawMarks(pageView: PDFPageView, target: RevealTarget): void {
  const page = pageView.id;
  const part = pagesOf(target).find((p) => p.page === page);
  if (!part || !pageView.div) return;
  clearMarks(pageView.div);
  const [x0, y0, x1, y1] = pageView.pdfPage?.view ?? [
    0,
    0,
    pageView.viewport.width / pageView.scale,
    pageView.viewport.height / pageView.scale,
  ];
  const boxes = highlightBoxes(part.rects, { x0, y0, x1, y1 });
  for (const b of boxes)
    pageView.div.append(box('pt-highlight', { left: `${b.left}%`, top: `${b.top}%`, width: `${b.width}%`, height: `${b.height}%` }));
  const bar = marginBar(boxes);
  if (!bar) return;
  pageView.div.append(box('pt-bar', { left: `${bar.left}%`, top: `${bar.top}%`, height: `${bar.height}%` }));
  if (page !== target.page || !target.label) return;
  const label = box('pt-label', { top: `${bar.top}%` });
  label.textContent = target.label;
  label.dataset.label = target.label;
  // Beside the bar, on the margin's side: never over the text.
  if (bar.side === 'left') label.style.right = `calc(${100 - bar.left}% + 3px)`;
  else label.style.left = `calc(${bar.left}% + 7px)`;
  pageView.div.append(label);
}

export function clearMarks(root: ParentNode = document): void {
  for (const e of root.querySelectorAll('.pt-highlight, .pt-bar, .pt-label')) e.remove();
}

function box(className: string, style: Partial<CSSStyleDeclaration>): HTMLDivElement {
  const el = document.createElement('div');
  el.className = className;
  Object.assign(el.style, style);
  return el;
}
