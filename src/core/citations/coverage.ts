// How much of the paper the code covers, from the tags alone (no model): every numbered
// equation, algorithm, table and section in scope is implemented (cited by code), tested (cited
// by a test), configured (cited by a config value), or not covered; and the flags per section.
import type { Paper, Rect } from '../paper/model';
import { isTestFile } from '../runner/discover';
import type { AuditReport, AuditTag } from './audit';
import type { Flag, RefKind } from './grammar';

export type PlaceKind = Extract<RefKind, 'equation' | 'algorithm' | 'table' | 'section'>;
export const PLACE_KINDS: readonly PlaceKind[] = ['equation', 'algorithm', 'table', 'section'];

export interface Citer {
  file: string;
  /** 1-based. */
  line: number;
  /** The tag names this place itself (not only the section it stands in, or a subsection). */
  direct: boolean;
}

export interface PlaceCoverage {
  kind: PlaceKind;
  /** As printed: "4", "3.2", "A.1". */
  number: string;
  /** "Eq. 4", "§3.2", "Table 1", "Alg. 1". */
  label: string;
  title: string;
  /** The section it stands in ("3.2"; a section's own number). */
  section: string;
  page: number;
  implementedBy: Citer[];
  testedBy: Citer[];
  configuredBy: Citer[];
}

export interface CoverageTotals {
  total: number;
  implemented: number;
  /** Implemented and cited by a test (state "tested"), so never more than `implemented`. */
  tested: number;
  configured: number;
}

export interface CoverageReport {
  paper: { id: string; title: string };
  /** Section numbers the report is limited to; empty: the whole paper. */
  scope: string[];
  places: PlaceCoverage[];
  totals: Record<PlaceKind, CoverageTotals>;
  /** Section number ("" before the first) → flag → how many tags carry it there (by the section they cite, else none). */
  flagsBySection: Record<string, Partial<Record<Flag, number>>>;
}

