// The one typed contract between the extension and the plan review webview.
// Self-contained on purpose: the webview bundle type-checks this file without the core's
// Node types, so it imports nothing; the host turns core types into these with planView().

/** A piece of a config line, with what it is for highlighting; no `kind` is plain YAML. */
export interface ConfigSegment {
  text: string;
  kind?: 'key' | 'comment' | 'cite' | 'quote' | 'flag';
  /** For `flag`: which one, e.g. "UNSPECIFIED" (the page colours each differently). */
  flag?: string;
}

export interface PlanFileView {
  path: string;
  /** From the architecture stage; "" when it did not list the file. */
  purpose: string;
  responsibilities: string[];
  dependsOn: { path: string /** false when the path is not among the plan's files. */; known: boolean }[];
  cites: string[];
  /** Several papers: the key of the paper the file implements. */
  paper?: string;
}

/** One paper of a family in the review's graph. */
export interface PaperNodeView {
  key: string;
  title: string;
  /** The main paper (the method the repository is about). */
  main: boolean;
  /** 0 for a paper that builds on none of the others; else one more than the deepest it builds on. */
  level: number;
  buildsOn: { key: string; what: string }[];
  /** How many of the plan's files implement it. */
  files: number;
}

export interface PlanEstimateView {
  /** One line for the header, e.g. "≈ 17 calls · 96k tokens · ≈ $0.21", or with "cost unknown". */
  text: string;
  /** One line per stage, for a tooltip and the details list. */
  stages: string[];
  /** False when a stage's model has no price. */
  costKnown: boolean;
}

export interface PlanReviewView {
  title: string;
  models: string;
  estimate: PlanEstimateView;
  summary: string;
  components: { name: string; purpose: string; cite: string }[];
  /** In dependency order: every file after the files it depends on (cycles keep the plan's order). */
  files: PlanFileView[];
  packages: string[];
  shared: string;
  classDiagram: string;
  sequenceDiagram: string;
  config: {
    path: string;
    content: string;
    lines: ConfigSegment[][];
    /** How many values carry each flag, e.g. { UNSPECIFIED: 4, ASSUMPTION: 1 }. */
    flags: Record<string, number>;
  };
  openQuestions: { question: string; options: string[]; cite: string }[];
  /** Paths the model proposed that will not be written, with why. */
  refused: { path: string; reason: string }[];
  /** Citations of the plan that point at nothing in the paper (as written), with why; checked before Continue. */
  brokenCites: { cite: string; reason: string }[];
  /** Inline math of the plan's text, typeset: the LaTeX between $…$ as written → an SVG image URI. */
  math: Record<string, string>;
  /** Several papers: the graph of which builds on which, base papers first; absent for one paper. */
  papers?: PaperNodeView[];
}

export type HostToPlanReview = { type: 'plan'; view: PlanReviewView };

export type PlanReviewToHost =
  | { type: 'ready' }
  /**
   * `config` is present only when the user edited the config and the text differs; `keys` only
   * when paper keys were renamed (old → new).
   */
  | { type: 'continue'; config?: string; keys?: Record<string, string> }
  | { type: 'cancel' };

/** `$x$` in the plan's text, but not `$$`, a lone dollar, or "$5 and $6" (math does not start or end with a space). Both sides cut text with it. */
export const INLINE_MATH = /(?<![\\$])\$(?!\s)([^$\n]{1,300}?)(?<!\s)\$(?!\d)/g;

/** A paper key as tags write it: 2–24 lower-case letters, digits, "-" or "_", a letter first (the core's grammar.ts PAPER_KEY). */
export const PAPER_KEY_PATTERN = /^[a-z][a-z0-9_-]{1,23}$/;
