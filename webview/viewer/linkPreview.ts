// Hovering an in-paper link (a citation "[20]", "Figure 3", "Eq. 2") shows what it points at,
// as modern PDF readers do: the destination is read from the PDF, and the extension says what
// the parsed paper has there (the reference entry, the caption).
import type { PDFDocumentProxy } from 'pdfjs-dist';
import type { LinkPreview } from '../../src/extension/viewer/protocol';

export type PreviewAsker = (at: { page: number; x?: number; y?: number }) => Promise<LinkPreview | null>;

/** A link's destination as page and PDF coordinates, from the `href` pdf.js gives internal links. */
export async function destinationOf(doc: PDFDocumentProxy, href: string): Promise<{ page: number; x?: number; y?: number } | undefined> {
  if (!href.startsWith('#')) return undefined;
  const hash = decodeURIComponent(href.slice(1));
  const pageOnly = /^page=(\d+)/.exec(hash);
  if (pageOnly) return { page: Number(pageOnly[1]) };
  let dest: unknown;
  try {
    dest = hash.startsWith('[') ? JSON.parse(hash) : await doc.getDestination(hash);
  } catch {
    return undefined;
  }
  if (!Array.isArray(dest) || !dest.length) return undefined;
  const [ref, mode, left, top] = dest as [unknown, { name?: string } | undefined, number | null, number | null];
  let pageIndex: number;
  try {
    pageIndex = typeof ref === 'number' ? ref : await doc.getPageIndex(ref as Parameters<PDFDocumentProxy['getPageIndex']>[0]);
  } catch {
    return undefined;
  }
  // XYZ carries left and top; FitH and FitBH carry only a top, in the left's place.
  const at: { page: number; x?: number; y?: number } = { page: pageIndex + 1 };
  if (mode?.name === 'XYZ') {
    if (typeof left === 'number') at.x = left;
    if (typeof top === 'number') at.y = top;
  } else if ((mode?.name === 'FitH' || mode?.name === 'FitBH') && typeof left === 'number') at.y = left;
  return at;
}

/** Shows the preview of the link under the pointer after a short pause; hides it when the pointer leaves. */
export function installLinkPreview(
  container: HTMLElement,
  tooltip: HTMLElement,
  getDoc: () => PDFDocumentProxy | undefined,
  ask: PreviewAsker,
): void {
  let timer: number | undefined;
  let current: HTMLAnchorElement | undefined;
  const hide = () => {
    clearTimeout(timer);
    current = undefined;
    tooltip.hidden = true;
  };
  container.addEventListener('mouseover', (e) => {
    const a = (e.target as HTMLElement).closest<HTMLAnchorElement>('.annotationLayer a.internalLink, .annotationLayer a[href^="#"]');
    if (!a || a === current) return;
    hide();
    current = a;
    timer = window.setTimeout(async () => {
      const doc = getDoc();
      const dest = doc ? await destinationOf(doc, a.getAttribute('href') ?? '') : undefined;
      const preview = dest ? await ask(dest).catch(() => null) : null;
      if (current !== a || !preview) return;
      tooltip.replaceChildren();
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = preview.label;
      tooltip.append(label, document.createTextNode(preview.text));
      const box = a.getBoundingClientRect();
      tooltip.hidden = false;
      const below = box.bottom + 6 + tooltip.offsetHeight < window.innerHeight;
      tooltip.style.left = `${Math.max(4, Math.min(box.left, window.innerWidth - tooltip.offsetWidth - 4))}px`;
      tooltip.style.top = `${below ? box.bottom + 6 : Math.max(4, box.top - tooltip.offsetHeight - 6)}px`;
    }, 250);
  });
  container.addEventListener('mouseout', (e) => {
    if (current && !current.contains(e.relatedTarget as Node | null)) hide();
  });
  container.addEventListener('scroll', hide, { passive: true });
}
