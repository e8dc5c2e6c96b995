// "Reimplement from Paper…", "Reimplement This Section…" and "Resume Run…": the core
// pipeline (src/core/pipeline) with the editor around it — questions, a cancellable
// progress notification, the log, plan review, preview, one WorkspaceEdit, a summary.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { getPaper } from '../../core/citations/papers';
import { DEFAULT_OPTIONS } from '../../core/pipeline/options';
import type { RunOptions } from '../../core/pipeline/options';
import type { PipelineEvent, PipelineResult } from '../../core/pipeline/pipeline';
import { runPipeline } from '../../core/pipeline/pipeline';
import type { PreparedRun } from '../../core/pipeline/session';
import { reopenRun, startRun } from '../../core/pipeline/session';
import { RunStore } from '../../core/pipeline/store';
import type { VerifySetup } from '../../core/pipeline/verifyStage';
import { initialCommit } from '../../core/repo/git';
import { choosePython } from '../../core/runner/local';
import type { ModelChoice, ResolvedModel } from '../llm/models';
import { resolveModel } from '../llm/models';
import type { Services } from '../services';
import { pythonExtensionInterpreter } from '../tasks/runTests';
import { buildTestTask } from '../tasks/taskProvider';
import { requireTrust } from '../trust';
import { chooseFolder, chooseMainPaper, chooseOptions, choosePaper } from './choices';
import { showPlanReview } from './planReviewPanel';
import type { PreviewFile } from './preview';
import { applyFiles, classify, PREVIEW_SCHEME, PreviewContent, showPreview } from './preview';
import { showError } from '../log';

/** What the viewer's "Reimplement This Section…" passes; `more`: further papers of a family, `source` the main one. */
export interface ReimplementArgs {
  source: string;
  more?: string[];
  scope?: string[];
}

export function registerReimplement(services: Services): void {
  const { context } = services;
  const previews = new PreviewContent();
  context.subscriptions.push(
    previews,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews),
    // From the explorer with several PDFs selected, the second argument holds them all.
    vscode.commands.registerCommand('papertrail.reimplementFromPaper', (arg?: vscode.Uri | ReimplementArgs, selected?: vscode.Uri[]) =>
      reimplement(services, previews, arg, selected),
    ),
    vscode.commands.registerCommand('papertrail.resumeRun', (runDir?: string) => resume(services, previews, runDir)),
  );
}

type Outcome = 'applied' | 'discarded' | 'planned' | 'cancelled' | 'failed' | undefined;

async function reimplement(
  services: Services,
  previews: PreviewContent,
  arg?: vscode.Uri | ReimplementArgs,
  selected?: vscode.Uri[],
): Promise<Outcome> {
  if (!(await requireTrust('Reimplement from Paper'))) return undefined;
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root) {
    void vscode.window.showInformationMessage('PaperTrail: open a folder first; the new repository is written inside it.');
    return undefined;
  }
  const many = arg instanceof vscode.Uri && selected && selected.length > 1 ? selected.map((u) => u.fsPath) : undefined;
  const sources = many
    ? await chooseMainPaper(many)
    : arg instanceof vscode.Uri
      ? [arg.fsPath]
      : arg?.source
        ? [arg.source, ...(arg.more ?? [])]
        : await choosePaper();
  if (!sources?.length) return undefined;
  const [source, ...more] = sources as [string, ...string[]];
  const scope = arg && !(arg instanceof vscode.Uri) ? (arg.scope ?? []) : [];
  const choices = await chooseOptions(services, scope.length ? `Reimplement §${scope.join(', §')} from Paper` : undefined);
  if (!choices) return undefined;
  const model = await resolveModel(services, choices.model);
  if (!model) return undefined;

  // The title names the folder; the parse is cached, so the run reads it again for free.
  const paper = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'PaperTrail: reading the paper' }, () =>
    getPaper(source, { cwd: root.fsPath, env: process.env }),
  );
  if (!paper.ok) {
    void showError(services.log, `PaperTrail: ${paper.error.message}`);
    return 'failed';
  }
  const folder = await chooseFolder(root, paper.value.title);
  if (!folder) return undefined;

  const options: RunOptions = {
    ...DEFAULT_OPTIONS,
    mode: choices.mode,
    framework: choices.framework,
    scope,
    models: model.models,
    concurrency: model.concurrency,
  };
  const prepared = await startRun({
    source,
    ...(more.length ? { more } : {}),
    outDir: folder.fsPath,
    options,
    cwd: root.fsPath,
    runsDir: runsDir(services),
    parse: { env: process.env },
  });
  if (!prepared.ok) {
    void showError(services.log, `PaperTrail: ${prepared.error.message}`);
    return 'failed';
  }
  prepared.value.store.update({ modelChoice: modelChoiceOf(model, choices.model) });
  return execute(services, previews, prepared.value, model, false);
}

