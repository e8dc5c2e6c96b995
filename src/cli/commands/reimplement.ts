import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../../core/errors';
import { createOpenAIProvider } from '../../core/llm/openaiProvider';
import { endpointFrom } from '../endpoint';
import type { PriceTable } from '../../core/llm/pricing';
import { DEFAULT_PRICES, parsePriceTable } from '../../core/llm/pricing';
import type { Framework, Mode, RunOptions } from '../../core/pipeline/options';
import { DEFAULT_OPTIONS, FRAMEWORKS, MODES } from '../../core/pipeline/options';
import type { PipelineResult } from '../../core/pipeline/pipeline';
import { runPipeline } from '../../core/pipeline/pipeline';
import type { PreparedRun } from '../../core/pipeline/session';
import { reopenRun, startRun } from '../../core/pipeline/session';
import { RUNS_DIR } from '../../core/pipeline/store';
import { displayPath } from '../../core/workspace/safePath';
import { choosePython } from '../../core/runner/local';
import type { VerifySetup } from '../../core/pipeline/verifyStage';
import { roundLine } from '../../core/verify/verify';
import { initialCommit } from '../../core/repo/git';
import { writeFiles } from '../../core/workspace/writer';
import type { CliIo } from '../io';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from '../io';
import { parseVerbArgs } from '../parse-args';
import { formatEstimate, formatTotals, progressPrinter } from '../progress';
import type { Verb } from '../verb';

