// The paper viewer: pdf.js's own viewer component (lazy page rendering, text layer, find),
// with PaperTrail's outline, citation highlights and state on top.
import { pdfjs } from './pdfjs-global';
import { EventBus, PDFFindController, PDFLinkService, PDFViewer } from 'pdfjs-dist/web/pdf_viewer.mjs';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import type {
  CoverageMarkView,
  HostMethods,
  OutlineEntry,
  RevealTarget,
  ViewerMethods,
  ViewerState,
} from '../../src/extension/viewer/protocol';
import { createRpc } from '../../src/extension/webviewRpc';
import { connectHost } from './host';
import { clearCoverage, drawCoverage } from './coverage';
import { clearMarks, drawMarks, pagesOf } from './highlight';
import { installLinkPreview } from './linkPreview';
import type { Position } from './navigation';
import { JumpHistory, positionAt, scrollToPosition } from './navigation';
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

const rpc = createRpc<HostMethods, ViewerMethods>((m) => host.post(m), { name: 'the editor' });
rpc.handle('reveal', async ({ target }) => reveal(target));

const backButton = $<HTMLButtonElement>('back');
const history = new JumpHistory((canGoBack) => {
  backButton.disabled = !canGoBack;
});
/** The top of the view: where a jump leaves from and a back returns to. */
const here = (): Position | undefined => positionAt(viewer, container, 0);
/** The reading line, a quarter down the view: the page box and the outline follow it as the reader scrolls. */
const readingLine = (): Position | undefined => positionAt(viewer, container, 1 / 4);
/**
 * After a jump (a reveal, an outline entry) the page box and the outline name what was asked
 * for, until the reader scrolls: a heading low on page 7 is still "page 7, §5.3".
 */
let pinned: { scrollTop: number; page: number; sectionId?: string; to?: { at: Position; offsetPx: number } } | undefined;
/** `to`: the spot jumped to, so that a rescale (the outline opening, the editor resized) lands there again. */
const pin = (page: number, sectionId?: string, to?: { at: Position; offsetPx: number }) => {
  pinned = { scrollTop: container.scrollTop, page, ...(sectionId ? { sectionId } : {}), ...(to ? { to } : {}) };
  followReadingLine();
};
/** Jumps to `at`, `offsetPx` below the top of the view, and pins the page box and outline to it. */
const jumpTo = (at: Position, offsetPx: number, sectionId?: string) => {
  scrollToPosition(viewer, at, offsetPx);
  pin(at.page, sectionId, { at, offsetPx });
};

// Every jump through pdf.js's links (in-paper links, the page box) can be undone with Back.
const goToDestination = linkService.goToDestination.bind(linkService);
linkService.goToDestination = async (dest) => {
  history.push(here());
  return goToDestination(dest);
};

