// The coverage overlay: a mark in the margin beside each equation, table and algorithm, coloured
// by whether the workspace's code implements it and its tests test it (from the citation tags);
// a click opens the code that cites it. The toolbar says the totals.
import type { PDFPageView } from 'pdfjs-dist/web/pdf_viewer.mjs';
import type { CoverageMarkView } from '../../src/extension/viewer/protocol';
import { highlightBoxes, marginBar } from './geometry';

const WORDS: Record<CoverageMarkView['state'], string> = {
  tested: 'implemented and tested',
  implemented: 'implemented, not tested',
  configured: 'only configured or tested',
  none: 'not covered',
};

/** Draws the marks that stand on `pageView`'s page (again after each re-render). */
export function drawCoverage(pageView: PDFPageView, marks: readonly CoverageMarkView[], open: (m: CoverageMarkView) => void): void {
  if (!pageView.div) return;
  clearCoverage(pageView.div);
  const [x0, y0, x1, y1] = pageView.pdfPage?.view ?? [
    0,
    0,
    pageView.viewport.width / pageView.scale,
    pageView.viewport.height / pageView.scale,
  ];
  for (const m of marks) {
    if (m.page !== pageView.id) continue;
    const bar = marginBar(highlightBoxes(m.rects, { x0, y0, x1, y1 }));
    if (!bar) continue;
    const el = document.createElement('button');
    el.className = `pt-cov pt-cov-${m.state}`;
    el.title = `${m.label}: ${WORDS[m.state]} — ${m.detail}`;
    el.setAttribute('aria-label', el.title);
    el.textContent = m.state === 'tested' ? '✓' : m.state === 'implemented' ? '●' : m.state === 'none' ? '✕' : '○';
    el.style.top = `${bar.top}%`;
    // Further out than a reveal's bar and label, which stand right beside the text.
    if (bar.side === 'left') el.style.right = `calc(${100 - bar.left}% + 22px)`;
    else el.style.left = `calc(${bar.left}% + 24px)`;
    el.addEventListener('click', (e) => {
      e.stopPropagation();
      open(m);
    });
    pageView.div.append(el);
  }
}

export function clearCoverage(root: ParentNode = document): void {
  for (const e of root.querySelectorAll('.pt-cov')) e.remove();
}
