// The plan review page and the data it shows. No `vscode` import: the browser tests render
// this very page with a fake host, and the unit tests call planView() directly.
import { parseTagText } from '../../core/citations/grammar';
import type { CostEstimate } from '../../core/pipeline/estimate';
import type { PaperModels } from '../../core/citations/family';
import { resolveAmong } from '../../core/citations/family';
import type { FamilyMember } from '../../core/pipeline/family';
import { mathSvg, svgDataUri } from '../../core/paper/mathSvg';
import type { Paper } from '../../core/paper/model';
import { INLINE_MATH } from './planReviewProtocol';
import type { Plan } from '../../core/pipeline/prompts';
import type { PathRefusal } from '../../core/workspace/safePath';
import type { WebviewPageOptions } from '../webviewPage';
import { escapeHtml, webviewPage } from '../webviewPage';
import type { ConfigSegment, PaperNodeView, PlanEstimateView, PlanFileView, PlanReviewView } from './planReviewProtocol';

export interface PlanReviewInput {
  plan: Plan;
  /** The paper the plan cites: its citations are resolved against it. */
  paper?: Paper;
  estimate: CostEstimate;
  refused: PathRefusal[];
  title: string;
  models: string;
  /** Several papers, the main one first: their citations resolve against the paper their key names. */
  family?: FamilyMember[];
}

export type PlanReviewPageOptions = WebviewPageOptions;

/**
 * The page: a skeleton that the script fills once the host posts the plan. The CSP allows
 * only the extension's own files and scripts with this nonce; no eval, nothing remote.
 * style-src needs 'unsafe-inline' because mermaid writes a <style> element into every SVG it
 * renders (and sets style attributes); a nonce cannot cover those, and a nonce in style-src
 * would make browsers ignore 'unsafe-inline'. Scripts stay nonce-only.
 */
export function planReviewHtml(options: PlanReviewPageOptions): string {
  const { cspSource, nonce, title } = options;
  return webviewPage(options, {
    csp: [`script-src 'nonce-${nonce}'`, `style-src ${cspSource} 'unsafe-inline'`, `img-src ${cspSource} data:`, `font-src ${cspSource}`],
    title: `Plan: ${title}`,
    stylesheet: 'dist/webview/planReview.css',
    script: 'dist/webview/planReview.js',
    body: `<header id="top">
  <div class="heading">
    <h1><span class="muted">Plan:</span> <span id="title">${escapeHtml(title)}</span></h1>
    <p id="meta" class="meta"></p>
  </div>
  <div class="actions" role="group" aria-label="Continue with this plan?">
    <button id="continue" class="primary" title="Write the code from this plan" disabled>Continue</button>
    <button id="edit-config" class="secondary" title="Edit the config before the code is written" aria-pressed="false" aria-controls="config config-editor" disabled>Edit config</button>
    <button id="cancel" class="secondary" title="Stop the run; the plan stays in the run store">Cancel</button>
  </div>
</header>
<p id="status" role="status" aria-live="polite">Waiting for the plan…</p>
<main id="plan" hidden>
  <section id="broken-cites" class="warning" role="alert" hidden>
    <h2>Citations that point at nothing in the paper</h2>
    <p>The plan cites places the paper does not have; the code would inherit them. Edit the config, or Continue knowing the citation check will flag them.</p>
    <ul id="broken-cites-list"></ul>
  </section>
  <section id="refused" class="warning" role="alert" hidden>
    <h2>Refused paths</h2>
    <p>The model proposed these paths; they will not be written.</p>
    <ul id="refused-list"></ul>
  </section>
  <section id="papers-section" aria-labelledby="h-papers" hidden>
    <h2 id="h-papers">Papers <span id="paper-count" class="count"></span></h2>
    <p class="muted">Which paper builds on which: base papers at the top, each file implements one paper. A tag names its paper by key (<code>[key] §2, Eq. 1</code>); rename a key here before the code is written.</p>
    <div id="paper-graph" class="paper-graph"></div>
    <p id="paper-key-error" class="key-error" role="alert" hidden></p>
  </section>
  <section aria-labelledby="h-summary">
    <h2 id="h-summary">Summary</h2>
    <p id="summary"></p>
    <ul id="components" class="components"></ul>
  </section>
  <section aria-labelledby="h-files">
    <h2 id="h-files">Files <span id="file-count" class="count"></span></h2>
    <p class="muted">In dependency order: each file is written after the files it needs.</p>
    <ol id="files" class="files"></ol>
    <p id="packages" class="packages"></p>
    <details id="shared-details"><summary>Shared conventions</summary><p id="shared"></p></details>
  </section>
  <section aria-labelledby="h-class">
    <h2 id="h-class">Class diagram</h2>
    <figure id="class-diagram" class="diagram" aria-labelledby="h-class"></figure>
  </section>
  <section aria-labelledby="h-sequence">
    <h2 id="h-sequence">Sequence diagram</h2>
    <figure id="sequence-diagram" class="diagram" aria-labelledby="h-sequence"></figure>
  </section>
  <section aria-labelledby="h-config">
    <h2 id="h-config">Config <code id="config-path"></code></h2>
    <p id="config-flags" class="flag-counts"></p>
    <pre id="config" class="config" tabindex="0" aria-labelledby="h-config"></pre>
    <textarea id="config-editor" class="config" spellcheck="false" aria-label="Config (YAML)" hidden></textarea>
  </section>
  <section id="questions-section" aria-labelledby="h-questions">
    <h2 id="h-questions">Open questions</h2>
    <ol id="questions" class="questions"></ol>
  </section>
</main>`,
  });
}

