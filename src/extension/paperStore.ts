import type { Result } from '../core/errors';
import type { Paper } from '../core/paper/model';
import type { ParseOptions } from '../core/paper/parse';
import { parsePaper } from '../core/paper/parse';

/**
 * Papers parsed once per session and shared by the viewer, hovers and diagnostics.
 * (The core's disk cache makes the first parse after a restart cheap as well.)
 */
export interface PaperStore {
  get(source: string): Promise<Result<Paper>>;
  forget(source: string): void;
}

export function createPaperStore(options: ParseOptions): PaperStore {
  const papers = new Map<string, Promise<Result<Paper>>>();
  return {
    get(source) {
      let p = papers.get(source);
      if (!p) {
        p = parsePaper(source, options);
        papers.set(source, p);
        // A failure is not kept: the user may fix the file and try again.
        void p.then((r) => {
          if (!r.ok) papers.delete(source);
        });
      }
      return p;
    },
    forget: (source) => papers.delete(source),
  };
}
