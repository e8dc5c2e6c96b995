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
}

export type HostToPlanReview = { type: 'plan'; view: PlanReviewView };

export type PlanReviewToHost =
  | { type: 'ready' }
  /** `config` is present only when the user edited the config and the text differs. */
  | { type: 'continue'; config?: string }
  | { type: 'cancel' };

/** `$x$` in the plan's text, but not `$$`, a lone dollar, or "$5 and $6" (math does not start or end with a space). Both sides cut text with it. */
export const INLINE_MATH = /(?<![\\$])\$(?!\s)([^$\n]{1,300}?)(?<!\s)\$(?!\d)/g;
