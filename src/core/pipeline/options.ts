// What a user chooses for a run. Stored in the run record, so a resumed run is the same run.
import type { PriceTable } from '../llm/pricing';

export type Mode = 'minimal' | 'full' | 'educational';
export type Framework = 'pytorch' | 'jax' | 'tensorflow' | 'numpy';
export type Stage = 'planning' | 'analysis' | 'coding' | 'docs';

export const MODES: readonly Mode[] = ['minimal', 'full', 'educational'];
export const FRAMEWORKS: readonly Framework[] = ['pytorch', 'jax', 'tensorflow', 'numpy'];

export interface RunOptions {
  mode: Mode;
  framework: Framework;
  /** Section numbers to implement ("3", "3.2"); empty: the whole paper. */
  scope: string[];
  /** URL or path of the authors' code, when there is one: tags may then say [FROM_OFFICIAL_CODE]. */
  officialCode?: string;
  /** Model name per stage; `default` for stages not named. */
  models: { default: string } & Partial<Record<Stage, string>>;
  /** Calls in flight at once (analysis, and coding within a dependency wave). */
  concurrency: number;
  /** Output limit of one answer, in tokens; unset: the server's default. */
  maxTokens?: number;
  /** Rounds of citation repair after coding. */
  repairRounds: number;
  /** Rounds of repair from verification failures (lint, imports, tests); default 2. */
  verifyRounds?: number;
}

export const DEFAULT_OPTIONS: RunOptions = {
  mode: 'minimal',
  framework: 'pytorch',
  scope: [],
  models: { default: 'gpt-4.1' },
  concurrency: 4,
  repairRounds: 1,
};

export function modelFor(options: RunOptions, stage: Stage): string {
  return options.models[stage] ?? options.models.default;
}

export interface CostSettings {
  prices: PriceTable;
}
