// The papers of a family as a small layered graph: base papers on the top row, each paper
// below the papers it builds on, an arrow from a paper up to each of its bases. Each node's
// key is an input: a rename travels back with Continue.
import type { PaperNodeView } from '../../src/extension/codegen/planReviewProtocol';
import { PAPER_KEY_PATTERN } from '../../src/extension/codegen/planReviewProtocol';
import { el } from './dom';

const SVG = 'http://www.w3.org/2000/svg';
let inputs = new Map<string, HTMLInputElement>();
let observer: ResizeObserver | undefined;

/** Draws the graph into `container`; `onChange` runs after every edit of a key. */
export function renderPaperGraph(container: HTMLElement, papers: readonly PaperNodeView[], onChange: () => void): void {
  inputs = new Map();
  const levels = [...new Set(papers.map((p) => p.level))].sort((a, b) => a - b);
  const rows = levels.map((level) =>
    el('div', { class: 'paper-row' }, ...papers.filter((p) => p.level === level).map((p) => node(p, onChange))),
  );
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'paper-edges');
  svg.setAttribute('aria-hidden', 'true');
  container.replaceChildren(svg, ...rows);
  const draw = () => drawEdges(container, svg, papers);
  observer?.disconnect();
  observer = new ResizeObserver(draw);
  observer.observe(container);
  requestAnimationFrame(draw);
}

/** Keys the user changed, original → new (valid or not: keyProblem says whether they are usable). */
export function keyRenames(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, input] of inputs) if (input.value.trim() !== key) out[key] = input.value.trim();
  return out;
}

/** Why the keys as edited cannot be used, or undefined. */
export function keyProblem(): string | undefined {
  const values = [...inputs.values()].map((i) => i.value.trim());
  for (const [key, input] of inputs) {
    const v = input.value.trim();
    const bad = !PAPER_KEY_PATTERN.test(v)
      ? `"${v}" is not a paper key: 2–24 lower-case letters, digits, "-" or "_", a letter first`
      : values.filter((x) => x === v).length > 1
        ? `"${v}" names two papers; give each its own key`
        : undefined;
    input.setAttribute('aria-invalid', String(Boolean(bad)));
    if (bad) return `Paper [${key}]: ${bad}.`;
  }
  return undefined;
}

function node(p: PaperNodeView, onChange: () => void): HTMLElement {
  const input = el('input', {
    class: 'key-input',
    type: 'text',
    value: p.key,
    spellcheck: 'false',
    size: String(Math.max(6, p.key.length + 1)),
    'aria-label': `Key of "${p.title}"`,
    title: 'The key tags use to name this paper; edit it to rename',
  }) as HTMLInputElement;
  input.addEventListener('input', onChange);
  inputs.set(p.key, input);
  return el(
    'div',
    { class: `paper-node${p.main ? ' main' : ''}`, 'data-key': p.key },
    el('div', { class: 'paper-key' }, '[', input, ']', p.main ? el('span', { class: 'badge' }, 'main') : ''),
    el('div', { class: 'paper-title' }, p.title),
    el('div', { class: 'paper-meta muted' }, `${p.files} ${p.files === 1 ? 'file' : 'files'}`),
    ...p.buildsOn.map((b) => el('div', { class: 'builds-on' }, el('span', { class: 'pt-label' }, `builds on [${b.key}]`), ' ', b.what)),
  );
}

/** One arrow per edge, from the top of a paper to the bottom of the paper it builds on. */
function drawEdges(container: HTMLElement, svg: SVGSVGElement, papers: readonly PaperNodeView[]): void {
  const box = container.getBoundingClientRect();
  svg.setAttribute('width', String(box.width));
  svg.setAttribute('height', String(box.height));
  const defs = document.createElementNS(SVG, 'defs');
  const marker = document.createElementNS(SVG, 'marker');
  for (const [k, v] of Object.entries({
    id: 'arrow',
    viewBox: '0 0 10 10',
    refX: '9',
    refY: '5',
    markerWidth: '7',
    markerHeight: '7',
    orient: 'auto-start-reverse',
  }))
    marker.setAttribute(k, v);
  const tip = document.createElementNS(SVG, 'path');
  tip.setAttribute('d', 'M 0 0 L 10 5 L 0 10 z');
  marker.append(tip);
  defs.append(marker);
  const lines: SVGElement[] = [defs];
  const at = (key: string) => container.querySelector<HTMLElement>(`.paper-node[data-key="${CSS.escape(key)}"]`)?.getBoundingClientRect();
  for (const p of papers) {
    const from = at(p.key);
    for (const b of p.buildsOn) {
      const to = at(b.key);
      if (!from || !to) continue;
      const line = document.createElementNS(SVG, 'line');
      line.setAttribute('x1', String(from.left + from.width / 2 - box.left));
      line.setAttribute('y1', String(from.top - box.top));
      line.setAttribute('x2', String(to.left + to.width / 2 - box.left));
      line.setAttribute('y2', String(to.bottom - box.top));
      line.setAttribute('marker-end', 'url(#arrow)');
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `[${p.key}] builds on [${b.key}]: ${b.what}`;
      line.append(title);
      lines.push(line);
    }
  }
  svg.replaceChildren(...lines);
}
