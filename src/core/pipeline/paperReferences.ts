// What the repair prompt lists of the paper: every reference a tag may name. The paper itself
// reaches the model as its Markdown (src/core/paper/markdown.ts).
import type { Paper } from '../paper/model';

/** Every reference a tag may name, for the citation repair prompt. */
export function paperReferences(paper: Paper): string {
  const lines = paper.sections.filter((s) => s.number).map((s) => `§${s.number} ${s.title}`);
  for (const e of paper.equations) lines.push(`Eq. ${e.number} (in §${e.section || '?'})`);
  for (const c of [...paper.tables, ...paper.figures, ...paper.algorithms]) lines.push(clean(c.text).slice(0, 80));
  return lines.join('\n');
}

function clean(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
