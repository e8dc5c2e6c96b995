// The model endpoint a verb talks to: --base-url (else $OPENAI_BASE_URL, else OpenAI) and the
// key from the variable --api-key-env names (OPENAI_API_KEY by default; a local server needs none).
import { isLocalEndpoint } from '../core/llm/openaiProvider';
import type { CliIo } from './io';

export interface Endpoint {
  baseURL: string;
  apiKey: string;
}

/** The endpoint, or the one line that says what is missing (before any model call is paid for). */
export function endpointFrom(value: (k: string) => string | undefined, io: CliIo, verb: string): Endpoint | string {
  const baseURL = value('base-url') ?? io.env.OPENAI_BASE_URL ?? '';
  const keyEnv = value('api-key-env') ?? 'OPENAI_API_KEY';
  const apiKey = io.env[keyEnv] ?? '';
  if (!apiKey && !isLocalEndpoint(baseURL))
    return `papertrail ${verb}: no API key in $${keyEnv}; export it, name another variable with --api-key-env, or use a local endpoint with --base-url`;
  return { baseURL, apiKey };
}
