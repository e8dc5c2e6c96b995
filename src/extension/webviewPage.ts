// The HTML scaffolding every PaperTrail webview shares: strict CSP with a nonce, the page's
// stylesheet, its module script. No `vscode` import: browser tests render pages with a fake host.

export interface WebviewPageOptions {
  /** The webview's CSP source (webview.cspSource); a test server's origin in tests. */
  cspSource: string;
  /** URL of a file of the extension, e.g. asset('dist/webview/viewer.js'). */
  asset: (relativePath: string) => string;
  nonce: string;
  title: string;
}

export interface PageParts {
  /** CSP directives; default-src 'none' comes first on its own. */
  csp: string[];
  title: string;
  /** Extension-relative paths. */
  stylesheet: string;
  script: string;
  /** Extra <head> elements (already escaped). */
  head?: string;
  /** The <body> markup before the script (already escaped). */
  body: string;
}

export function webviewPage(options: WebviewPageOptions, parts: PageParts): string {
  const csp = ["default-src 'none'", ...parts.csp].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(parts.title)}</title>
<link rel="stylesheet" href="${options.asset(parts.stylesheet)}">
${parts.head ?? ''}</head>
<body>
${parts.body}
<script nonce="${options.nonce}" type="module" src="${options.asset(parts.script)}"></script>
</body>
</html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
