// Citation anchors in the editor: CodeLens, hover, diagnostics with quick fixes, and the
// reproduction audit view. All of them read one CitationService.
import * as vscode from 'vscode';
import type { FoundTag } from '../../core/citations/find';
import { tagAt } from '../../core/citations/find';
import { taggedLanguageSelector } from './selectors';
import type { ResolvedRef, TagResolution } from '../../core/citations/resolve';
import type { Services } from '../services';
import type { RevealCitationArgs } from '../viewer/revealCitation';
import type { CitationService, DocumentCitations } from './citationService';
import { createCitationService } from './citationService';
import { equationLatex, escapeMarkdown, hoverMarkdown, lensTitle, revealTargetFor } from './present';
import type { Paper } from '../../core/paper/model';
import { mathSvg, svgDataUri } from '../../core/paper/mathSvg';
import { registerAuditView } from './auditView';

const DIAGNOSTIC_SOURCE = 'PaperTrail';
const BROKEN_CODE = 'broken-citation';

export function registerCitations(services: Services): CitationService {
  const citations = createCitationService(services);
  const diagnostics = vscode.languages.createDiagnosticCollection('papertrail');
  const lensChanged = new vscode.EventEmitter<void>();
  const selector = taggedLanguageSelector();

  // Each tag opens its own paper: in a repository of several, the one its key names.
  const revealArgs = (doc: DocumentCitations, i: number, ref: ResolvedRef, resolution: TagResolution): RevealCitationArgs | undefined => {
    const target = revealTargetFor(ref, resolution);
    const pdf = doc.tagPapers[i]?.pdf;
    return pdf && target ? { paper: pdf, target } : undefined;
  };

  services.context.subscriptions.push(
    citations,
    diagnostics,
    lensChanged,
    vscode.languages.registerCodeLensProvider(selector, {
      onDidChangeCodeLenses: lensChanged.event,
      async provideCodeLenses(document) {
        const doc = await citations.forDocument(document);
        if (!doc?.paper) return [];
        return doc.tags.flatMap((tag, i) => {
          const resolution = doc.resolutions[i]!;
          if (!tag.refs.length) return [];
          const line = Math.min(tag.scope.startLine, tag.line);
          const ref = mostSpecific(resolution);
          const args = ref && resolution.resolved ? revealArgs(doc, i, ref, resolution) : undefined;
          const key = doc.tagPapers[i]?.key;
          const title = key ? `[${key}] ${lensTitle(resolution)}` : lensTitle(resolution);
          const command: vscode.Command = args
            ? {
                title,
                command: 'papertrail.revealCitation',
                arguments: [args],
                tooltip: 'Show the cited passage in the paper',
              }
            : {
                title,
                command: '',
                tooltip:
                  resolution.reason ??
                  (doc.tagPapers[i]?.pdf ? 'Not found on a page of the PDF' : noPdfTooltip(doc.tagPapers[i]?.paper ?? doc.paper!)),
              };
          return [new vscode.CodeLens(new vscode.Range(line, 0, line, 0), command)];
        });
      },
    }),
    vscode.languages.registerHoverProvider(selector, {
      async provideHover(document, position) {
        const doc = await citations.forDocument(document);
        const tag = doc && tagAt(doc.tags, position.line, position.character);
        if (!doc || !tag) return undefined;
        const range = new vscode.Range(tag.line, tag.column, tag.endLine, tag.endColumn);
        if (!doc.paper) return new vscode.Hover(new vscode.MarkdownString(`PaperTrail: ${doc.paperProblem ?? 'no paper'}`), range);
        const i = doc.tags.indexOf(tag);
        const resolution = doc.resolutions[i]!;
        const open = (ref: ResolvedRef) => {
          const args = revealArgs(doc, i, ref, resolution);
          return args ? `command:papertrail.revealCitation?${encodeURIComponent(JSON.stringify([args]))}` : '';
        };
        const own = doc.tagPapers[i];
        const paper = own?.paper ?? doc.paper;
        const typeset = (ref: ResolvedRef) => typesetEquation(paper, ref);
        // In a repository of several papers the hover says which one the tag cites.
        const which = own?.key ? `**[${own.key}]** ${escapeMarkdown(own.paper.title || own.paper.id)}\n\n` : '';
        const md = new vscode.MarkdownString(which + hoverMarkdown(resolution, own?.pdf ? open : undefined, typeset), true);
        md.isTrusted = { enabledCommands: ['papertrail.revealCitation'] };
        return new vscode.Hover(md, range);
      },
    }),
    vscode.languages.registerCodeActionsProvider(
      selector,
      {
        async provideCodeActions(document, _range, context) {
          const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && d.code === BROKEN_CODE);
          if (!ours.length) return [];
          const doc = await citations.forDocument(document);
          if (!doc) return [];
          const actions: vscode.CodeAction[] = [];
          for (const diagnostic of ours) {
            const i = doc.tags.findIndex(
              (t) =>
                t.line === diagnostic.range.start.line &&
                t.column <= diagnostic.range.start.character &&
                diagnostic.range.end.character <= t.endColumn + 1,
            );
            const tag = doc.tags[i];
            const resolution = doc.resolutions[i];
            if (!tag || !resolution) continue;
            // A key that names no paper: offer the keys there are, the closest first.
            const unknown = resolution.unknownPaper;
            if (unknown && tag.paperStart !== undefined && tag.paperEnd !== undefined) {
              const range = new vscode.Range(document.positionAt(tag.paperStart), document.positionAt(tag.paperEnd));
              const keys = unknown.closest ? [unknown.closest, ...unknown.known.filter((k) => k !== unknown.closest)] : unknown.known;
              for (const k of keys) {
                const action = new vscode.CodeAction(`Cite paper [${k}] instead of [${unknown.key}]`, vscode.CodeActionKind.QuickFix);
                action.edit = new vscode.WorkspaceEdit();
                action.edit.replace(document.uri, range, k);
                action.diagnostics = [diagnostic];
                action.isPreferred = actions.length === 0 && k === unknown.closest;
                actions.push(action);
              }
            }
            for (const s of resolution.suggestions) {
              const ref = tag.refs[s.refIndex];
              if (!ref) continue;
              const action = new vscode.CodeAction(`Cite ${s.label} instead (${s.why})`, vscode.CodeActionKind.QuickFix);
              action.edit = new vscode.WorkspaceEdit();
              action.edit.replace(document.uri, new vscode.Range(ref.line, ref.column, ref.line, ref.endColumn), s.number);
              action.diagnostics = [diagnostic];
              action.isPreferred = actions.length === 0;
              actions.push(action);
            }
          }
          return actions;
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  );

  // Diagnostics follow the open documents, a moment after typing stops.
  const timers = new Map<string, NodeJS.Timeout>();
  const refresh = (document: vscode.TextDocument, delay = 300) => {
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(async () => {
        timers.delete(key);
        const doc = await citations.forDocument(document);
        if (!doc || doc.version !== document.version) return;
        diagnostics.set(document.uri, diagnosticsFor(doc));
        lensChanged.fire();
      }, delay),
    );
  };
  services.context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((d) => refresh(d, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => refresh(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
    citations.onDidChange((uri) => {
      const d = vscode.workspace.textDocuments.find((x) => x.uri.toString() === uri.toString());
      if (d) refresh(d, 0);
    }),
    { dispose: () => timers.forEach(clearTimeout) },
  );
  for (const d of vscode.workspace.textDocuments) refresh(d, 0);

  registerAuditView(services);
  return citations;
}

/** Typeset equations by paper, number and colour: a hover after the first is a map lookup. */
const typesetCache = new Map<string, string | undefined>();

/** The equation as an SVG image URI in the editor's foreground colour, or undefined (the hover then shows its text). */
function typesetEquation(paper: Paper, ref: ResolvedRef): string | undefined {
  const dark = [vscode.ColorThemeKind.Dark, vscode.ColorThemeKind.HighContrast].includes(vscode.window.activeColorTheme.kind);
  const color = dark ? '#d4d4d4' : '#1f1f1f';
  const key = `${paper.id}\u0000${ref.number}\u0000${color}`;
  if (typesetCache.has(key)) return typesetCache.get(key);
  const latex = equationLatex(paper, ref);
  const svg = latex ? mathSvg(latex, { color }) : undefined;
  const uri = svg?.ok ? svgDataUri(svg.value) : undefined;
  if (typesetCache.size > 500) typesetCache.clear();
  typesetCache.set(key, uri);
  return uri;
}

/** "§3.2, Eq. 4" opens at Eq. 4: an equation, table or figure is a tighter place than its section. */
function mostSpecific(resolution: TagResolution): ResolvedRef | undefined {
  const resolved = resolution.refs.filter((r): r is ResolvedRef => r.resolved);
  return resolved.find((r) => r.kind !== 'section') ?? resolved[0];
}

function diagnosticsFor(doc: DocumentCitations): vscode.Diagnostic[] {
  if (!doc.paper) return [];
  return doc.tags.flatMap((tag: FoundTag, i) => {
    const resolution = doc.resolutions[i]!;
    if (resolution.resolved) return [];
    const d = new vscode.Diagnostic(
      new vscode.Range(tag.line, tag.column, tag.endLine, tag.endColumn),
      `Broken citation ${tag.raw.trim()}: ${resolution.reason ?? 'it points at nothing in the paper'}`,
      vscode.DiagnosticSeverity.Warning,
    );
    d.source = DIAGNOSTIC_SOURCE;
    d.code = BROKEN_CODE;
    return [d];
  });
}

/** Why a resolved tag's lens opens nothing, and how to change that. */
function noPdfTooltip(paper: Paper): string {
  // LaTeX read alone has no pages; its compiled PDF beside the main file gives them (parse.ts merges it).
  return paper.source.kind === 'latex'
    ? 'No PDF of this paper to show the passage in: compile it beside its main .tex (e.g. latexmk -pdf main.tex) and the lens opens it'
    : 'The paper has no PDF to show';
}
