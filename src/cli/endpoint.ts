// The model endpoint a verb talks to: --base-url (else $OPENAI_BASE_URL, else OpenAI) and the
// key from the variable --api-key-env names (OPENAI_API_KEY by default; a local server needs none).
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
  if (!apiKey && !isLocal(baseURL))
    return `papertrail ${verb}: no API key in $${keyEnv}; export it, name another variable with --api-key-env, or use a local endpoint with --base-url`;
  return { baseURL, apiKey };
}

/** Local servers (Ollama, vLLM, LM Studio, llama.cpp) take no key. */
export function isLocal(baseURL: string): boolean {
  try {
    const host = new URL(baseURL).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '[::1]';
  } catch {
    return false;
  }
}