async function resume(services: Services, previews: PreviewContent, runDir?: string): Promise<Outcome> {
  if (!(await requireTrust('Resume Run'))) return undefined;
  const dir = runDir ?? (await pickRun(services));
  if (!dir) return undefined;
  const reopened = await reopenRun(dir, { env: process.env });
  if (!reopened.ok) {
    void showError(services.log, `PaperTrail: ${reopened.error.message}`);
    return 'failed';
  }
  const record = reopened.value.store.read();
  const model = await resolveModel(services, record.modelChoice as ModelChoice | undefined);
  if (!model) return undefined;
  return execute(
    services,
    previews,
    { ...reopened.value, options: { ...reopened.value.options, concurrency: model.concurrency } },
    model,
    Boolean(record.reviewed),
  );
}

async function execute(
  services: Services,
  previews: PreviewContent,
  run: PreparedRun,
  model: ResolvedModel,
  reviewed: boolean,
): Promise<Outcome> {
  const { context, log } = services;
  const record = run.store.read();
  const title = run.paper.title || run.paper.id;
  const folderName = vscode.workspace.asRelativePath(run.outDir, false);
  log.info(
    `run ${record.id}: ${title} → ${folderName} with ${model.label} (${run.options.mode}, ${run.options.framework}${run.options.scope.length ? `, §${run.options.scope.join(', §')}` : ''})`,
  );
  const review = !reviewed && vscode.workspace.getConfiguration('papertrail').get<boolean>('reimplement.reviewPlan', true);
  const verify = await verifySetup(run.outDir);

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `PaperTrail: ${title}`, cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      const reporter = progressReporter(progress, log);
      try {
        const verifyRounds = vscode.workspace
          .getConfiguration('papertrail', vscode.Uri.file(run.outDir))
          .get<number>('reimplement.verifyRounds', 2);
        return await runPipeline({
          ...run,
          options: { ...run.options, verifyRounds },
          provider: model.provider,
          // Chat models in VS Code are not billed per token: their cost shows as unknown.
          prices: model.kind === 'vscode' ? {} : model.prices,
          signal: ac.signal,
          onEvent: reporter.onEvent,
          review: async (plan, estimate, refused) => {
            reporter.planned(estimate.calls);
            if (!review) return { action: 'continue', reviewed };
            progress.report({ message: 'the plan is ready for your review' });
            const decision = await showPlanReview(
              context,
              { plan, estimate, refused, title, models: model.label, paper: run.paper, ...(run.family ? { family: run.family } : {}) },
              token,
            );
            if (decision.action === 'continue') run.store.update({ reviewed: true });
            return decision.action === 'continue' ? { ...decision, reviewed: true } : decision;
          },
          ...(verify ? { verify } : {}),
        });
      } finally {
        sub.dispose();
      }
    },
  );

  if (!result.ok) {
    const resumeLabel = 'Resume';
    const message =
      result.error.code === 'cancelled'
        ? 'PaperTrail: cancelled. Nothing was written; finished steps are kept, so resuming repeats none of them.'
        : `PaperTrail: ${result.error.message}. Nothing was written.`;
    log.warn(message);
    const pick = await (result.error.code === 'cancelled'
      ? vscode.window.showInformationMessage(message, resumeLabel)
      : vscode.window.showErrorMessage(message, resumeLabel, 'Show Log'));
    if (pick === resumeLabel) void vscode.commands.executeCommand('papertrail.resumeRun', run.store.dir);
    if (pick === 'Show Log') log.show();
    return result.error.code === 'cancelled' ? 'cancelled' : 'failed';
  }
  if (result.value.status === 'planned') {
    log.info(`run ${record.id}: stopped after planning`);
    void vscode.window.showInformationMessage(
      'PaperTrail: stopped after the plan. Nothing was written; PaperTrail: Resume Run continues from it.',
    );
    return 'planned';
  }
  return previewAndApply(services, previews, run, result.value, title);
}

