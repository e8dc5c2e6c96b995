// Every paper a repository names, parsed: what the commands that read a repository as a whole
// (resolve, eval) need before they can say anything about a keyed tag or a paper's component.
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import type { Paper } from '../paper/model';
import type { PaperModels } from './family';
import { familyOf } from './family';
import type { PaperRef } from './paperRef';
import { unreadPaperMessage } from './paperRef';

/**
 * The papers `ref` names (a paper.json, a header or a setting), each parsed with `parse`: the main
 * one, and for a family every paper by key in paper.json's order, the main one first.
 * @returns an error value for the first paper that cannot be read, said from where it was named
 *   (a paper.json naming a file that is not there says so).
 */
export async function loadPaperModels(ref: PaperRef, parse: (source: string) => Promise<Result<Paper>>): Promise<Result<PaperModels>> {
  const entries = familyOf(ref) ?? [];
  const sources = entries.length ? entries.map((e) => e.source) : [ref.source];
  const parsed = await Promise.all(sources.map(parse));
  const papers: Paper[] = [];
  for (const [i, p] of parsed.entries()) {
    if (!p.ok) return fail(p.error.code, unreadPaperMessage(ref, sources[i]!, p.error.code, p.error.message));
    papers.push(p.value);
  }
  return ok({
    main: papers[0]!,
    byKey: new Map(entries.map((e, i) => [e.key, papers[i]!])),
    ...(entries[0] ? { mainKey: entries[0].key } : {}),
  });
}
