// How a call names its task. Every stage's last user message starts with one heading line,
// so a run record, a log line or the scripted test server can tell calls apart by text alone.

export type TaskKind =
  | 'extract'
  | 'plan-overview'
  | 'plan-architecture'
  | 'plan-logic'
  | 'plan-config'
  | 'analyze'
  | 'code'
  | 'docs'
  | 'notebook'
  | 'repair'
  | 'fix';

/** "## Task: code model/attention.py" — the first line of a stage's user message. */
export function taskHeading(kind: TaskKind, file?: string): string {
  return `## Task: ${kind}${file ? ` ${file}` : ''}`;
}

/** Sent after an answer cut at the token limit (finish_reason "length"). */
export const CONTINUE_PROMPT =
  'Your answer was cut off at the token limit. Continue exactly where you stopped, with no repetition and no preamble.';

/** Starts the message sent after an answer that failed validation; the error follows. */
export const REPAIR_PROMPT =
  'Your answer did not validate against the required JSON schema. Answer again with the whole JSON object only. The error was:';
