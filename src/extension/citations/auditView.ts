// "Reproduction Audit": every [UNSPECIFIED] / [PARTIALLY_SPECIFIED] / [ASSUMPTION] /
// [FROM_OFFICIAL_CODE] flag and every broken citation in the workspace, grouped by file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AuditReport } from '../../core/citations/audit';
import { auditRepository } from '../../core/citations/audit';
import type { CoverageReport, PlaceCoverage } from '../../core/citations/coverage';
import { coverageOf, coverageState, coverageSummary } from '../../core/citations/coverage';
import { taggedExtensions } from '../../core/citations/languages';
import { getPaper } from '../../core/citations/papers';
import type { Services } from '../services';

type Node =
  | { kind: 'message'; text: string }
  | { kind: 'coverage'; folder: string; coverage: CoverageReport; key?: string }
  | { kind: 'place'; folder: string; place: PlaceCoverage }
  | { kind: 'file'; folder: string; file: string; items: Item[] }
  | { kind: 'item'; folder: string; item: Item };

interface Item {
  file: string;
  line: number;
  label: string;
  detail: string;
  broken: boolean;
}

const FLAG_ICONS: Record<string, string> = {
  UNSPECIFIED: 'question',
  PARTIALLY_SPECIFIED: 'circle-large-outline',
  ASSUMPTION: 'lightbulb',
  FROM_OFFICIAL_CODE: 'github',
};

const STATE_WORDS = {
  tested: 'implemented, tested',
  implemented: 'implemented, not tested',
  configured: 'configured or tested only',
  none: 'not covered',
} as const;
const STATE_ICONS = {
  tested: 'pass-filled',
  implemented: 'circle-filled',
  configured: 'circle-large-outline',
  none: 'circle-slash',
} as const;
const STATE_COLORS = {
  tested: 'testing.iconPassed',
  implemented: 'charts.yellow',
  configured: 'descriptionForeground',
  none: 'testing.iconFailed',
} as const;