/** What a file is for coverage: tests, configuration, code, or neither (notes, docs). */
export function fileRole(file: string): 'test' | 'config' | 'code' | 'other' {
  // pytest's own file patterns, and whatever else lives with the tests (helpers, conftest.py).
  if (isTestFile(file) || /(^|\/)tests?\//.test(file) || /(^|\/)conftest\.py$/.test(file)) return 'test';
  if (/\.(ya?ml|toml|json|cfg|ini)$/i.test(file)) return 'config';
  if (/\.(md|markdown|txt|rst|ipynb)$/i.test(file)) return 'other';
  return 'code';
}

/**
 * Coverage of `paper` by the resolved tags of `report` (those checked against this paper).
 * A section counts as cited when a tag cites it, one of its subsections, or something in it
 * (an equation, a table); an equation, table or algorithm only when cited itself.
 * @param scope section numbers ("3", "3.2"): only places in them are listed; empty for all.
 */
export function coverageOf(report: AuditReport, paper: Paper, scope: readonly string[] = []): CoverageReport {
  const inScope = (section: string) => !scope.length || scope.some((s) => section === s || section.startsWith(`${s}.`));
  const places: PlaceCoverage[] = [];
  const place = (kind: PlaceKind, number: string, label: string, title: string, section: string, page: number) => {
    if (number && inScope(section))
      places.push({ kind, number, label, title, section, page, implementedBy: [], testedBy: [], configuredBy: [] });
  };
  for (const s of paper.sections) place('section', s.number, `§${s.number}`, s.title, s.number, s.page);
  for (const e of paper.equations) place('equation', e.number, `Eq. ${e.number}`, e.text.slice(0, 80), e.section, e.page);
  for (const t of paper.tables) place('table', t.number, `Table ${t.number}`, firstSentence(t.text), t.section, t.page);
  for (const a of paper.algorithms) place('algorithm', a.number, `Alg. ${a.number}`, firstSentence(a.text), a.section, a.page);

  const byKey = new Map(places.map((p) => [`${p.kind}:${p.number}`, p]));
  const sectionOf = new Map<string, string>([
    ...paper.equations.map((e) => [`equation:${e.number}`, e.section] as const),
    ...paper.tables.map((t) => [`table:${t.number}`, t.section] as const),
    ...paper.algorithms.map((a) => [`algorithm:${a.number}`, a.section] as const),
    ...paper.figures.map((f) => [`figure:${f.number}`, f.section] as const),
  ]);
  const flagsBySection: CoverageReport['flagsBySection'] = {};
  // A broken tag covers nothing: "§3, Eq. 2" where Eq. 2 is in §4 is a claim the check refused.
  for (const tag of report.tags.filter((t) => t.resolved && citesPaper(t, report, paper))) {
    const role = fileRole(tag.file);
    const cited = new Set<PlaceCoverage>();
    const direct = new Set<PlaceCoverage>();
    for (const ref of tag.refs) {
      if (!ref.resolved) continue;
      const own = byKey.get(`${ref.kind}:${ref.number}`);
      if (own) {
        cited.add(own);
        direct.add(own);
      }
      // A section is cited through anything in it, and through its subsections.
      const section = ref.kind === 'section' ? ref.number : sectionOf.get(`${ref.kind}:${ref.number}`);
      for (const s of ancestors(section ?? '')) {
        const p = byKey.get(`section:${s}`);
        if (p) cited.add(p);
      }
    }
    for (const p of cited) {
      const citer = { file: tag.file, line: tag.line, direct: direct.has(p) };
      if (role === 'code') p.implementedBy.push(citer);
      else if (role === 'test') p.testedBy.push(citer);
      else if (role === 'config') p.configuredBy.push(citer);
    }
    if (tag.flag) {
      const first = tag.refs.find((r) => r.resolved);
      const section = first ? (first.kind === 'section' ? first.number : (sectionOf.get(`${first.kind}:${first.number}`) ?? '')) : '';
      if (scope.length && !inScope(section)) continue;
      const counts = (flagsBySection[section] ??= {});
      counts[tag.flag] = (counts[tag.flag] ?? 0) + 1;
    }
  }
  // The evidence a reader wants first: tags that name the place itself, outside package plumbing.
  const plumbing = (f: string) => /(^|\/)__(init|main)__\.py$/.test(f);
  const order = (a: Citer, b: Citer) =>
    Number(b.direct) - Number(a.direct) ||
    Number(plumbing(a.file)) - Number(plumbing(b.file)) ||
    a.file.localeCompare(b.file) ||
    a.line - b.line;
  for (const p of places) for (const list of [p.implementedBy, p.testedBy, p.configuredBy]) list.sort(order);
  const totals = Object.fromEntries(
    PLACE_KINDS.map((kind) => {
      const of = places.filter((p) => p.kind === kind);
      return [
        kind,
        {
          total: of.length,
          implemented: of.filter((p) => p.implementedBy.length).length,
          // Tested means implemented and tested, as the state says: "4/6 tested" must not exceed "3/6 implemented".
          tested: of.filter((p) => coverageState(p) === 'tested').length,
          configured: of.filter((p) => p.configuredBy.length).length,
        },
      ];
    }),
  ) as Record<PlaceKind, CoverageTotals>;
  return { paper: { id: paper.id, title: paper.title }, scope: [...scope], places, totals, flagsBySection };
}

/**
 * Scope section numbers the paper does not have ("9" in a paper with §1–4), with the one line
 * that says so; undefined when every one is there.
 */
export function unknownScope(paper: Paper, scope: readonly string[]): string | undefined {
  const missing = scope.filter((s) => !paper.sections.some((x) => x.number === s));
  if (!missing.length) return undefined;
  const top = paper.sections.filter((x) => x.number && !x.number.includes('.')).map((x) => x.number);
  return `the paper has no ${missing.map((m) => `§${m}`).join(', ')} (its sections: ${top.join(', ')})`;
}

/** implemented + tested / implemented / configured / not covered. */
export function coverageState(p: PlaceCoverage): 'tested' | 'implemented' | 'configured' | 'none' {
  if (p.implementedBy.length && p.testedBy.length) return 'tested';
  if (p.implementedBy.length) return 'implemented';
  if (p.configuredBy.length || p.testedBy.length) return 'configured';
  return 'none';
}

/** "7/9 equations implemented, 5/9 tested · 1/2 tables implemented, …": one line for a toolbar or a summary. */
export function coverageSummary(r: CoverageReport): string {
  // The count comes first: "Tables 0/1" in a README would read as a citation of Table 0.
  const names: Record<PlaceKind, string> = { equation: 'equations', table: 'tables', algorithm: 'algorithms', section: 'sections' };
  return PLACE_KINDS.filter((k) => r.totals[k].total)
    .map((k) => {
      const t = r.totals[k];
      return `${t.implemented}/${t.total} ${names[k]} implemented, ${t.tested}/${t.total} tested`;
    })
    .join(' · ');
}

/** The report as text: one line per place, then the totals and the flags per section. */
export function coverageText(r: CoverageReport): string {
  const out = [`coverage of "${r.paper.title}"${r.scope.length ? ` in ${r.scope.map((s) => `§${s}`).join(', ')}` : ''}`];
  const where = (cs: Citer[]) =>
    cs
      .slice(0, 3)
      .map((c) => `${c.file}:${c.line}`)
      .join(', ') + (cs.length > 3 ? ` and ${cs.length - 3} more` : '');
  const words = {
    tested: 'implemented, tested',
    implemented: 'implemented, not tested',
    configured: 'configured or tested only',
    none: 'not covered',
  };
  for (const kind of PLACE_KINDS) {
    const of = r.places.filter((p) => p.kind === kind);
    if (!of.length) continue;
    out.push('');
    for (const p of of) {
      const state = coverageState(p);
      const by = [...p.implementedBy, ...p.testedBy, ...p.configuredBy];
      out.push(
        `  ${`${p.label}${kind === 'section' ? '' : ` (§${p.section || '?'})`}`.padEnd(16)} ${words[state].padEnd(24)} ${by.length ? where(by) : ''}`.trimEnd(),
      );
    }
  }
  out.push('', coverageSummary(r) || 'the paper has no numbered equations, tables, algorithms or sections in scope');
  const flags = Object.entries(r.flagsBySection).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
  if (flags.length) {
    out.push('flags by section:');
    for (const [section, counts] of flags)
      out.push(
        `  ${section ? `§${section}` : '(no section)'}: ${Object.entries(counts)
          .map(([f, n]) => `${f} ${n}`)
          .join(', ')}`,
      );
  }
  return out.join('\n');
}

function ancestors(section: string): string[] {
  const parts = section.split('.').filter(Boolean);
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

function firstSentence(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=\.)\s/)[0]!
    .slice(0, 80);
}

