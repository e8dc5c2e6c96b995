// What the rest of a run will cost, known once the plan is: the prompts of the analysis
// calls exactly, the coding prompts from typical answer sizes. Shown at plan review and
// printed by --dry-run. An estimate, and labelled as one.
import { estimateTokens } from '../llm/provider';
import type { PriceTable } from '../llm/pricing';
import { priceFor } from '../llm/pricing';
import type { RunOptions, Stage } from './options';
import { modelFor } from './options';
import type { Plan } from './prompts';
import { analysisPrompt, docsPrompt, planMessage } from './prompts';

/** Typical answer sizes in tokens, from the sample runs: an analysis, a code file, the docs. */
const ANSWER = { analysis: 700, code: 1400, docs: 2200, notebook: 1800 };

export interface StageEstimate {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** Undefined when the stage's model has no price. */
  cost?: number;
}

export interface CostEstimate {
  stages: Partial<Record<Stage, StageEstimate>>;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  cost?: number;
}

export function estimateRest(system: string, plan: Plan, options: RunOptions, prices: PriceTable): CostEstimate {
  const prefix = estimateTokens(system) + estimateTokens(planMessage(plan));
  const files = plan.logic.files;
  const stages: CostEstimate['stages'] = {};
  const add = (stage: Stage, calls: number, promptTokens: number, completionTokens: number): void => {
    const price = priceFor(modelFor(options, stage), prices);
    // After the first call, providers serve the shared prefix from their cache.
    const cachedTokens = Math.max(0, calls - 1) * prefix;
    const cost = price
      ? ((promptTokens - cachedTokens) * price.input +
          cachedTokens * (price.cachedInput ?? price.input) +
          completionTokens * price.output) /
        1e6
      : undefined;
    stages[stage] = { calls, promptTokens, completionTokens, ...(cost !== undefined ? { cost } : {}) };
  };
  add(
    'analysis',
    files.length,
    files.reduce((n, f) => n + prefix + estimateTokens(analysisPrompt(f.path)), 0),
    files.length * ANSWER.analysis,
  );
  add(
    'coding',
    files.length,
    files.reduce((n, f) => n + prefix + 300 + ANSWER.analysis + f.dependsOn.length * ANSWER.code, 0),
    files.length * ANSWER.code,
  );
  const docs = estimateTokens(
    docsPrompt(
      files.map((f) => ({ path: f.path, summary: f.responsibilities.join('; ') })),
      plan.config,
    ),
  );
  const docCalls = options.mode === 'educational' ? 2 : 1;
  add('docs', docCalls, docCalls * (prefix + docs), ANSWER.docs + (docCalls - 1) * ANSWER.notebook);
  const all = Object.values(stages);
  const costs = all.map((s) => s.cost);
  return {
    stages,
    calls: all.reduce((n, s) => n + s.calls, 0),
    promptTokens: all.reduce((n, s) => n + s.promptTokens, 0),
    completionTokens: all.reduce((n, s) => n + s.completionTokens, 0),
    ...(costs.every((c) => c !== undefined) ? { cost: costs.reduce((a, b) => a! + b!, 0) } : {}),
  };
}
