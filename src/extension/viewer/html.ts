import * as crypto from 'node:crypto';
import type * as vscode from 'vscode';

/**
 * The viewer page. The CSP allows only the extension's own files, scripts with this nonce,
 * pdf.js's worker from a blob: URL, and canvas data: images. No eval, no remote anything.
 */
export function viewerHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const asset = (p: string) => webview.asWebviewUri(joinUri(extensionUri, p)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    `connect-src ${webview.cspSource}`,
    'worker-src blob:',
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${asset('dist/webview/viewer.css')}">
</head>
<body>
<div id="toolbar" role="toolbar" aria-label="Paper viewer">
  <span id="title"></span>
  <span class="spacer"></span>
  <button id="zoom-out" title="Zoom out" aria-label="Zoom out">−</button>
  <select id="zoom" title="Zoom" aria-label="Zoom">
    <option value="page-width">Fit width</option>
    <option value="page-fit">Fit page</option>
    <option value="0.5">50%</option><option value="0.75">75%</option><option value="1">100%</option>
    <option value="1.25">125%</option><option value="1.5">150%</option><option value="2">200%</option>
  </select>
  <button id="zoom-in" title="Zoom in" aria-label="Zoom in">+</button>
  <span id="page-indicator" aria-live="polite"></span>
</div>
<div id="status" role="status"></div>
<main id="pages" tabindex="0"></main>
<script nonce="${nonce}" id="viewer-config" type="application/json">${JSON.stringify({ workerUrl: asset('dist/webview/pdfjs/pdf.worker.min.mjs'), standardFontDataUrl: asset('dist/webview/pdfjs/standard_fonts/'), cMapUrl: asset('dist/webview/pdfjs/cmaps/') })}</script>
<script nonce="${nonce}" type="module" src="${asset('dist/webview/viewer.js')}"></script>
</body>
</html>`;
}

function joinUri(base: vscode.Uri, rel: string): vscode.Uri {
  return base.with({ path: `${base.path.replace(/\/$/, '')}/${rel}` });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
