// What each stage must answer, as zod schemas: validated after every call, sent to the
// provider as a JSON schema where it enforces one. Field descriptions are part of the
// prompt the model sees, so they say what a good answer holds.
import { z } from 'zod';

const cite = z.string().describe('Citation tag in PaperTrail grammar, e.g. "§3.2, Eq. 4" or "[UNSPECIFIED] ..."');

export const overviewSchema = z.object({
  title: z.string(),
  summary: z.string().describe('What the paper proposes, in three to six sentences'),
  components: z
    .array(z.object({ name: z.string(), purpose: z.string(), cite }))
    .describe('Methods, modules and procedures to implement, each with where the paper specifies it'),
  training: z.string().describe('Training procedure and hyperparameters as the paper gives them; "" when out of scope'),
  evaluation: z.string().describe('Datasets, metrics and reported numbers to check against; "" when none'),
});
export type Overview = z.infer<typeof overviewSchema>;

export const architectureSchema = z.object({
  files: z
    .array(z.object({ path: z.string().describe('Relative path with forward slashes, e.g. "model/attention.py"'), purpose: z.string() }))
    .describe('Every code and test file; README, notes, requirements and config are written later'),
  classDiagram: z.string().describe('mermaid classDiagram source'),
  sequenceDiagram: z.string().describe('mermaid sequenceDiagram source'),
  openQuestions: z
    .array(z.object({ question: z.string(), options: z.array(z.string()), cite }))
    .describe('Choices the paper leaves open that shape the code'),
});
export type Architecture = z.infer<typeof architectureSchema>;

export const logicSchema = z.object({
  files: z
    .array(
      z.object({
        path: z.string(),
        responsibilities: z.array(z.string()),
        dependsOn: z.array(z.string()).describe('Paths of files in this list whose code this file needs'),
        cites: z.array(cite),
        paper: z.string().optional().describe('Several papers only: the key of the paper this file implements'),
      }),
    )
    .describe('The files of the architecture, in dependency order'),
  packages: z.array(z.object({ name: z.string(), version: z.string().describe('Version specifier, "" for any') })),
  shared: z.string().describe('Conventions every file follows: shapes, dtypes, names, config keys'),
});
export type Logic = z.infer<typeof logicSchema>;

export const configSchema = z.object({
  path: z.string().describe('Always "configs/paper.yaml"'),
  content: z.string().describe("YAML with the paper's values; every value carries a citation tag or a flag in a comment"),
  presets: z
    .object({
      small: z.string().describe('YAML overriding paper.yaml: sizes for a forward and backward pass on a CPU in seconds'),
      medium: z.string().describe('YAML overriding paper.yaml: one GPU, a short run'),
      large: z.string().describe("YAML overriding paper.yaml: the paper's own scale (often empty: {})"),
    })
    .optional()
    .describe('Each preset lists only the keys it changes, under the same nesting; the loader merges it over paper.yaml'),
});
export type ConfigFile = z.infer<typeof configSchema>;

export const analysisSchema = z.object({
  path: z.string(),
  summary: z.string(),
  steps: z.array(z.object({ what: z.string(), cite })).describe('What the code does, in order, each with its citation'),
  interfaces: z.array(z.object({ name: z.string(), signature: z.string(), description: z.string() })).describe('What other files may call'),
  unspecified: z.array(z.object({ choice: z.string(), alternatives: z.array(z.string()), decision: z.string() })),
});
export type Analysis = z.infer<typeof analysisSchema>;

export const fileSchema = z.object({
  path: z.string(),
  content: z.string().describe('The whole file; every non-trivial line or block carries a citation tag or a flag'),
});
export type GeneratedFile = z.infer<typeof fileSchema>;

export const docsSchema = z.object({
  readme: z
    .string()
    .describe('README.md: what this is, layout, how to run the tests (the quick start, status, hardware and citation are added)'),
  reproductionNotes: z
    .string()
    .describe('REPRODUCTION_NOTES.md: specified / partially specified / unspecified choices with alternatives, known deviations'),
  requirements: z
    .string()
    .describe('requirements.txt: the packages the code imports, one per line, with version specifiers; test tools excluded'),
  /** Old answers carry a pyproject.toml of the model's; PaperTrail writes its own from the plan. */
  pyproject: z.string().optional(),
  smoke: z
    .string()
    .optional()
    .describe(
      'One command, run from the repository root, that runs a forward and backward pass with the small preset on a CPU in seconds, e.g. "python -m pkg.train --preset small --steps 1"',
    ),
  hardware: z.string().optional().describe('Hardware notes: what runs on a CPU, what needs a GPU and how much memory, from the presets'),
});
export type Docs = z.infer<typeof docsSchema>;

export const notebookSchema = z.object({
  cells: z.array(z.object({ kind: z.enum(['markdown', 'code']), source: z.string() })),
});
export type NotebookCells = z.infer<typeof notebookSchema>;

/** JSON schema for a provider's structured-output mode. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/**
 * A schema as a compact TypeScript-like shape for the prompt: a quarter of the size of its
 * JSON schema, sent in every call. A description is written the first time it occurs only.
 */
export function shapeOf(schema: z.ZodType, seen: Set<string> = new Set()): string {
  return render(jsonSchemaOf(schema));

  function render(node: Record<string, unknown>): string {
    const note = typeof node.description === 'string' && !seen.has(node.description) ? ` /* ${node.description} */` : '';
    if (typeof node.description === 'string') seen.add(node.description);
    if (node.type === 'object') {
      const props = Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>).map(
        ([k, v]) => `${k}: ${render(v)}`,
      );
      return `{ ${props.join('; ')} }${note}`;
    }
    if (node.type === 'array') return `${render(node.items as Record<string, unknown>)}[]${note}`;
    if (Array.isArray(node.enum)) return `${node.enum.map((e) => JSON.stringify(e)).join(' | ')}${note}`;
    return `${String(node.type)}${note}`;
  }
}
