// The questions before a run, as QuickPicks in the usual order: the paper (when the command
// was not started on one), mode, framework, model, folder. Last answers are remembered.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Framework, Mode } from '../../core/pipeline/options';
import type { ModelChoice } from '../llm/models';
import { modelChoices } from '../llm/models';
import type { Services } from '../services';

export interface RunChoices {
  mode: Mode;
  framework: Framework;
  model?: ModelChoice;
}

const LAST = 'papertrail.reimplement.last';

const MODE_ITEMS: (vscode.QuickPickItem & { mode: Mode })[] = [
  { label: 'Minimal', description: 'model architecture and its components, with equation-first tests', mode: 'minimal' },
  { label: 'Full', description: 'adds the training loop, data pipeline and evaluation', mode: 'full' },
  { label: 'Educational', description: 'minimal, with more explanation and a walkthrough notebook', mode: 'educational' },
];

const FRAMEWORK_ITEMS: (vscode.QuickPickItem & { framework: Framework })[] = [
  { label: 'PyTorch', framework: 'pytorch' },
  { label: 'JAX', framework: 'jax' },
  { label: 'TensorFlow', framework: 'tensorflow' },
  { label: 'NumPy', framework: 'numpy' },
];

/**
 * The paper(s) when the command was started from the palette: a workspace PDF / .tex, an arXiv
 * id or URL, a file elsewhere, or several papers (a method and the papers it builds on), the
 * main one first.
 */
export async function choosePaper(): Promise<string[] | undefined> {
  const files = await vscode.workspace.findFiles('**/*.{pdf,tex}', '**/{node_modules,.git,.papertrail}/**', 200);
  const arxiv = { label: '$(cloud-download) arXiv id or URL…', description: 'e.g. 1706.03762' };
  const browse = { label: '$(folder-opened) Browse…', description: 'a PDF, .tex file or LaTeX folder elsewhere' };
  const several = { label: '$(files) Several papers…', description: 'a method and the papers it builds on, as one repository' };
  // A PDF compiled beside its LaTeX (main.tex, main.pdf) is offered through the .tex, whose
  // parse reads both: the source's structure with the PDF's pages.
  const paths = new Set(files.map((u) => u.fsPath));
  const fileItems = files
    .filter((uri) => !(/\.pdf$/i.test(uri.fsPath) && paths.has(uri.fsPath.replace(/\.pdf$/i, '.tex'))))
    .sort((a, b) => a.fsPath.localeCompare(b.fsPath))
    .map((uri) => {
      const compiled = /\.tex$/i.test(uri.fsPath) && paths.has(uri.fsPath.replace(/\.tex$/i, '.pdf'));
      const where = vscode.workspace.asRelativePath(uri, true);
      return { label: path.basename(uri.fsPath), description: compiled ? `${where} · with its PDF` : where, uri };
    });
  const items: (vscode.QuickPickItem & { uri?: vscode.Uri })[] = [
    ...fileItems,
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    arxiv,
    browse,
    several,
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Reimplement from Paper (1/5): the paper',
    placeHolder: 'Choose a paper in the workspace, or give an arXiv id',
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  if (pick.uri) return [pick.uri.fsPath];
  if (pick === several) return chooseSeveral(fileItems);
  if (pick === arxiv) {
    const id = await askArxiv(false);
    return id ? [id] : undefined;
  }
  return browsePapers(false);
}

/** PDFs, .tex files or LaTeX folders chosen in the file dialog; undefined when cancelled. */
async function browsePapers(many: boolean): Promise<string[] | undefined> {
  const chosen = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: many,
    title: many ? 'Choose the papers' : 'Choose the paper',
    filters: { Papers: ['pdf', 'tex'] },
  });
  return chosen?.length ? chosen.map((u) => u.fsPath) : undefined;
}

/** Several papers: workspace files ticked, arXiv ids typed, files browsed; then which is the main one. */
async function chooseSeveral(fileItems: (vscode.QuickPickItem & { uri: vscode.Uri })[]): Promise<string[] | undefined> {
  const arxiv = { label: '$(cloud-download) arXiv ids or URLs…', description: 'typed next, separated by spaces or commas' };
  const browse = { label: '$(folder-opened) Browse…', description: 'PDFs, .tex files or LaTeX folders elsewhere' };
  const picked = await vscode.window.showQuickPick<vscode.QuickPickItem & { uri?: vscode.Uri }>([...fileItems, arxiv, browse], {
    title: 'Reimplement from Paper (1/5): the papers',
    placeHolder: 'Tick every paper of the repository (two or more), then OK',
    canPickMany: true,
    matchOnDescription: true,
  });
  if (!picked?.length) return undefined;
  const sources = picked.flatMap((p) => (p.uri ? [p.uri.fsPath] : []));
  if (picked.includes(arxiv)) {
    const ids = await askArxiv(true);
    if (ids === undefined) return undefined;
    sources.push(...ids.split(/[\s,]+/).filter(Boolean));
  }
  if (picked.includes(browse)) {
    const chosen = await browsePapers(true);
    if (!chosen) return undefined;
    sources.push(...chosen);
  }
  const unique = [...new Set(sources)];
  if (unique.length < 2) {
    void vscode.window.showInformationMessage('PaperTrail: choose two papers or more for one repository, or pick a single paper.');
    return undefined;
  }
  return chooseMainPaper(unique);
}

