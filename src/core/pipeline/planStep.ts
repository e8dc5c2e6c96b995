// Planning and its review: for several papers one extraction each and the graph between them
// first, then four planning calls, each on the answers before it; the plan's paths made safe,
// the user's edits (config, paper keys) kept, the review hook asked.
import type { z } from 'zod';
import type { PathRefusal } from '../workspace/safePath';
import { displayPath } from '../workspace/safePath';
import type { CostEstimate } from './estimate';
import { estimateRest } from './estimate';
import type { Extraction, FamilyMember, FamilyPlan } from './family';
import { extractionSchema, familyGraph, orderByFamily, renameKeys } from './family';
import type { RunOptions } from './options';
import type { PipelineInput, ReviewDecision } from './pipeline';
import { confinePlanPaths } from './planPaths';
import type { Plan } from './prompts';
import * as prompts from './prompts';
import type { RecordedCall } from './recordedCall';
import { architectureSchema, configSchema, logicSchema, overviewSchema } from './schemas';

/**
 * Planning and its review: four calls, each on the answers before it (the config last, from
 * the keys the logic design says the code reads: written side by side, the two drifted apart);
 * the plan's paths made safe; the user's config edit kept; the review hook asked.
 * @returns the plan, the refused paths, the estimate of the rest, and whether the run stops here.
 */
export async function planStep(
  input: PipelineInput,
  call: RecordedCall,
  system: string,
  warn: (m: string) => void,
): Promise<{
  plan: Plan;
  refused: PathRefusal[];
  estimate: CostEstimate;
  stopped: boolean;
  reviewed: boolean;
  renames: Map<string, string>;
}> {
  const { options, store } = input;
  input.onEvent?.({ type: 'stage', stage: 'planning' });
  const base = prompts.baseMessages(system);
  const planCall = <T>(key: string, task: string, schema: z.ZodType<T>): Promise<T> =>
    call(key, 'planning', undefined, [...base, { role: 'user', content: task }], schema, system.length);
  const family = input.family ? await extractFamily(input.family, planCall, warn) : undefined;
  const overview = await planCall('plan-overview', prompts.overviewPrompt(family), overviewSchema);
  const architecture = await planCall('plan-architecture', prompts.architecturePrompt(overview, family), architectureSchema);
  let logic = await planCall('plan-logic', prompts.logicPrompt(overview, architecture, family), logicSchema);
  const config = await planCall('plan-config', prompts.configPrompt(overview, architecture, logic), configSchema);
  if (family) logic = orderByFamily(logic, family.graph, input.family![0]!.key, warn);

  const confined = confinePlanPaths({ overview, architecture, logic, config, ...(family ? { family } : {}) }, input.outDir);
  let { plan } = confined;
  const { refused } = confined;
  for (const r of refused) warn(`refused the path ${displayPath(r.path)}: ${r.reason}`);
  for (const note of confined.notes) warn(`plan path ${note}`);
  for (const missing of modeGaps(plan, options.mode)) warn(missing);
  const override = store.read().configOverride;
  if (override !== undefined) plan.config = { ...plan.config, content: override };
  // Keys renamed in an earlier review of this run (the planning calls replayed say the old ones).
  const renames = new Map(Object.entries(store.read().keyRenames ?? {}));
  if (renames.size) plan = renameKeys(plan, renames);
  const estimate = estimateRest(system, plan, options, input.prices);
  store.update({ status: 'planned' });
  let decision: ReviewDecision | undefined;
  if (input.review) {
    decision = await input.review(plan, estimate, refused);
    if (decision.action === 'stop') return { plan, refused, estimate, stopped: true, reviewed: true, renames };
    if (decision.config !== undefined && decision.config !== plan.config.content) {
      plan.config = { ...plan.config, content: decision.config };
      store.update({ configOverride: decision.config });
    }
    const now = new Map<string, string>();
    for (const [from, to] of Object.entries(decision.keys ?? {}))
      if (from !== to && plan.family?.papers.some((p) => p.key === from)) now.set(from, to);
    if (now.size) {
      plan = renameKeys(plan, now);
      // Composed with the earlier renames: the original key → its newest name.
      for (const [from, to] of now) renames.set([...renames].find(([, cur]) => cur === from)?.[0] ?? from, to);
      store.update({ keyRenames: Object.fromEntries(renames) });
    }
  }
  return { plan, refused, estimate, stopped: false, reviewed: decision?.action === 'continue' && decision.reviewed === true, renames };
}

/**
 * One extraction call per paper, all at once (they share the system message, so a provider's
 * prefix cache serves all but the first), then the graph of which paper builds on which.
 */
async function extractFamily(
  members: FamilyMember[],
  planCall: <T>(key: string, task: string, schema: z.ZodType<T>) => Promise<T>,
  warn: (m: string) => void,
): Promise<FamilyPlan> {
  const papers = members.map((m) => ({ key: m.key, title: m.paper.title, id: m.paper.id, ref: m.ref }));
  const extractions: Extraction[] = await Promise.all(
    members.map(async (m) => {
      const others = papers.filter((p) => p.key !== m.key);
      const x = await planCall(`extract:${m.key}`, prompts.extractPrompt(m.key, others), extractionSchema);
      return { ...x, key: m.key };
    }),
  );
  const keys = members.map((m) => m.key);
  return { papers, extractions, graph: familyGraph(keys, extractions, warn) };
}

/**
 * What the mode promises that the plan lacks, one line each: full mode has a training entry
 * point, a data module and demo/app.py; a repository has tests.
 */
export function modeGaps(plan: Plan, mode: RunOptions['mode']): string[] {
  const paths = plan.logic.files.map((f) => f.path);
  const gaps: string[] = [];
  if (!paths.some((p) => /(^|\/)tests?\//.test(p))) gaps.push('the plan has no tests/ folder: nothing will check the equations');
  if (mode === 'full') {
    if (!paths.some((p) => /(^|\/)train[\w]*\.py$/.test(p))) gaps.push('mode full: the plan has no training entry point (train.py)');
    if (!paths.some((p) => /(^|\/)(data|dataset|datasets)(\.py|\/)/.test(p))) gaps.push('mode full: the plan has no data module');
    if (!paths.includes('demo/app.py')) gaps.push('mode full: the plan has no demo/app.py');
  }
  return gaps;
}