export const reimplementVerb: Verb = {
  name: 'reimplement',
  summary: 'plan, analyse and code a citation-anchored repository from a paper',
  usage: `usage: papertrail reimplement <paper> [<paper> ...] --out <dir> [options]
       papertrail reimplement --resume [RUN] --out <dir> [options]

  <paper>            a .pdf, a .tex file or LaTeX folder, an arXiv id or URL. Several papers (a
                     method and the papers it builds on) make one repository: the first is the
                     main one, each gets a key from its title, and tags name their paper
                     ("# [titans] §3.1, Eq. 3")
  --keys K1,K2,...   the papers' keys, one per paper in the order given (default: from each title;
                     an empty one, as in stack,,temp, is made from that paper's title)
  --out DIR          the new repository's folder (created; existing files are kept unless --force)
  --mode M           minimal (model + tests, default) | full (+ training and data) | educational (+ notebook)
  --framework F      pytorch (default) | jax | tensorflow | numpy
  --scope S          only these sections, e.g. --scope 3.1,3.2 (default: the whole paper)
  --official-code U  the authors' code, when there is some (tags may then say [FROM_OFFICIAL_CODE])
  --base-url URL     an OpenAI-compatible endpoint (default $OPENAI_BASE_URL, else OpenAI), e.g.
                     http://127.0.0.1:11434/v1 for Ollama
  --model M          model for every stage (default $PAPERTRAIL_MODEL, else gpt-4.1)
  --planning-model, --analysis-model, --coding-model, --docs-model M   per stage
  --api-key-env NAME the environment variable holding the key (default OPENAI_API_KEY; a local
                     endpoint needs none). Keys are never read from files or written anywhere.
  --concurrency N    calls in flight at once (default 4)
  --max-tokens N     output limit per answer, in tokens (default: the server's own)
  --verify W         before writing, run what was generated and repair what fails (lint, imports,
                     tests): local (with --python, default python3; confined, without your secrets)
                     | jupyter (the tests on --jupyter URL's kernel, token in $JUPYTER_TOKEN or
                     --token-env) | none (default: lint and tests are not run)
  --verify-rounds N  repair rounds after verification failures (default 2)
  --python PATH      the interpreter for --verify local
  --jupyter URL      the Jupyter server for --verify jupyter; --token-env NAME names its token variable
  --prices FILE      price table JSON {"model": {"input": $/1M, "cachedInput": $/1M, "output": $/1M}}
  --dry-run          plan only, then print the estimated cost of the rest; no file of the
                     repository is written (the run record is kept, so --resume continues)
  --resume [RUN]     continue the newest unfinished run in <out>/.papertrail/runs (or run folder
                     RUN) without repeating finished calls
  --force            overwrite files that already exist in --out (without it, a run whose plan
                     names files that exist there stops after planning, before the rest is paid for)
  --no-git           no git commit (by default a folder outside any git repository gets \`git init\`
                     and one commit listing what was implemented; inside one, nothing is committed)
  --json             JSON lines on stdout: one per event, the last {"type":"result",...}

Every prompt, answer and token count is kept in <out>/.papertrail/runs/<id>/.
exit: 0 written with every citation resolved (and verified, with --verify), 1 written but some
citations are still broken or verification still fails,
2 nothing written (bad usage, model error, cancelled: one line on stderr says why)`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseVerbArgs('reimplement', argv, {
      out: { type: 'string', short: 'o' },
      mode: { type: 'string' },
      framework: { type: 'string' },
      scope: { type: 'string' },
      keys: { type: 'string' },
      'official-code': { type: 'string' },
      'base-url': { type: 'string' },
      model: { type: 'string' },
      'planning-model': { type: 'string' },
      'analysis-model': { type: 'string' },
      'coding-model': { type: 'string' },
      'docs-model': { type: 'string' },
      'api-key-env': { type: 'string' },
      concurrency: { type: 'string' },
      'max-tokens': { type: 'string' },
      verify: { type: 'string' },
      'verify-rounds': { type: 'string' },
      python: { type: 'string' },
      jupyter: { type: 'string' },
      'token-env': { type: 'string' },
      prices: { type: 'string' },
      'dry-run': { type: 'boolean' },
      resume: { type: 'boolean' },
      force: { type: 'boolean' },
      'no-git': { type: 'boolean' },
    });
    if (!args.ok) return usage(io, args.error.message);
    const v = args.value.values;
    if (v.help) {
      io.stdout(this.usage + '\n');
      return EXIT_OK;
    }
    const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
    const resume = Boolean(v.resume);
    const positionals = args.value.positionals;
    const out = str('out');
    if (!out) return usage(io, 'papertrail reimplement: give the folder for the new repository with --out DIR');
    if (!resume && positionals.length < 1)
      return usage(
        io,
        'papertrail reimplement: give a paper (a PDF, .tex, LaTeX folder, arXiv id or URL), e.g. papertrail reimplement paper.pdf --out repro',
      );
    if (resume && positionals.length > 1) return usage(io, 'papertrail reimplement --resume: give at most one run folder');
    const keys =
      str('keys')
        ?.split(',')
        .map((k) => k.trim()) ?? [];
    if (resume && positionals[0] && !isRunFolder(path.resolve(io.cwd, positionals[0])))
      return usage(
        io,
        `papertrail reimplement --resume: ${positionals[0]} is not a run folder (one holding run.json or runs/); --resume takes no paper: give only --out to continue its newest run`,
      );
    if (str('keys') !== undefined && resume)
      return usage(
        io,
        "papertrail reimplement --resume: a run keeps its paper keys; leave out --keys (the editor's plan review renames them)",
      );
    if (str('keys') !== undefined && positionals.length < 2)
      return usage(io, 'papertrail reimplement: --keys names the papers of a run of several; give two papers or more');

    const options = runOptions(v, io);
    if (typeof options === 'string') return usage(io, `papertrail reimplement: ${options}`);
    const prices = loadPrices(str('prices'), io.cwd);
    if (typeof prices === 'string') return usage(io, `papertrail reimplement: ${prices}`);
    // Checked before any model call is paid for.
    const verify = verifySetup(v, io);
    if (typeof verify === 'string') return usage(io, `papertrail reimplement: ${verify}`);
    const endpoint = endpointFrom(str, io, 'reimplement');
    if (typeof endpoint === 'string') return usage(io, endpoint);
    const { baseURL, apiKey } = endpoint;

    const json = Boolean(v.json);
    const outDir = path.resolve(io.cwd, out);
    const outDirExisted = fs.existsSync(outDir);
    const prepared: Result<PreparedRun> = resume
      ? await reopenRun(positionals[0] ? path.resolve(io.cwd, positionals[0]) : path.join(outDir, RUNS_DIR))
      : await startRun({ source: positionals[0]!, more: positionals.slice(1), keys, outDir, options, cwd: io.cwd });
    if (!prepared.ok) return fail(io, prepared.error.message);
    const run = prepared.value;
    const unknownScope = run.options.scope.filter(
      (sec) => !run.paper.sections.some((x) => x.number === sec || x.number.startsWith(`${sec}.`)),
    );
    if (!resume && unknownScope.length) {
      // Nothing ran: the run record goes, and the folder too when this run made it.
      fs.rmSync(outDirExisted ? run.store.dir : outDir, { recursive: true, force: true });
      const numbered = run.paper.sections.filter((x) => x.number && !x.number.includes('.')).map((x) => x.number);
      return usage(
        io,
        `papertrail reimplement: ${run.family ? `the main paper [${run.family[0]!.key}]` : 'the paper'} has no §${unknownScope.join(', §')} (its sections: ${numbered.join(', ') || 'none numbered'}); check --scope${run.family ? ', which names sections of the main paper' : ''}`,
      );
    }
    // A run writes where it was started; a resumed one named by its folder keeps that place.
    if (resume && positionals[0] && path.resolve(run.outDir) !== outDir) {
      return usage(
        io,
        `papertrail reimplement --resume: that run writes to ${path.relative(io.cwd, run.outDir) || '.'}; give --out ${path.relative(io.cwd, run.outDir) || '.'} (or start a new run for ${out})`,
      );
    }
    // A resumed run keeps its options, except how it talks to the model.
    const runOptionsFinal: RunOptions = resume
      ? {
          ...run.options,
          concurrency: options.concurrency,
          maxTokens: options.maxTokens ?? run.options.maxTokens,
          models: explicitModels(v) ? options.models : run.options.models,
        }
      : options;

    let conflict: string | undefined;
    const ac = new AbortController();
    const onSigint = (): void => ac.abort();
    process.once('SIGINT', onSigint);
    const progress = progressPrinter(io, json);
    progress.info(`run ${run.store.read().id}: ${run.paper.title || run.paper.id} → ${path.relative(io.cwd, run.outDir) || '.'}`);
    for (const m of run.family ?? []) progress.info(`  [${m.key}] ${m.paper.title || m.paper.id}`);
    let result: Result<PipelineResult>;
    try {
      result = await runPipeline({
        paper: run.paper,
        paperRef: run.paperRef,
        ...(run.family ? { family: run.family } : {}),
        outDir: run.outDir,
        options: runOptionsFinal,
        provider: createOpenAIProvider({ baseURL, apiKey }),
        prices,
        store: run.store,
        signal: ac.signal,
        onEvent: progress.event,
        // After planning, before anything else is paid for: a dry run stops; files of the plan
        // that already exist in --out stop the run unless --force (the writer would refuse them
        // only after every call).
        review: async (plan) => {
          const clash = existingPlanned(plan, run.outDir);
          if (v['dry-run']) {
            if (clash.length) progress.info(`note: ${clashLine(clash, run.outDir, io.cwd)}; the run will write them only with --force`);
            return { action: 'stop' as const };
          }
          if (clash.length && !v.force) {
            conflict = `${clashLine(clash, run.outDir, io.cwd)}; nothing more was asked of the model. Pass --force to overwrite them, or choose another --out, then: ${`papertrail reimplement --resume --out ${path.relative(io.cwd, run.outDir) || '.'}`}`;
            return { action: 'stop' as const };
          }
          return { action: 'continue' as const };
        },
        ...(verify && !v['dry-run'] ? { verify } : {}),
      });
    } finally {
      process.removeListener('SIGINT', onSigint);
      progress.done();
    }
    const resumeHint = `papertrail reimplement --resume --out ${path.relative(io.cwd, run.outDir) || '.'}`;
    if (!result.ok) {
      if (result.error.code === 'cancelled') return fail(io, `cancelled; nothing was written. Continue with: ${resumeHint}`);
      return fail(io, `${result.error.message}. Nothing was written; after fixing it, continue with: ${resumeHint}`);
    }
    const r = result.value;
    if (conflict) return fail(io, conflict);
    if (r.status === 'planned') {
      if (json)
        io.stdout(
          JSON.stringify({
            type: 'result',
            status: 'planned',
            runDir: run.store.dir,
            plan: r.plan,
            estimate: r.estimate,
            refused: r.refused,
            totals: r.totals,
          }) + '\n',
        );
      else {
        const refusedLines = r.refused.map((x) => `refused path ${displayPath(x.path)}: ${x.reason}\n`).join('');
        io.stdout(
          `${familyLines(r)}planned ${r.plan.logic.files.length} files: ${r.plan.logic.files.map((f) => `${f.path}${r.plan.family && f.paper ? ` [${f.paper}]` : ''}`).join(', ')}\n${refusedLines}${formatTotals(r.totals)}\n${formatEstimate(r.estimate)}\nContinue with: ${resumeHint}\n`,
        );
      }
      return EXIT_OK;
    }
    const written = writeFiles(run.outDir, r.files, { force: Boolean(v.force), allowToolDirs: true });
    if (!written.ok) {
      run.store.update({ status: 'generated' });
      return fail(
        io,
        `${written.error.message}. The generated files are kept in ${path.relative(io.cwd, run.store.dir)}; ${resumeHint} --force writes them without asking the model again`,
      );
    }
    run.store.update({ status: 'written' });
    const w = written.value;
    const git = v['no-git'] ? undefined : await initialCommit(run.outDir, r.commitMessage ?? 'Reimplementation written by PaperTrail');
    const gitLine = !git
      ? undefined
      : !git.ok
        ? `git: ${git.error.message}; the files are written, commit them yourself`
        : git.value.committed
          ? `git: committed ${git.value.commit} (git log -1 shows what was implemented)`
          : `git: ${git.value.note}`;
    const broken = r.citations.broken;
    if (json) {
      io.stdout(
        JSON.stringify({
          type: 'result',
          status: 'written',
          outDir: run.outDir,
          runDir: run.store.dir,
          written: w.written,
          unchanged: w.unchanged,
          refused: [...r.refused, ...w.refused],
          citations: r.citations,
          ...(git ? { git: git.ok ? git.value : { committed: false, error: git.error.message } } : {}),
          totals: r.totals,
          warnings: r.warnings,
        }) + '\n',
      );
    } else {
      const rel = path.relative(io.cwd, run.outDir) || '.';
      io.stdout(
        [
          `wrote ${w.written.length} files to ${rel}${w.unchanged.length ? ` (${w.unchanged.length} unchanged)` : ''}`,
          `citations: ${r.citations.tags} tags, ${broken.length} broken${r.citations.repaired.length ? `, repaired ${r.citations.repaired.join(', ')}` : ''}`,
          ...broken.map((b) => `  ${b.file}:${b.line}: ${b.tag} — ${b.reason}`),
          ...[...r.refused, ...w.refused].map((x) => `refused path ${displayPath(x.path)}: ${x.reason}`),
          ...verifySummary(r, rel, path.relative(io.cwd, run.store.dir)),
          ...(gitLine ? [gitLine] : []),
          formatTotals(r.totals),
          `next: cd ${rel} && papertrail test .${verify && !verify.jupyter && typeof v.python === 'string' ? ` --python ${verify.python}` : ''}   (run record: ${path.relative(io.cwd, run.store.dir)})`,
        ].join('\n') + '\n',
      );
    }
    return broken.length || (r.verify && !r.verify.passed) ? EXIT_PROBLEMS : EXIT_OK;
  },
};

