// pdf.js prefetches page dictionaries and keeps the bare promises; on a corrupt file one of
// them can reject with nobody listening, and Node's default for an unhandled rejection is to
// crash the process. A bad PDF must give a message, not a crash, so once pdf.js is in use
// such rejections from pdf.js are ignored. Anything else is rethrown exactly as Node would,
// unless the host (the extension, a test runner) already listens for unhandled rejections.

const PDFJS_ERRORS = new Set([
  'FormatError',
  'InvalidPDFException',
  'MissingPDFException',
  'PasswordException',
  'UnexpectedResponseException',
  'UnknownErrorException',
  'XRefEntryException',
  'XRefParseException',
  'AbortException',
  'ResponseException',
]);

let installed = false;

export function isPdfjsError(reason: unknown): boolean {
  if (!(reason instanceof Error) && (typeof reason !== 'object' || reason === null)) return false;
  const { name, stack } = reason as { name?: unknown; stack?: unknown };
  if (typeof name === 'string' && PDFJS_ERRORS.has(name)) return true;
  return typeof stack === 'string' && /[\\/]pdf(\.worker)?(\.min)?\.mjs:/.test(stack);
}

/** The listener itself, so that a host can tell it from its own. */
export function onUnhandledRejection(reason: unknown): void {
  if (isPdfjsError(reason)) return;
  if (process.listenerCount('unhandledRejection') === 1) throw reason;
}

export function guardPdfjsRejections(): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', onUnhandledRejection);
}
