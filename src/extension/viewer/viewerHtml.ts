// No `vscode` import: the browser tests render this very page with a fake host.

import type { WebviewPageOptions } from '../webviewPage';
import { webviewPage } from '../webviewPage';

export type ViewerPageOptions = WebviewPageOptions;

/**
 * The viewer page. The CSP allows only the extension's own files, scripts with this nonce,
 * pdf.js's worker from a blob: URL, and canvas data: images. No eval, no remote anything.
 */
export function viewerHtml(options: ViewerPageOptions): string {
  const { cspSource, asset, nonce } = options;
  return webviewPage(options, {
    csp: [
      `img-src ${cspSource} data: blob:`,
      `style-src ${cspSource} 'nonce-${nonce}'`,
      `font-src ${cspSource} data:`,
      `script-src 'nonce-${nonce}'`,
      `connect-src ${cspSource}`,
      'worker-src blob:',
    ],
    title: options.title,
    stylesheet: 'dist/webview/viewer.css',
    script: 'dist/webview/viewer.js',
    head: `<link rel="preload" href="${asset('dist/webview/pdfjs/pdf.worker.min.mjs')}" as="fetch" crossorigin="anonymous">\n`,
    body: `<div id="toolbar" role="toolbar" aria-label="Paper viewer">
  <button id="toggle-outline" class="icon" title="Outline (sections of the paper)" aria-label="Toggle outline" aria-pressed="false">☰</button>
  <button id="back" class="icon" title="Back (Alt+←)" aria-label="Back" disabled>←</button>
  <span id="title"></span>
  <span class="spacer"></span>
  <button id="toggle-coverage" class="icon" title="Coverage: which equations, tables and algorithms the code implements and tests" aria-label="Toggle coverage overlay" aria-pressed="false">◧</button>
  <span id="coverage-summary" aria-live="polite"></span>
  <span id="find" role="search">
    <input id="find-input" type="search" placeholder="Find in paper" aria-label="Find in paper">
    <button id="find-prev" class="icon" title="Previous match (Shift+Enter)" aria-label="Previous match">↑</button>
    <button id="find-next" class="icon" title="Next match (Enter)" aria-label="Next match">↓</button>
    <span id="find-count" aria-live="polite"></span>
  </span>
  <button id="zoom-out" class="icon" title="Zoom out (Ctrl+-)" aria-label="Zoom out">−</button>
  <select id="zoom" title="Zoom" aria-label="Zoom">
    <option value="auto">Automatic</option>
    <option value="page-width">Fit width</option>
    <option value="page-fit">Fit page</option>
    <option value="0.5">50%</option><option value="0.75">75%</option><option value="1">100%</option>
    <option value="1.25">125%</option><option value="1.5">150%</option><option value="2">200%</option><option value="3">300%</option>
    <option value="custom" hidden></option>
  </select>
  <button id="zoom-in" class="icon" title="Zoom in (Ctrl+=)" aria-label="Zoom in">+</button>
  <span id="page-nav"><input id="page-number" type="number" min="1" value="1" aria-label="Page"> <span id="page-count"></span></span>
  <button id="dark-pages" class="icon" title="Dark pages" aria-label="Dark pages" aria-pressed="false">◐</button>
</div>
<div id="status" role="status"></div>
<div id="link-preview" role="tooltip" hidden></div>
<div id="body">
  <nav id="outline" aria-label="Outline" hidden></nav>
  <div id="viewerContainer" tabindex="0"><div id="viewer" class="pdfViewer"></div></div>
</div>
<script nonce="${nonce}" id="viewer-config" type="application/json">${JSON.stringify({ workerUrl: asset('dist/webview/pdfjs/pdf.worker.min.mjs'), standardFontDataUrl: asset('dist/webview/pdfjs/standard_fonts/'), cMapUrl: asset('dist/webview/pdfjs/cmaps/') })}</script>`,
  });
}
