import { paperMarkdown } from '../../core/paper/markdown';
import { parsePaper } from '../../core/paper/parse';
import { summarizePaper } from '../../core/paper/summary';
import type { CliIo } from '../io';
import { EXIT_OK, EXIT_USAGE } from '../io';
import { parseVerbArgs } from '../parse-args';
import type { Verb } from '../verb';

export const parseVerb: Verb = {
  name: 'parse',
  summary: 'read a paper (PDF, LaTeX file/folder/.tar.gz, arXiv id or URL) into the Paper model',
  usage: `usage: papertrail parse <source> [--json | --markdown [--references]] [--no-cache] [--cache-dir DIR]

  <source>      a .pdf, a .tex file, a LaTeX folder or e-print .tar.gz,
                an arXiv id (1706.03762, hep-th/9901001) or an arXiv abs/pdf URL
  --json        print the whole Paper model as one JSON document
  --markdown    print the paper as Markdown: numbered headings, $$ equations $$ with their
                numbers, tables, algorithms, captions; exactly what every model call reads
  --references  with --markdown: keep the reference list (left out by default: prompt budget)
  --no-cache    parse again even if the result is cached
  --cache-dir   cache folder (default: $PAPERTRAIL_CACHE_DIR, else $XDG_CACHE_HOME/papertrail)

exit: 0 parsed, 2 the source could not be read (one line on stderr says why)`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseVerbArgs('parse', argv, {
      markdown: { type: 'boolean' },
      references: { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      'cache-dir': { type: 'string' },
    });
    if (!args.ok) return usageError(io, args.error.message);
    if (args.value.values.help) {
      io.stdout(this.usage + '\n');
      return EXIT_OK;
    }
    const [source, ...extra] = args.value.positionals;
    if (!source || extra.length) return usageError(io, 'papertrail parse: give exactly one paper source (see papertrail parse --help)');
    const v = args.value.values;
    if (v.json && v.markdown) return usageError(io, 'papertrail parse: choose one of --json and --markdown');
    if (v.references && !v.markdown) return usageError(io, 'papertrail parse: --references goes with --markdown');
    const cacheDir = args.value.values['cache-dir'];
    const result = await parsePaper(source, {
      cwd: io.cwd,
      env: io.env,
      noCache: Boolean(args.value.values['no-cache']),
      cacheDir: typeof cacheDir === 'string' ? cacheDir : undefined,
    });
    if (!result.ok) return usageError(io, `papertrail parse: ${result.error.message}`);
    if (v.markdown) io.stdout(paperMarkdown(result.value, { references: Boolean(v.references) }));
    else io.stdout(v.json ? JSON.stringify(result.value) + '\n' : summarizePaper(result.value) + '\n');
    return EXIT_OK;
  },
};

function usageError(io: CliIo, message: string): number {
  io.stderr(message + '\n');
  return EXIT_USAGE;
}