/**
 * How the verify stage runs here, from papertrail.reimplement.verify: `never` (undefined), `always`,
 * or `ask` (a modal naming what runs and where, before anything runs). Only in a trusted workspace.
 */
async function verifySetup(outDir: string): Promise<VerifySetup | undefined> {
  const config = vscode.workspace.getConfiguration('papertrail', vscode.Uri.file(outDir));
  const mode = config.get<string>('reimplement.verify', 'ask');
  if (mode === 'never' || !vscode.workspace.isTrusted) return undefined;
  const python = choosePython(
    config.get<string>('python.path') || (await pythonExtensionInterpreter(vscode.Uri.file(outDir))),
    process.env,
  );
  const consent =
    mode === 'always'
      ? undefined
      : async (note: string): Promise<boolean> => {
          const run = 'Run';
          const pick = await vscode.window.showWarningMessage(
            'PaperTrail: run the generated code to check it?',
            {
              modal: true,
              detail: `${note}.\n\nThe code was written by a model from the paper: run it only if you trust this. The setting papertrail.reimplement.verify (ask, always, never) decides next time.`,
            },
            run,
          );
          return pick === run;
        };
  return { python, ...(consent ? { consent } : {}) };
}

/** "Verified: 19/19 tests passed." — or what kept it from passing. */
function verifyLine(result: PipelineResult): string {
  const v = result.verify;
  const last = v?.rounds.at(-1);
  if (!v || !last) return 'Not verified.';
  if (!v.ran) return 'Not run (declined).';
  if (last.missing.length) return `Not run: the interpreter lacks ${last.missing.join(', ')}.`;
  const t = last.tests;
  const tests = t ? `${t.passed}/${t.passed + t.failed + t.errors} tests passed` : 'the tests did not run';
  return `${v.passed ? 'Verified' : 'Still failing'} after ${v.rounds.length} round${v.rounds.length === 1 ? '' : 's'}: ${tests}.`;
}

/** What still fails goes to the Problems panel, each at its file and line. */
function reportVerifyProblems(services: Services, run: PreparedRun, result: PipelineResult): void {
  const last = result.verify?.rounds.at(-1);
  if (!last) return;
  const diagnostics = new Map<string, vscode.Diagnostic[]>();
  const add = (file: string, line: number, message: string) => {
    const d = new vscode.Diagnostic(
      new vscode.Range(Math.max(0, line - 1), 0, Math.max(0, line - 1), 200),
      message,
      vscode.DiagnosticSeverity.Error,
    );
    d.source = 'PaperTrail verify';
    diagnostics.set(file, [...(diagnostics.get(file) ?? []), d]);
  };
  for (const t of last.tests?.tests ?? [])
    if (t.outcome === 'failed' || t.outcome === 'error') add(t.file, t.line, `${t.id} ${t.outcome}: ${t.message}`);
  for (const i of last.imports) add(i.file, 1, `does not import: ${i.message}`);
  for (const p of last.lint) if (p.severity === 'error') add(p.file, p.line, `${p.code} ${p.message}`);
  verifyDiagnostics ??= vscode.languages.createDiagnosticCollection('papertrail-verify');
  services.context.subscriptions.push(verifyDiagnostics);
  verifyDiagnostics.clear();
  for (const [file, list] of diagnostics) verifyDiagnostics.set(vscode.Uri.file(path.join(run.outDir, file)), list);
}

let verifyDiagnostics: vscode.DiagnosticCollection | undefined;

