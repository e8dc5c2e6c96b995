import * as pdfjs from 'pdfjs-dist';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist';
import type { ViewerState } from '../../src/extension/viewer/protocol';
import { connectHost } from './host';
import './viewer.css';

interface Config {
  workerUrl: string;
  standardFontDataUrl: string;
  cMapUrl: string;
}

const config = JSON.parse(document.getElementById('viewer-config')!.textContent!) as Config;
const host = connectHost();
const pagesEl = document.getElementById('pages')!;
const statusEl = document.getElementById('status')!;
const zoomEl = document.getElementById('zoom') as HTMLSelectElement;
const indicator = document.getElementById('page-indicator')!;

let doc: PDFDocumentProxy | undefined;
let zoom: ViewerState['zoom'] = 'page-width';
const rendered = new Map<number, number>(); // page -> scale it was rendered at
let baseSize = { width: 612, height: 792 };

host.onMessage(async (m) => {
  switch (m.type) {
    case 'load':
      await load(m.url, m.title, m.state ?? host.getState());
      break;
    case 'error':
      showStatus(m.message);
      break;
  }
});

async function load(url: string, title: string, state: ViewerState | undefined): Promise<void> {
  document.getElementById('title')!.textContent = title;
  try {
    pdfjs.GlobalWorkerOptions.workerPort = await workerPort();
    doc = await pdfjs.getDocument({
      url,
      isEvalSupported: false,
      enableXfa: false,
      standardFontDataUrl: config.standardFontDataUrl,
      cMapUrl: config.cMapUrl,
    }).promise;
  } catch (e) {
    const message = `This PDF cannot be shown: ${(e as Error).message}`;
    showStatus(message);
    host.post({ type: 'error', message });
    return;
  }
  const first = await doc.getPage(1);
  const vp = first.getViewport({ scale: 1 });
  baseSize = { width: vp.width, height: vp.height };
  zoom = state?.zoom ?? 'page-width';
  buildPlaceholders(doc.numPages);
  if (state) scrollToPage(state.page, state.pageOffset);
  host.post({ type: 'loaded', pageCount: doc.numPages });
}

/** pdf.js's worker, loaded from a blob: URL because webviews cannot start cross-origin workers. */
async function workerPort(): Promise<Worker> {
  const source = await (await fetch(config.workerUrl)).text();
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  return new Worker(url, { type: 'module' });
}

function scaleFor(): number {
  const avail = pagesEl.clientWidth - 32;
  if (zoom === 'page-width') return Math.max(0.25, avail / baseSize.width);
  if (zoom === 'page-fit') return Math.max(0.25, Math.min(avail / baseSize.width, (pagesEl.clientHeight - 24) / baseSize.height));
  return zoom;
}

const observer = new IntersectionObserver(
  (entries) => {
    for (const e of entries) if (e.isIntersecting) void renderPage(Number((e.target as HTMLElement).dataset.page));
  },
  { root: pagesEl, rootMargin: '200px 0px' },
);

function buildPlaceholders(count: number): void {
  pagesEl.replaceChildren();
  rendered.clear();
  const scale = scaleFor();
  for (let n = 1; n <= count; n++) {
    const div = document.createElement('div');
    div.className = 'page';
    div.dataset.page = String(n);
    div.style.width = `${baseSize.width * scale}px`;
    div.style.height = `${baseSize.height * scale}px`;
    pagesEl.append(div);
    observer.observe(div);
  }
  zoomEl.value = String(zoom);
  updateIndicator();
}

async function renderPage(n: number): Promise<void> {
  if (!doc) return;
  const scale = scaleFor();
  if (rendered.get(n) === scale) return;
  rendered.set(n, scale);
  const page: PDFPageProxy = await doc.getPage(n);
  const viewport = page.getViewport({ scale });
  const div = pagesEl.querySelector<HTMLElement>(`.page[data-page="${n}"]`)!;
  div.style.width = `${viewport.width}px`;
  div.style.height = `${viewport.height}px`;
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement('canvas');
  canvas.width = Math.floor(viewport.width * ratio);
  canvas.height = Math.floor(viewport.height * ratio);
  canvas.style.width = `${viewport.width}px`;
  canvas.style.height = `${viewport.height}px`;
  const textDiv = document.createElement('div');
  textDiv.className = 'textLayer';
  div.replaceChildren(canvas, textDiv);
  await page.render({ canvas, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined }).promise;
  div.style.setProperty('--scale-factor', String(scale));
  await new pdfjs.TextLayer({ textContentSource: page.streamTextContent(), container: textDiv, viewport }).render();
  div.classList.add('rendered');
}

function currentPage(): { page: number; offset: number } {
  const top = pagesEl.scrollTop;
  for (const el of pagesEl.querySelectorAll<HTMLElement>('.page')) {
    if (el.offsetTop + el.offsetHeight > top) {
      return { page: Number(el.dataset.page), offset: Math.max(0, (top - el.offsetTop) / el.offsetHeight) };
    }
  }
  return { page: 1, offset: 0 };
}

function scrollToPage(page: number, offset = 0): void {
  const el = pagesEl.querySelector<HTMLElement>(`.page[data-page="${page}"]`);
  if (el) pagesEl.scrollTop = el.offsetTop + offset * el.offsetHeight;
}

function updateIndicator(): void {
  if (!doc) return;
  indicator.textContent = `Page ${currentPage().page} of ${doc.numPages}`;
}

function setZoom(next: ViewerState['zoom']): void {
  const at = currentPage();
  zoom = next;
  if (doc) buildPlaceholders(doc.numPages);
  scrollToPage(at.page, at.offset);
  saveState();
}

function saveState(): void {
  const at = currentPage();
  const state: ViewerState = { zoom, page: at.page, pageOffset: at.offset };
  host.setState(state);
  host.post({ type: 'state', state });
}

function showStatus(text: string): void {
  statusEl.textContent = text;
  statusEl.classList.toggle('visible', text !== '');
}

const ZOOM_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];
function stepZoom(dir: 1 | -1): void {
  const cur = scaleFor();
  const next = dir > 0 ? ZOOM_STEPS.find((z) => z > cur + 0.01) : [...ZOOM_STEPS].reverse().find((z) => z < cur - 0.01);
  if (next) setZoom(next);
}

zoomEl.addEventListener('change', () => setZoom(/^\d/.test(zoomEl.value) ? Number(zoomEl.value) : (zoomEl.value as 'page-width' | 'page-fit')));
document.getElementById('zoom-in')!.addEventListener('click', () => stepZoom(1));
document.getElementById('zoom-out')!.addEventListener('click', () => stepZoom(-1));
let scrollTimer: number | undefined;
pagesEl.addEventListener('scroll', () => {
  updateIndicator();
  clearTimeout(scrollTimer);
  scrollTimer = window.setTimeout(saveState, 300);
});
new ResizeObserver(() => {
  if (doc && typeof zoom === 'string') setZoom(zoom);
}).observe(pagesEl);

host.post({ type: 'ready' });