/** What the page shows, from the planning stage's output: the `plan` message's payload. */
export function planView(input: PlanReviewInput): PlanReviewView {
  const { plan } = input;
  const config = highlightConfig(plan.config.content);
  return {
    title: input.title,
    models: input.models,
    estimate: estimateView(input.estimate),
    summary: plan.overview.summary,
    components: plan.overview.components.map((c) => ({ name: c.name, purpose: c.purpose, cite: c.cite })),
    files: filesInOrder(plan),
    packages: plan.logic.packages.map((p) => `${p.name}${p.version}`),
    shared: plan.logic.shared,
    classDiagram: plan.architecture.classDiagram,
    sequenceDiagram: plan.architecture.sequenceDiagram,
    config: { path: plan.config.path, content: plan.config.content, lines: config.lines, flags: config.flags },
    openQuestions: plan.architecture.openQuestions.map((q) => ({ question: q.question, options: [...q.options], cite: q.cite })),
    refused: input.refused.map((r) => ({ path: r.path, reason: r.reason })),
    brokenCites: input.paper ? brokenCites(plan, modelsOf(input)!) : [],
    ...(plan.family ? { papers: paperNodes(plan) } : {}),
    math: typesetMath([
      plan.overview.summary,
      ...plan.overview.components.map((c) => c.purpose),
      ...plan.architecture.files.map((f) => f.purpose),
      ...plan.logic.files.flatMap((f) => f.responsibilities),
      plan.logic.shared,
      ...plan.architecture.openQuestions.map((q) => q.question),
    ]),
  };
}

/** `$…$` spans of the texts, typeset once each (MathJax, in-process); a span that does not typeset stays text. */
export function typesetMath(texts: readonly string[], color = 'currentColor'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of texts)
    for (const m of t.matchAll(INLINE_MATH)) {
      const latex = m[1]!;
      if (latex in out) continue;
      const svg = mathSvg(latex, { display: false, ...(color !== 'currentColor' ? { color } : {}) });
      if (svg.ok) out[latex] = svgDataUri(svg.value);
    }
  return out;
}

/**
 * Every citation of the plan (components, files, open questions, config comments) resolved
 * against the paper; those that point at nothing, once each, with the resolver's reason.
 */
export function brokenCites(plan: Plan, paper: Paper | PaperModels): { cite: string; reason: string }[] {
  const models: PaperModels = 'byKey' in paper ? paper : { main: paper, byKey: new Map() };
  const cites = new Set<string>([
    ...plan.overview.components.map((c) => c.cite),
    ...plan.logic.files.flatMap((f) => f.cites),
    ...plan.architecture.openQuestions.map((q) => q.cite),
  ]);
  for (const line of plan.config.content.split('\n')) {
    const hash = line.indexOf('#');
    if (hash >= 0) cites.add(line.slice(hash + 1).trim());
  }
  const out: { cite: string; reason: string }[] = [];
  for (const cite of cites) {
    for (const tag of parseTagText(cite)) {
      const r = resolveAmong(models, tag).resolution;
      if (!r.resolved) out.push({ cite: tag.raw.trim() || cite, reason: r.reason ?? 'it points at nothing in the paper' });
    }
  }
  return out.filter((b, i) => out.findIndex((x) => x.cite === b.cite) === i);
}

