// The verify stage: run what was written (lint, config keys, imports, tests) on a staging
// copy, send each failing file back to the model with its failures, and verify again, for a
// bounded number of rounds. What still fails is reported per test and written into the README.
import type { Result } from '../errors';
import { ok } from '../errors';
import type { CoverageReport } from '../citations/coverage';
import { coverageState, coverageSummary, fileRole } from '../citations/coverage';
import { configProblems } from '../verify/configKeys';
import { lintPython } from '../verify/lint';
import { confine } from '../verify/sandbox';
import type { Failure, VerifyRound } from '../verify/verify';
import { failuresByFile, passed, roundLine, verifyOnce } from '../verify/verify';
import type { Plan } from './prompts';
import type { Analysis } from './schemas';

export interface VerifySetup {
  /** The interpreter that runs imports and tests. */
  python: string;
  /** Run the tests on this Jupyter server's kernel instead. */
  jupyter?: { serverUrl: string; token: string };
  env?: NodeJS.ProcessEnv;
  /** Per process (imports, tests), in ms. */
  timeoutMs?: number;
  /**
   * Asked once, before any generated code runs, with one line naming what runs and where.
   * False: nothing runs (lint, which runs no code, still does).
   */
  consent?: (note: string) => Promise<boolean>;
}

export interface VerifyReport {
  /** Every round, the last one after the last repair. */
  rounds: VerifyRound[];
  /** The line the user consented to (or was shown). */
  note: string;
  /** False when the user declined: no generated code ran. */
  ran: boolean;
  /** Files the repairs changed, test files apart: "tests/test_x.py (round 1)". */
  repaired: string[];
  testsChanged: string[];
  /** Whether the last round found nothing to repair. */
  passed: boolean;
}

export interface VerifyContext {
  files: Map<string, string>;
  plan: Plan;
  analyses: ReadonlyMap<string, Analysis>;
  rounds: number;
  stagingDir: string;
  setup: VerifySetup;
  /** The paper's config, whose keys are checked against the code. */
  configPath?: string;
  /** The README's smoke command (run after the tests). */
  smoke?: string;
  /** The walkthrough notebook, executed after the tests. */
  notebook?: string;
  signal?: AbortSignal;
  /** One repair call; returns the file's new content. */
  repair: (key: string, file: string, prompt: string) => Promise<string>;
  prompt: (
    file: string,
    content: string,
    failures: Failure[],
    analysis: Analysis | undefined,
    deps: { path: string; content: string }[],
  ) => string;
  progress: (line: string) => void;
}

/**
 * Verifies and repairs `ctx.files` in place (lint fixes and formatting included).
 * @returns the report; the files map holds the final versions.
 */
