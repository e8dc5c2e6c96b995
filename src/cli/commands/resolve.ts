import fs from 'node:fs';
import path from 'node:path';
import { resolveAmong } from '../../core/citations/family';
import { parseTagText } from '../../core/citations/grammar';
import type { PaperRef } from '../../core/citations/paperRef';
import { findRepositoryPaper, readPaperJson } from '../../core/citations/paperRef';
import { loadPaperModels } from '../../core/citations/repositoryPapers';
import type { RefResolution, TagResolution } from '../../core/citations/resolve';
import type { Result } from '../../core/errors';
import type { Paper } from '../../core/paper/model';
import { parsePaper } from '../../core/paper/parse';
import type { CliIo } from '../io';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from '../io';
import { parseVerbArgs } from '../parse-args';
import type { Verb } from '../verb';

export const resolveVerb: Verb = {
  name: 'resolve',
  summary: 'resolve a citation tag ("§3.2, Eq. 4") against a paper and show the passage',
  usage: `usage: papertrail resolve <paper> "<tag>" [--json] [--no-cache] [--cache-dir DIR]

  <paper>       the paper: a .pdf, LaTeX source or arXiv id (as for papertrail parse), or a
                repository folder with .papertrail/paper.json: its paper, or for a repository
                of several papers the one each tag's key names ("[rgu] §2.2, Eq. 2")
  "<tag>"       a citation tag as written in code, e.g. "§3.2.2, Eq. 1 \\"h = 8\\""
  --json        one JSON document: for a tag with one reference, its resolution
                (resolved, kind, number, title, page, text, ...) plus "refs"; for a tag
                with several, "resolved", "reason" and one entry per reference in "refs";
                several tags in the text give an array of such documents
  --no-cache    parse the paper again even if the result is cached
  --cache-dir   cache folder (default: $PAPERTRAIL_CACHE_DIR, else $XDG_CACHE_HOME/papertrail)

exit: 0 resolved, 1 the tag is broken (the reason is printed), 2 bad usage, no tag in the
text, or the paper could not be read (one line on stderr says why)`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseVerbArgs('resolve', argv, { 'no-cache': { type: 'boolean' }, 'cache-dir': { type: 'string' } });
    if (!args.ok) return usageError(io, args.error.message);
    if (args.value.values.help) {
      io.stdout(this.usage + '\n');
      return EXIT_OK;
    }
    const [source, text, ...extra] = args.value.positionals;
    if (!source || text === undefined || extra.length) {
      return usageError(
        io,
        'papertrail resolve: give a paper and one tag in quotes, e.g. papertrail resolve paper.pdf "§3.2, Eq. 4" (see --help)',
      );
    }
    const tags = parseTagText(text);
    if (!tags.length)
      return usageError(
        io,
        `papertrail resolve: no citation tag in "${text}"; write one like "§3.2", "Eq. (4)", "Table 1" or "[UNSPECIFIED] ..."`,
      );
    const cacheDir = args.value.values['cache-dir'];
    const parse = (s: string) =>
      parsePaper(s, {
        cwd: io.cwd,
        env: io.env,
        noCache: Boolean(args.value.values['no-cache']),
        cacheDir: typeof cacheDir === 'string' ? cacheDir : undefined,
      });
    // A repository, or a folder of one that holds no LaTeX (its package, its tests): the
    // repository's papers, each tag against the one its key names.
    const ref = repositoryRef(path.resolve(io.cwd, source));
    if (ref && !ref.ok) return usageError(io, `papertrail resolve: ${ref.error.message}`);
    const models = await loadPaperModels(ref ? ref.value : { source, origin: 'setting' }, parse);
    if (!models.ok) return usageError(io, `papertrail resolve: ${models.error.message}`);
    const keyed = tags.filter((t) => t.paper !== undefined).map((t) => `[${t.paper}]`);
    if (!models.value.byKey.size && keyed.length)
      io.stderr(
        `note: ${keyed.join(', ')} names a paper of a repository; with one paper given it is not used (give the repository folder to resolve keys among its papers)\n`,
      );
    const results = tags.map((t) => resolveAmong(models.value, t));
    if (args.value.values.json) {
      const docs = results.map((r) => ({
        ...resolutionJson(r.resolution, r.paper),
        ...(models.value.byKey.size && r.key ? { paperKey: r.key } : {}),
      }));
      io.stdout(JSON.stringify(docs.length === 1 ? docs[0] : docs) + '\n');
    } else {
      const text = results.map((r) =>
        resolutionText(r.resolution, models.value.byKey.size && r.paper ? `[${r.key}] ${r.paper.title || r.paper.id}` : undefined),
      );
      io.stdout(text.join('\n\n') + '\n');
    }
    return results.every((r) => r.resolution.resolved) ? EXIT_OK : EXIT_PROBLEMS;
  },
};

