import type { AuditReport } from '../../core/citations/audit';
import { auditRepository } from '../../core/citations/audit';
import { coverageOf, coverageText, unknownScope } from '../../core/citations/coverage';
import { getPaper } from '../../core/citations/papers';
import type { CliIo } from '../io';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from '../io';
import { parseVerbArgs } from '../parse-args';
import type { Verb } from '../verb';

export const auditVerb: Verb = {
  name: 'audit',
  summary: 'check every citation in a repository against its paper; list unspecified choices',
  usage: `usage: papertrail audit <dir> [--paper <paper>] [--coverage [--scope S]] [--json] [--no-cache] [--cache-dir DIR]

  <dir>         the repository folder; tags are looked for in comments and docstrings
                (.py, .js/.ts, .c/.cpp/.cu, .rs, .jl), # comments of .yaml/.toml, and .md notes
  --paper       the paper for every file (.pdf, LaTeX source or arXiv id); default: the
                repository's .papertrail/paper.json, or a "# paper: ..." header in a file
  --json        one JSON document: tags (file, 1-based line), counts by kind and flag,
                coverage, broken [{file, line, tag, reason}], flags [{file, line, flag, text}]
  --coverage    how much of the paper the code covers, from the tags: every numbered equation,
                algorithm, table and section — implemented (cited by code), tested (cited by a
                test), configured (cited by a config value) or not covered — and the flags per
                section; with --json, {places, totals, flagsBySection}, or for a repository
                of several papers a list of {key, coverage}, one per paper
  --scope S     with --coverage: only these sections, e.g. --scope 3,4.1 (of the main paper)
  --no-cache    parse the paper again even if the result is cached
  --cache-dir   cache folder (default: $PAPERTRAIL_CACHE_DIR, else $XDG_CACHE_HOME/papertrail)

exit: 0 every tag resolves, 1 some tag is broken, 2 bad usage or no paper could be read
(one line on stderr says what to do)`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseVerbArgs('audit', argv, {
      paper: { type: 'string' },
      'no-cache': { type: 'boolean' },
      'cache-dir': { type: 'string' },
      coverage: { type: 'boolean' },
      scope: { type: 'string' },
    });
    if (!args.ok) return usageError(io, args.error.message);
    if (args.value.values.help) {
      io.stdout(this.usage + '\n');
      return EXIT_OK;
    }
    const [dir, ...extra] = args.value.positionals;
    if (!dir || extra.length)
      return usageError(io, 'papertrail audit: give exactly one repository folder, e.g. papertrail audit . (see --help)');
    const paper = args.value.values.paper;
    const cacheDir = args.value.values['cache-dir'];
    const report = await auditRepository(dir, {
      cwd: io.cwd,
      ...(typeof paper === 'string' ? { paper } : {}),
      parse: {
        env: io.env,
        noCache: Boolean(args.value.values['no-cache']),
        ...(typeof cacheDir === 'string' ? { cacheDir } : {}),
      },
    });
    if (!report.ok) return usageError(io, `papertrail audit: ${report.error.message}`);
    const v = args.value.values;
    if (v.scope !== undefined && !v.coverage) return usageError(io, 'papertrail audit: --scope goes with --coverage');
    if (v.coverage) {
      const scope =
        typeof v.scope === 'string'
          ? v.scope
              .split(',')
              .map((x) => x.trim().replace(/^§/, ''))
              .filter(Boolean)
          : [];
      if (scope.some((x) => !/^[A-Z0-9]+(\.[0-9]+)*$/i.test(x)))
        return usageError(io, 'papertrail audit: --scope takes section numbers, e.g. --scope 3,4.1');
      const first = report.value.papers[0];
      if (!first) return usageError(io, 'papertrail audit: no tag names a paper, so there is nothing to measure coverage of; pass --paper');
      // A repository of several papers: each paper's coverage under its key, always as a list;
      // --scope names sections of the main paper, so it gives the main paper's alone.
      const keyed = report.value.papers.filter((p) => p.key);
      const family = keyed.length > 1;
      const which = !family ? [first] : scope.length ? [keyed.find((p) => p.main) ?? keyed[0]!] : keyed;
      const out: { key?: string; coverage: ReturnType<typeof coverageOf> }[] = [];
      for (const p of which) {
        const paperModel = await getPaper(p.source, { cwd: io.cwd, env: io.env, ...(typeof cacheDir === 'string' ? { cacheDir } : {}) });
        if (!paperModel.ok) return usageError(io, `papertrail audit: ${paperModel.error.message}`);
        const unknown = unknownScope(paperModel.value, scope);
        if (unknown) return usageError(io, `papertrail audit: ${unknown}`);
        out.push({ ...(p.key ? { key: p.key } : {}), coverage: coverageOf(report.value, paperModel.value, scope) });
      }
      if (!family) io.stdout(v.json ? `${JSON.stringify(out[0]!.coverage)}\n` : `${coverageText(out[0]!.coverage)}\n`);
      else io.stdout(v.json ? `${JSON.stringify(out)}\n` : `${out.map((c) => `[${c.key}] ${coverageText(c.coverage)}`).join('\n\n')}\n`);
      return report.value.broken.length ? EXIT_PROBLEMS : EXIT_OK;
    }
    io.stdout(v.json ? JSON.stringify(report.value) + '\n' : auditText(report.value) + '\n');
    return report.value.broken.length ? EXIT_PROBLEMS : EXIT_OK;
  },
};

/** The readable report: summary lines, then tables of broken tags and flags. */
export function auditText(r: AuditReport): string {
  const out: string[] = [];
  const papers =
    r.papers.map((p) => `${p.key ? `[${p.key}]${p.main ? ' (main)' : ''} ` : ''}"${p.title}" (${p.source})`).join(', ') || 'no paper';
  out.push(`audited ${r.counts.files} files, ${r.counts.tags} tags against ${papers}`);
  if (!r.counts.tags)
    out.push(
      `no citation tags found: nothing was checked (a tag is a comment like "# §3.2, Eq. 4 — what this implements"; give the repository folder that holds them)`,
    );
  for (const u of r.unread ?? [])
    out.push(`paper ${u.key ? `[${u.key}] ` : ''}(${u.source}) could not be read: ${u.message}; its tags are listed as broken`);
  out.push(
    `references: ${Object.entries(r.counts.refs)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}`,
  );
  out.push(
    `flags: ${Object.entries(r.counts.flags)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}`,
  );
  const pct = (100 * r.coverage.ratio).toFixed(1);
  out.push(`coverage: ${r.coverage.coveredLines} of ${r.coverage.codeLines} code lines under a tag (${pct}%)`);
  out.push('');
  out.push(r.broken.length ? `broken (${r.broken.length}):` : 'broken: none');
  if (r.broken.length)
    out.push(
      table(
        ['where', 'tag', 'reason'],
        r.broken.map((b) => [`${b.file}:${b.line}`, b.tag, b.reason]),
      ),
    );
  if (r.flags.length) {
    out.push('');
    out.push(`flags (${r.flags.length}):`);
    out.push(
      table(
        ['where', 'flag', 'text'],
        r.flags.map((f) => [`${f.file}:${f.line}`, f.flag, f.text]),
      ),
    );
  }
  return out.join('\n');
}

function table(head: string[], rows: string[][]): string {
  const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
  const cells = [head, ...rows].map((r) => r.map((c, i) => clip(c.replace(/\s+/g, ' '), i === r.length - 1 ? 100 : 48)));
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => '  ' + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

function usageError(io: CliIo, message: string): number {
  io.stderr(message + '\n');
  return EXIT_USAGE;
}
