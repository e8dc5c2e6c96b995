// The one interface every model source sits behind: an OpenAI-compatible endpoint
// (openaiProvider.ts) or VS Code's language models (src/extension/llm). The pipeline
// knows nothing else about where its text comes from.

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** Ask for JSON matching this schema (providers that cannot enforce it get it in the prompt). */
  json?: { name: string; schema: Record<string, unknown> };
  maxTokens?: number;
  temperature?: number;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the provider served from its prefix cache (0 when it does not say). */
  cachedPromptTokens: number;
  /** True when the provider reported no counts and these are estimates (chars / 4). */
  estimated?: boolean;
}

export interface ChatResponse {
  text: string;
  /** `length`: the answer was cut at the token limit and can be continued. */
  finishReason: 'stop' | 'length' | 'other';
  usage: ChatUsage;
  /** The model that answered, as the provider names it. */
  model: string;
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** Streamed text as it arrives. */
  onText?: (delta: string) => void;
}

export interface ChatProvider {
  /** For logs and run records: "openai-compatible http://127.0.0.1:8000/v1", "vscode.lm". */
  readonly name: string;
  /** Whether `json.schema` is enforced by the provider; otherwise the prompt carries it. */
  readonly enforcesJsonSchema: boolean;
  /** Throws ProviderError; never anything else for a failure of the provider. */
  chat(request: ChatRequest, options?: ChatOptions): Promise<ChatResponse>;
}

/** `unreachable`: nothing listens there (refused, unknown host): retrying will not help. */
export type ProviderErrorKind =
  | 'rate-limit'
  | 'server'
  | 'connection'
  | 'unreachable'
  | 'auth'
  | 'bad-request'
  | 'not-found'
  | 'cancelled'
  | 'other';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message.replace(/\s*\n\s*/g, ' ').trim());
    this.name = 'ProviderError';
  }

  /** Worth another try: the same request may well succeed. */
  get retryable(): boolean {
    return this.kind === 'rate-limit' || this.kind === 'server' || this.kind === 'connection';
  }
}

/** Rough token count for estimates when a provider reports none: about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