/** The paper.json of the repository `dir` is (or lies in, when `dir` is not itself LaTeX source). */
function repositoryRef(dir: string): Result<PaperRef> | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    return undefined;
  }
  if (!stat.isDirectory()) return undefined;
  const own = path.join(dir, '.papertrail', 'paper.json');
  if (fs.existsSync(own)) return readPaperJson(own);
  if (fs.readdirSync(dir).some((f) => /\.tex$/i.test(f))) return undefined;
  const found = findRepositoryPaper(dir);
  return found.ok && !found.value ? undefined : (found as Result<PaperRef>);
}

/** The JSON shape of `papertrail resolve --json` (documented in docs/citations.md). */
export function resolutionJson(r: TagResolution, paper: Paper | undefined): Record<string, unknown> {
  const doc: Record<string, unknown> = { tag: r.tag.raw };
  // One reference: its fields at the top, as the contract reads (kind, number, title, page, text).
  if (r.refs.length === 1) Object.assign(doc, refJson(r.refs[0]!));
  doc.resolved = r.resolved;
  if (r.reason) doc.reason = r.reason;
  doc.refs = r.refs.map(refJson);
  if (r.tag.flag) doc.flag = r.tag.flag;
  if (r.tag.quote !== undefined) doc.quote = { text: r.tag.quote, ...r.quote };
  if (r.tag.note !== undefined) doc.note = r.tag.note;
  if (r.suggestions.length) doc.suggestions = r.suggestions;
  // A key that names no paper: which keys there are, and the one it most likely meant.
  if (r.unknownPaper) doc.unknownPaper = r.unknownPaper;
  if (paper) doc.paper = { id: paper.id, title: paper.title, source: paper.source.location };
  return doc;
}

function refJson(r: RefResolution): Record<string, unknown> {
  return { ...r };
}

/** `paper`: which paper of a repository the tag was resolved in, said on its own line. */
function resolutionText(r: TagResolution, paper?: string): string {
  const out: string[] = [];
  out.push(`${r.tag.raw}: ${r.resolved ? 'resolved' : 'BROKEN'}`);
  if (paper) out.push(`  in ${paper}`);
  for (const ref of r.refs) {
    if (ref.resolved) {
      out.push(`  ${ref.kind === 'section' ? '§' + ref.heading : ref.heading} · p. ${ref.page}`);
      out.push(indent(clip(ref.kind === 'section' ? ref.text.split('\n\n').slice(1).join(' ') || ref.text : ref.text, 400)));
    } else out.push(`  ${ref.label}: not found`);
  }
  if (r.quote)
    out.push(r.quote.found ? `  quote found in ${r.quote.in || 'the paper'} · p. ${r.quote.page}` : '  quote not found where cited');
  if (r.tag.flag) out.push(`  ${r.tag.flag}${r.tag.note ? ': ' + r.tag.note : ''}`);
  for (const reason of r.reasons) out.push(`  reason: ${reason}`);
  if (r.suggestions.length) out.push(`  did you mean: ${r.suggestions.map((s) => s.label).join('; ')}`);
  return out.join('\n');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => '    ' + l)
    .join('\n');
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

function usageError(io: CliIo, message: string): number {
  io.stderr(message + '\n');
  return EXIT_USAGE;
}