function modelsOf(input: PlanReviewInput): PaperModels | undefined {
  if (!input.paper) return undefined;
  const family = input.family && input.family.length > 1 ? input.family : undefined;
  return family
    ? { main: input.paper, byKey: new Map(family.map((m) => [m.key, m.paper])), mainKey: family[0]!.key }
    : { main: input.paper, byKey: new Map() };
}

/** The family's graph for the page: each paper's level (how deep it builds), what it takes, its files. */
export function paperNodes(plan: Plan): PaperNodeView[] {
  const family = plan.family!;
  const level = new Map<string, number>();
  for (const key of family.graph.order) {
    const bases = family.graph.edges.filter((e) => e.from === key).map((e) => level.get(e.to) ?? 0);
    level.set(key, bases.length ? Math.max(...bases) + 1 : 0);
  }
  const main = family.papers[0]?.key;
  return family.graph.order.map((key) => ({
    key,
    title: family.papers.find((p) => p.key === key)?.title ?? '',
    main: key === main,
    level: level.get(key) ?? 0,
    buildsOn: family.graph.edges.filter((e) => e.from === key).map((e) => ({ key: e.to, what: e.what })),
    files: plan.logic.files.filter((f) => f.paper === key).length,
  }));
}

/** The estimate as the header shows it; always labelled as an estimate. */
export function estimateView(e: CostEstimate): PlanEstimateView {
  const cost = e.cost === undefined ? 'cost unknown' : `≈ ${dollars(e.cost)}`;
  const stages = Object.entries(e.stages).map(
    ([stage, s]) =>
      `${stage}: ${s.calls} ${s.calls === 1 ? 'call' : 'calls'}, ${tokens(s.promptTokens)} in / ${tokens(s.completionTokens)} out, ${s.cost === undefined ? 'cost unknown' : dollars(s.cost)}`,
  );
  return {
    text: `≈ ${e.calls} ${e.calls === 1 ? 'call' : 'calls'} · ${tokens(e.promptTokens + e.completionTokens)} tokens · ${cost}`,
    stages,
    costKnown: e.cost !== undefined,
  };
}