function runOptions(v: Record<string, unknown>, io: CliIo): RunOptions | string {
  const mode = (v.mode ?? DEFAULT_OPTIONS.mode) as Mode;
  if (!MODES.includes(mode)) return `--mode is one of ${MODES.join(', ')}`;
  const framework = (v.framework ?? DEFAULT_OPTIONS.framework) as Framework;
  if (!FRAMEWORKS.includes(framework)) return `--framework is one of ${FRAMEWORKS.join(', ')}`;
  const concurrency = v.concurrency === undefined ? DEFAULT_OPTIONS.concurrency : Number(v.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) return '--concurrency is a whole number from 1 to 64';
  const maxTokens = v['max-tokens'] === undefined ? undefined : Number(v['max-tokens']);
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < 256))
    return '--max-tokens is a whole number of tokens, at least 256';
  const scope =
    typeof v.scope === 'string'
      ? v.scope
          .split(',')
          .map((s) => s.trim().replace(/^§/, ''))
          .filter(Boolean)
      : [];
  if (scope.some((s) => !/^[A-Z0-9]+(\.[0-9]+)*$/i.test(s))) return '--scope takes section numbers, e.g. --scope 3.1,3.2';
  const models: RunOptions['models'] = {
    default: (v.model as string | undefined) ?? io.env.PAPERTRAIL_MODEL ?? DEFAULT_OPTIONS.models.default,
  };
  for (const stage of ['planning', 'analysis', 'coding', 'docs'] as const) {
    const m = v[`${stage}-model`];
    if (typeof m === 'string') models[stage] = m;
  }
  return {
    ...DEFAULT_OPTIONS,
    mode,
    framework,
    scope,
    models,
    concurrency,
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(v['verify-rounds'] !== undefined ? { verifyRounds: Number(v['verify-rounds']) } : {}),
    ...(typeof v['official-code'] === 'string' ? { officialCode: v['official-code'] } : {}),
  };
}

