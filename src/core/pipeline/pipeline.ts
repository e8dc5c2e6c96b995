// Plan → analyse → code → docs → citation check, PaperCoder's shape made parallel and
// resumable. Nothing is written to the output folder here: the result is the list of
// files, for the CLI's safe writer or the editor's WorkspaceEdit. Only the run record
// (prompts, answers, token counts) and a staging copy for the audit go to disk.
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { AuditReport } from '../citations/audit';
import { auditRepository } from '../citations/audit';
import { coverageOf } from '../citations/coverage';
import { parseTagText } from '../citations/grammar';
import type { PaperModels } from '../citations/family';
import { resolveAmong } from '../citations/family';
import type { Result } from '../errors';
import { fail, ok } from '../errors';
import type { ChatProvider, ChatUsage } from '../llm/provider';
import type { PriceTable } from '../llm/pricing';
import { NO_USAGE } from '../llm/pricing';
import type { RetryPolicy } from '../llm/retry';
import { paperMarkdown } from '../paper/markdown';
import type { Paper } from '../paper/model';
import type { PathRefusal } from '../workspace/safePath';
import type { PlannedFile } from '../workspace/writer';
import { writeFileAtomic } from '../workspace/writer';
import { recordedCall, Stop, trackedCall } from './recordedCall';
import type { VerifyReport, VerifySetup } from './verifyStage';
import { implementationStatus, runVerifyStage } from './verifyStage';
import type { CostEstimate } from './estimate';
import { notebookJson } from './notebook';
import { architectureMd, assembleReadme, commitMessage, implementationPlanMd, implementedPlaces } from '../repo/docs';
import { projectFiles } from '../repo/packaging';
import { lintPython } from '../verify/lint';
import { PRESETS, presetPath } from '../verify/configKeys';
import type { RunOptions, Stage } from './options';
import { paperReferences } from './paperReferences';
import type { Plan } from './prompts';
import * as prompts from './prompts';
import { fileSchema } from './schemas';
import type { RunStore } from './store';
import { semaphore, settleAll } from './concurrency';
import { generateStep } from './generateStep';
import type { FamilyMember, FamilyPlan } from './family';
import { planStep } from './planStep';

export type PipelineEvent =
  | { type: 'stage'; stage: Stage | 'verify' }
  | {
      type: 'call';
      key: string;
      stage: Stage | 'repair';
      file?: string;
      state: 'start' | 'done' | 'replayed' | 'failed';
      usage?: ChatUsage;
      cost?: number;
      durationMs?: number;
      error?: string;
      /** A failed call's raw answer (up to 4,000 characters), for the log. */
      answer?: string;
    }
  | { type: 'retry'; key: string; attempt: number; delayMs: number; reason: string }
  | { type: 'text'; key: string; chars: number }
  | { type: 'warning'; message: string }
  /** A line of the verify stage: what runs, each round's counts, what is repaired. */
  | { type: 'verify'; line: string };

/** `reviewed`: the user saw the plan and chose to continue (IMPLEMENTATION_PLAN.md says so). */
/** `keys`: paper keys the user renamed in the review, old → new (a family of papers only). */
export type ReviewDecision =
  | { action: 'continue'; config?: string; reviewed?: boolean; keys?: Record<string, string> }
  | { action: 'stop' };

export interface PipelineInput {
  paper: Paper;
  /** Where the paper came from as paper.json should name it: a path relative to the output folder, or an arXiv id / URL. */
  paperRef: string;
  /**
   * Several related papers implemented as one repository, the main one (`paper`) first: each
   * is extracted on its own, the plan is ordered by which builds on which, tags carry keys.
   */
  family?: FamilyMember[];
  outDir: string;
  options: RunOptions;
  provider: ChatProvider;
  prices: PriceTable;
  store: RunStore;
  signal?: AbortSignal;
  policy?: RetryPolicy;
  onEvent?: (event: PipelineEvent) => void;
  /** After planning, with the estimate of the rest; `stop` ends the run as "planned" (dry run, review cancelled). */
  review?: (plan: Plan, estimate: CostEstimate, refused: PathRefusal[]) => Promise<ReviewDecision>;
  /** Run the generated code before handing it over (lint, imports, tests, repairs); absent: not run. */
  verify?: VerifySetup;
}

export interface StageTotals {
  calls: number;
  replayed: number;
  usage: ChatUsage;
  /** Undefined when a model of the stage is not in the price table. */
  cost?: number;
  promptChars: number;
  sharedPrefixChars: number;
}