export async function runVerifyStage(ctx: VerifyContext): Promise<VerifyReport> {
  const { files, setup } = ctx;
  const note = setup.jupyter
    ? `verify: lint here, then run the tests on the Jupyter server ${redactUrl(setup.jupyter.serverUrl)} (its kernel's environment; the repository is uploaded, nothing else)`
    : `verify: lint, then import every module and run the tests${ctx.smoke ? `, the smoke command (${ctx.smoke})` : ''}${ctx.notebook ? ` and ${ctx.notebook}` : ''} with ${setup.python} ${confinementNote(ctx.stagingDir, setup)}`;
  ctx.progress(note);
  const consented = setup.consent ? await setup.consent(note) : true;
  const report: VerifyReport = { rounds: [], note, ran: consented, repaired: [], testsChanged: [], passed: false };
  const python = consented ? setup.python : '';
  for (let round = 1; ; round++) {
    const r = consented
      ? await verifyOnce(files, round, {
          python,
          ...(setup.jupyter ? { jupyter: setup.jupyter } : {}),
          dir: ctx.stagingDir,
          ...(setup.env ? { env: setup.env } : {}),
          ...(setup.timeoutMs ? { timeoutMs: setup.timeoutMs } : {}),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          ...(ctx.configPath ? { configPath: ctx.configPath } : {}),
          ...(ctx.smoke ? { smoke: ctx.smoke } : {}),
          ...(ctx.notebook ? { notebook: ctx.notebook } : {}),
        })
      : lintOnly(files, round, ctx.configPath);
    if (!r.ok) {
      ctx.progress(`verify: ${r.error.message}`);
      report.rounds.push({ round, lint: [], config: [], missing: [], imports: [], modules: 0, testError: r.error.message, durationMs: 0 });
      return report;
    }
    for (const [p, content] of r.value.files) files.set(p, content);
    const last = r.value.round;
    report.rounds.push(last);
    ctx.progress(`verify ${roundLine(last)}`);
    if (last.missing.length)
      ctx.progress(
        `verify: ${setup.python} lacks ${last.missing.join(', ')}; choose an interpreter that has them (--python PATH, the Python extension's interpreter, or a venv with \`pip install -r requirements.txt\`). Nothing was sent to repair.`,
      );
    report.passed = passed(last) || (!consented && !last.lint.some((p) => p.severity === 'error'));
    const due = failuresByFile(last, files);
    if (!due.size || round > ctx.rounds) break;
    ctx.progress(`verify: repairing ${[...due.keys()].join(', ')}`);
    await Promise.all(
      [...due].map(async ([file, failures]) => {
        const content = files.get(file);
        if (content === undefined) return;
        const logic = ctx.plan.logic.files.find((f) => f.path === file);
        const deps = (logic?.dependsOn ?? []).flatMap((d) => (files.has(d) ? [{ path: d, content: files.get(d)! }] : []));
        const fixed = await ctx.repair(`fix-${round}:${file}`, file, ctx.prompt(file, content, failures, ctx.analyses.get(file), deps));
        if (fixed === content) return;
        files.set(file, fixed);
        (isTest(file) ? report.testsChanged : report.repaired).push(`${file} (round ${round})`);
      }),
    );
  }
  return report;
}

/** Without consent only ruff runs: it reads the code, it does not execute it. */
function lintOnly(
  files: ReadonlyMap<string, string>,
  round: number,
  configPath?: string,
): Result<{ files: Map<string, string>; round: VerifyRound }> {
  const linted = lintPython(files);
  return ok({
    files: linted.files,
    round: {
      round,
      lint: linted.problems,
      config: configProblems(linted.files, configPath),
      missing: [],
      imports: [],
      modules: 0,
      durationMs: 0,
    },
  });
}

function confinementNote(dir: string, setup: VerifySetup): string {
  return confine(setup.python, [], dir, setup.env ?? process.env).note;
}

/** A server URL without a `token=` query: it goes into notes and logs. */
function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/i, '$1…');
}

function isTest(file: string): boolean {
  return fileRole(file) === 'test';
}

/**
 * The README's "Implementation status": each component with what it implements from the paper
 * and how its tests did in the last round (a test file counts for the files it depends on).
 */
/**
 * The README's "Implementation status": what the last verify round ran and passed, per
 * component, and the paper coverage (one paragraph per paper for several, each under its key).
 */