host.onMessage(async (m) => {
  if ('rpc' in m) {
    rpc.receive(m);
    return;
  }
  switch (m.type) {
    case 'load':
      await load(m.url, m.title, m.state ?? host.getState());
      break;
    case 'outline':
      renderOutline(m.entries);
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
  if (state.coverageOpen) void showCoverage(true);
});

eventBus.on('pagerendered', ({ pageNumber }: { pageNumber: number }) => {
  if (highlight && pagesOf(highlight).some((p) => p.page === pageNumber)) drawMarks(viewer.getPageView(pageNumber - 1), highlight);
  if (coverageMarks.length) drawCoverage(viewer.getPageView(pageNumber - 1), coverageMarks, openCiting);
});

// ---- coverage overlay ----

let coverageMarks: CoverageMarkView[] = [];
const coverageButton = $<HTMLButtonElement>('toggle-coverage');
const coverageSummary = $('coverage-summary');
const openCiting = (m: CoverageMarkView): void => {
  const r = m.rects[0]!;
  void rpc.request('openCiting', { page: m.page, x: r.x + r.width / 2, y: r.y + r.height / 2 });
};

/** Asks the extension what the workspace covers (on every switch-on: the code may have changed) and draws it. */
async function showCoverage(on: boolean): Promise<void> {
  coverageButton.setAttribute('aria-pressed', String(on));
  coverageMarks = [];
  clearCoverage();
  coverageSummary.textContent = '';
  if (!on || !doc) return;
  coverageSummary.textContent = 'measuring…';
  const result = await rpc.request('coverage', {}).catch(() => null);
  if (!state.coverageOpen) return;
  if (!result) {
    coverageSummary.textContent = 'no code in this workspace cites this paper';
    return;
  }
  coverageMarks = result.marks;
  coverageSummary.textContent = result.summary;
  coverageSummary.title = result.summary;
  // A narrow viewer hides the summary; the button still says it.
  coverageButton.title = `Coverage: ${result.summary}`;
  for (let i = 0; i < viewer.pagesCount; i++) {
    const pv = viewer.getPageView(i);
    if (pv?.div) drawCoverage(pv, coverageMarks, openCiting);
  }
}
coverageButton.addEventListener('click', () => {
  state.coverageOpen = !state.coverageOpen;
  void showCoverage(Boolean(state.coverageOpen));
  saveStateSoon();
});

/** The page box and the outline follow the reading line, not pdf.js's most-visible page. */
function followReadingLine(): void {
  if (pinned && Math.abs(container.scrollTop - pinned.scrollTop) < 2) {
    pageInput.value = String(pinned.page);
    markCurrentOutlineEntry(readingLine(), pinned.sectionId);
    return;
  }
  pinned = undefined;
  const at = readingLine();
  if (!at) return;
  if (document.activeElement !== pageInput) pageInput.value = String(at.page);
  markCurrentOutlineEntry(at);
}

eventBus.on('scalechanging', ({ presetValue, scale }: { presetValue?: string; scale: number }) => {
  // pdf.js has just scrolled to the top of the view it last measured, which may predate a jump
  // made this frame; a pin still standing (the reader has not scrolled since) wins over it.
  if (pinned?.to) {
    scrollToPosition(viewer, pinned.to.at, pinned.to.offsetPx);
    pinned.scrollTop = container.scrollTop;
  }
  const value = presetValue ?? String(scale);
  const known = [...zoomEl.options].some((o) => o.value === value && !o.hidden);
  const custom = zoomEl.querySelector<HTMLOptionElement>('option[value="custom"]')!;
  custom.hidden = known;
  custom.textContent = `${Math.round(scale * 100)}%`;
  zoomEl.value = known ? value : 'custom';
  state.zoom = value;
  saveStateSoon();
});

eventBus.on('updateviewarea', () => {
  followReadingLine();
  saveStateSoon();
});

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

// ---- reveal: scroll to a passage and mark it ----

/** Scrolls the passage to a third of the view (the sentence before it stays in sight) and marks every page it touches. */
async function reveal(target: RevealTarget): Promise<{ page: number }> {
  if (!doc) throw new Error('no paper is loaded');
  for (const part of pagesOf(target))
    if (part.page < 1 || part.page > doc.numPages) throw new Error(`page ${part.page} is not in this paper (${doc.numPages} pages)`);
  history.push(here());
  clearMarks();
  highlight = target;
  const view = viewer.getPageView(target.page - 1);
  if (target.rects.length && view) {
    const top = Math.max(...target.rects.map((r) => r.y + r.height));
    const bottom = Math.min(...target.rects.map((r) => r.y));
    const heightPx = (top - bottom) * view.viewport.scale;
    // A tall passage starts near the top; a short one stands a third down, with what leads to it above.
    const offset = heightPx > container.clientHeight * 0.6 ? 24 : container.clientHeight / 3;
    jumpTo({ page: target.page, y: top }, offset);
  } else {
    viewer.scrollPageIntoView({ pageNumber: target.page });
    pin(target.page);
  }
  for (const part of pagesOf(target)) {
    const pv = viewer.getPageView(part.page - 1);
    if (pv) drawMarks(pv, target);
  }
  return { page: target.page };
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
    if (entry.top !== undefined) a.dataset.top = String(entry.top);
    a.addEventListener('click', (e) => {
      e.preventDefault();
      history.push(here());
      // The heading a little below the top of the view, so the page box and the outline name its page and section.
      if (entry.top !== undefined) jumpTo({ page: entry.page, y: entry.top }, 16, entry.sectionId);
      else {
        viewer.scrollPageIntoView({ pageNumber: entry.page });
        pin(entry.page, entry.sectionId);
      }
    });
    outlineEl.append(a);
  }
  followReadingLine();
}

/** The current section: the one jumped to, else the last heading above the reading line. */
function markCurrentOutlineEntry(at: Position | undefined, sectionId?: string): void {
  let current: HTMLElement | undefined;
  for (const a of outlineEl.querySelectorAll<HTMLElement>('a')) {
    a.classList.remove('current');
    if (sectionId !== undefined) {
      if (a.dataset.sectionId === sectionId) current = a;
      continue;
    }
    if (!at) continue;
    const page = Number(a.dataset.page);
    const top = a.dataset.top === undefined ? Infinity : Number(a.dataset.top);
    if (page < at.page || (page === at.page && top >= at.y)) current = a;
  }
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
    // The page at the top of the view, and how far down it the view starts: restored as it was.
    const page = here()?.page ?? viewer.currentPageNumber;
    const pageView = viewer.getPageView(page - 1);
    const offset = pageView?.div ? Math.max(0, (container.scrollTop - pageView.div.offsetTop) / pageView.div.offsetHeight) : 0;
    state = { ...state, page, pageOffset: offset };
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
  if (doc && n >= 1 && n <= doc.numPages) {
    history.push(here());
    viewer.currentPageNumber = n;
  } else pageInput.value = String(readingLine()?.page ?? viewer.currentPageNumber);
});
const goBack = () => {
  const to = history.goBack(here());
  if (to) scrollToPosition(viewer, to);
};
const goForward = () => {
  const to = history.goForward(here());
  if (to) scrollToPosition(viewer, to);
};
backButton.addEventListener('click', goBack);
installLinkPreview(
  container,
  $('link-preview'),
  () => doc,
  (at) => rpc.request('linkPreview', at),
);
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
  } else if (e.altKey && e.key === 'ArrowLeft') {
    e.preventDefault();
    goBack();
  } else if (e.altKey && e.key === 'ArrowRight') {
    e.preventDefault();
    goForward();
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