export function registerAuditView(services: Services): void {
  const { log } = services;
  let reports: { folder: string; report?: AuditReport; coverage?: { report: CoverageReport; key?: string }[]; problem?: string }[] = [];
  let running: Promise<void> | undefined;
  const changed = new vscode.EventEmitter<void>();

  // Broken citations of files that are not open: Problems lists the whole repository, not only
  // the open editors (an open file's diagnostics are live, from registerCitations).
  const repoDiagnostics = vscode.languages.createDiagnosticCollection('papertrail-audit');
  const publish = (): void => {
    repoDiagnostics.clear();
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.fsPath));
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const r of reports) {
      for (const b of r.report?.broken ?? []) {
        const file = path.join(r.folder, b.file);
        if (open.has(file)) continue;
        const d = new vscode.Diagnostic(
          new vscode.Range(b.line - 1, 0, b.line - 1, Number.MAX_SAFE_INTEGER),
          `Broken citation ${b.tag.trim()}: ${b.reason}`,
          vscode.DiagnosticSeverity.Warning,
        );
        d.source = 'PaperTrail';
        d.code = 'broken-citation';
        byFile.set(file, [...(byFile.get(file) ?? []), d]);
      }
    }
    for (const [file, list] of byFile) repoDiagnostics.set(vscode.Uri.file(file), list);
  };

  async function audit(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    reports = await Promise.all(
      folders.map(async (f) => {
        const setting = vscode.workspace.getConfiguration('papertrail', f.uri).get<string>('paper') || undefined;
        const r = await auditRepository(f.uri.fsPath, { ...(setting ? { setting } : {}), parse: { env: process.env } });
        if (!r.ok) return { folder: f.uri.fsPath, problem: r.error.message };
        // One coverage per paper: a repository of several papers has one for each key.
        const coverage: { report: CoverageReport; key?: string }[] = [];
        for (const p of r.value.papers.some((x) => x.key) ? r.value.papers : r.value.papers.slice(0, 1)) {
          const paper = await getPaper(p.source, { cwd: f.uri.fsPath, env: process.env });
          if (paper.ok) coverage.push({ report: coverageOf(r.value, paper.value), ...(p.key ? { key: p.key } : {}) });
        }
        log.info(
          `audit ${f.uri.fsPath}: ${r.value.counts.tags} tags, ${r.value.counts.broken} broken, ${r.value.flags.length} flags, coverage ${(r.value.coverage.ratio * 100).toFixed(0)}%`,
        );
        return { folder: f.uri.fsPath, report: r.value, coverage };
      }),
    );
    changed.fire();
    publish();
  }
  const refresh = () => (running ??= audit().finally(() => (running = undefined)));

  const tree: vscode.TreeDataProvider<Node> = {
    onDidChangeTreeData: changed.event,
    getChildren(node) {
      if (!node) return rootNodes();
      if (node.kind === 'coverage') return node.coverage.places.map((place) => ({ kind: 'place' as const, folder: node.folder, place }));
      return node.kind === 'file' ? node.items.map((item) => ({ kind: 'item' as const, folder: node.folder, item })) : [];
    },
    getTreeItem(node) {
      if (node.kind === 'message') {
        const t = new vscode.TreeItem(node.text);
        t.iconPath = new vscode.ThemeIcon('info');
        return t;
      }
      if (node.kind === 'coverage') {
        const t = new vscode.TreeItem(
          node.key ? `Paper coverage [${node.key}]` : 'Paper coverage',
          vscode.TreeItemCollapsibleState.Collapsed,
        );
        t.description = coverageSummary(node.coverage);
        t.tooltip = `What the tags of ${path.basename(node.folder)} cite of "${node.coverage.paper.title}": ${coverageSummary(node.coverage)}`;
        t.iconPath = new vscode.ThemeIcon('graph');
        return t;
      }
      if (node.kind === 'place') {
        const p = node.place;
        const state = coverageState(p);
        const t = new vscode.TreeItem(`${p.label}${p.kind === 'section' ? ` ${p.title}` : ''}`);
        t.description = `${STATE_WORDS[state]} · p. ${p.page}`;
        const by = [...p.implementedBy, ...p.testedBy, ...p.configuredBy];
        t.tooltip = by.length ? by.map((c) => `${c.file}:${c.line}`).join('\n') : 'No tag cites it';
        t.iconPath = new vscode.ThemeIcon(STATE_ICONS[state], new vscode.ThemeColor(STATE_COLORS[state]));
        const first = by[0];
        if (first)
          t.command = {
            title: 'Open',
            command: 'vscode.open',
            arguments: [
              vscode.Uri.file(path.join(node.folder, first.file)),
              { selection: new vscode.Range(first.line - 1, 0, first.line - 1, 0) },
            ],
          };
        return t;
      }
      if (node.kind === 'file') {
        const t = new vscode.TreeItem(node.file, vscode.TreeItemCollapsibleState.Expanded);
        t.resourceUri = vscode.Uri.file(path.join(node.folder, node.file));
        t.description = `${node.items.length}`;
        return t;
      }
      const { item } = node;
      const t = new vscode.TreeItem(item.label);
      t.description = `${item.detail} · line ${item.line}`;
      t.tooltip = `${item.label} ${item.detail}\n${item.file}:${item.line}`;
      t.iconPath = new vscode.ThemeIcon(item.broken ? 'warning' : (FLAG_ICONS[item.label.replace(/[[\]]/g, '')] ?? 'tag'));
      const uri = vscode.Uri.file(path.join(node.folder, item.file));
      t.command = {
        title: 'Open',
        command: 'vscode.open',
        arguments: [uri, { selection: new vscode.Range(item.line - 1, 0, item.line - 1, 0) }],
      };
      return t;
    },
  };

  function rootNodes(): Node[] {
    // Empty before the first audit, so the view's welcome text (with its button) shows.
    if (!reports.length) return running ? [{ kind: 'message', text: 'Auditing…' }] : [];
    const nodes: Node[] = [];
    for (const r of reports) {
      if (!r.report) {
        nodes.push({ kind: 'message', text: `${path.basename(r.folder)}: ${r.problem}` });
        continue;
      }
      for (const c of r.coverage ?? [])
        if (c.report.places.length)
          nodes.push({ kind: 'coverage', folder: r.folder, coverage: c.report, ...(c.key ? { key: c.key } : {}) });
      const byFile = new Map<string, Item[]>();
      const add = (file: string, item: Item) => byFile.set(file, [...(byFile.get(file) ?? []), item]);
      for (const b of r.report.broken)
        add(b.file, { file: b.file, line: b.line, label: `Broken: ${b.tag}`, detail: b.reason, broken: true });
      for (const f of r.report.flags) add(f.file, { file: f.file, line: f.line, label: `[${f.flag}]`, detail: f.text, broken: false });
      for (const [file, items] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
        nodes.push({ kind: 'file', folder: r.folder, file, items: items.sort((a, b) => a.line - b.line) });
      }
    }
    return nodes.length ? nodes : [{ kind: 'message', text: 'No flags and no broken citations.' }];
  }

  const view = vscode.window.createTreeView('papertrail.audit', { treeDataProvider: tree, showCollapseAll: true });
  const summarize = () => {
    const flags = reports.reduce((n, r) => n + (r.report?.flags.length ?? 0), 0);
    const broken = reports.reduce((n, r) => n + (r.report?.counts.broken ?? 0), 0);
    view.description = reports.some((r) => r.report) ? `${flags} flags, ${broken} broken` : undefined;
  };
  changed.event(summarize);

  // Re-audit when a tagged file is saved (debounced), so the view follows the code.
  const exts = new Set(taggedExtensions());
  let timer: NodeJS.Timeout | undefined;
  services.context.subscriptions.push(
    changed,
    view,
    view.onDidChangeVisibility((e) => {
      if (e.visible && !reports.length) void refresh();
    }),
    repoDiagnostics,
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (!exts.has(path.extname(d.uri.fsPath).toLowerCase())) return;
      clearTimeout(timer);
      timer = setTimeout(() => void refresh(), 500);
    }),
    // An opened file's live diagnostics replace its audit ones; a closed file keeps its problems listed.
    vscode.workspace.onDidOpenTextDocument((d) => repoDiagnostics.delete(d.uri)),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (!exts.has(path.extname(d.uri.fsPath).toLowerCase()) || !reports.length) return;
      clearTimeout(timer);
      timer = setTimeout(() => void refresh(), 500);
    }),
    vscode.commands.registerCommand('papertrail.auditCitations', async () => {
      await vscode.commands.executeCommand('papertrail.audit.focus');
      await refresh();
      const broken = reports.reduce((n, r) => n + (r.report?.counts.broken ?? 0), 0);
      const problems = reports.filter((r) => r.problem).map((r) => r.problem);
      if (problems.length && !reports.some((r) => r.report)) void vscode.window.showWarningMessage(`PaperTrail: ${problems[0]}`);
      return { broken, flags: reports.reduce((n, r) => n + (r.report?.flags.length ?? 0), 0), problems };
    }),
    vscode.commands.registerCommand('papertrail.refreshAudit', () => refresh()),
  );
  // On open: a workspace with a reimplementation is audited at once, so Problems lists its broken citations.
  if (view.visible) void refresh();
  else
    void vscode.workspace.findFiles('**/.papertrail/paper.json', '**/node_modules/**', 1).then((found) => {
      if (found.length) void refresh();
    });
}