/** The verify stage in a few lines: each round, the failing tests as path:line links, changed tests. */
function verifySummary(r: PipelineResult, rel: string, runDir: string): string[] {
  const v = r.verify;
  if (!v) return ['verify: not run (add --verify local to lint, import and test the repository before it is written)'];
  if (!v.ran) return [`verify: declined; ${v.note}`];
  const last = v.rounds.at(-1);
  const lines = v.rounds.map((x) => `verify ${roundLine(x)}`);
  for (const t of last?.tests?.tests ?? []) {
    if (t.outcome === 'failed' || t.outcome === 'error')
      lines.push(`  ${path.join(rel, t.file)}:${t.line}: ${t.id} ${t.outcome}: ${t.message.replace(/\s+/g, ' ').slice(0, 160)}`);
  }
  for (const i of last?.imports ?? []) lines.push(`  ${path.join(rel, i.file)}: does not import: ${i.message}`);
  if (v.testsChanged.length) lines.push(`  tests changed by repair: ${v.testsChanged.join(', ')}`);
  if (last?.missing.length)
    lines.push(
      `verify: not run: the interpreter lacks ${last.missing.join(', ')}; with one that has them, papertrail reimplement --resume ${runDir} --verify local --python PATH --force verifies again and repeats no model call`,
    );
  else
    lines.push(
      v.passed ? 'verify: passed' : "verify: still failing after the last round (listed above and in the README's Implementation status)",
    );
  return lines;
}

