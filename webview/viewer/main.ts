// The paper viewer: pdf.js's own viewer component (lazy page rendering, text layer, find),
// with PaperTrail's outline, citation highlights and state on top.
import { pdfjs } from './pdfjs-global';
import { EventBus, PDFFindController, PDFLinkService, PDFViewer } from 'pdfjs-dist/web/pdf_viewer.mjs';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import type { OutlineEntry, RevealTarget, ViewerState } from '../../src/extension/viewer/protocol';
import { connectHost } from './host';
import { highlightBoxes } from './geometry';
import 'pdfjs-dist/web/pdf_viewer.css';
import './viewer.css';

interface Config {
  workerUrl: string;
  standardFontDataUrl: string;
  cMapUrl: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const config = JSON.parse($('viewer-config').textContent!) as Config;
const host = connectHost();
const container = $<HTMLDivElement>('viewerContainer');
const outlineEl = $('outline');
const zoomEl = $<HTMLSelectElement>('zoom');
const pageInput = $<HTMLInputElement>('page-number');
const findInput = $<HTMLInputElement>('find-input');

const eventBus = new EventBus();
const linkService = new PDFLinkService({ eventBus });
const findController = new PDFFindController({ eventBus, linkService });
const viewer = new PDFViewer({
  container,
  viewer: $<HTMLDivElement>('viewer'),
  eventBus,
  linkService,
  findController,
  // Forms and scripts in a PDF are never run: annotations are drawn as plain links only.
  annotationMode: pdfjs.AnnotationMode.ENABLE,
});
linkService.setViewer(viewer);

let doc: PDFDocumentProxy | undefined;
let state: ViewerState = { zoom: 'page-width', page: 1, pageOffset: 0 };
let highlight: RevealTarget | undefined;

host.onMessage(async (m) => {
  switch (m.type) {
    case 'load':
      await load(m.url, m.title, m.state ?? host.getState());
      break;
    case 'outline':
      renderOutline(m.entries);
      break;
    case 'reveal':
      try {
        await reveal(m.target);
        host.post({ type: 'reply', id: m.id, ok: true });
      } catch (e) {
        host.post({ type: 'reply', id: m.id, ok: false, error: (e as Error).message });
      }
      break;
    case 'error':
      showStatus(m.message);
      break;
  }
});

async function load(url: string, title: string, saved: ViewerState | undefined): Promise<void> {
  const previous = doc;
  $('title').textContent = title;
  if (saved) state = { ...state, ...saved };
  applyChrome();
  try {
    // The paper downloads while pdf.js's worker starts, instead of after it.
    const [data, port] = await Promise.all([fetchPaper(url), worker]);
    pdfjs.GlobalWorkerOptions.workerPort = port;
    doc = await pdfjs.getDocument({
      data,
      isEvalSupported: false,
      enableXfa: false,
      standardFontDataUrl: config.standardFontDataUrl,
      cMapUrl: config.cMapUrl,
    }).promise;
  } catch (e) {
    const message = `This PDF cannot be shown (${(e as Error).message}). Check that the file is a complete, unencrypted PDF.`;
    showStatus(message);
    host.post({ type: 'error', message });
    return;
  }
  // A reload replaces the document: the old one's worker resources go with it.
  if (previous && previous !== doc) void previous.destroy();
  viewer.setDocument(doc);
  linkService.setDocument(doc);
  $('page-count').textContent = `/ ${doc.numPages}`;
  pageInput.max = String(doc.numPages);
}

async function fetchPaper(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`the file could not be read (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

/** pdf.js's worker, loaded from a blob: URL because webviews cannot start cross-origin workers. */
// Started at once, while the host is still reading the paper: it is the largest file we load.
const worker = workerPort();
async function workerPort(): Promise<Worker> {
  const source = await (await fetch(config.workerUrl, { credentials: 'omit', mode: 'cors' })).text();
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  return new Worker(url, { type: 'module' });
}

eventBus.on('pagesinit', () => {
  viewer.currentScaleValue = state.zoom;
  scrollTo(state.page, state.pageOffset);
  host.post({ type: 'loaded', pageCount: doc!.numPages });
});

eventBus.on('pagerendered', ({ pageNumber }: { pageNumber: number }) => {
  if (highlight?.page === pageNumber) drawHighlight(highlight);
});

eventBus.on('pagechanging', ({ pageNumber }: { pageNumber: number }) => {
  pageInput.value = String(pageNumber);
  markCurrentOutlineEntry(pageNumber);
});

eventBus.on('scalechanging', ({ presetValue, scale }: { presetValue?: string; scale: number }) => {
  const value = presetValue ?? String(scale);
  const known = [...zoomEl.options].some((o) => o.value === value && !o.hidden);
  const custom = zoomEl.querySelector<HTMLOptionElement>('option[value="custom"]')!;
  custom.hidden = known;
  custom.textContent = `${Math.round(scale * 100)}%`;
  zoomEl.value = known ? value : 'custom';
  state.zoom = value;
  saveStateSoon();
});

eventBus.on('updateviewarea', () => saveStateSoon());

eventBus.on('updatefindmatchescount', ({ matchesCount }: { matchesCount: { current: number; total: number } }) => {
  showFindCount(matchesCount);
});
eventBus.on(
  'updatefindcontrolstate',
  ({ matchesCount, state: found }: { matchesCount: { current: number; total: number }; state: number }) => {
    findInput.classList.toggle('not-found', found === 1 && findInput.value !== '');
    showFindCount(matchesCount);
  },
);

function showFindCount(c: { current: number; total: number }): void {
  $('find-count').textContent = findInput.value ? (c.total ? `${c.current} of ${c.total}` : 'No results') : '';
}

// ---- reveal: scroll to a passage and highlight its rectangles ----

async function reveal(target: RevealTarget): Promise<void> {
  if (!doc) throw new Error('no paper is loaded');
  if (target.page < 1 || target.page > doc.numPages) throw new Error(`page ${target.page} is not in this paper (${doc.numPages} pages)`);
  clearHighlight();
  highlight = target;
  const top = target.rects.length ? Math.max(...target.rects.map((r) => r.y + r.height)) + 24 : null;
  viewer.scrollPageIntoView({ pageNumber: target.page, destArray: [null, { name: 'XYZ' }, null, top, null], allowNegativeOffset: true });
  drawHighlight(target);
}

function drawHighlight(target: RevealTarget): void {
  const pageView = viewer.getPageView(target.page - 1);
  if (!pageView?.div) return;
  for (const e of pageView.div.querySelectorAll('.pt-highlight')) e.remove();
  const [x0, y0, x1, y1] = pageView.pdfPage?.view ?? [
    0,
    0,
    pageView.viewport.width / pageView.scale,
    pageView.viewport.height / pageView.scale,
  ];
  const boxes = highlightBoxes(target.rects, { x0, y0, x1, y1 });
  boxes.forEach((b, i) => {
    const el = document.createElement('div');
    el.className = 'pt-highlight';
    Object.assign(el.style, { left: `${b.left}%`, top: `${b.top}%`, width: `${b.width}%`, height: `${b.height}%` });
    if (i === 0 && target.label) el.dataset.label = target.label;
    pageView.div.append(el);
  });
}

function clearHighlight(): void {
  highlight = undefined;
  for (const e of document.querySelectorAll('.pt-highlight')) e.remove();
}

// ---- outline: the paper's own sections, parsed by PaperTrail ----

function renderOutline(entries: OutlineEntry[]): void {
  outlineEl.replaceChildren();
  if (!entries.length) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = 'No sections found in this paper.';
    outlineEl.append(empty);
    return;
  }
  for (const entry of entries) {
    const a = document.createElement('a');
    a.href = '#';
    a.className = `level-${Math.min(entry.level, 4)}`;
    a.dataset.page = String(entry.page);
    a.dataset.sectionId = entry.sectionId;
    a.title = `${entry.number ? entry.number + ' ' : ''}${entry.title} (p. ${entry.page})`;
    const num = document.createElement('span');
    num.className = 'num';
    num.textContent = entry.number;
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = entry.title;
    const page = document.createElement('span');
    page.className = 'page';
    page.textContent = String(entry.page);
    a.append(num, text, page);
    a.addEventListener('click', (e) => {
      e.preventDefault();
      clickedEntry = a;
      const top = entry.top !== undefined ? entry.top + 12 : null;
      viewer.scrollPageIntoView({ pageNumber: entry.page, destArray: [null, { name: 'XYZ' }, null, top, null], allowNegativeOffset: true });
      markCurrentOutlineEntry(entry.page);
    });
    outlineEl.append(a);
  }
  markCurrentOutlineEntry(viewer.currentPageNumber || 1);
}

/** The entry the user clicked, while its page is shown: several sections can share a page. */
let clickedEntry: HTMLElement | undefined;

function markCurrentOutlineEntry(page: number): void {
  let current: HTMLElement | undefined;
  outlineEl.querySelectorAll<HTMLElement>('a').forEach((a) => {
    a.classList.remove('current');
    if (Number(a.dataset.page) <= page) current = a;
  });
  if (clickedEntry && Number(clickedEntry.dataset.page) === page) current = clickedEntry;
  current?.classList.add('current');
}

// ---- state, chrome ----

function scrollTo(page: number, offset: number): void {
  const pageView = viewer.getPageView(page - 1);
  if (!pageView?.div) return;
  container.scrollTop = pageView.div.offsetTop + offset * pageView.div.offsetHeight;
}

let saveTimer: number | undefined;
function saveStateSoon(): void {
  clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => {
    const pageView = viewer.getPageView(viewer.currentPageNumber - 1);
    const offset = pageView?.div ? Math.max(0, (container.scrollTop - pageView.div.offsetTop) / pageView.div.offsetHeight) : 0;
    state = { ...state, page: viewer.currentPageNumber, pageOffset: offset };
    host.setState(state);
    host.post({ type: 'state', state });
  }, 250);
}

function applyChrome(): void {
  document.body.classList.toggle('dark-pages', Boolean(state.darkPages));
  $('dark-pages').setAttribute('aria-pressed', String(Boolean(state.darkPages)));
  outlineEl.hidden = !state.outlineOpen;
  document.body.classList.toggle('outline-open', Boolean(state.outlineOpen));
  $('toggle-outline').setAttribute('aria-pressed', String(Boolean(state.outlineOpen)));
}

function showStatus(text: string): void {
  const el = $('status');
  el.textContent = text;
  el.classList.toggle('visible', text !== '');
}

function find(type: '' | 'again', findPrevious = false): void {
  eventBus.dispatch('find', {
    source: null,
    type,
    query: findInput.value,
    caseSensitive: false,
    entireWord: false,
    highlightAll: true,
    findPrevious,
    matchDiacritics: false,
  });
}

zoomEl.addEventListener('change', () => {
  if (zoomEl.value !== 'custom') viewer.currentScaleValue = zoomEl.value;
});
$('zoom-in').addEventListener('click', () => viewer.increaseScale());
$('zoom-out').addEventListener('click', () => viewer.decreaseScale());
pageInput.addEventListener('change', () => {
  const n = Number(pageInput.value);
  if (doc && n >= 1 && n <= doc.numPages) viewer.currentPageNumber = n;
  else pageInput.value = String(viewer.currentPageNumber);
});
$('dark-pages').addEventListener('click', () => {
  state.darkPages = !state.darkPages;
  applyChrome();
  saveStateSoon();
});
$('toggle-outline').addEventListener('click', () => {
  state.outlineOpen = !state.outlineOpen;
  applyChrome();
  saveStateSoon();
});
findInput.addEventListener('input', () => find(''));
findInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') find('again', e.shiftKey);
  if (e.key === 'Escape') {
    findInput.value = '';
    find('');
  }
});
$('find-next').addEventListener('click', () => find('again'));
$('find-prev').addEventListener('click', () => find('again', true));
window.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'f') {
    e.preventDefault();
    findInput.focus();
    findInput.select();
  } else if ((e.ctrlKey || e.metaKey) && (e.key === '=' || e.key === '+')) {
    e.preventDefault();
    viewer.increaseScale();
  } else if ((e.ctrlKey || e.metaKey) && e.key === '-') {
    e.preventDefault();
    viewer.decreaseScale();
  }
});
new ResizeObserver(() => {
  if (doc && ['page-width', 'page-fit', 'auto'].includes(state.zoom)) viewer.currentScaleValue = state.zoom;
}).observe(container);

// Inverse search: where the user right-clicked, in PDF coordinates, for "Find code that cites this".
container.addEventListener('contextmenu', (e) => {
  const pageDiv = (e.target as HTMLElement).closest<HTMLElement>('.page');
  if (!pageDiv) return;
  const page = Number(pageDiv.dataset.pageNumber);
  const pageView = viewer.getPageView(page - 1);
  const box = pageDiv.getBoundingClientRect();
  const [x, y] = pageView.viewport.convertToPdfPoint(e.clientX - box.left, e.clientY - box.top) as [number, number];
  // The text-layer line under the pointer: inverse search ranks tags whose quote it matches first.
  const words = (e.target as HTMLElement).closest('.textLayer span')?.textContent?.trim() ?? '';
  host.post({ type: 'pointer', pointer: { page, x, y, selection: String(window.getSelection() ?? '').trim(), words } });
});

host.post({ type: 'ready' });
