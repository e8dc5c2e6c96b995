// "PaperTrail: Evaluate Repository…": the CLI's `papertrail eval` in the editor — the estimate in
// a dialog first, one model call, EVALUATION.md written beside the code and shown as a preview.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findRepositoryPaper } from '../../core/citations/paperRef';
import { getPaper } from '../../core/citations/papers';
import { loadPaperModels } from '../../core/citations/repositoryPapers';
import { estimateEval, evalMarkdown, prepareEvaluation, reportPapers, runEvaluation } from '../../core/eval/evaluate';
import { referenceFolder } from '../../core/eval/reference';
import { writeFileAtomic } from '../../core/workspace/writer';
import { resolveModel } from '../llm/models';
import { showError } from '../log';
import type { Services } from '../services';
import { requireTrust } from '../trust';

export function registerEvaluate(services: Services): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand('papertrail.evaluateRepository', async (folderArg?: vscode.Uri) => {
      if (!(await requireTrust('Evaluate Repository'))) return undefined;
      const repo = folderArg?.fsPath ?? (await chooseRepository());
      if (!repo) return undefined;
      const named = findRepositoryPaper(repo);
      if (!named.ok || !named.value) {
        void showError(
          services.log,
          `PaperTrail: ${path.basename(repo)} names no paper (.papertrail/paper.json); reimplement a paper there first.`,
        );
        return undefined;
      }
      const papers = await loadPaperModels(named.value, (s) => getPaper(s, { cwd: repo, env: process.env }), { all: true });
      if (!papers.ok) {
        void showError(services.log, `PaperTrail: ${papers.error.message}`);
        return undefined;
      }
      const model = await resolveModel(services);
      if (!model) return undefined;
      const refPick = await vscode.window.showQuickPick(
        [
          { label: 'Reference-free', description: 'the paper alone', ref: undefined as string | undefined },
          { label: "Reference-based: the authors' code…", description: 'a folder or a git URL', ref: '?' },
        ],
        { title: 'PaperTrail: Evaluate Repository', placeHolder: 'Against what?' },
      );
      if (!refPick) return undefined;
      let refArg: string | undefined;
      if (refPick.ref) {
        refArg = await vscode.window.showInputBox({
          title: "The authors' code",
          prompt: 'A folder path or a git URL (cloned once into the cache)',
          ignoreFocusOut: true,
        });
        if (!refArg) return undefined;
      }
      const refDir = refArg ? await referenceFolder(refArg, { cwd: repo, env: process.env }) : undefined;
      if (refDir && !refDir.ok) {
        void showError(services.log, `PaperTrail: ${refDir.error.message}`);
        return undefined;
      }
      const { repository, messages } = prepareEvaluation(papers.value, repo, refDir?.ok ? refDir.value : undefined);
      if (!repository.files.length) {
        void showError(services.log, `PaperTrail: ${path.basename(repo)} has no source files to evaluate.`);
        return undefined;
      }
      const modelName = model.models.default;
      const estimate = estimateEval(messages, modelName, model.prices);
      const cost = model.kind === 'vscode' ? '' : estimate.cost === undefined ? ', cost unknown' : `, about $${estimate.cost.toFixed(3)}`;
      const go = await vscode.window.showInformationMessage(
        `PaperTrail: evaluate ${path.basename(repo)} with ${model.label}?`,
        {
          modal: true,
          detail: `One call: ~${Math.round(estimate.promptTokens / 1000)}k prompt tokens${cost}. ${repository.files.length} files are read${repository.leftOut.length ? `; left out for size: ${repository.leftOut.join(', ')}` : ''}.`,
        },
        'Evaluate',
      );
      if (go !== 'Evaluate') return undefined;
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'PaperTrail: evaluating…', cancellable: true },
        (_p, token) => {
          const ac = new AbortController();
          token.onCancellationRequested(() => ac.abort());
          return runEvaluation(model.provider, modelName, messages, model.prices, { signal: ac.signal });
        },
      );
      if (!result.ok) {
        if (result.error.code !== 'cancelled') void showError(services.log, `PaperTrail: ${result.error.message}. Nothing was written.`);
        return undefined;
      }
      const report = evalMarkdown(result.value.evaluation, {
        ...reportPapers(papers.value),
        repository: path.basename(repo),
        ...(refArg ? { reference: refArg } : {}),
        model: model.label,
        date: new Date().toISOString().slice(0, 10),
        ...(result.value.cost !== undefined && model.kind !== 'vscode' ? { cost: result.value.cost } : {}),
        files: repository.files.length,
        leftOut: repository.leftOut,
      });
      const file = path.join(repo, 'EVALUATION.md');
      writeFileAtomic(file, report);
      services.log.info(
        `evaluated ${repo}: overall ${result.value.evaluation.overall}/5 (${refArg ? 'reference-based' : 'reference-free'})`,
      );
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(file));
      return file;
    }),
  );
}

/** The folders of the workspace that name a paper (.papertrail/paper.json); asked when there are several. */
async function chooseRepository(): Promise<string | undefined> {
  const found = await vscode.workspace.findFiles('**/.papertrail/paper.json', '**/node_modules/**', 50);
  const repos = [...new Set(found.map((u) => path.dirname(path.dirname(u.fsPath))))].sort();
  if (!repos.length) {
    void vscode.window.showInformationMessage(
      'PaperTrail: no repository here names its paper (.papertrail/paper.json); reimplement a paper first.',
    );
    return undefined;
  }
  if (repos.length === 1) return repos[0];
  const pick = await vscode.window.showQuickPick(
    repos.map((r) => ({ label: vscode.workspace.asRelativePath(r, true), repo: r })),
    { title: 'PaperTrail: Evaluate Repository', placeHolder: 'Which repository?' },
  );
  return pick?.repo;
}