/** What --verify asks for: undefined for none, the setup, or a usage error. */
function verifySetup(v: Record<string, unknown>, io: CliIo): VerifySetup | undefined | string {
  const mode = typeof v.verify === 'string' ? v.verify : 'none';
  if (!['local', 'jupyter', 'none'].includes(mode)) return '--verify is one of local, jupyter, none';
  if (v['verify-rounds'] !== undefined && !/^\d{1,2}$/.test(String(v['verify-rounds'])))
    return '--verify-rounds is a whole number from 0 to 99';
  if (mode === 'none') {
    if (v.python !== undefined || v.jupyter !== undefined) return '--python and --jupyter go with --verify local or --verify jupyter';
    return undefined;
  }
  const python = choosePython(typeof v.python === 'string' ? v.python : undefined, io.env);
  if (mode === 'local') {
    const probe = spawnSync(python, ['-c', 'import sys'], { encoding: 'utf8', timeout: 20_000 });
    if (probe.status !== 0) {
      const why = probe.error
        ? ((probe.error as NodeJS.ErrnoException).code ?? probe.error.message)
        : (probe.stderr || '').trim().split('\n').at(-1) || `exit ${probe.status}`;
      return `${python} does not start (${why}); give an interpreter with --python`;
    }
    return { python, env: io.env };
  }
  if (typeof v.jupyter !== 'string') return '--verify jupyter needs the server: --jupyter URL';
  const tokenEnv = typeof v['token-env'] === 'string' ? v['token-env'] : 'JUPYTER_TOKEN';
  const token = io.env[tokenEnv] ?? '';
  if (!token && !/[?&]token=/.test(v.jupyter))
    return `no Jupyter token in $${tokenEnv}; export it or name another variable with --token-env`;
  return { python, env: io.env, jupyter: { serverUrl: v.jupyter, token } };
}