function tokens(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(1)}M`;
}

function dollars(x: number): string {
  if (x > 0 && x < 0.01) return '< $0.01';
  return x < 100 ? `$${x.toFixed(2)}` : `$${Math.round(x)}`;
}

/**
 * The logic stage's files, each after the files it depends on. The model is asked for
 * dependency order but does not always keep it; the plan's own order breaks ties, and a cycle
 * (which the coding waves also tolerate) keeps it too.
 */
export function filesInOrder(plan: Plan): PlanFileView[] {
  const norm = (p: string) => p.replace(/^\.\//, '');
  const purposes = new Map(plan.architecture.files.map((f) => [norm(f.path), f.purpose]));
  const files = plan.logic.files.map((f) => ({ ...f, path: norm(f.path), dependsOn: f.dependsOn.map(norm) }));
  const known = new Set(files.map((f) => f.path));
  const placed = new Set<string>();
  const out: PlanFileView[] = [];
  const left = [...files];
  while (left.length) {
    let i = left.findIndex((f) => f.dependsOn.every((d) => d === f.path || !known.has(d) || placed.has(d)));
    if (i < 0) i = 0;
    const f = left.splice(i, 1)[0]!;
    placed.add(f.path);
    out.push({
      path: f.path,
      purpose: purposes.get(f.path) ?? '',
      responsibilities: [...f.responsibilities],
      dependsOn: f.dependsOn.map((d) => ({ path: d, known: known.has(d) })),
      cites: [...f.cites],
      ...(plan.family && f.paper ? { paper: f.paper } : {}),
    });
  }
  return out;
}

const FLAG_IN_TEXT = /\[\s*(UNSPECIFIED|PARTIALLY[_ -]SPECIFIED|ASSUMPTION|FROM[_ -]OFFICIAL[_ -]CODE)\s*\]/i;
// The kind word in front of a reference's number ("§", "Eq. (", "Table "), for highlighting the whole reference.
const KIND_BEFORE =
  /(?:§§?|\b(?:sections?|secs?\.?|sects?\.?|appendix|appendices|app\.|equations?|eqns?\.?|eqs?\.?|tables?|tab\.|figures?|figs?\.?|algorithms?|algos?\.?|algs?\.?))[ \t\u00a0~]*\(?$/i;

/**
 * The config, line by line, cut into segments: keys, comments, and inside comments the
 * citation tags and flags as the project's tag grammar reads them.
 */
export function highlightConfig(content: string): { lines: ConfigSegment[][]; flags: Record<string, number> } {
  const flags: Record<string, number> = {};
  const lines: ConfigSegment[][] = [];
  // Inside a block scalar (key: | or key: >), a # is text, not a comment.
  let blockIndent = -1;
  for (const line of content.replace(/\r\n?/g, '\n').split('\n')) {
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0 && (line.trim() === '' || indent > blockIndent)) {
      lines.push(line ? [{ text: line }] : []);
      continue;
    }
    blockIndent = -1;
    const hash = commentStart(line);
    const code = hash < 0 ? line : line.slice(0, hash);
    const segs: ConfigSegment[] = [];
    const key = /^(\s*(?:-\s+)?)([^\s#'"{[\]},:-][^#:]*?|"[^"]*"|'[^']*')(\s*:)(?=\s|$)/.exec(code);
    if (key) {
      if (key[1]) segs.push({ text: key[1] });
      segs.push({ text: key[2]!, kind: 'key' });
      segs.push({ text: key[3]! + code.slice(key[0].length) });
      if (/:\s*[|>][+-]?\d*\s*$/.test(code)) blockIndent = indent;
    } else if (code) {
      segs.push({ text: code });
    }
    if (hash >= 0) segs.push(...commentSegments(line.slice(hash), flags));
    lines.push(mergePlain(segs));
  }
  return { lines, flags };
}

/** Index of the # that starts a YAML comment: at the line start or after a space, outside quotes. */
function commentStart(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      // A quote opens a scalar only where a value starts, not inside a plain word (it's).
      if (i === 0 || /[\s:[{,-]/.test(line[i - 1]!)) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return i;
    }
  }
  return -1;
}

function commentSegments(comment: string, flags: Record<string, number>): ConfigSegment[] {
  const spans: { start: number; end: number; kind: 'cite' | 'quote' | 'flag'; flag?: string }[] = [];
  for (const tag of parseTagText(comment)) {
    if (tag.flag) {
      const m = FLAG_IN_TEXT.exec(comment.slice(tag.start, tag.end));
      if (m) spans.push({ start: tag.start + m.index, end: tag.start + m.index + m[0].length, kind: 'flag', flag: tag.flag });
      flags[tag.flag] = (flags[tag.flag] ?? 0) + 1;
    }
    for (const ref of tag.refs) {
      const before = KIND_BEFORE.exec(comment.slice(Math.max(0, ref.start - 24), ref.start));
      const start = ref.start - (before?.[0].length ?? 0);
      const end = before?.[0].endsWith('(') && comment[ref.end] === ')' ? ref.end + 1 : ref.end;
      spans.push({ start, end, kind: 'cite' });
    }
    if (tag.quoteStart !== undefined && tag.quoteEnd !== undefined)
      spans.push({ start: tag.quoteStart - 1, end: tag.quoteEnd + 1, kind: 'quote' });
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const segs: ConfigSegment[] = [];
  let pos = 0;
  for (const s of spans) {
    // Ranges ("Eqs. 4–6") give several references the same span: keep the first, skip overlaps.
    if (s.start < pos) continue;
    if (s.start > pos) segs.push({ text: comment.slice(pos, s.start), kind: 'comment' });
    segs.push({ text: comment.slice(s.start, s.end), kind: s.kind, ...(s.flag ? { flag: s.flag } : {}) });
    pos = s.end;
  }
  if (pos < comment.length) segs.push({ text: comment.slice(pos), kind: 'comment' });
  return segs;
}

function mergePlain(segs: ConfigSegment[]): ConfigSegment[] {
  const out: ConfigSegment[] = [];
  for (const s of segs) {
    if (!s.text) continue;
    const last = out[out.length - 1];
    if (last && !last.kind && !s.kind) last.text += s.text;
    else out.push({ ...s });
  }
  return out;
}
