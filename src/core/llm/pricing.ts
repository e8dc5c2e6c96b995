// Cost from token counts. Prices change and differ by provider, so the table is data the
// user can replace (CLI --prices FILE, setting papertrail.llm.prices); a model missing
// from it costs "unknown", never a guess.
import type { ChatUsage } from './provider';

/** US dollars per million tokens. `cachedInput` defaults to `input` when a provider gives no discount. */
export interface ModelPrice {
  input: number;
  cachedInput?: number;
  output: number;
}

export type PriceTable = Record<string, ModelPrice>;

/** Published list prices (USD / 1M tokens) of common models when this table was written; override as needed. */
export const DEFAULT_PRICES: PriceTable = {
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'o3-mini': { input: 1.1, cachedInput: 0.55, output: 4.4 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
};

/** Dollars for one call's usage, or undefined when the model is not in the table. */
export function costOf(usage: ChatUsage, model: string, prices: PriceTable): number | undefined {
  const price = priceFor(model, prices);
  if (!price) return undefined;
  const cached = Math.min(usage.cachedPromptTokens, usage.promptTokens);
  const fresh = usage.promptTokens - cached;
  return (fresh * price.input + cached * (price.cachedInput ?? price.input) + usage.completionTokens * price.output) / 1e6;
}

/** Exact name first, then the longest table key the model name starts with ("gpt-4o-2024-08-06" → "gpt-4o"). */
export function priceFor(model: string, prices: PriceTable): ModelPrice | undefined {
  if (prices[model]) return prices[model];
  const key = Object.keys(prices)
    .filter((k) => model.startsWith(k))
    .sort((a, b) => b.length - a.length)[0];
  return key ? prices[key] : undefined;
}

/** Checks a user-supplied table: { "model": { "input": n, "output": n, "cachedInput"?: n } }. */
export function parsePriceTable(data: unknown): PriceTable | string {
  if (!data || typeof data !== 'object' || Array.isArray(data))
    return 'a price table is an object of model names to {"input", "output"} prices per million tokens';
  const table: PriceTable = {};
  for (const [model, value] of Object.entries(data as Record<string, unknown>)) {
    const v = value as Partial<ModelPrice> | null;
    if (!v || typeof v.input !== 'number' || typeof v.output !== 'number')
      return `price for "${model}" needs numeric "input" and "output" (dollars per million tokens)`;
    table[model] = { input: v.input, output: v.output, ...(typeof v.cachedInput === 'number' ? { cachedInput: v.cachedInput } : {}) };
  }
  return table;
}

export function addUsage(a: ChatUsage, b: ChatUsage): ChatUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    cachedPromptTokens: a.cachedPromptTokens + b.cachedPromptTokens,
    ...(a.estimated || b.estimated ? { estimated: true } : {}),
  };
}

export const NO_USAGE: ChatUsage = { promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0 };
