// npm run bench:hover — the citation hover with a typeset equation, without an editor: the first
// equation typeset (MathJax starting), another equation warm, the same one again (cached by the
// editor), and the hover's Markdown around it. Goal: well under 50 ms warm.
import { hoverMarkdown } from '../src/extension/citations/present';
import { mathSvg, svgDataUri } from '../src/core/paper/mathSvg';

const EQUATIONS = [
  '\\mathrm{Attention}(Q, K, V) = \\mathrm{softmax}\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right) V',
  '\\mathrm{FFN}(x) = \\max(0, x W_1 + b_1) W_2 + b_2',
  'PE_{(pos, 2i)} = \\sin\\left(pos / 10000^{2i / d_{\\mathrm{model}}}\\right)',
  '\\mathcal{L} = -\\sum_{i=1}^{N} \\log \\frac{\\exp(s(q_i, d_i^+)/\\tau)}{\\sum_{j} \\exp(s(q_i, d_j)/\\tau)}',
  'y = \\gamma \\odot \\tanh(\\alpha x) + \\beta',
];

function time(f: () => void): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const first = time(() => mathSvg(EQUATIONS[0]!, { color: '#d4d4d4' }));
const warm: number[] = [];
for (let run = 0; run < 20; run++)
  for (const eq of EQUATIONS.slice(1)) warm.push(time(() => mathSvg(`${eq}\\quad(${run})`, { color: '#d4d4d4' })));
const svg = mathSvg(EQUATIONS[0]!, { color: '#d4d4d4' });
const uri = svg.ok ? svgDataUri(svg.value) : '';
const cache = new Map([['eq:1', uri]]);
const ref = {
  resolved: true,
  kind: 'equation',
  number: '1',
  label: 'Eq. 1',
  title: '',
  heading: 'Eq. 1',
  page: 1,
  text: 'x',
  section: '3.2',
  id: 'eq:1',
  anchors: [],
} as const;
const resolution = { resolved: true, refs: [ref], suggestions: [] } as never;
const hover: number[] = [];
for (let run = 0; run < 200; run++) hover.push(time(() => hoverMarkdown(resolution, undefined, (r) => cache.get(r.id))));

const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor(s.length / 2)]!.toFixed(2)} / ${s[s.length - 1]!.toFixed(2)}`;
};
console.log('hover benchmark: ms, median / max');
console.log(`first equation (MathJax starts)     ${first.toFixed(1)}`);
console.log(`another equation, warm              ${stat(warm)}  (${warm.length} runs)`);
console.log(`hover Markdown, equation cached      ${stat(hover)}  (${hover.length} runs)`);
console.log(`SVG size of Eq. 1: ${svg.ok ? svg.value.length : 0} characters; goal: warm well under 50 ms`);
