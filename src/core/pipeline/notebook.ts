// The walkthrough notebook as nbformat 4 JSON; the model gives cells, the format is ours.
import type { NotebookCells } from './schemas';

export function notebookJson(cells: NotebookCells['cells']): string {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' } },
    cells: cells.map((c, i) => ({
      id: `cell-${i + 1}`,
      cell_type: c.kind,
      metadata: {},
      source: lines(c.source),
      ...(c.kind === 'code' ? { execution_count: null, outputs: [] } : {}),
    })),
  };
  return `${JSON.stringify(nb, null, 1)}\n`;
}

/** nbformat stores source as lines that keep their newlines. */
function lines(source: string): string[] {
  const parts = source.split('\n');
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l)).filter((l) => l !== '');
}