function explicitModels(v: Record<string, unknown>): boolean {
  return ['model', 'planning-model', 'analysis-model', 'coding-model', 'docs-model'].some((k) => typeof v[k] === 'string');
}

function loadPrices(file: string | undefined, cwd: string): PriceTable | string {
  if (!file) return DEFAULT_PRICES;
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(path.resolve(cwd, file), 'utf8'));
  } catch (e) {
    return `--prices ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(e as Error).message})`}`;
  }
  const table = parsePriceTable(data);
  return typeof table === 'string' ? `--prices ${file}: ${table}` : { ...DEFAULT_PRICES, ...table };
}

function usage(io: CliIo, message: string): number {
  io.stderr(message + '\n');
  return EXIT_USAGE;
}

function fail(io: CliIo, message: string): number {
  io.stderr(`papertrail reimplement: ${message}\n`);
  return EXIT_USAGE;
}

/** A family's graph as the dry run prints it: "papers: [rgu] ← [stackrgu] (reuses the layer)". */
function familyLines(r: PipelineResult): string {
  const family = r.plan.family;
  if (!family) return '';
  const lines = family.graph.order.map((k) => {
    const on = family.graph.edges.filter((e) => e.from === k).map((e) => `[${e.to}] (${e.what})`);
    return `  [${k}] ${family.papers.find((p) => p.key === k)?.title ?? ''}${on.length ? ` — builds on ${on.join(', ')}` : ''}`;
  });
  return `papers, base first:\n${lines.join('\n')}\n`;
}

/** A folder `--resume` can take: a run (run.json) or a folder of runs. */
function isRunFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'run.json')) || fs.existsSync(path.join(dir, 'runs')) || path.basename(dir) === 'runs';
}

/** Files the plan will write that already exist in the output folder (the code, config and PaperTrail's own documents). */
function existingPlanned(plan: PipelineResult['plan'], outDir: string): string[] {
  const own = ['README.md', 'REPRODUCTION_NOTES.md', 'ARCHITECTURE.md', 'IMPLEMENTATION_PLAN.md', 'requirements.txt', 'pyproject.toml'];
  const paths = [...new Set([...plan.logic.files.map((f) => f.path), plan.config.path, ...own])];
  return paths.filter((p) => fs.existsSync(path.join(outDir, p)));
}

function clashLine(clash: string[], outDir: string, cwd: string): string {
  const shown = clash.slice(0, 4).join(', ') + (clash.length > 4 ? `, and ${clash.length - 4} more` : '');
  return `${clash.length} ${clash.length === 1 ? 'file' : 'files'} of the plan already exist in ${path.relative(cwd, outDir) || '.'} (${shown})`;
}
