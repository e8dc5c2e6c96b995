// npm run bench:pipeline — PaperTrail's schedule against PaperCoder's on the same paper,
// transcript and file count, through the scripted OpenAI-compatible server with a fixed
// latency per call. PaperCoder's schedule: four planning calls as one growing conversation,
// then one analysis and one coding call per file, one after another, each carrying the paper,
// the whole planning conversation and (coding) every earlier file.
// usage: npm run bench:pipeline [-- --latency MS] [--paper FILE.pdf ...]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OpenAI } from 'openai';
import { createOpenAIProvider } from '../src/core/llm/openaiProvider';
import { DEFAULT_PRICES } from '../src/core/llm/pricing';
import type { Paper } from '../src/core/paper/model';
import { parsePaper } from '../src/core/paper/parse';
import { DEFAULT_OPTIONS } from '../src/core/pipeline/options';
import { paperMarkdown } from '../src/core/paper/markdown';
import { runPipeline } from '../src/core/pipeline/pipeline';
import { analysisPrompt, overviewPrompt, systemPrompt } from '../src/core/pipeline/prompts';
import { taskHeading } from '../src/core/pipeline/tasks';
import { startRun } from '../src/core/pipeline/session';
import { SAMPLE_FILES, sampleScript } from '../test/fixtures/llm/sample-transcript';
import { startScriptedServer } from '../test/fixtures/llm/scriptedServer';
import { writeSamplePaper } from '../test/fixtures/synthetic/sample-paper';

interface Measure {
  wallMs: number;
  calls: number;
  promptTokens: number;
  cachedTokens: number;
  /** Our structural measure: characters of each prompt in the run-wide shared prefix. */
  sharedPrefix?: number;
}

const args = process.argv.slice(2);
const latencyMs = Number(args[args.indexOf('--latency') + 1] ?? 0) || 500;
const extraPapers = args.flatMap((a, i) => (args[i - 1] === '--paper' ? [a] : []));

async function ours(paper: Paper, source: string, tmp: string, repairRounds: number, verify = false): Promise<Measure> {
  const server = await startScriptedServer({ ...sampleScript(), latencyMs });
  const started = Date.now();
  const run = await startRun({
    source,
    outDir: path.join(tmp, `ours-${Date.now()}`),
    options: { ...DEFAULT_OPTIONS, repairRounds, models: { default: 'scripted-model' } },
    cwd: tmp,
  });
  if (!run.ok) throw new Error(run.error.message);
  const result = await runPipeline({
    ...run.value,
    provider: createOpenAIProvider({ baseURL: server.url, apiKey: 'k' }),
    prices: DEFAULT_PRICES,
    ...(verify ? { verify: { python: '/usr/bin/python3' } } : {}),
  });
  if (!result.ok) throw new Error(result.error.message);
  const wallMs = Date.now() - started;
  const totals = Object.values(result.value.totals);
  await server.close();
  void paper;
  return {
    wallMs,
    calls: server.requests.length,
    promptTokens: totals.reduce((n, t) => n + t.usage.promptTokens, 0),
    cachedTokens: totals.reduce((n, t) => n + t.usage.cachedPromptTokens, 0),
    sharedPrefix: totals.reduce((n, t) => n + t.sharedPrefixChars, 0) / totals.reduce((n, t) => n + t.promptChars, 0),
  };
}

