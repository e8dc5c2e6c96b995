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

/** Where the margin bar of a passage goes, in percent of the page: beside its boxes, on the side of the column they stand in. */
export interface MarginBar {
  side: 'left' | 'right';
  /** The bar's left edge. */
  left: number;
  top: number;
  height: number;
}

export function marginBar(boxes: PercentBox[]): MarginBar | undefined {
  if (!boxes.length) return undefined;
  const left = Math.min(...boxes.map((b) => b.left));
  const right = Math.max(...boxes.map((b) => b.left + b.width));
  const top = Math.min(...boxes.map((b) => b.top));
  const bottom = Math.max(...boxes.map((b) => b.top + b.height));
  // The right column's passages get the bar in the right margin, everything else in the left.
  const side = (left + right) / 2 > 55 && left > 40 ? 'right' : 'left';
  return {
    side,
    left: side === 'left' ? Math.max(0.3, left - 1.4) : Math.min(99, right + 0.7),
    top,
    height: bottom - top,
  };
}
