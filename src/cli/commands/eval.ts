import fs from 'node:fs';
import path from 'node:path';
import { findRepositoryPaper } from '../../core/citations/paperRef';
import { loadPaperModels } from '../../core/citations/repositoryPapers';
import { getPaper } from '../../core/citations/papers';
import { estimateEval, evalMarkdown, prepareEvaluation, reportPapers, runEvaluation } from '../../core/eval/evaluate';
import { referenceFolder } from '../../core/eval/reference';
import { createOpenAIProvider } from '../../core/llm/openaiProvider';
import { DEFAULT_PRICES } from '../../core/llm/pricing';
import { writeFileAtomic } from '../../core/workspace/writer';
import { endpointFrom } from '../endpoint';
import type { CliIo } from '../io';
import { EXIT_OK, EXIT_USAGE } from '../io';
import { parseVerbArgs } from '../parse-args';
import type { Verb } from '../verb';

export const evalVerb: Verb = {
  name: 'eval',
  summary: "score a reimplementation against its paper (and the authors' code): components 1–5 with critiques",
  usage: `usage: papertrail eval <repo> [--paper P] [--reference DIR|GIT-URL] [--model M] [--base-url URL] [--api-key-env NAME] [--dry-run] [--json]

  <repo>          the repository to evaluate (its .papertrail/paper.json names the paper)
  --paper P       the paper (.pdf, LaTeX, arXiv id) when the repository names none
  --reference R   reference-based: the authors' code, a folder or a git URL (cloned once into
                  the cache); without it the evaluation is reference-free (the paper alone)
  --model M       default $PAPERTRAIL_MODEL, else gpt-4.1
  --base-url, --api-key-env   the endpoint, as for reimplement
  --dry-run       print the cost estimate and stop
  --json          one JSON document: {estimate, evaluation: {components, overall, summary}, usage, cost, report}

The estimate is printed first; the report is written to <repo>/EVALUATION.md (and the JSON
beside it in .papertrail/eval/). A model's judgement after PaperCoder's evaluation: read the critiques.
exit: 0 evaluated (or estimated), 2 bad usage, no paper, or the model call failed (one line says why)`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseVerbArgs('eval', argv, {
      paper: { type: 'string' },
      reference: { type: 'string' },
      model: { type: 'string' },
      'base-url': { type: 'string' },
      'api-key-env': { type: 'string' },
      'dry-run': { type: 'boolean' },
    });
    if (!args.ok) return usage(io, args.error.message);
    const v = args.value.values;
    if (v.help) {
      io.stdout(this.usage + '\n');
      return EXIT_OK;
    }
    const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
    const [repoArg, ...extra] = args.value.positionals;
    if (!repoArg || extra.length)
      return usage(io, 'papertrail eval: give exactly one repository folder, e.g. papertrail eval repro (see --help)');
    const repo = path.resolve(io.cwd, repoArg);
    if (!fs.existsSync(repo)) return usage(io, `papertrail eval: ${repoArg}: no such folder`);
    if (!fs.statSync(repo).isDirectory()) return usage(io, `papertrail eval: ${repoArg} is a file; give the repository's folder`);
    // A dry run calls nothing, so it needs no key.
    const endpoint = v['dry-run'] ? { baseURL: '', apiKey: '' } : endpointFrom(str, io, 'eval');
    if (typeof endpoint === 'string') return usage(io, endpoint);

    const found = str('paper') ? undefined : findRepositoryPaper(repo);
    if (found && !found.ok) return usage(io, `papertrail eval: ${found.error.message}`);
    const named = str('paper') ?? found?.value?.source;
    if (!named) return usage(io, `papertrail eval: ${repoArg} names no paper (no .papertrail/paper.json); pass --paper`);
    // The repository's own papers (a family: every one) unless --paper names one.
    const papers = await loadPaperModels(
      str('paper') || !found?.value ? { source: named, origin: 'setting' } : found.value,
      (s) => getPaper(s, { cwd: str('paper') ? io.cwd : repo, env: io.env }),
      { all: true },
    );
    if (!papers.ok) return usage(io, `papertrail eval: ${papers.error.message}`);
    const refArg = str('reference');
    const refDir = refArg ? await referenceFolder(refArg, { cwd: io.cwd, env: io.env }) : undefined;
    if (refDir && !refDir.ok) return usage(io, `papertrail eval: ${refDir.error.message}`);

    const { repository, reference, messages } = prepareEvaluation(papers.value, repo, refDir?.ok ? refDir.value : undefined);
    if (!repository.files.length) return usage(io, `papertrail eval: ${repoArg} has no source files to read`);
    const model = str('model') ?? io.env.PAPERTRAIL_MODEL ?? 'gpt-4.1';
    const estimate = estimateEval(messages, model, DEFAULT_PRICES);
    const estimateLine = `estimate: 1 call to ${model}, ~${(estimate.promptTokens / 1000).toFixed(1)}k prompt + ~${(estimate.completionTokens / 1000).toFixed(1)}k answer tokens, ${estimate.cost === undefined ? 'cost unknown' : `~$${estimate.cost.toFixed(3)}`}`;
    // What is judged against: a family's papers, each by key.
    const { paper: title, alsoPapers } = reportPapers(papers.value);
    const papersLine = `judged against: "${title}"${alsoPapers ? ` with ${alsoPapers.join('; ')}` : ''}`;
    if (v['dry-run']) {
      io.stdout(v.json ? `${JSON.stringify({ estimate })}\n` : `${papersLine}\n${estimateLine}\n`);
      return EXIT_OK;
    }
    if (!v.json) io.stderr(`${papersLine}\n${estimateLine}\n`);
    const result = await runEvaluation(createOpenAIProvider(endpoint), model, messages, DEFAULT_PRICES);
    if (!result.ok) return usage(io, `papertrail eval: ${result.error.message}. Nothing was written.`);
    const date = new Date().toISOString().slice(0, 10);
    const report = evalMarkdown(result.value.evaluation, {
      ...reportPapers(papers.value),
      repository: repoArg,
      ...(refArg ? { reference: refArg } : {}),
      model,
      date,
      ...(result.value.cost !== undefined ? { cost: result.value.cost } : {}),
      files: repository.files.length,
      leftOut: repository.leftOut,
    });
    const reportPath = path.join(repo, 'EVALUATION.md');
    writeFileAtomic(reportPath, report);
    const record = {
      estimate,
      mode: reference ? 'reference-based' : 'reference-free',
      model,
      evaluation: result.value.evaluation,
      usage: result.value.usage,
      ...(result.value.cost !== undefined ? { cost: result.value.cost } : {}),
      report: path.relative(io.cwd, reportPath),
    };
    writeFileAtomic(
      path.join(repo, '.papertrail', 'eval', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
      `${JSON.stringify({ ...record, answer: result.value.text }, null, 1)}\n`,
    );
    if (v.json) io.stdout(`${JSON.stringify(record)}\n`);
    else {
      const e = result.value.evaluation;
      io.stdout(
        [
          `overall ${e.overall}/5 (${record.mode}, ${e.components.length} components)`,
          ...e.components.map((c) => `  ${String(c.score).padStart(1)}/5  ${c.name}  (${c.paperPlace})`),
          `report: ${record.report}`,
        ].join('\n') + '\n',
      );
    }
    return EXIT_OK;
  },
};

function usage(io: CliIo, message: string): number {
  io.stderr(`${message}\n`);
  return EXIT_USAGE;
}