async function paperCoder(paper: Paper): Promise<Measure> {
  const server = await startScriptedServer({ ...sampleScript(), latencyMs });
  const client = new OpenAI({ baseURL: server.url, apiKey: 'k', maxRetries: 0 });
  // Same instructions and paper text as ours, so only the schedule differs.
  const system = systemPrompt('', { ...DEFAULT_OPTIONS }).replace(/<paper>[\s\S]*<\/paper>$/, '');
  const paperMsg = `The paper:\n<paper>\n${paperMarkdown(paper)}\n</paper>`;
  type Msg = { role: 'system' | 'user' | 'assistant'; content: string };
  let promptTokens = 0;
  let cachedTokens = 0;
  const ask = async (messages: Msg[]): Promise<string> => {
    const r = await client.chat.completions.create({ model: 'scripted-model', messages });
    promptTokens += r.usage?.prompt_tokens ?? 0;
    cachedTokens += r.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    return r.choices[0]?.message.content ?? '';
  };
  const started = Date.now();
  const conversation: Msg[] = [{ role: 'system', content: system }];
  // PaperCoder's later planning turns rely on the conversation, not on repeating earlier answers.
  const planning = [
    `${paperMsg}\n\n${overviewPrompt()}`,
    `${taskHeading('plan-architecture')}\nDesign the repository: files, class diagram, sequence diagram, open questions.`,
    `${taskHeading('plan-logic')}\nWrite the logic design: files in dependency order, packages, shared conventions.`,
    `${taskHeading('plan-config')}\nWrite configs/base.yaml.`,
  ];
  for (const task of planning) {
    conversation.push({ role: 'user', content: task });
    conversation.push({ role: 'assistant', content: await ask(conversation) });
  }
  const analyses: string[] = [];
  for (const file of SAMPLE_FILES) analyses.push(await ask([...conversation, { role: 'user', content: analysisPrompt(file) }]));
  const written: string[] = [];
  for (let i = 0; i < SAMPLE_FILES.length; i++) {
    const file = SAMPLE_FILES[i]!;
    const earlier = written.map((c, j) => `${SAMPLE_FILES[j]}:\n\`\`\`\n${c}\n\`\`\``).join('\n\n');
    const text = await ask([
      ...conversation,
      { role: 'user', content: `## Task: code ${file}\nAnalysis:\n${analyses[i]}\n\nEvery file written so far:\n${earlier}` },
    ]);
    written.push((JSON.parse(text) as { content: string }).content);
  }
  const wallMs = Date.now() - started;
  await server.close();
  return { wallMs, calls: server.requests.length, promptTokens, cachedTokens };
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-bench-pipeline-'));
  const sample = path.join(tmp, 'sample-paper.pdf');
  await writeSamplePaper(sample);
  const papers = [sample, ...extraPapers.map((p) => path.resolve(p))];
  console.log(
    `scripted server latency ${latencyMs} ms per call; ${SAMPLE_FILES.length} code and test files; concurrency ${DEFAULT_OPTIONS.concurrency}\n`,
  );
  console.log(row(['paper', 'schedule', 'calls', 'wall s', 'prompt tokens', 'cache-served', 'shared prefix']));
  console.log(row(['---', '---', '---:', '---:', '---:', '---:', '---:']));
  for (const file of papers) {
    const parsed = await parsePaper(file, { cwd: tmp });
    if (!parsed.ok) throw new Error(parsed.error.message);
    // Real papers get no citation repair: the transcript's tags cite the sample paper.
    const a = await ours(parsed.value, file, tmp, file === sample ? 1 : 0);
    const b = await paperCoder(parsed.value);
    const name = file === sample ? 'sample (2 pp.)' : `${path.basename(file)} (${parsed.value.pageCount} pp.)`;
    const pct = (x: number): string => `${(100 * x).toFixed(0)}%`;
    console.log(
      row([name, 'PaperCoder', b.calls, (b.wallMs / 1000).toFixed(1), b.promptTokens, pct(b.cachedTokens / b.promptTokens), '—']),
    );
    console.log(
      row([
        name,
        'PaperTrail',
        a.calls,
        (a.wallMs / 1000).toFixed(1),
        a.promptTokens,
        pct(a.cachedTokens / a.promptTokens),
        pct(a.sharedPrefix!),
      ]),
    );
    console.log(
      row([name, 'ratio', '', `${(a.wallMs / b.wallMs).toFixed(2)}×`, `${(a.promptTokens / b.promptTokens).toFixed(2)}×`, '', '']),
    );
  }
  // What the verify stage adds on the sample paper: ruff, the probe, imports and 19 tests with Debian's python3.
  const parsedSample = await parsePaper(sample, { cwd: tmp });
  if (parsedSample.ok && fs.existsSync('/usr/bin/python3')) {
    const without = await ours(parsedSample.value, sample, tmp, 1);
    const withVerify = await ours(parsedSample.value, sample, tmp, 1, true);
    console.log(
      `\nverify (sample paper, /usr/bin/python3): ${(without.wallMs / 1000).toFixed(1)} s without, ${(withVerify.wallMs / 1000).toFixed(1)} s with: +${((withVerify.wallMs - without.wallMs) / 1000).toFixed(1)} s`,
    );
  }
  console.log('\ngoals: wall ≤ 0.5×, prompt tokens ≤ 0.6×, shared prefix ≥ 70%');
  console.log('PaperTrail counts its docs call and citation repair too; PaperCoder here has neither.');
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(`bench:pipeline: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
