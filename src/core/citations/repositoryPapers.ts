// Every paper a repository names, parsed: what the commands that read a repository as a whole
// (resolve, eval) need before they can say anything about a keyed tag or a paper's component.
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import type { Paper } from '../paper/model';
import type { PaperModels } from './family';
import { familyOf } from './family';
import type { PaperRef } from './paperRef';
import { unreadEntryMessage, unreadPapersMessage } from './paperRef';

/**
 * The papers `ref` names (a paper.json, a header or a setting), each parsed with `parse`: the main
 * one, and for a family every paper by key in paper.json's order, the main one first.
 * `all`: fail when any paper cannot be read (an evaluation judges the family whole); otherwise
 * only the main paper must be read, and the others that cannot be are in `unread`.
 * @returns an error value naming every paper that cannot be read, each with its key and the
 *   field to correct (a paper.json naming files that are not there says so).
 */
export async function loadPaperModels(
  ref: PaperRef,
  parse: (source: string) => Promise<Result<Paper>>,
  options: { all?: boolean } = {},
): Promise<Result<PaperModels>> {
  const entries = familyOf(ref) ?? [];
  const sources = entries.length ? entries.map((e) => e.source) : [ref.source];
  const parsed = await Promise.all(sources.map(parse));
  const failed = parsed.flatMap((p, i) => (p.ok ? [] : [{ source: sources[i]!, code: p.error.code, message: p.error.message }]));
  const main = parsed[0]!;
  if (!main.ok || (options.all && failed.length)) return fail(failed[0]!.code, unreadPapersMessage(ref, failed));
  const byKey = new Map<string, Paper>();
  const unread = new Map<string, string>();
  for (const [i, e] of entries.entries()) {
    const p = parsed[i]!;
    if (p.ok) byKey.set(e.key, p.value);
    else unread.set(e.key, unreadEntryMessage(ref, i, p.error.code, p.error.message));
  }
  return ok({ main: main.value, byKey, ...(entries[0] ? { mainKey: entries[0].key } : {}), ...(unread.size ? { unread } : {}) });
}
