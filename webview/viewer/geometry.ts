import type { PdfRect } from '../../src/extension/viewer/protocol';

export interface PageBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A highlight box in percent of the page, top-left origin, so it scales with zoom by itself. */
export interface PercentBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

const PAD = 1.5; // PDF units around the text, so the highlight does not clip ascenders.

/** PDF user-space rectangles (bottom-left origin) → CSS percent boxes on the page (top-left origin). */
export function highlightBoxes(rects: PdfRect[], view: PageBox): PercentBox[] {
  const w = view.x1 - view.x0;
  const h = view.y1 - view.y0;
  return rects.map((r) => {
    const left = r.x - PAD - view.x0;
    const top = view.y1 - (r.y + r.height + PAD);
    return {
      left: (left / w) * 100,
      top: (top / h) * 100,
      width: ((r.width + 2 * PAD) / w) * 100,
      height: ((r.height + 2 * PAD) / h) * 100,
    };
  });
}
