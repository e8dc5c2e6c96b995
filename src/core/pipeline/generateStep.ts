// Analysis, coding and docs as one dependency graph under one concurrency limit: a file is
// coded as soon as its analysis and the code of the files it needs are done, and the docs
// (which need only the analyses) are written while the code is.
import type { ChatMessage } from '../llm/provider';
import type { Limit } from './concurrency';
import { settleAll } from './concurrency';
import type { Mode } from './options';
import type { PipelineEvent } from './pipeline';
import type { Plan } from './prompts';
import * as prompts from './prompts';
import type { RecordedCall } from './recordedCall';
import type { Analysis, Docs, GeneratedFile, NotebookCells } from './schemas';
import { analysisSchema, docsSchema, fileSchema, notebookSchema } from './schemas';
import { dependencyWaves } from './schedule';

export interface GenerateInput {
  plan: Plan;
  mode: Mode;
  call: RecordedCall;
  limit: Limit;
  /** The system message and the plan: the prefix every call shares. */
  messages: ChatMessage[];
  /** Its length in characters, for the run record. */
  prefix: number;
  emit: (event: PipelineEvent) => void;
  warn: (message: string) => void;
  /** The citation check of one written file; returns the file as it stands after (a repair, or unchanged). */
  checkFile: (file: string, content: string) => Promise<string>;
}

export interface Generated {
  /** path → content, after each file's own citation check. */
  code: Map<string, string>;
  docs: Docs;
  notebook?: NotebookCells;
  analyses: Map<string, Analysis>;
  /** The files in dependency waves: each wave needs only earlier ones. */
  waves: string[][];
}

/**
 * Runs the graph. Every call in flight is awaited before the first failure is reported.
 * @throws the first failed call's Stop (model error, cancellation).
 */
export async function generateStep(g: GenerateInput): Promise<Generated> {
  const { plan, call, limit, messages, prefix, emit } = g;
  emit({ type: 'stage', stage: 'analysis' });
  const files = plan.logic.files.map((f) => f.path);
  const { waves, warnings } = dependencyWaves(plan.logic.files);
  warnings.forEach(g.warn);
  const waveOf = new Map(waves.flatMap((w, i) => w.map((f) => [f, i] as const)));
  const ask = <T>(
    key: string,
    stage: Parameters<RecordedCall>[1],
    file: string | undefined,
    task: string,
    schema: Parameters<RecordedCall>[4],
  ) => limit(() => call(key, stage, file, [...messages, { role: 'user', content: task }], schema, prefix) as Promise<T>);

  const analyses = new Map(
    files.map((file) => [file, ask<Analysis>(`analyze:${file}`, 'analysis', file, prompts.analysisPrompt(file), analysisSchema)]),
  );

  const coded = new Map<string, Promise<GeneratedFile>>();
  const checked = new Map<string, Promise<string>>();
  let codingStarted = false;
  const codeOf = (file: string): Promise<GeneratedFile> => {
    const known = coded.get(file);
    if (known) return known;
    // Only dependencies of an earlier wave count: that is how a cycle was broken.
    const deps = (plan.logic.files.find((f) => f.path === file)?.dependsOn ?? []).filter(
      (d) => (waveOf.get(d) ?? Infinity) < waveOf.get(file)!,
    );
    const p = Promise.all([analyses.get(file)!, ...deps.map(codeOf)]).then(async ([analysis, ...depCode]) => {
      const answer = await limit(() => {
        if (!codingStarted) emit({ type: 'stage', stage: 'coding' });
        codingStarted = true;
        const task = prompts.codePrompt(file, analysis as Analysis, depCode as GeneratedFile[]);
        return call(`code:${file}`, 'coding', file, [...messages, { role: 'user', content: task }], fileSchema, prefix);
      });
      if (answer.path !== file) g.warn(`the model answered ${file} as "${answer.path}"; kept as ${file}`);
      return { path: file, content: answer.content };
    });
    // Dependents do not wait for the citation check (it changes tags only): they get the first version.
    checked.set(
      file,
      p.then((f) => g.checkFile(f.path, f.content)),
    );
    coded.set(file, p);
    return p;
  };

  const summaries = Promise.all(files.map((f) => analyses.get(f)!)).then((all) =>
    all.map((a, i) => ({ path: files[i]!, summary: a.summary })),
  );
  const docs = summaries.then((s) => ask<Docs>('docs', 'docs', undefined, prompts.docsPrompt(s, plan.config), docsSchema));
  const notebook =
    g.mode === 'educational'
      ? summaries.then((s) => ask<NotebookCells>('notebook', 'docs', undefined, prompts.notebookPrompt(s), notebookSchema))
      : Promise.resolve(undefined);
  files.forEach(codeOf);
  const [code, docsDone, notebookDone] = await settleAll([
    Promise.all(files.map((f) => checked.get(f)!)),
    docs,
    notebook,
    Promise.all(coded.values()),
  ] as const);
  const analysesDone = new Map<string, Analysis>();
  for (const f of files) analysesDone.set(f, await analyses.get(f)!);
  return {
    code: new Map(files.map((f, i) => [f, code[i]!])),
    docs: docsDone,
    ...(notebookDone ? { notebook: notebookDone } : {}),
    analyses: analysesDone,
    waves,
  };
}
