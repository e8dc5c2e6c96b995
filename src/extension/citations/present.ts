// How a citation is shown: CodeLens titles, hover text, the place the viewer highlights.
// No `vscode` import, so the wording is unit-tested without an editor.
import type { ResolvedRef, TagResolution } from '../../core/citations/resolve';
import type { Paper } from '../../core/paper/model';
import type { RevealTarget } from '../viewer/protocol';

const HOVER_TEXT_CHARS = 700;

/** The viewer target for a resolved reference: the first page it stands on with its rectangles there, then the pages it runs onto. */
export function revealTargetFor(ref: ResolvedRef, resolution?: TagResolution): RevealTarget | undefined {
  // A found quote is the most precise place: highlight the passage that holds it.
  const quote = resolution?.quote;
  const anchors = quote?.found && quote.anchors?.length ? quote.anchors : ref.anchors;
  const first = anchors.find((a) => a.page > 0);
  if (!first) return ref.page > 0 ? { page: ref.page, rects: [], label: ref.label } : undefined;
  const rects = anchors.filter((a) => a.page === first.page).flatMap((a) => a.rects);
  // A passage, equation or caption goes on where it runs over a page break; a whole section is
  // marked where it starts (its heading and first page), not over every page it spans.
  const wholeSection = ref.kind === 'section' && anchors === ref.anchors;
  const later = wholeSection ? [] : [...new Set(anchors.filter((a) => a.page > first.page).map((a) => a.page))].sort((a, b) => a - b);
  const continued = later.map((page) => ({ page, rects: anchors.filter((a) => a.page === page).flatMap((a) => a.rects) }));
  return { page: first.page, rects, ...(continued.length ? { continued } : {}), label: ref.label };
}

/** "§3.2.2 Multi-Head Attention · p. 4" or "⚠ no Eq. 7 in the paper". */
export function lensTitle(resolution: TagResolution): string {
  if (!resolution.resolved) return `$(warning) ${resolution.reason ?? 'broken citation'}`;
  const parts = resolution.refs
    .filter((r): r is ResolvedRef => r.resolved)
    .map((r) =>
      r.kind === 'section' ? r.heading.replace(/^(\S+)/, '§$1') : `${r.label}${r.title && r.kind !== 'equation' ? ` ${r.title}` : ''}`,
    );
  const page = resolution.refs.find((r): r is ResolvedRef => r.resolved && r.page > 0)?.page;
  return `${parts.join(', ')}${page ? ` · p. ${page}` : ''}`;
}

/** Markdown for the hover: the cited passage itself, the quoted words in bold. */
export function hoverMarkdown(
  resolution: TagResolution,
  openCommand?: (ref: ResolvedRef) => string,
  /** An equation typeset, as an image URI (data:image/svg+xml); undefined falls back to its text. */
  typeset?: (ref: ResolvedRef) => string | undefined,
): string {
  const out: string[] = [];
  if (!resolution.resolved) {
    out.push(`$(warning) **Broken citation:** ${escapeMarkdown(resolution.reason ?? 'it points at nothing in the paper')}`);
    if (resolution.suggestions.length)
      out.push(
        `Did you mean ${resolution.suggestions.map((s) => `**${escapeMarkdown(s.label)}** (${escapeMarkdown(s.why)})`).join(', ')}?`,
      );
  }
  for (const ref of resolution.refs) {
    if (!ref.resolved) continue;
    const link = openCommand ? ` — [Open in paper](${openCommand(ref)})` : '';
    out.push(
      `**${escapeMarkdown(ref.kind === 'section' ? `§${ref.heading}` : `${ref.label}${ref.title && ref.kind !== 'equation' ? ` ${ref.title}` : ''}`)}**${ref.page > 0 ? ` · p. ${ref.page}` : ''}${ref.kind !== 'section' && ref.section ? ` · in §${ref.section}` : ''}${link}`,
    );
    const image = ref.kind === 'equation' ? typeset?.(ref) : undefined;
    if (image) out.push(`![${escapeMarkdown(ref.label)}](${image})`);
    if (ref.kind === 'equation') out.push('```text\n' + ref.text.trim() + '\n```');
    else out.push(quoteBlock(excerpt(ref.text, resolution)));
  }
  return out.join('\n\n');
}

/**
 * The LaTeX of a cited equation: the source's when the paper came from LaTeX (or an e-print),
 * else the display rebuilt from the PDF's glyph layout; undefined when neither is known.
 */
export function equationLatex(paper: Paper, ref: ResolvedRef): string | undefined {
  const eq = paper.equations.find((e) => e.id === ref.id) ?? paper.equations.find((e) => e.number === ref.number);
  if (eq?.latex) return eq.latex;
  const source = paper.sourcePassages?.find((p) => p.kind === 'equation' && p.latex && p.equationNumbers?.includes(ref.number))?.latex;
  if (source) return source;
  const rebuilt = paper.passages.find((p) => p.kind === 'equation' && p.latex && p.equationNumbers?.includes(ref.number))?.latex;
  // Rebuilt from a PDF's glyphs, a word such as "softmax" or "Attention" is a name, set upright
  // as LaTeX would (\mathrm), not a product of italic letters.
  return rebuilt?.replace(/(?<![\\A-Za-z])([A-Za-z]{3,})(?![A-Za-z])/g, '\\mathrm{$1}');
}

/** The passage text around the quoted words (bold), or its beginning. */
function excerpt(text: string, resolution: TagResolution): string {
  const q = resolution.quote;
  if (q?.found && q.passageText && q.start !== undefined && q.end !== undefined) {
    const from = Math.max(0, q.start - 200);
    const to = Math.min(q.passageText.length, q.end + 300);
    return `${from > 0 ? '…' : ''}${escapeMarkdown(q.passageText.slice(from, q.start))}**${escapeMarkdown(q.passageText.slice(q.start, q.end))}**${escapeMarkdown(q.passageText.slice(q.end, to))}${to < q.passageText.length ? '…' : ''}`;
  }
  const clipped = text.length > HOVER_TEXT_CHARS ? text.slice(0, HOVER_TEXT_CHARS).replace(/\s+\S*$/, '') + '…' : text;
  return escapeMarkdown(clipped);
}

function quoteBlock(s: string): string {
  return s
    .split(/\n+/)
    .map((l) => `> ${l}`)
    .join('\n>\n');
}

export function escapeMarkdown(s: string): string {
  return s.replace(/([\\`*_{}[\]<>#|~$])/g, '\\$1');
}