export function implementationStatus(
  plan: Plan,
  report: VerifyReport | undefined,
  coverage?: CoverageReport | readonly { key?: string; report: CoverageReport }[],
): string {
  const last = report?.rounds.at(-1);
  const head = '## Implementation status\n\n';
  const coverages = !coverage ? [] : 'places' in coverage ? [{ report: coverage }] : coverage;
  const paper = coverages.length
    ? `\n${coverages
        .map((c) => ({ key: c.key, text: paperCoverage(c.report) }))
        .filter((c) => c.text)
        // A paper's paragraph stays one paragraph under its key ("Cited by no code: Table 1" is that paper's).
        .map((c) => (c.key ? `[${c.key}] ${c.text.trim().replace(/\n\n/g, ' ')}\n` : c.text))
        .join('\n')}`
    : '';
  if (!report || !last)
    return `${head}Not verified: PaperTrail wrote this repository without running it (\`papertrail reimplement --verify local\` runs the tests first).\n${paper}`;
  if (!report.ran)
    return `${head}Not run: the tests were not run when this repository was written (consent declined). Lint: ${last.lint.filter((p) => p.severity === 'error').length} errors.\n${paper}`;
  const components = plan.logic.files.filter((f) => f.path.endsWith('.py') && !isTest(f.path));
  const testsOf = (file: string) => {
    const testFiles = plan.logic.files.filter((t) => isTest(t.path) && t.dependsOn.includes(file)).map((t) => t.path);
    const cases = (last.tests?.tests ?? []).filter((c) => testFiles.some((t) => c.id.startsWith(`${t}::`)));
    return cases.length ? `${cases.filter((c) => c.outcome === 'passed').length} / ${cases.length}` : '—';
  };
  const importFailed = new Set(last.imports.map((i) => i.file));
  const rows = components.map(
    (f) =>
      `| \`${f.path}\` | ${placesOf(f.cites).slice(0, 4).join('; ').replace(/\|/g, '\\|') || '—'} | ${importFailed.has(f.path) ? 'does not import' : testsOf(f.path)} |`,
  );
  const total = last.tests
    ? `${last.tests.passed}/${last.tests.passed + last.tests.failed + last.tests.errors} tests passed`
    : last.missing.length
      ? `the tests did not run: the interpreter lacked ${last.missing.join(', ')}`
      : `the tests did not run${last.testError ? ` (${last.testError})` : ''}`;
  const failing = (last.tests?.tests ?? []).filter((c) => c.outcome === 'failed' || c.outcome === 'error');
  const lines = [
    `${head}From PaperTrail's last verify round (round ${last.round} of ${report.rounds.length}): ${total}.\n`,
    '| component | paper | tests of it passed (a test file counts for each file it imports) |',
    '| --- | --- | --- |',
    ...rows,
  ];
  if (failing.length)
    lines.push('', 'Still failing:', ...failing.map((c) => `- \`${c.id}\` — ${c.message.replace(/\s+/g, ' ').slice(0, 200)}`));
  for (const i of last.imports) lines.push(`- \`${i.file}\` does not import: ${i.message}`);
  if (last.smoke)
    lines.push(
      '',
      last.smoke.ok
        ? `The smoke command \`${last.smoke.what}\` ran (${last.smoke.message}).`
        : `The smoke command \`${last.smoke.what}\` ${last.smoke.skipped ? 'was not run' : 'failed'}: ${last.smoke.message}`,
    );
  if (last.notebook)
    lines.push(
      '',
      last.notebook.ok
        ? `\`${last.notebook.what}\` executed top to bottom (${last.notebook.message}).`
        : `\`${last.notebook.what}\` ${last.notebook.skipped ? 'was not executed' : 'failed'}: ${last.notebook.message}`,
    );
  if (report.testsChanged.length) lines.push('', `Tests changed by repair: ${report.testsChanged.join(', ')}.`);
  return `${lines.join('\n')}\n${paper}`;
}

/** The paper places of a plan's citations, flags left out (they are choices, not places; the code carries them). */
function placesOf(cites: readonly string[]): string[] {
  return cites
    .filter((c) => !/^\s*\[/.test(c))
    .map((c) => c.replace(/\s*".*$/, '').trim())
    .filter(Boolean);
}

/**
 * The paper's side of the status: how many of its equations, tables, algorithms and sections
 * the code cites (implemented) and the tests cite (tested), from the tags alone; what no code cites.
 * `papertrail audit --coverage` prints the same, place by place.
 */
export function paperCoverage(c: CoverageReport): string {
  const summary = coverageSummary(c);
  if (!summary) return '';
  const missing = c.places.filter((p) => p.kind !== 'section' && coverageState(p) === 'none').map((p) => p.label);
  const untested = c.places.filter((p) => p.kind !== 'section' && coverageState(p) === 'implemented').map((p) => p.label);
  return (
    [
      `Paper coverage${c.scope.length ? ` (${c.scope.map((s) => `§${s}`).join(', ')})` : ''}, from the citation tags: ${summary}.`,
      ...(untested.length ? [`Implemented but cited by no test: ${untested.join(', ')}.`] : []),
      ...(missing.length ? [`Cited by no code: ${missing.join(', ')}.`] : []),
    ].join('\n\n') + '\n'
  );
}
