import type { Paper } from '../../core/paper/model';
import { parsePaper } from '../../core/paper/parse';
import { parseTagText } from '../../core/citations/grammar';
import type { RefResolution, TagResolution } from '../../core/citations/resolve';
import { resolveTag } from '../../core/citations/resolve';
import type { CliIo } from '../io';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from '../io';
import { parseVerbArgs } from '../parse-args';
import type { Verb } from '../verb';

export const resolveVerb: Verb = {
  name: 'resolve',
  summary: 'resolve a citation tag ("§3.2, Eq. 4") against a paper and show the passage',
  usage: `usage: papertrail resolve <paper> "<tag>" [--json] [--no-cache] [--cache-dir DIR]

  <paper>       the paper: a .pdf, LaTeX source or arXiv id (as for papertrail parse)
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
    const paper = await parsePaper(source, {
      cwd: io.cwd,
      env: io.env,
      noCache: Boolean(args.value.values['no-cache']),
      cacheDir: typeof cacheDir === 'string' ? cacheDir : undefined,
    });
    if (!paper.ok) return usageError(io, `papertrail resolve: ${paper.error.message}`);
    const results = tags.map((t) => resolveTag(paper.value, t));
    if (args.value.values.json) {
      const docs = results.map((r) => resolutionJson(r, paper.value));
      io.stdout(JSON.stringify(docs.length === 1 ? docs[0] : docs) + '\n');
    } else {
      io.stdout(results.map((r) => resolutionText(r)).join('\n\n') + '\n');
    }
    return results.every((r) => r.resolved) ? EXIT_OK : EXIT_PROBLEMS;
  },
};

/** The JSON shape of `papertrail resolve --json` (documented in docs/citations.md). */
export function resolutionJson(r: TagResolution, paper: Paper): Record<string, unknown> {
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
  doc.paper = { id: paper.id, title: paper.title, source: paper.source.location };
  return doc;
}

function refJson(r: RefResolution): Record<string, unknown> {
  return { ...r };
}

function resolutionText(r: TagResolution): string {
  const out: string[] = [];
  out.push(`${r.tag.raw}: ${r.resolved ? 'resolved' : 'BROKEN'}`);
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
