import type { Paper } from '../../core/paper/model';
import type { OutlineEntry } from './protocol';

/** The viewer's outline: the paper's parsed sections, with the top of each heading for scrolling. */
export function outlineFromPaper(paper: Paper): OutlineEntry[] {
  return paper.sections
    .filter((s) => s.page > 0)
    .map((s) => {
      const top = s.rects.length ? Math.max(...s.rects.map((r) => r.y + r.height)) : undefined;
      return { number: s.number, title: s.title, level: s.level, page: s.page, sectionId: s.id, ...(top !== undefined ? { top } : {}) };
    });
}
