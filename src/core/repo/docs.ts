// The generated repository's documents that PaperTrail writes from the run itself rather than
// asking the model: ARCHITECTURE.md (the plan's diagrams and file map), IMPLEMENTATION_PLAN.md
// (the reviewed plan, its order and the decisions taken), and the parts of the README a user
// needs first or must be able to trust (quick start, hardware, citation).
import { RESTATES_MARK } from '../citations/audit';
import { fileRole } from '../citations/coverage';
import { scanFile } from '../citations/find';
import type { PaperModels } from '../citations/family';
import { resolveAmong } from '../citations/family';
import type { Paper } from '../paper/model';
import { graphMermaid } from '../pipeline/family';
import type { Plan } from '../pipeline/prompts';
import type { Analysis } from '../pipeline/schemas';
import { PRESETS, presetPath } from '../verify/configKeys';

/** ARCHITECTURE.md: the summary, the file map, the class and sequence diagrams (mermaid), the configuration. */
export function architectureMd(plan: Plan): string {
  const arch = new Map(plan.architecture.files.map((f) => [f.path, f.purpose]));
  const rows = plan.logic.files.map(
    (f) =>
      `| \`${f.path}\` | ${cell(arch.get(f.path) ?? f.responsibilities[0] ?? '')} | ${cell(f.cites.slice(0, 3).join('; ')) || '—'} | ${f.dependsOn.map((d) => `\`${d}\``).join(', ') || '—'} |`,
  );
  return (
    [
      `${RESTATES_MARK}\n# Architecture of this reimplementation of "${plan.overview.title}"`,
      plan.overview.summary.trim(),
      '## File map',
      '| file | what it holds | paper | needs |\n| --- | --- | --- | --- |\n' + rows.join('\n'),
      '## Classes',
      mermaid(plan.architecture.classDiagram, 'classDiagram'),
      '## A run, step by step',
      mermaid(plan.architecture.sequenceDiagram, 'sequenceDiagram'),
      '## Configuration',
      configNote(plan),
    ].join('\n\n') + '\n'
  );
}

/**
 * IMPLEMENTATION_PLAN.md: the plan as reviewed — components with their sections and equations,
 * the files in dependency order (each wave can be written in parallel), the open questions and
 * the decision taken for each choice the paper leaves open (from the analyses).
 */
export function implementationPlanMd(
  plan: Plan,
  waves: readonly (readonly string[])[],
  analyses: ReadonlyMap<string, Analysis>,
  run: { mode: string; framework: string; scope: readonly string[]; reviewed: boolean },
): string {
  const logic = new Map(plan.logic.files.map((f) => [f.path, f]));
  const order = waves.flatMap((wave, i) =>
    wave.map((p) => {
      const f = logic.get(p);
      const what = f?.responsibilities.join('; ') ?? '';
      return `${i + 1}. \`${p}\`${plan.family && f?.paper ? ` [${f.paper}]` : ''} — ${what}${f?.cites.length ? ` (${f.cites.join('; ')})` : ''}`;
    }),
  );
  const decisions = [...analyses].flatMap(([file, a]) =>
    a.unspecified.map(
      (u) =>
        `- **${u.choice.trim()}** (\`${file}\`): ${u.decision.trim()}${u.alternatives.length ? ` — alternatives: ${u.alternatives.join('; ')}` : ''}`,
    ),
  );
  const sections = [
    `${RESTATES_MARK}\n# Implementation plan: "${plan.overview.title}"`,
    `The plan PaperTrail made${run.reviewed ? ' and the user reviewed' : ''} before any code was written${run.reviewed ? '' : ' (no review: the run did not stop for one)'}. Mode ${run.mode}, framework ${run.framework}, ${run.scope.length ? `scope ${run.scope.map((s) => `§${s}`).join(', ')}${plan.family ? ` of [${plan.family.papers[0]!.key}]` : ''}` : plan.family ? 'the whole of each paper' : 'the whole paper'}.`,
    plan.family ? '## What the papers propose' : '## What the paper proposes',
    plan.overview.summary.trim(),
    ...familySection(plan),
    '## Components',
    '| component | purpose | paper |\n| --- | --- | --- |\n' +
      plan.overview.components.map((c) => `| ${cell(c.name)} | ${cell(c.purpose)} | ${cell(c.cite)} |`).join('\n'),
  ];
  if (plan.overview.training.trim()) sections.push('## Training', plan.overview.training.trim());
  if (plan.overview.evaluation.trim()) sections.push('## Evaluation', plan.overview.evaluation.trim());
  sections.push(
    '## Order of implementation',
    'Files in dependency order; the number is the wave: the files of one wave need only earlier waves and were written in parallel.',
    order.join('\n').replace(/^(\d+)\./gm, (_, n) => `- wave ${n}:`),
    '## Shared conventions',
    plan.logic.shared.trim(),
    '## Open questions',
    plan.architecture.openQuestions.length
      ? plan.architecture.openQuestions.map((q) => `- ${q.question.trim()} (${q.options.join(' / ')}) ${q.cite}`).join('\n')
      : 'None were raised.',
    '## Decisions taken',
    decisions.length ? decisions.join('\n') : 'No choice was left open in the analyses.',
  );
  return sections.join('\n\n') + '\n';
}

