// The plan review page: shows the plan the host posts and sends back Continue (with the
// edited config, if any) or Cancel. Everything the model wrote is inserted as text, never as
// HTML; only mermaid's SVG is markup, and mermaid sanitises it (securityLevel 'strict').
import mermaid from 'mermaid';
import type {
  ConfigSegment,
  HostToPlanReview,
  PlanFileView,
  PlanReviewToHost,
  PlanReviewView,
} from '../../src/extension/codegen/planReviewProtocol';
import { INLINE_MATH } from '../../src/extension/codegen/planReviewProtocol';
import { el } from './dom';
import { keyProblem, keyRenames, renderPaperGraph } from './paperGraph';
import './planReview.css';

/** The page's only link to VS Code; tests install a fake one as window.__papertrailHost first. */
interface Host {
  post(message: PlanReviewToHost): void;
  onMessage(handler: (message: HostToPlanReview) => void): void;
}

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

function connectHost(): Host {
  const injected = (globalThis as { __papertrailHost?: Host }).__papertrailHost;
  if (injected) return injected;
  const api = acquireVsCodeApi();
  return {
    post: (m) => api.postMessage(m),
    onMessage: (handler) => window.addEventListener('message', (e: MessageEvent<HostToPlanReview>) => handler(e.data)),
  };
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const host = connectHost();
const continueButton = $<HTMLButtonElement>('continue');
const editButton = $<HTMLButtonElement>('edit-config');
const cancelButton = $<HTMLButtonElement>('cancel');
const configPre = $<HTMLPreElement>('config');
const configEditor = $<HTMLTextAreaElement>('config-editor');
const status = $('status');

let view: PlanReviewView | undefined;
let editing = false;
let decided = false;
let renderCount = 0;

host.onMessage((m) => {
  if (m.type === 'plan') void show(m.view);
});

continueButton.addEventListener('click', () => {
  if (!view) return;
  const edited = editing && configEditor.value !== view.config.content ? configEditor.value : undefined;
  const keys = keyRenames();
  decide(
    {
      type: 'continue',
      ...(edited !== undefined ? { config: edited } : {}),
      ...(Object.keys(keys).length ? { keys } : {}),
    },
    edited !== undefined ? 'Continuing with the edited config…' : 'Continuing…',
  );
});
cancelButton.addEventListener('click', () => decide({ type: 'cancel' }, 'Cancelled.'));
editButton.addEventListener('click', () => setEditing(!editing));
configEditor.addEventListener('keydown', (e) => {
  // Ctrl+Enter in the editor continues, as in VS Code's own input boxes.
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    continueButton.click();
  }
});

