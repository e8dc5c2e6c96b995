// What the viewer's commands tell the user, in the editor's words (a button, not a flag). No
// `vscode` import: unit-tested without an editor.

/** The editor's words for a failed arXiv download: short enough for a notification, with what to do here (details are in the log). */
export function arxivFailure(source: string, error: { code: string; message: string }): string {
  if (error.code === 'network' || error.code === 'timeout')
    return `PaperTrail: arXiv ${source} could not be downloaded (${/could not reach arXiv/.test(error.message) ? 'arXiv is not reachable' : 'arXiv did not send the PDF'}). Choose a PDF you downloaded, or try again when online.`;
  if (error.code === 'not-found') return `PaperTrail: arXiv has no paper ${source}. Check the id, or choose a PDF you downloaded.`;
  return `PaperTrail: arXiv ${source} could not be opened: ${error.message.replace(/;?\s*(check your connection or |try again later or )?pass a downloaded PDF$/, '')}. Choose a PDF you downloaded instead.`;
}