/** The papers of a family, which builds on which (a mermaid graph) and what each takes from the others. */
function familySection(plan: Plan): string[] {
  const family = plan.family;
  if (!family) return [];
  const rows = family.graph.order.map((k) => {
    const p = family.papers.find((x) => x.key === k);
    const on = family.graph.edges.filter((e) => e.from === k).map((e) => `[${e.to}]: ${e.what}`);
    const files = plan.logic.files.filter((f) => f.paper === k).map((f) => `\`${f.path}\``);
    return `| \`[${k}]\` | ${cell(p?.title ?? '')} | ${cell(on.join('; ')) || '—'} | ${files.join(', ') || '—'} |`;
  });
  return [
    '## Papers',
    `This repository implements ${family.papers.length} papers; a citation names its paper by key (\`# [${family.papers[0]!.key}] §2, Eq. 1\`), and one without a key cites the main paper, \`[${family.papers[0]!.key}]\`. The plan lists a paper's files after those of the papers it builds on; the waves below follow what each file imports, so files of different papers that need nothing of each other are written together.`,
    '| key | paper | builds on | files |\n| --- | --- | --- | --- |\n' + rows.join('\n'),
    '```mermaid\n' + graphMermaid(family) + '\n```',
  ];
}

export interface ReadmeParts {
  /** The model's README.md. */
  body: string;
  /** The smoke command the model gave; absent: none. */
  smoke?: string;
  hardware?: string;
  /** The "Implementation status" section. */
  status: string;
  hasDemo: boolean;
  hasNotebook: boolean;
  /** The run's framework: NumPy code picks no device. */
  framework?: string;
}

/**
 * The README as a user reads it: the model's title, the quick start (copy-paste commands), the
 * rest of the model's README, the implementation status, hardware notes, and the citation.
 */
export function assembleReadme(plan: Plan, paper: Paper | readonly Paper[], parts: ReadmeParts): string {
  const papers = Array.isArray(paper) ? paper : [paper as Paper];
  const body = parts.body.trim();
  const h1 = /^# [^\n]*/.exec(body);
  const title = h1 ? h1[0] : `# ${plan.overview.title}`;
  const rest = h1 ? body.slice(h1[0].length).trim() : body;
  const smoke = parts.smoke?.trim();
  const quick = [
    '## Quick start',
    'With [uv](https://docs.astral.sh/uv/):',
    fence(['uv sync', 'uv run pytest', ...(smoke ? [`uv run ${smoke.replace(/^uv run /, '')}`] : [])]),
    'With pip:',
    fence([
      'python -m venv .venv && . .venv/bin/activate',
      'pip install -r requirements.txt',
      'python -m pytest',
      ...(smoke ? [smoke.replace(/^uv run /, '')] : []),
    ]),
    smoke ? 'The last command runs the `small` preset on a CPU in seconds.' : '',
    parts.hasNotebook
      ? 'The walkthrough is `notebooks/walkthrough.ipynb` (`uv run --group dev jupyter nbconvert --execute` or any notebook editor).'
      : '',
    parts.hasDemo ? 'The demo: `uv sync --group demo && uv run python demo/app.py`.' : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const presets = PRESETS.map((p) => `\`${presetPath(plan.config.path, p)}\``).join(', ');
  const hardware = [
    '## Hardware',
    parts.hardware?.trim() || 'The paper does not say what hardware it used for the parts implemented here.',
    `\`${plan.config.path}\` holds the paper's values; ${presets} override some of them (small: a CPU in seconds; medium: one GPU, a short run; large: the paper's scale).${parts.framework === 'numpy' ? '' : " The code picks CUDA, then Apple's MPS, then the CPU."}`,
  ].join('\n\n');
  const citation = [
    '## Citation',
    papers.length > 1 ? 'The papers this repository reimplements:' : 'The paper this repository reimplements:',
    '```bibtex\n' + papers.map(bibtex).join('\n\n') + '\n```',
  ].join('\n\n');
  return [title, quick, rest, parts.status.trim(), hardware, citation].filter(Boolean).join('\n\n') + '\n';
}

/**
 * The paper's BibTeX entry from what the parser knows: title, authors, and for an e-print its
 * arXiv id and year (from the id: 1706.03762 is 2017).
 */
export function bibtex(paper: Paper): string {
  const arxiv = paper.source.arxivId ?? /^arxiv:(.+)$/.exec(paper.id)?.[1];
  const id = arxiv?.replace(/v\d+$/, '');
  const year = id && /^(\d{2})\d{2}\./.test(id) ? `20${id.slice(0, 2)}` : undefined;
  const firstAuthor = paper.authors[0]?.split(/\s+/).at(-1) ?? 'paper';
  const firstWord = paper.title.split(/\s+/).find((w) => w.length > 3) ?? 'paper';
  const key = `${firstAuthor}${year ?? ''}${firstWord}`.toLowerCase().replace(/[^a-z0-9]/g, '');
  const fields: [string, string][] = [
    ['title', paper.title || 'Untitled'],
    ...(paper.authors.length ? [['author', paper.authors.join(' and ')] as [string, string]] : []),
    ...(year ? [['year', year] as [string, string]] : []),
    ...(id
      ? ([
          ['eprint', id],
          ['archivePrefix', 'arXiv'],
          ['url', `https://arxiv.org/abs/${id}`],
        ] as [string, string][])
      : []),
  ];
  return `@${id ? 'misc' : 'article'}{${key || 'paper'},\n${fields.map(([k, v]) => `  ${k} = {${v.replace(/[{}]/g, '')}},`).join('\n')}\n}`;
}

/** A git commit message listing what was implemented: the files, and the paper places their code cites. */
export function commitMessage(title: string, implemented: { sections: string[]; equations: string[]; others: string[] }): string {
  const lines = [`Reimplement "${title}" (PaperTrail)`, ''];
  if (implemented.sections.length) lines.push(`Sections: ${implemented.sections.join(', ')}`);
  if (implemented.equations.length) lines.push(`Equations: ${implemented.equations.join(', ')}`);
  if (implemented.others.length) lines.push(`Tables, figures and algorithms: ${implemented.others.join(', ')}`);
  if (lines.length === 2) lines.push('No citation in the code resolved to the paper.');
  lines.push('', 'Written by PaperTrail; every non-trivial line cites the paper. See IMPLEMENTATION_PLAN.md.');
  return lines.join('\n');
}

function configNote(plan: Plan): string {
  return `\`${plan.config.path}\` holds the paper's values, each with its citation or flag; ${PRESETS.map((p) => `\`${presetPath(plan.config.path, p)}\``).join(', ')} override some of them. The code loads a preset by name and merges it over the paper's values.`;
}

