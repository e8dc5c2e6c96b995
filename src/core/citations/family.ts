// Paper families: a repository that implements several related papers names each by a short
// key ("titans"), and a tag names its paper with that key ("[titans] §3.1, Eq. 3"). A tag
// without a key cites the main paper, the first in .papertrail/paper.json, so a repository
// of one paper reads exactly as before. Which paper a tag cites is decided here; resolving
// against it is resolve.ts's job.
import type { Paper } from '../paper/model';
import type { ParsedTag } from './grammar';
import { PAPER_KEY, refLabel } from './grammar';
import type { PaperRef } from './paperRef';
import type { TagResolution } from './resolve';
import { resolveTag } from './resolve';

/** One paper of a family, as .papertrail/paper.json lists it. */
export interface PaperEntry {
  /** Lower case, 2–24 characters, a letter first ("titans", "base-net"). */
  key: string;
  /** What parsePaper reads: a path (absolute once read from paper.json), an arXiv id or URL. */
  source: string;
  id?: string;
  title?: string;
  /** Keys of the papers this one builds on (the family's dependency graph). */
  buildsOn?: string[];
}

/** The paper a tag cites, or why none: its key names no paper of the repository. */
export type PaperChoice = { ok: true; source: string; key?: string } | { ok: false; key: string; known: string[]; closest?: string };

/** Words a title's key never starts with. */
const STOPWORDS = new Set(
  'a an the on of for in to towards toward how what why when is are do does can beyond via with from learning'.split(' '),
);

/**
 * A short key for a paper, from its title ("Titans: Learning to Memorize…" → "titans";
 * "Attention Is All You Need" → "attention"), else from its arXiv id ("2501.00663" →
 * "arxiv-2501-00663"); made unique against `taken` with "-2", "-3"….
 */
export function paperKeyFor(paper: { title?: string; id?: string }, taken: ReadonlySet<string> = new Set()): string {
  const title = (paper.title ?? '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const head = title.includes(':') && title.split(':')[0]!.trim().split(/\s+/).length <= 3 ? title.split(':')[0]! : '';
  const words = (head || title).toLowerCase().match(/[a-z0-9]+/g) ?? [];
  let base = head ? words.join('-') : (words.find((w) => !STOPWORDS.has(w) && /^[a-z]/.test(w)) ?? '');
  if (!PAPER_KEY.test(base.slice(0, 20))) {
    const arxiv = /(\d{4}\.\d{4,5})/.exec(paper.id ?? '');
    base = arxiv ? `arxiv-${arxiv[1]!.replace('.', '-')}` : 'paper';
  }
  base = base.slice(0, 20).replace(/-+$/, '');
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  return key;
}

/** Why a key cannot be used, or undefined when it can (the plan review's key field). */
export function badPaperKey(key: string, others: readonly string[]): string | undefined {
  if (!PAPER_KEY.test(key)) return `"${key}" is not a paper key: 2–24 lower-case letters, digits, "-" or "_", a letter first`;
  if (others.includes(key)) return `"${key}" names another paper already`;
  return undefined;
}

/** The family's entries when a repository has several papers; undefined for one paper. */
export function familyOf(ref: PaperRef | undefined): PaperEntry[] | undefined {
  return ref?.papers && ref.papers.length > 1 ? ref.papers : undefined;
}

/**
 * The paper a tag cites in a repository named by `ref`: the keyed entry, the main paper for a
 * tag without a key, the one paper whatever the key when the repository has only one.
 */
export function paperForTag(ref: PaperRef, tag: Pick<ParsedTag, 'paper'>): PaperChoice {
  const family = familyOf(ref);
  if (!family) return { ok: true, source: ref.source, ...(ref.papers?.[0] ? { key: ref.papers[0].key } : {}) };
  if (tag.paper === undefined) return { ok: true, source: family[0]!.source, key: family[0]!.key };
  const entry = family.find((p) => p.key === tag.paper);
  if (entry) return { ok: true, source: entry.source, key: entry.key };
  return unknownKey(
    tag.paper,
    family.map((p) => p.key),
  );
}

/** A key that names none of `known`, with the known key it most likely meant. */
function unknownKey(key: string, known: string[]): Extract<PaperChoice, { ok: false }> {
  const closest = closestKey(key, known);
  return { ok: false, key, known, ...(closest ? { closest } : {}) };
}

/** The resolution of a tag whose key names no paper: broken, with the keys there are. */
export function unknownPaperResolution(tag: ParsedTag, choice: Extract<PaperChoice, { ok: false }>): TagResolution {
  return {
    ...unreadPaperResolution(tag, unknownKeyReason(choice), `[${choice.key}] `),
    unknownPaper: { key: choice.key, known: choice.known, ...(choice.closest ? { closest: choice.closest } : {}) },
  };
}

export function unknownKeyReason(choice: { key: string; known: readonly string[]; closest?: string }): string {
  return `no paper has the key [${choice.key}]${choice.closest ? ` (did you mean [${choice.closest}]?)` : ''}; this repository's papers are ${choice.known.map((k) => `[${k}]`).join(', ')}`;
}

/** Parsed papers by key, the main one first: what a front end has once it has read paper.json. */
export interface PaperModels {
  main: Paper;
  /** Every paper by key (the main one included); empty for a repository of one paper. */
  byKey: ReadonlyMap<string, Paper>;
  mainKey?: string;
  /** A family's papers that could not be read, key → why: their tags are broken with that reason. */
  unread?: ReadonlyMap<string, string>;
}

/** Resolves a tag against the paper its key names; which paper it was, for reveal and hover. */
export function resolveAmong(models: PaperModels, tag: ParsedTag): { resolution: TagResolution; paper?: Paper; key?: string } {
  if (!models.byKey.size || tag.paper === undefined) {
    return { resolution: resolveTag(models.main, tag), paper: models.main, ...(models.mainKey ? { key: models.mainKey } : {}) };
  }
  const paper = models.byKey.get(tag.paper);
  if (paper) return { resolution: resolveTag(paper, tag), paper, key: tag.paper };
  const unread = models.unread?.get(tag.paper);
  if (unread !== undefined)
    return { resolution: unreadPaperResolution(tag, `paper [${tag.paper}] could not be read: ${unread}`), key: tag.paper };
  return { resolution: unknownPaperResolution(tag, unknownKey(tag.paper, [...models.byKey.keys(), ...(models.unread?.keys() ?? [])])) };
}

/** The resolution of a tag that no paper can answer (unread, or no such key): broken, with why. */
export function unreadPaperResolution(tag: ParsedTag, reason: string, labelPrefix = ''): TagResolution {
  return {
    tag,
    resolved: false,
    refs: tag.refs.map((r) => ({
      resolved: false,
      kind: r.kind,
      number: r.number,
      label: `${labelPrefix}${refLabel(r)}`,
      reason,
      suggestions: [],
    })),
    reasons: [reason],
    reason,
    suggestions: [],
  };
}

/** The known key nearest in spelling (edit distance at most a third of its length), or a prefix match. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = k.startsWith(key) || key.startsWith(k) ? 1 : editDistance(key, k);
    if (d <= Math.max(1, Math.floor(k.length / 3)) && (!best || d < best.d)) best = { k, d };
  }
  return best?.k;
}

/** Edit distance with a swap of two neighbours counting as one edit ("rug" → "rgu" is 1). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i ? (j ? 0 : i) : j)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