/** The main paper of several (the method the repository is about): it comes first. */
export async function chooseMainPaper(sources: string[]): Promise<string[] | undefined> {
  // LaTeX papers are often all "main.tex": then the path tells them apart.
  const names = sources.map((s) => path.basename(s));
  const byPath = (s: string, i: number) => names.filter((n) => n === names[i]).length > 1 && path.isAbsolute(s);
  const pick = await vscode.window.showQuickPick(
    sources.map((s, i) => ({
      label: byPath(s, i) ? vscode.workspace.asRelativePath(s, false) : names[i]!,
      description: byPath(s, i) ? '' : path.isAbsolute(s) ? vscode.workspace.asRelativePath(s, true) : 'arXiv',
      source: s,
    })),
    {
      title: 'Reimplement from Paper: the main paper',
      placeHolder: 'Which paper is the method the repository is about? The others are what it builds on',
      matchOnDescription: true,
    },
  );
  if (!pick) return undefined;
  return [pick.source, ...sources.filter((s) => s !== pick.source)];
}

function askArxiv(many: boolean): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: many ? 'Reimplement from Paper: arXiv ids or URLs' : 'Reimplement from Paper: arXiv id or URL',
    placeHolder: many ? '2501.00663 1706.03762' : '1706.03762 or https://arxiv.org/abs/1706.03762',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Give an arXiv id such as 1706.03762, or an arxiv.org URL'),
  });
}

export async function chooseOptions(services: Services, what = 'Reimplement from Paper'): Promise<RunChoices | undefined> {
  const state = services.context.globalState;
  const last = state.get<RunChoices>(LAST);
  const mode = await pickRemembered(MODE_ITEMS, last?.mode, (i) => i.mode, `${what} (2/5): mode`);
  if (!mode) return undefined;
  const framework = await pickRemembered(FRAMEWORK_ITEMS, last?.framework, (i) => i.framework, `${what} (3/5): framework`);
  if (!framework) return undefined;
  const models = await modelChoices(services);
  let model: ModelChoice | undefined;
  if (models.length > 1) {
    const key = (c: ModelChoice): string => (c.kind === 'vscode' ? `vscode:${c.id}` : 'openai');
    const remembered = last?.model ? key(last.model) : undefined;
    const items = models.map((m) => ({ ...m, picked: remembered === key(m.choice) }));
    items.sort((a, b) => Number(b.picked) - Number(a.picked));
    const pick = await vscode.window.showQuickPick(items, { title: `${what} (4/5): model` });
    if (!pick) return undefined;
    model = pick.choice;
  } else model = models[0]?.choice;
  const choices: RunChoices = { mode: mode.mode, framework: framework.framework, ...(model ? { model } : {}) };
  await state.update(LAST, choices);
  return choices;
}

/** The folder for the new repository, inside the workspace; proposed from the paper's title. */
export async function chooseFolder(root: vscode.Uri, title: string): Promise<vscode.Uri | undefined> {
  const proposed = slug(title) || 'reimplementation';
  const value = await vscode.window.showInputBox({
    title: 'Reimplement from Paper (5/5): folder for the new repository',
    prompt: `Relative to ${path.basename(root.fsPath)}. Nothing is written before you apply the preview.`,
    value: proposed,
    valueSelection: [0, proposed.length],
    ignoreFocusOut: true,
    validateInput: (v) => folderProblem(v),
  });
  if (value === undefined) return undefined;
  return vscode.Uri.joinPath(root, ...value.trim().replace(/\\/g, '/').split('/').filter(Boolean));
}

export function folderProblem(value: string): string | undefined {
  const v = value.trim().replace(/\\/g, '/');
  if (!v) return 'Give a folder name, e.g. attention-is-all-you-need';
  if (v.startsWith('/') || /^[a-z]:/i.test(v)) return 'Give a folder inside the workspace (a relative path)';
  if (v.split('/').some((s) => s === '..')) return 'The folder must stay inside the workspace (no "..")';
  if (v.split('/').some((s) => s === '.git' || s === '.papertrail' || s === 'node_modules'))
    return 'Choose a folder outside tool folders (.git, .papertrail, node_modules)';
  return undefined;
}

/** "Attention Is All You Need" → "attention-is-all-you-need". */
export function slug(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .split(/[\s_-]+/)
    .slice(0, 6)
    .join('-');
}

async function pickRemembered<T extends vscode.QuickPickItem, V>(
  items: T[],
  last: V | undefined,
  value: (item: T) => V,
  title: string,
): Promise<T | undefined> {
  const ordered = [...items].sort((a, b) => Number(value(b) === last) - Number(value(a) === last));
  return vscode.window.showQuickPick(
    ordered.map((i) => ({ ...i, ...(value(i) === last ? { detail: 'last used' } : {}) })),
    { title },
  ) as Promise<T | undefined>;
}