function mermaid(source: string, kind: string): string {
  const s = source
    .trim()
    .replace(/^```(?:mermaid)?\s*\n?/, '')
    .replace(/\n?```\s*$/, '')
    .trim();
  if (!s) return '_The plan has no diagram._';
  return `\`\`\`mermaid\n${s.startsWith(kind) ? s : `${kind}\n${s}`}\n\`\`\``;
}

function fence(lines: string[]): string {
  return '```bash\n' + lines.join('\n') + '\n```';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

/**
 * The paper places the code cites (tests, configs and docs left out), each once, in the paper's
 * order: sections ("§3.2 Scaled Dot-Product Attention"), equations ("Eq. 1"), and the rest.
 */
export async function implementedPlaces(
  papers: PaperModels,
  files: ReadonlyMap<string, string>,
): Promise<{ sections: string[]; equations: string[]; others: string[] }> {
  const seen = new Map<string, { kind: string; label: string; key: string }>();
  const keys = [...papers.byKey.keys()];
  for (const [file, content] of files) {
    if (fileRole(file) !== 'code') continue;
    for (const tag of (await scanFile(file, content))?.tags ?? []) {
      const among = resolveAmong(papers, tag);
      // A family's places are named with their paper's key and listed paper by paper.
      const prefix = keys.length && among.key ? `[${among.key}] ` : '';
      const rank = keys.length && among.key ? String(keys.indexOf(among.key)).padStart(2, '0') : '';
      for (const r of among.resolution.refs) {
        if (!r.resolved || seen.has(prefix + r.label)) continue;
        const label = r.kind === 'section' ? `§${r.number}${r.title ? ` ${r.title}` : ''}` : r.label;
        seen.set(prefix + r.label, { kind: r.kind, label: prefix + label, key: `${rank}:${r.number}` });
      }
    }
  }
  const byNumber = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key, 'en', { numeric: true });
  const all = [...seen.values()];
  return {
    sections: all
      .filter((r) => r.kind === 'section')
      .sort(byNumber)
      .map((r) => r.label),
    equations: all
      .filter((r) => r.kind === 'equation')
      .sort(byNumber)
      .map((r) => r.label),
    others: all
      .filter((r) => r.kind !== 'section' && r.kind !== 'equation')
      .sort((a, b) => a.kind.localeCompare(b.kind) || byNumber(a, b))
      .map((r) => r.label),
  };
}
