// Any OpenAI-compatible endpoint (OpenAI, Azure OpenAI's v1 API, Ollama, vLLM, LM Studio,
// llama.cpp) through the official SDK. The SDK's own retries are off: a stream that breaks
// after its headers is beyond them, so retry.ts handles every retry in one place.
import { APIConnectionError, APIError, APIUserAbortError, OpenAI } from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { ChatOptions, ChatProvider, ChatRequest, ChatResponse, ProviderErrorKind } from './provider';
import { estimateTokens, ProviderError } from './provider';

export interface OpenAIProviderConfig {
  /** e.g. "https://api.openai.com/v1", "http://127.0.0.1:11434/v1"; the SDK default when empty. */
  baseURL?: string;
  /** Local servers take any key; never logged. */
  apiKey: string;
  /** Per request, in milliseconds (default 10 minutes: long files stream slowly on local models). */
  timeoutMs?: number;
}

export function createOpenAIProvider(config: OpenAIProviderConfig): ChatProvider {
  const client = new OpenAI({
    apiKey: config.apiKey || 'none',
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    maxRetries: 0,
    timeout: config.timeoutMs ?? 600_000,
  });
  // Servers that reject structured outputs get the schema in the prompt only (it is there anyway).
  let schemaSupported = true;
  return {
    name: `openai-compatible ${config.baseURL || 'https://api.openai.com/v1'}`,
    enforcesJsonSchema: true,
    async chat(request: ChatRequest, options: ChatOptions = {}): Promise<ChatResponse> {
      try {
        return await stream(client, request, options, schemaSupported);
      } catch (e) {
        const error = toProviderError(e, options.signal, config.baseURL);
        if (request.json && schemaSupported && error.kind === 'bad-request' && /response_format|json_schema|schema/i.test(error.message)) {
          schemaSupported = false;
          try {
            return await stream(client, request, options, false);
          } catch (again) {
            throw toProviderError(again, options.signal, config.baseURL);
          }
        }
        throw error;
      }
    },
  };
}

async function stream(client: OpenAI, request: ChatRequest, options: ChatOptions, withSchema: boolean): Promise<ChatResponse> {
  const params: ChatCompletionCreateParamsStreaming = {
    model: request.model,
    messages: request.messages,
    stream: true,
    stream_options: { include_usage: true },
  };
  if (request.json && withSchema) {
    params.response_format = { type: 'json_schema', json_schema: { name: request.json.name, schema: request.json.schema, strict: false } };
  }
  if (request.maxTokens) params.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) params.temperature = request.temperature;
  const chunks = await client.chat.completions.create(params, options.signal ? { signal: options.signal } : {});
  let text = '';
  let finish: string | null = null;
  let model = request.model;
  let usage: ChatResponse['usage'] | undefined;
  for await (const chunk of chunks) {
    if (chunk.model) model = chunk.model;
    const choice = chunk.choices[0];
    const delta = choice?.delta?.content;
    if (delta) {
      text += delta;
      options.onText?.(delta);
    }
    if (choice?.finish_reason) finish = choice.finish_reason;
    if (chunk.usage) {
      usage = {
        promptTokens: chunk.usage.prompt_tokens,
        completionTokens: chunk.usage.completion_tokens,
        cachedPromptTokens: chunk.usage.prompt_tokens_details?.cached_tokens ?? 0,
      };
    }
  }
  if (!finish) throw new ProviderError('connection', 'the answer stream ended before the model finished; it will be retried');
  return {
    text,
    finishReason: finish === 'stop' ? 'stop' : finish === 'length' ? 'length' : 'other',
    usage: usage ?? {
      promptTokens: estimateTokens(request.messages.map((m) => m.content).join('\n')),
      completionTokens: estimateTokens(text),
      cachedPromptTokens: 0,
      estimated: true,
    },
    model,
  };
}

function toProviderError(e: unknown, signal: AbortSignal | undefined, baseURL: string | undefined): ProviderError {
  if (e instanceof ProviderError) return e;
  if (signal?.aborted || e instanceof APIUserAbortError) return new ProviderError('cancelled', 'cancelled');
  if (e instanceof APIConnectionError) {
    const code = causeCode(e);
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND') {
      return new ProviderError(
        'unreachable',
        `nothing answers at ${baseURL || 'https://api.openai.com/v1'} (${code}): start the model server or check the base URL`,
      );
    }
    return new ProviderError('connection', `cannot reach the model endpoint (${code ?? e.message})`);
  }
  if (e instanceof APIError && typeof e.status === 'number') {
    const retryAfterMs = retryAfter(e.headers);
    return new ProviderError(kindOf(e.status), `${e.status} ${apiMessage(e)}`, {
      status: e.status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  // A socket reset mid-stream surfaces as a plain Error ("terminated", ECONNRESET).
  const message = e instanceof Error ? e.message : String(e);
  return new ProviderError('connection', `the connection to the model broke (${message})`);
}

/** The system error code (ECONNREFUSED, …) somewhere down an error's cause chain. */
function causeCode(e: unknown): string | undefined {
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  }
  return undefined;
}

function kindOf(status: number): ProviderErrorKind {
  if (status === 429) return 'rate-limit';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 408 || status === 409 || status >= 500) return 'server';
  if (status >= 400) return 'bad-request';
  return 'other';
}

function apiMessage(e: APIError): string {
  const body = e.error as { message?: unknown } | undefined;
  const m = typeof body?.message === 'string' ? body.message : e.message;
  return m.replace(/^\d{3}\s+/, '');
}

/** Retry-After in seconds or as an HTTP date; retry-after-ms as OpenAI sends it. */
function retryAfter(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Local servers (Ollama, vLLM, LM Studio, llama.cpp) take any key, so none is needed. */
export function isLocalEndpoint(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '127.0.0.1' || host === '::1';
  } catch {
    return false;
  }
}
