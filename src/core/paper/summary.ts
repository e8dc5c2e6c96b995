import type { Paper } from './model';

/** A short human-readable account of what was found, for the CLI without --json. */
export function summarizePaper(paper: Paper): string {
  const lines = [
    `${paper.title || '(untitled)'}`,
    paper.authors.length ? paper.authors.join(', ') : '(no authors found)',
    `id ${paper.id} · ${[
      count(paper.pageCount, 'page'),
      count(paper.sections.length, 'section'),
      count(paper.equations.length, 'equation'),
      count(paper.figures.length, 'figure'),
      count(paper.tables.length, 'table'),
      count(paper.algorithms.length, 'algorithm'),
      count(paper.passages.length, 'passage'),
    ].join(' · ')}`,
    '',
    ...paper.sections.map((s) => `${'  '.repeat(Math.max(0, s.level - 1))}${s.number ? s.number + ' ' : ''}${s.title}  (p. ${s.page})`),
  ];
  if (paper.equations.length) {
    lines.push('', 'equations:');
    for (const e of paper.equations) lines.push(`  (${e.number})  §${e.section || '-'}  p. ${e.page}  ${e.text.slice(0, 70)}`);
  }
  for (const w of paper.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