async function previewAndApply(
  services: Services,
  previews: PreviewContent,
  run: PreparedRun,
  result: PipelineResult,
  title: string,
): Promise<Outcome> {
  const { log } = services;
  const folder = vscode.Uri.file(run.outDir);
  const { files, refused } = await classify(folder, result.files);
  for (const r of [...result.refused, ...refused]) log.warn(`refused the path "${r.path}": ${r.reason}`);
  const id = run.store.read().id;
  const fresh = files.filter((f) => f.state === 'new').length;
  const changed = files.filter((f) => f.state === 'changed');
  // The changes view adds the file count to the title itself.
  await showPreview(previews, id, `PaperTrail: ${title}`, files);
  const apply = changed.length ? `Apply and Overwrite ${changed.length}` : 'Apply';
  const what = `${fresh} new file${fresh === 1 ? '' : 's'}${
    changed.length
      ? ` and ${changed.length} changed existing file${changed.length === 1 ? '' : 's'} (${changed
          .slice(0, 3)
          .map((c) => c.path)
          .join(', ')}${changed.length > 3 ? ', …' : ''})`
      : ''
  }`;
  const pick = await vscode.window.showInformationMessage(
    `PaperTrail: write ${what} to ${vscode.workspace.asRelativePath(folder, false)}?`,
    { modal: false },
    apply,
    'Discard',
  );
  if (pick !== apply) {
    log.info(`run ${id}: preview discarded; Resume Run shows it again without calling the model`);
    void vscode.window.showInformationMessage(
      'PaperTrail: nothing was written. PaperTrail: Resume Run shows the preview again, without calling the model.',
    );
    return 'discarded';
  }
  if (!(await applyFiles(files, `PaperTrail: ${title}`))) {
    void showError(services.log, 'PaperTrail: the files could not be written (see the log). Nothing was changed; Resume Run tries again.');
    return 'failed';
  }
  run.store.update({ status: 'written' });
  log.info(`run ${id}: wrote ${files.filter((f) => f.state !== 'unchanged').length} files to ${run.outDir}`);
  const committed = await commitRepository(services, run.outDir, result);
  await showResult(services, run, result, files, committed);
  return 'applied';
}

/**
 * The new repository's first commit (papertrail.reimplement.gitCommit): only for a folder outside
 * any git repository; inside one, the user's history is left alone.
 * @returns a sentence for the summary, or "" when nothing was committed.
 */
async function commitRepository(services: Services, outDir: string, result: PipelineResult): Promise<string> {
  if (!vscode.workspace.getConfiguration('papertrail', vscode.Uri.file(outDir)).get<boolean>('reimplement.gitCommit', true)) return '';
  const r = await initialCommit(outDir, result.commitMessage ?? 'Reimplementation written by PaperTrail');
  if (!r.ok) {
    services.log.warn(`git: ${r.error.message}; the files are written, commit them yourself`);
    return '';
  }
  if (!r.value.committed) {
    services.log.info(`git: ${r.value.note}`);
    return '';
  }
  services.log.info(`git: committed ${r.value.commit} in ${outDir}`);
  return ` Committed as ${r.value.commit}.`;
}

async function showResult(
  services: Services,
  run: PreparedRun,
  result: PipelineResult,
  files: PreviewFile[],
  committed: string,
): Promise<void> {
  const readme = files.find((f) => f.path === 'README.md');
  const paperFile = run.store.read().paper.source;
  if (paperFile.toLowerCase().endsWith('.pdf') && path.isAbsolute(paperFile)) {
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(paperFile), 'papertrail.pdfViewer', vscode.ViewColumn.One);
  }
  if (readme) await vscode.window.showTextDocument(readme.target, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  const c = result.citations;
  const notes = 'Open Reproduction Notes';
  const verified = verifyLine(result);
  const pick = await vscode.window.showInformationMessage(
    `PaperTrail: wrote ${files.filter((f) => f.state !== 'unchanged').length} files. ${c.tags} citations, ${c.broken.length} broken${c.repaired.length ? ` (${c.repaired.length} file${c.repaired.length === 1 ? '' : 's'} repaired)` : ''}. ${verified}${committed}`,
    notes,
    'Run Tests',
  );
  reportVerifyProblems(services, run, result);
  if (pick === notes) {
    const file = files.find((f) => f.path === 'REPRODUCTION_NOTES.md');
    if (file) await vscode.window.showTextDocument(file.target, { viewColumn: vscode.ViewColumn.Beside });
  }
  if (pick === 'Run Tests') {
    // The new repository's own tests, run from its folder (its pyproject sets pytest up there).
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(run.outDir));
    if (folder) {
      const cwd = path.relative(folder.uri.fsPath, run.outDir).split(path.sep).join('/');
      await vscode.tasks.executeTask(buildTestTask(services, folder, { type: 'papertrail', target: 'local', ...(cwd ? { cwd } : {}) }));
    }
  }
}

