// The paper as compact structured text for prompts: section headings with their numbers,
// equations with theirs, captions — the references the model must cite — and nothing of
// the layout. Deterministic, so the prompt prefix that carries it is byte-identical
// across the calls of a run (providers cache such prefixes).
import type { Paper } from '../paper/model';

export function paperText(paper: Paper): string {
  const out: string[] = [`Title: ${paper.title}`];
  if (paper.authors.length) out.push(`Authors: ${paper.authors.join(', ')}`);
  if (paper.abstract) out.push('', `Abstract: ${clean(paper.abstract)}`);
  const sections = new Map(paper.sections.map((s) => [s.id, s]));
  const equations = [...paper.equations];
  let last = '';
  for (const p of paper.passages) {
    if (p.kind === 'abstract') continue;
    if (p.kind === 'heading') {
      const s = sections.get(p.sectionId);
      out.push('', s?.number ? `§${s.number} ${s.title}` : clean(p.text));
      continue;
    }
    const text = clean(p.text);
    if (!text || text === last) continue;
    last = text;
    if (p.kind === 'equation') {
      const eq = equations.find((e) => p.text.includes(e.text.slice(0, 24)) || e.page === p.page && text.endsWith(`(${e.number})`));
      out.push(eq ? `[Eq. (${eq.number})] ${clean(eq.latex ?? eq.text)}` : `[equation] ${text}`);
    } else if (p.kind === 'caption') out.push(`[${text}]`);
    else out.push(text);
  }
  if (paper.warnings.length) out.push('', `Parser warnings: ${paper.warnings.join('; ')}`);
  return out.join('\n');
}

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
