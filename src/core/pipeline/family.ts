// A family of papers in one run (the research-reproduction practice: one extraction per
// paper, a dependency graph between the papers, one plan ordered by it). Here: the
// extraction's answer shape, the graph built from the extractions, the plan's files ordered
// by it, and a key renamed in the plan review carried through the plan.
import { z } from 'zod';
import type { Paper } from '../paper/model';
import type { Logic } from './schemas';

/** One paper of a run: its key, the parsed paper, and how paper.json names it. */
export interface FamilyMember {
  key: string;
  paper: Paper;
  /** A path relative to the output folder, or an arXiv id / URL (as paper.json keeps it). */
  ref: string;
}

const cite = z.string().describe('Citation tag in PaperTrail grammar with the paper key, e.g. "[titans] §3.2, Eq. 4"');

export const extractionSchema = z.object({
  key: z.string().describe('The key of the paper extracted, as given'),
  equations: z
    .array(z.object({ number: z.string(), what: z.string().describe('What it computes, its symbols and shapes') }))
    .describe('Every numbered equation the method needs'),
  algorithms: z.array(z.object({ number: z.string(), what: z.string() })),
  architecture: z.string().describe('The model or procedure this paper specifies, in a few sentences, with its citations'),
  hyperparameters: z.array(z.object({ name: z.string(), value: z.string(), cite })),
  unspecified: z
    .array(z.string())
    .describe('What this paper leaves open that the code must decide (a padding mask, an initialisation, a loss), with its citation'),
  buildsOn: z
    .array(
      z.object({
        key: z.string().describe('Key of another paper of this run'),
        what: z
          .string()
          .describe(
            'What this paper takes from it, in one short phrase: "reuses its layer (Eq. 2) unchanged", "replaces its gate (Eq. 1)"',
          ),
      }),
    )
    .describe('The other papers of this run this one builds on; [] when none'),
});
export type Extraction = z.infer<typeof extractionSchema>;

/** Which paper builds on which: `from` builds on `to`. `order` lists the keys base papers first. */
export interface FamilyGraph {
  order: string[];
  edges: { from: string; to: string; what: string }[];
}

export interface FamilyPlan {
  papers: { key: string; title: string; id: string; ref: string }[];
  extractions: Extraction[];
  graph: FamilyGraph;
}

/**
 * The dependency graph of the papers from their extractions: edges to unknown keys and to the
 * paper itself are dropped, a cycle is broken at the edge that closes it (each with a warning),
 * and `order` is a topological order, base papers first, ties in the order the user gave.
 */
export function familyGraph(
  keys: readonly string[],
  extractions: readonly Extraction[],
  warn: (m: string) => void = () => {},
): FamilyGraph {
  const edges: FamilyGraph['edges'] = [];
  for (const key of keys) {
    const x = extractions.find((e) => e.key === key);
    for (const b of x?.buildsOn ?? []) {
      const to = b.key.replace(/^\[|\]$/g, '').toLowerCase();
      if (to === key) continue;
      if (!keys.includes(to)) {
        warn(`[${key}] says it builds on [${b.key}], which is not a paper of this run; left out of the graph`);
        continue;
      }
      if (edges.some((e) => e.from === key && e.to === to)) continue;
      if (reaches(edges, to, key)) {
        warn(`[${key}] builds on [${to}] and [${to}] on [${key}]: the cycle is broken at [${key}] → [${to}]`);
        continue;
      }
      edges.push({ from: key, to, what: b.what });
    }
  }
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < keys.length) {
    const next = keys.find((k) => !placed.has(k) && edges.every((e) => e.from !== k || placed.has(e.to)))!;
    order.push(next);
    placed.add(next);
  }
  return { order, edges };
}

function reaches(edges: FamilyGraph['edges'], from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const k = stack.pop()!;
    if (k === to) return true;
    if (seen.has(k)) continue;
    seen.add(k);
    for (const e of edges) if (e.from === k) stack.push(e.to);
  }
  return false;
}

/**
 * The plan's files ordered by the paper graph: a paper's files after those of the papers it
 * builds on, stable within a paper (the model's dependency order). A file naming no paper of
 * the run is the main paper's, with a warning. Dependencies between files still decide the
 * coding waves; this order is what the plan shows and where a cycle is broken.
 */
export function orderByFamily(logic: Logic, graph: FamilyGraph, mainKey: string, warn: (m: string) => void = () => {}): Logic {
  const rank = new Map(graph.order.map((k, i) => [k, i]));
  const files = logic.files.map((f, i) => {
    const key = f.paper?.replace(/^\[|\]$/g, '').toLowerCase();
    if (key && rank.has(key)) return { f: { ...f, paper: key }, i };
    warn(`plan: ${f.path} names ${key ? `[${key}], not a paper of this run` : 'no paper'}; it is taken as [${mainKey}]'s`);
    return { f: { ...f, paper: mainKey }, i };
  });
  files.sort((a, b) => rank.get(a.f.paper!)! - rank.get(b.f.paper!)! || a.i - b.i);
  return { ...logic, files: files.map((x) => x.f) };
}

/**
 * A value with paper keys renamed everywhere they appear: tags ("[old] §2" → "[new] §2") and
 * key fields. Keys are plain lower-case words, so a JSON round trip replaces them safely.
 */
export function renameKeys<T>(value: T, renames: ReadonlyMap<string, string>): T {
  if (!renames.size) return value;
  let text = JSON.stringify(value);
  for (const [from, to] of renames) {
    const esc = from.replace(/[-]/g, '\\-');
    text = text.replace(new RegExp(`\\[${esc}\\]`, 'gi'), `[${to}]`).replace(new RegExp(`"${esc}"`, 'g'), JSON.stringify(to));
  }
  return JSON.parse(text) as T;
}

/** The graph as a mermaid flowchart, base papers at the top (IMPLEMENTATION_PLAN.md). */
export function graphMermaid(family: FamilyPlan): string {
  const lines = ['flowchart BT'];
  for (const p of family.papers) lines.push(`  ${p.key}["[${p.key}] ${p.title.replace(/["[\]]/g, '')}"]`);
  for (const e of family.graph.edges) lines.push(`  ${e.from} -->|${e.what.replace(/[|"]/g, '').slice(0, 60)}| ${e.to}`);
  return lines.join('\n');
}
