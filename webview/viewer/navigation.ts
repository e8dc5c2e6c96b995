// Where the reader is, and where they were: the reading position (the page and line at a
// third of the view, which the page box and the outline follow) and the back/forward history
// of jumps (in-paper links, outline entries, reveals, the page box), as every PDF reader has.
import type { PDFViewer } from 'pdfjs-dist/web/pdf_viewer.mjs';

export interface Position {
  page: number;
  /** PDF user-space y of the line (bottom-left origin: larger is higher on the page). */
  y: number;
}

/** The page and PDF y at `fraction` of the view's height (0 its top), by binary search over the pages. */
export function positionAt(viewer: PDFViewer, container: HTMLElement, fraction: number): Position | undefined {
  const count = viewer.pagesCount;
  if (!count) return undefined;
  const line = container.scrollTop + container.clientHeight * fraction;
  let lo = 0;
  let hi = count - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const div = viewer.getPageView(mid)?.div;
    if (!div) return undefined;
    if (div.offsetTop <= line) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const view = viewer.getPageView(found);
  const [, y] = view.viewport.convertToPdfPoint(0, Math.max(0, line - view.div.offsetTop)) as [number, number];
  return { page: found + 1, y };
}

/** Scrolls so that PDF y `y` of `page` stands `offsetPx` below the top of the view. */
export function scrollToPosition(viewer: PDFViewer, p: Position, offsetPx = 0): void {
  const view = viewer.getPageView(p.page - 1);
  const top = view ? p.y + offsetPx / view.viewport.scale : p.y;
  viewer.scrollPageIntoView({ pageNumber: p.page, destArray: [null, { name: 'XYZ' }, null, top, null], allowNegativeOffset: true });
}

/** Back and forward stacks of positions; a new jump clears forward, as in a browser. */
export class JumpHistory {
  private readonly back: Position[] = [];
  private readonly forward: Position[] = [];
  constructor(private readonly onChange: (canGoBack: boolean) => void) {}

  /** Call before a jump, with where the reader is now. */
  push(from: Position | undefined): void {
    if (!from) return;
    const last = this.back.at(-1);
    if (last && last.page === from.page && Math.abs(last.y - from.y) < 2) return;
    this.back.push(from);
    if (this.back.length > 100) this.back.shift();
    this.forward.length = 0;
    this.onChange(true);
  }

  /** Where to go back to (`current` goes onto the forward stack), or undefined at the start. */
  goBack(current: Position | undefined): Position | undefined {
    const to = this.back.pop();
    if (to && current) this.forward.push(current);
    this.onChange(this.back.length > 0);
    return to;
  }

  goForward(current: Position | undefined): Position | undefined {
    const to = this.forward.pop();
    if (to && current) this.back.push(current);
    this.onChange(this.back.length > 0);
    return to;
  }
}