// VS Code swaps the body's theme class when the user changes theme: redraw the diagrams to match.
let theme = mermaidTheme();
new MutationObserver(() => {
  const next = mermaidTheme();
  if (next !== theme && view) {
    theme = next;
    void renderDiagrams(view);
  }
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

host.post({ type: 'ready' });

function decide(message: PlanReviewToHost, text: string): void {
  if (decided) return;
  decided = true;
  for (const b of [continueButton, editButton, cancelButton]) b.disabled = true;
  configEditor.readOnly = true;
  status.textContent = text;
  status.hidden = false;
  host.post(message);
}

function setEditing(on: boolean): void {
  if (!view) return;
  editing = on;
  if (on) {
    configEditor.value = view.config.content;
    configEditor.rows = Math.min(40, view.config.content.split('\n').length + 1);
  }
  configPre.hidden = on;
  configEditor.hidden = !on;
  // While editing, the same button throws the edits away and shows the highlighted original.
  editButton.textContent = on ? 'Discard edits' : 'Edit config';
  editButton.title = on ? 'Go back to the config as planned' : 'Edit the config before the code is written';
  (on ? configEditor : editButton).focus();
}

async function show(v: PlanReviewView): Promise<void> {
  view = v;
  document.title = `Plan: ${v.title}`;
  $('title').textContent = v.title;
  renderMeta(v);
  renderBrokenCites(v);
  renderRefused(v);
  $('papers-section').hidden = !v.papers?.length;
  if (v.papers?.length) {
    $('paper-count').textContent = `(${v.papers.length})`;
    renderPaperGraph($('paper-graph'), v.papers, () => {
      // A key that is not a key, or names two papers, holds Continue until it is mended.
      const problem = keyProblem();
      $('paper-key-error').textContent = problem ?? '';
      $('paper-key-error').hidden = !problem;
      continueButton.disabled = decided || Boolean(problem);
      const renames = keyRenames();
      for (const chip of document.querySelectorAll<HTMLElement>('.paper-chip[data-paper]')) {
        chip.textContent = `[${renames[chip.dataset.paper!] ?? chip.dataset.paper}]`;
      }
    });
  }
  $('summary').replaceChildren(...rich(v.summary));
  $('components').replaceChildren(
    ...v.components.map((c) => el('li', {}, el('strong', {}, c.name), ' — ', ...rich(c.purpose), ' ', citeChip(c.cite))),
  );
  renderFiles(v.files);
  $('packages').replaceChildren(
    ...(v.packages.length
      ? [el('span', { class: 'pt-label' }, 'Packages'), ' ', ...spaced(v.packages.map((p) => el('code', { class: 'chip' }, p)))]
      : []),
  );
  $('shared').replaceChildren(...rich(v.shared));
  $('shared-details').hidden = !v.shared;
  renderConfig(v);
  renderQuestions(v);
  $('plan').hidden = false;
  status.hidden = true;
  continueButton.disabled = decided;
  // No focus on Continue: a stray Enter must not start a run that costs money.
  editButton.disabled = decided;
  await renderDiagrams(v);
}

function renderMeta(v: PlanReviewView): void {
  const estimate = el(
    'span',
    { class: v.estimate.costKnown ? 'estimate' : 'estimate unknown', title: v.estimate.stages.join('\n') },
    v.estimate.text,
  );
  $('meta').replaceChildren(
    el('span', { class: 'pt-label' }, 'Models'),
    ' ',
    el('span', { class: 'models' }, v.models),
    el('span', { class: 'sep', 'aria-hidden': 'true' }, ' · '),
    el('span', { class: 'pt-label' }, 'Estimate for the rest'),
    ' ',
    estimate,
  );
}

function renderBrokenCites(v: PlanReviewView): void {
  broken = new Map(v.brokenCites.map((b) => [b.cite, b.reason]));
  $('broken-cites').hidden = v.brokenCites.length === 0;
  $('broken-cites-list').replaceChildren(...v.brokenCites.map((b) => el('li', {}, el('code', {}, b.cite), ` — ${b.reason}`)));
}

/** Broken citation (as written) → why; chips that hold one are marked. */
let broken = new Map<string, string>();

function renderRefused(v: PlanReviewView): void {
  $('refused').hidden = v.refused.length === 0;
  $('refused-list').replaceChildren(...v.refused.map((r) => el('li', {}, el('code', {}, r.path), ` — ${r.reason}`)));
}

function renderFiles(files: PlanFileView[]): void {
  $('file-count').textContent = `(${files.length})`;
  $('files').replaceChildren(
    ...files.map((f) =>
      el(
        'li',
        { class: 'file' },
        el(
          'div',
          { class: 'file-head' },
          el('code', { class: 'path' }, f.path),
          f.paper ? el('span', { class: 'paper-chip', 'data-paper': f.paper, title: `Implements paper [${f.paper}]` }, `[${f.paper}]`) : '',
          f.purpose ? el('span', { class: 'purpose' }, ...rich(f.purpose)) : '',
        ),
        f.responsibilities.length
          ? el('ul', { class: 'responsibilities' }, ...f.responsibilities.map((r) => el('li', {}, ...rich(r))))
          : '',
        el(
          'div',
          { class: 'deps' },
          el('span', { class: 'pt-label' }, 'Needs'),
          ' ',
          ...(f.dependsOn.length
            ? spaced(
                f.dependsOn.map((d) =>
                  el('code', d.known ? { class: 'chip' } : { class: 'chip missing', title: 'Not among the planned files' }, d.path),
                ),
              )
            : [el('span', { class: 'muted' }, 'no other file')]),
        ),
        f.cites.length
          ? el('div', { class: 'cites' }, el('span', { class: 'pt-label' }, 'Cites'), ' ', ...spaced(f.cites.map(citeChip)))
          : '',
      ),
    ),
  );
}

function renderConfig(v: PlanReviewView): void {
  $('config-path').textContent = v.config.path;
  configPre.replaceChildren(...v.config.lines.flatMap((line, i) => [...(i ? ['\n'] : []), ...line.map(segment)]));
  const counts = Object.entries(v.config.flags);
  $('config-flags').replaceChildren(
    ...(counts.length
      ? counts.flatMap(([flag, n]) => [el('span', { class: `flag flag-${flag.toLowerCase()}` }, `[${flag}]`), ` × ${n} `])
      : [el('span', { class: 'muted' }, 'No flagged values.')]),
  );
}

function segment(s: ConfigSegment): Node {
  if (!s.kind) return document.createTextNode(s.text);
  const cls = s.kind === 'flag' ? `flag flag-${(s.flag ?? '').toLowerCase()}` : s.kind;
  return el('span', { class: cls }, s.text);
}

function renderQuestions(v: PlanReviewView): void {
  $('questions-section').hidden = v.openQuestions.length === 0;
  $('questions').replaceChildren(
    ...v.openQuestions.map((q) =>
      el(
        'li',
        {},
        el('div', { class: 'question' }, ...rich(q.question)),
        q.options.length ? el('ul', { class: 'options' }, ...q.options.map((o) => el('li', {}, o))) : '',
        q.cite ? el('div', { class: 'cites' }, citeChip(q.cite)) : '',
      ),
    ),
  );
}

/** Text with its `$…$` math as the typeset images the host sent (text where it could not typeset); never HTML. */
function rich(text: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE_MATH)) {
    const uri = view?.math?.[m[1]!];
    if (!uri) continue;
    out.push(text.slice(last, m.index));
    const img = document.createElement('img');
    img.className = 'math';
    img.src = uri;
    img.alt = m[1]!;
    out.push(img);
    last = m.index! + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

/** A citation as a chip; a leading flag ([UNSPECIFIED] ...) is coloured like the config's. */
function citeChip(cite: string): HTMLElement {
  const m = /^\s*\[\s*(UNSPECIFIED|PARTIALLY[_ -]SPECIFIED|ASSUMPTION|FROM[_ -]OFFICIAL[_ -]CODE)\s*\]\s*/i.exec(cite);
  const why = [...broken].find(([b]) => cite.includes(b));
  if (why) return el('span', { class: 'chip cite broken', title: `Broken: ${why[1]}` }, `⚠ ${cite}`);
  if (!m) return el('span', { class: 'chip cite' }, cite);
  const flag = m[1]!.toUpperCase().replace(/[ -]/g, '_');
  return el(
    'span',
    { class: 'chip cite' },
    el('span', { class: `flag flag-${flag.toLowerCase()}` }, `[${flag}]`),
    cite.slice(m[0].length) ? ` ${cite.slice(m[0].length)}` : '',
  );
}

function mermaidTheme(): 'dark' | 'default' {
  const c = document.body.classList;
  return c.contains('vscode-dark') || (c.contains('vscode-high-contrast') && !c.contains('vscode-high-contrast-light'))
    ? 'dark'
    : 'default';
}

async function renderDiagrams(v: PlanReviewView): Promise<void> {
  const font = getComputedStyle(document.body).getPropertyValue('--vscode-font-family').trim();
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme: mermaidTheme(),
    // The page shows its own note on a bad diagram; mermaid's error SVG would be noise.
    suppressErrorRendering: true,
    ...(font ? { fontFamily: font } : {}),
  });
  // One at a time: mermaid renders through a shared scratch element.
  await renderDiagram($('class-diagram'), v.classDiagram, 'class diagram');
  await renderDiagram($('sequence-diagram'), v.sequenceDiagram, 'sequence diagram');
}