/**
 * Whether a tag counts for `paper`: in a family by its key (a flag without references belongs
 * to the main paper, whose key it was given), else by the source it was checked against.
 */
function citesPaper(tag: AuditTag, report: AuditReport, paper: Paper): boolean {
  const keyed = tag.paperKey ? report.papers.find((p) => p.key === tag.paperKey) : undefined;
  if (keyed) return keyed.id === paper.id;
  return !tag.paper || !report.papers.length || sameSource(tag, report, paper);
}

function sameSource(tag: AuditTag, report: AuditReport, paper: Paper): boolean {
  const entry = report.papers.find((p) => p.source === tag.paper);
  return !entry || entry.id === paper.id;
}

export interface CoverageMark {
  page: number;
  /** Where the equation, or the table's or algorithm's caption, stands (PDF user space). */
  rects: Rect[];
  label: string;
  state: ReturnType<typeof coverageState>;
  /** "implemented by pkg/model.py:12; tested by tests/test_model.py:30". */
  detail: string;
}

/** The marks of the viewer's coverage overlay: one per equation, table and algorithm that has a place on a page. */
export function coverageMarks(r: CoverageReport, paper: Paper): CoverageMark[] {
  const at = (p: PlaceCoverage): { page: number; rects: Rect[] } | undefined => {
    const found =
      p.kind === 'equation'
        ? paper.equations.find((e) => e.number === p.number)
        : (p.kind === 'table' ? paper.tables : p.kind === 'algorithm' ? paper.algorithms : []).find((c) => c.number === p.number);
    return found && found.page > 0 && found.rects.length ? { page: found.page, rects: found.rects } : undefined;
  };
  const list = (cs: Citer[]) => cs.map((c) => `${c.file}:${c.line}`).join(', ');
  return r.places.flatMap((p) => {
    if (p.kind === 'section') return [];
    const where = at(p);
    if (!where) return [];
    const parts = [
      p.implementedBy.length ? `implemented by ${list(p.implementedBy)}` : '',
      p.testedBy.length ? `tested by ${list(p.testedBy)}` : '',
      p.configuredBy.length ? `configured in ${list(p.configuredBy)}` : '',
    ].filter(Boolean);
    return [{ ...where, label: p.label, state: coverageState(p), detail: parts.join('; ') || 'no code cites it' }];
  });
}
