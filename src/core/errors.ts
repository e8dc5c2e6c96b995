// Errors a user can act on travel as values; only programming errors throw.

export type ErrorCode = 'not-found' | 'bad-input' | 'unsupported' | 'network' | 'timeout' | 'model' | 'cancelled' | 'internal';

/** One line that says what is wrong and what to do about it. Never a stack trace. */
export interface UserError {
  readonly code: ErrorCode;
  readonly message: string;
}

export type Result<T, E = UserError> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message: oneLine(message) } };
}

export function userError(code: ErrorCode, message: string): UserError {
  return { code, message: oneLine(message) };
}

/** Thrown only across boundaries that cannot return values (callbacks, streams). */
export class PaperTrailError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(oneLine(message));
    this.name = 'PaperTrailError';
  }
}

export function isPaperTrailError(e: unknown): e is PaperTrailError {
  return e instanceof PaperTrailError;
}

/** Turns anything thrown into a one-line message fit for a user. */
export function describeError(e: unknown): string {
  if (e instanceof PaperTrailError) return e.message;
  if (e instanceof Error) return oneLine(e.message || e.name);
  return oneLine(String(e));
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