async function renderDiagram(target: HTMLElement, source: string, name: string): Promise<void> {
  target.classList.remove('failed');
  if (!source.trim()) {
    target.replaceChildren(el('p', { class: 'muted' }, `The plan has no ${name}.`));
    return;
  }
  const id = `pt-mermaid-${++renderCount}`;
  try {
    const { svg } = await mermaid.render(id, source);
    target.innerHTML = svg;
    target.querySelector('svg')?.setAttribute('aria-label', name);
  } catch (e) {
    // A failed render can leave its scratch element behind.
    document.getElementById(id)?.remove();
    document.getElementById(`d${id}`)?.remove();
    const reason = firstLine(e instanceof Error ? e.message : String(e));
    target.classList.add('failed');
    target.replaceChildren(
      el(
        'p',
        { class: 'diagram-error', role: 'note' },
        `Could not draw the ${name}${reason ? ` (${reason})` : ''}; its source is shown instead.`,
      ),
      el('pre', { class: 'diagram-source', tabindex: '0' }, source),
    );
  }
}

function firstLine(s: string): string {
  // Mermaid's parse errors read "Parse error on line 4:" and then the source excerpt.
  const line = (s.split('\n').find((l) => l.trim()) ?? '').trim().replace(/:$/, '');
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}

/** Chips with a space between them, so that copied text and screen readers keep them apart. */
function spaced(nodes: HTMLElement[]): (HTMLElement | string)[] {
  return nodes.flatMap((n, i) => (i ? [' ', n] : [n]));
}