/** Progress: the stage, the files in flight, tokens and cost; the bar moves one step per finished call. */
function progressReporter(progress: vscode.Progress<{ message?: string; increment?: number }>, log: vscode.LogOutputChannel) {
  const inFlight = new Set<string>();
  let tokens = 0;
  let cost: number | undefined = 0;
  let stage = '';
  // Four planning calls until the plan says how many follow.
  let expected = 4;
  let finished = 0;
  let shown = 0;
  const report = (increment?: number): void => {
    const files = [...inFlight].map((k) => k.replace(/^[a-z0-9-]+:/, ''));
    const doing = files.length ? `: ${files.slice(0, 3).join(', ')}${files.length > 3 ? ` +${files.length - 3}` : ''}` : '';
    const spent = `${(tokens / 1000).toFixed(1)}k tokens${cost !== undefined && cost > 0 ? ` · $${cost.toFixed(3)}` : ''}`;
    progress.report({ message: `${stage}${doing} · ${spent}`, ...(increment ? { increment } : {}) });
  };
  const onEvent = (e: PipelineEvent): void => {
    if (e.type === 'stage') {
      stage = e.stage;
      log.info(`stage: ${e.stage}`);
      report();
    } else if (e.type === 'call') {
      if (e.state === 'start') inFlight.add(e.key);
      else inFlight.delete(e.key);
      if (e.usage) tokens += e.usage.promptTokens + e.usage.completionTokens;
      if (e.state === 'done') {
        cost = cost === undefined || e.cost === undefined ? undefined : cost + e.cost;
        log.info(
          `${e.key}: ${e.usage?.promptTokens ?? 0} prompt (${e.usage?.cachedPromptTokens ?? 0} cached) + ${e.usage?.completionTokens ?? 0} answer tokens${e.cost !== undefined ? `, $${e.cost.toFixed(4)}` : ''}, ${((e.durationMs ?? 0) / 1000).toFixed(1)} s`,
        );
      } else if (e.state === 'replayed') log.info(`${e.key}: replayed from the run record`);
      else if (e.state === 'failed') {
        log.error(`${e.key}: ${e.error ?? 'failed'}`);
        if (e.answer) log.error(`${e.key}: the model answered:\n${e.answer}`);
      }
      if (e.state === 'done' || e.state === 'replayed') finished++;
      // The bar only moves forward, and stops short of the end until the run does.
      const target = Math.min(99, (100 * finished) / Math.max(expected, finished));
      const step = target - shown;
      shown = Math.max(shown, target);
      report(step > 0 ? step : undefined);
    } else if (e.type === 'retry') log.warn(`${e.key}: ${e.reason}; retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)} s`);
    else if (e.type === 'warning') log.warn(e.message);
    else if (e.type === 'verify') {
      log.info(e.line);
      progress.report({ message: e.line.replace(/^verify:? ?/, 'verify: ') });
    }
  };
  return { onEvent, planned: (calls: number) => (expected = finished + calls) };
}

function runsDir(services: Services): string {
  const base = services.context.storageUri ?? services.context.globalStorageUri;
  return path.join(base.fsPath, 'runs');
}

async function pickRun(services: Services): Promise<string | undefined> {
  const dir = runsDir(services);
  let ids: string[] = [];
  try {
    ids = (await vscode.workspace.fs.readDirectory(vscode.Uri.file(dir)))
      .map(([name]) => name)
      .sort()
      .reverse();
  } catch {
    ids = [];
  }
  const runs = ids
    .map((id) => RunStore.open(path.join(dir, id)))
    .flatMap((s) => {
      if (!s) return [];
      try {
        const r = s.read();
        return r.status === 'written' ? [] : [{ store: s, record: r }];
      } catch {
        return [];
      }
    });
  if (!runs.length) {
    void vscode.window.showInformationMessage('PaperTrail: no unfinished run to resume in this workspace.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    runs.map(({ store, record }) => ({
      label: record.paper.title || record.paper.id,
      description: `${vscode.workspace.asRelativePath(record.outDir, false)} · ${record.status}`,
      detail: `started ${new Date(record.createdAt).toLocaleString()}${record.error ? ` · ${record.error}` : ''}`,
      dir: store.dir,
    })),
    { title: 'PaperTrail: Resume Run', placeHolder: 'Finished steps are replayed from the run record, not asked again' },
  );
  return pick?.dir;
}

function modelChoiceOf(model: ResolvedModel, choice?: ModelChoice): ModelChoice {
  return choice ?? (model.kind === 'vscode' ? { kind: 'vscode', id: model.models.default } : { kind: 'openai' });
}