export interface PipelineResult {
  status: 'planned' | 'generated';
  plan: Plan;
  estimate: CostEstimate;
  files: PlannedFile[];
  refused: PathRefusal[];
  citations: { tags: number; coverage: number; broken: { file: string; line: number; tag: string; reason: string }[]; repaired: string[] };
  /** What the verify stage did; absent when it was not asked for. */
  verify?: VerifyReport;
  /** The message of the repository's first commit: what was implemented (sections, equations). */
  commitMessage?: string;
  totals: Record<Stage | 'repair', StageTotals>;
  warnings: string[];
}

export async function runPipeline(input: PipelineInput): Promise<Result<PipelineResult>> {
  const { options, store } = input;
  const emit = input.onEvent ?? (() => {});
  // Every call in flight listens on the one signal.
  if (input.signal) setMaxListeners(0, input.signal);
  let family = input.family && input.family.length > 1 ? input.family : undefined;
  const systemFor = (members: FamilyMember[] | undefined): string =>
    prompts.systemPrompt(
      members ? members.map((m) => ({ key: m.key, title: m.paper.title, markdown: paperMarkdown(m.paper) })) : paperMarkdown(input.paper),
      options,
    );
  let system = systemFor(family);
  const warnings: string[] = [];
  const totals = emptyTotals();
  const warn = (message: string): void => {
    warnings.push(message);
    emit({ type: 'warning', message });
  };

  const { call, settle } = trackedCall(recordedCall(input, totals, emit));

  try {
    // 1. Planning and review.
    const planned = await planStep({ ...input, ...(family ? { family } : {}) }, call, system, warn);
    const { plan, refused, estimate } = planned;
    // Keys renamed in the review: the plan already says the new ones; the papers and the
    // system message follow (later calls then share the new prefix).
    if (family && planned.renames.size) {
      family = family.map((m) => ({ ...m, key: planned.renames.get(m.key) ?? m.key }));
      system = systemFor(family);
    }
    const models: PaperModels = family
      ? { main: input.paper, byKey: new Map(family.map((m) => [m.key, m.paper])), mainKey: family[0]!.key }
      : { main: input.paper, byKey: new Map() };
    if (planned.stopped) {
      return ok({
        status: 'planned',
        plan,
        estimate,
        files: [],
        refused,
        citations: { tags: 0, coverage: 0, broken: [], repaired: [] },
        totals,
        warnings,
      });
    }
    store.update({ status: 'running' });

    // 2–4. Analysis, coding and docs as one dependency graph (generateStep.ts).
    const withPlan = prompts.baseMessages(system, plan);
    const prefix = system.length + withPlan[1]!.content.length;
    const limit = semaphore(options.concurrency);
    const repairs = new Map<string, number>();
    const references = family
      ? family.map((m) => `Paper [${m.key}] (cite as "[${m.key}] §…"):\n${paperReferences(m.paper)}`).join('\n\n')
      : paperReferences(input.paper);
    const repairOnce = async (file: string, content: string, broken: { line: number; tag: string; reason: string }[]): Promise<string> => {
      const round = (repairs.get(file) ?? 0) + 1;
      repairs.set(file, round);
      const messages = [...withPlan, { role: 'user' as const, content: prompts.repairPrompt(file, content, broken, references) }];
      return (await limit(() => call(`repair-${round}:${file}`, 'repair', file, messages, fileSchema, prefix))).content;
    };
    const generated = await generateStep({
      plan,
      mode: options.mode,
      call,
      limit,
      messages: withPlan,
      prefix,
      emit,
      warn,
      // The citation check of a file starts as soon as it is written (5 below does the rest).
      checkFile: async (file, content) => {
        if (options.repairRounds < 1) return content;
        const broken = (await auditFiles(path.join(store.dir, 'check', file.replace(/[^\w.-]+/g, '_')), new Map([[file, content]]), models))
          .broken;
        return broken.length ? repairOnce(file, content, broken) : content;
      },
    });
    const { docs, notebook: nb, analyses: analysesDone, waves } = generated;
    const out = new Map<string, string>(generated.code);
    for (const [p, content] of configFiles(plan)) out.set(p, content);
    if (!plan.config.presets) warn(`the model wrote no presets: only ${plan.config.path} was written`);
    out.set('README.md', docs.readme);
    out.set('REPRODUCTION_NOTES.md', docs.reproductionNotes);
    if (nb) out.set(NOTEBOOK, notebookJson(nb.cells));
    for (const [p, content] of Object.entries(
      projectFiles({ title: plan.overview.title, paths: [...out.keys()], requirements: docs.requirements }),
    ))
      out.set(p, content);

    // 5. Citation check: audit a staging copy, send files with broken tags back for repair.
    emit({ type: 'stage', stage: 'verify' });
    // Code was checked file by file; now everything together (config and docs too), and each
    // file still broken is repaired while it has rounds left.
    let report = await auditFiles(path.join(store.dir, 'staging'), out, models);
    for (;;) {
      const byFile = groupBy(report.broken, (b) => b.file);
      const due = [...byFile.keys()].filter((f) => out.has(f) && (repairs.get(f) ?? 0) < options.repairRounds);
      if (!due.length) break;
      await settleAll(due.map(async (file) => out.set(file, await repairOnce(file, out.get(file)!, byFile.get(file)!))));
      report = await auditFiles(path.join(store.dir, 'staging'), out, models);
    }
    const repaired = [...repairs.keys()];
    for (const b of report.broken) warn(`${b.file}:${b.line}: ${b.tag} — ${b.reason}`);
    const warned = new Set(report.broken.map((b) => `${b.file}\0${b.tag}`));
    // Formatted with ruff whether or not it is run (formatting reads the code, it does not execute
    // it); the verify stage formats as it lints, so only a run without it formats here.
    if (!input.verify) for (const [p, content] of lintPython(out).files) out.set(p, content);

    // 6. Verify: lint, imports and tests on a staging copy, failures sent back for repair.
    let verify: VerifyReport | undefined;
    if (input.verify) {
      verify = await runVerifyStage({
        files: out,
        plan,
        analyses: analysesDone,
        rounds: options.verifyRounds ?? 2,
        stagingDir: path.join(store.dir, 'verify'),
        setup: input.verify,
        configPath: plan.config.path,
        ...(docs.smoke?.trim() ? { smoke: docs.smoke.trim() } : {}),
        ...(out.has(NOTEBOOK) ? { notebook: NOTEBOOK } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
        repair: async (key, file, prompt) =>
          (await limit(() => call(key, 'repair', file, [...withPlan, { role: 'user', content: prompt }], fileSchema, prefix))).content,
        prompt: (file, content, failures, analysis, deps) =>
          prompts.fixPrompt(file, content, failures, analysis, deps, citedPassages(models, content)),
        progress: (line) => emit({ type: 'verify', line }),
      });
      store.update({ verify: { passed: verify.passed, rounds: verify.rounds.length } });
      writeFileAtomic(path.join(store.dir, 'verify.json'), `${JSON.stringify(verify, null, 1)}\n`);
      // Its formatting and fixes rewrote files: the README's coverage is that of the code as written.
      if (verify.ran) report = await auditFiles(path.join(store.dir, 'staging'), out, models);
    }
    out.set(
      'README.md',
      assembleReadme(plan, family ? family.map((m) => m.paper) : input.paper, {
        body: docs.readme,
        ...(docs.smoke?.trim() ? { smoke: docs.smoke.trim() } : {}),
        ...(docs.hardware ? { hardware: docs.hardware } : {}),
        status: implementationStatus(
          plan,
          verify,
          !report.report
            ? undefined
            : family
              ? family.map((m, i) => ({ key: m.key, report: coverageOf(report.report!, m.paper, i === 0 ? options.scope : []) }))
              : coverageOf(report.report, input.paper, options.scope),
        ),
        hasDemo: [...out.keys()].some((p) => p.startsWith('demo/')),
        framework: options.framework,
        hasNotebook: out.has(NOTEBOOK),
      }),
    );
    out.set('ARCHITECTURE.md', architectureMd(plan));
    out.set('IMPLEMENTATION_PLAN.md', implementationPlanMd(plan, waves, analysesDone, { ...options, reviewed: planned.reviewed }));
    out.set('.papertrail/paper.json', paperJson(input, family, plan.family));
    // The numbers reported are those of the repository as written, which `papertrail audit` will
    // count again: verify's fixes and the README came after the check above.
    const final = await auditFiles(path.join(store.dir, 'staging'), out, models);
    for (const b of final.broken) if (!warned.has(`${b.file}\0${b.tag}`)) warn(`${b.file}:${b.line}: ${b.tag} — ${b.reason}`);
    const commit = commitMessage(plan.overview.title, await implementedPlaces(models, out));
    store.update({ status: 'generated' });
    return ok({
      status: 'generated',
      plan,
      estimate,
      files: [...out].map(([p, content]) => ({ path: p, content })),
      refused,
      citations: { tags: final.tags, coverage: final.coverage, broken: final.broken, repaired },
      ...(verify ? { verify } : {}),
      commitMessage: commit,
      totals,
      warnings,
    });
  } catch (e) {
    if (e instanceof Stop) {
      await settle((n) => {
        if (e.code !== 'cancelled')
          emit({
            type: 'warning',
            message: `stopping: ${n === 1 ? '1 call is' : `${n} calls are`} still under way; waiting for their answers, kept for the resume`,
          });
      });
      store.update({ status: e.code === 'cancelled' ? 'cancelled' : 'failed', error: e.message });
      return fail(e.code, e.message);
    }
    throw e;
  }
}

const NOTEBOOK = 'notebooks/walkthrough.ipynb';

/** The paper's config and its presets (each headed by what it is for), path → YAML. */
function configFiles(plan: Plan): Map<string, string> {
  const out = new Map([[plan.config.path, plan.config.content]]);
  const purpose = { small: 'a forward and backward pass on a CPU in seconds', medium: 'one GPU, a short run', large: "the paper's scale" };
  for (const preset of PRESETS) {
    const yaml = plan.config.presets?.[preset];
    if (yaml === undefined) continue;
    const head = `# Preset "${preset}" (${purpose[preset]}): overrides ${plan.config.path}; keys not listed keep the paper's values.\n`;
    out.set(
      presetPath(plan.config.path, preset),
      yaml.trimStart().startsWith('#') ? `${yaml.trimEnd()}\n` : `${head}${yaml.trimEnd() || '{}'}\n`,
    );
  }
  return out;
}

/**
 * .papertrail/paper.json: the paper, or for a family every paper with its key and what it
 * builds on, the main one first (docs/citations.md).
 */
function paperJson(input: PipelineInput, family: FamilyMember[] | undefined, plan: FamilyPlan | undefined): string {
  const main = { source: input.paperRef, id: input.paper.id, title: input.paper.title };
  if (!family) return `${JSON.stringify(main, null, 2)}\n`;
  const papers = family.map((m) => ({
    key: m.key,
    source: m.ref,
    id: m.paper.id,
    title: m.paper.title,
    buildsOn: (plan?.graph.edges ?? []).filter((e) => e.from === m.key).map((e) => e.to),
  }));
  return `${JSON.stringify({ ...main, papers }, null, 2)}\n`;
}

/** The passages a file's tags cite, as text for a repair prompt (at most about 6,000 characters). */
function citedPassages(models: PaperModels, content: string): string {
  const seen = new Set<string>();
  const out: string[] = [];
  let size = 0;
  for (const line of content.split('\n')) {
    const hash = line.indexOf('#');
    if (hash < 0) continue;
    for (const tag of parseTagText(line.slice(hash))) {
      const among = resolveAmong(models, tag);
      for (const r of among.resolution.refs) {
        const label = models.byKey.size && among.key ? `[${among.key}] ${r.label}` : r.label;
        if (!r.resolved || seen.has(label)) continue;
        seen.add(label);
        const text = `${label}: ${r.text.replace(/\s+/g, ' ').slice(0, 700)}`;
        if (size + text.length > 6000) return out.join('\n');
        out.push(text);
        size += text.length;
      }
    }
  }
  return out.join('\n');
}

async function auditFiles(
  staging: string,
  files: Map<string, string>,
  models: PaperModels,
): Promise<{
  tags: number;
  coverage: number;
  broken: { file: string; line: number; tag: string; reason: string }[];
  report?: AuditReport;
}> {
  fs.rmSync(staging, { recursive: true, force: true });
  for (const [p, content] of files) writeFileAtomic(path.join(staging, p), content);
  const report = await auditRepository(staging, models.byKey.size ? { paperModels: models } : { paperModel: models.main });
  if (!report.ok) return { tags: 0, coverage: 0, broken: [] };
  return { tags: report.value.counts.tags, coverage: report.value.coverage.ratio, broken: report.value.broken, report: report.value };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const item of items) m.set(key(item), [...(m.get(key(item)) ?? []), item]);
  return m;
}

function emptyTotals(): Record<Stage | 'repair', StageTotals> {
  const t = (): StageTotals => ({ calls: 0, replayed: 0, usage: NO_USAGE, cost: 0, promptChars: 0, sharedPrefixChars: 0 });
  return { planning: t(), analysis: t(), coding: t(), docs: t(), repair: t() };
}
