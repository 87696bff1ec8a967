import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  RateLimitError,
} from 'openai';
import { ContentFilterFinishReasonError, LengthFinishReasonError } from 'openai/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { FactSheet } from './fact-sheet.js';
import { formatSeconds } from './format.js';
import type { GroundingFinding } from './grounding.js';
import { buildPrompt, buildRetryMessages } from './prompt.js';
import type { ReasonStrategy } from './strategies.js';

export { buildPrompt, buildRetryMessages, EXAMPLE_MAX_CHARS, MAX_EXAMPLES, type PromptMessage } from './prompt.js';

/**
 * The LLM drafter: one chat completion with structured output, through the official SDK, so it
 * works against OpenAI and any compatible server (vLLM, Ollama, a proxy) via `baseURL`. Every
 * failure comes back as data with a sentence a reviewer can read; nothing here throws.
 */

/**
 * The model's answer (the boundary's one schema). Strict mode: every field required, none optional. The rebuttal
 * comes as statements, each with the facts it rests on, so each is checked against its own facts (claims.ts).
 */
export const LlmAnswerSchema = z.object({
  statements: z.array(
    z.object({
      text: z.string(),
      /** Fact numbers from the sheet (`F3`) that this statement rests on; empty for a connecting sentence. */
      facts: z.array(z.string()),
      /** The statement starts a new paragraph. */
      new_paragraph: z.boolean(),
    }),
  ),
  confidence: z.number().min(0).max(1),
  needs_review: z.boolean(),
  weaknesses: z.array(z.string()),
});
export type LlmAnswer = z.infer<typeof LlmAnswerSchema>;

const RESPONSE_FORMAT = zodResponseFormat(LlmAnswerSchema, 'rebuttal_draft');

export interface LlmUsage {
  model: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** US dollars, from MODEL_PRICES; null for a model not in the table (a local model, a new one). */
  costUsd: number | null;
}

/**
 * US dollars per million tokens (input, output), OpenAI's list prices when this was written.
 * Edit when prices change; an unknown model gets no estimate rather than a wrong one.
 */
export const MODEL_PRICES: Readonly<Record<string, { input: number; output: number }>> = {
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  o3: { input: 2, output: 8 },
  'o4-mini': { input: 1.1, output: 4.4 },
};

/** `gpt-4.1-mini-2025-04-14` and `openai/gpt-4.1-mini` are priced as `gpt-4.1-mini`. */
export function estimateCostUsd(model: string, promptTokens: number, completionTokens: number): number | null {
  const name = model
    .toLowerCase()
    .replace(/^openai\//, '')
    .replace(/-\d{4}-\d{2}-\d{2}$/, '');
  const price = Object.hasOwn(MODEL_PRICES, name) ? MODEL_PRICES[name] : undefined;
  if (!price) return null;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}

export function addUsage(a: LlmUsage | null, b: LlmUsage | null): LlmUsage | null {
  if (!a) return b;
  if (!b) return a;
  return {
    model: a.model,
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    costUsd: a.costUsd === null || b.costUsd === null ? null : a.costUsd + b.costUsd,
  };
}

export type LlmFailureKind =
  | 'timeout'
  | 'aborted'
  | 'rate_limited'
  | 'server_error'
  | 'unreachable'
  | 'auth'
  | 'api_error'
  | 'invalid_json'
  | 'schema'
  | 'refusal'
  | 'truncated'
  | 'unknown';

export interface LlmFailure {
  kind: LlmFailureKind;
  /** One line for a reviewer: "model timed out after 20 s". */
  message: string;
  status: number | null;
}

export interface LlmDraftRequest {
  sheet: FactSheet;
  strategy: ReasonStrategy;
  examples: readonly string[];
  /** The rebuttal's target length in characters (REBUT_REBUTTAL_MAX_CHARS); the default when unset. */
  maxChars?: number;
  /** Set on the second attempt: the rejected answer and why it was rejected. */
  retry?: { previous: LlmAnswer; findings: readonly GroundingFinding[] };
  signal?: AbortSignal;
}

export type LlmDraftOutcome =
  | { ok: true; answer: LlmAnswer; usage: LlmUsage | null }
  | { ok: false; failure: LlmFailure; usage: LlmUsage | null };

export interface LlmDrafter {
  readonly model: string;
  draft(request: LlmDraftRequest): Promise<LlmDraftOutcome>;
}

/** A sensible per-request timeout and retry count for `createLlmDrafter`, inside draftRebuttal's 30 s. */
export const DEFAULT_LLM_TIMEOUT_MS = 20_000;
export const DEFAULT_LLM_MAX_RETRIES = 2;

export interface LlmDrafterOptions {
  apiKey: string;
  /** An OpenAI-compatible API base such as `http://127.0.0.1:8000/v1`; default OpenAI. */
  baseURL?: string;
  model: string;
  /** Per request; the SDK aborts a request that takes longer. */
  timeoutMs: number;
  /** The SDK retries 429, 408, 409 and 5xx with exponential backoff, waiting as long as `retry-after` asks. */
  maxRetries: number;
}

export function createLlmDrafter(options: LlmDrafterOptions): LlmDrafter {
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
  });
  const describe = (error: unknown) => describeFailure(error, options);

  return {
    model: options.model,
    async draft(request) {
      const messages: ChatCompletionMessageParam[] = [
        ...buildPrompt(request.sheet, request.strategy, request.examples, request.maxChars),
        ...(request.retry ? buildRetryMessages(request.retry.previous, request.retry.findings) : []),
      ];
      try {
        const completion = await client.chat.completions.parse(
          { model: options.model, messages, response_format: RESPONSE_FORMAT },
          request.signal ? { signal: request.signal } : {},
        );
        const usage = completion.usage
          ? {
              model: options.model,
              promptTokens: completion.usage.prompt_tokens,
              completionTokens: completion.usage.completion_tokens,
              totalTokens: completion.usage.total_tokens,
              costUsd: estimateCostUsd(
                options.model,
                completion.usage.prompt_tokens,
                completion.usage.completion_tokens,
              ),
            }
          : null;
        const message = completion.choices[0]?.message;
        if (message?.refusal) {
          return { ok: false, failure: failure('refusal', `model refused: ${message.refusal.slice(0, 200)}`), usage };
        }
        if (!message?.parsed) return { ok: false, failure: failure('invalid_json', 'model returned no answer'), usage };
        return { ok: true, answer: message.parsed, usage };
      } catch (error) {
        return { ok: false, failure: describe(error), usage: null };
      }
    },
  };
}

function failure(kind: LlmFailureKind, message: string, status: number | null = null): LlmFailure {
  return { kind, message, status };
}

/** Turns whatever the SDK or the parser threw into a kind and a sentence. */
export function describeFailure(
  error: unknown,
  options: Pick<LlmDrafterOptions, 'timeoutMs' | 'maxRetries' | 'baseURL'>,
): LlmFailure {
  const tries = options.maxRetries + 1;
  const attempts = `${tries} attempt${tries === 1 ? '' : 's'}`;
  if (error instanceof APIUserAbortError) return failure('aborted', 'model request was cancelled');
  if (error instanceof APIConnectionTimeoutError) {
    return failure('timeout', `model timed out after ${formatSeconds(options.timeoutMs)}`);
  }
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? causeCode(error.cause) : null;
    const where = options.baseURL ?? 'the OpenAI API';
    return failure('unreachable', `model server unreachable at ${where}${cause ? ` (${cause})` : ''}`);
  }
  if (error instanceof RateLimitError) {
    return failure('rate_limited', `model rate-limited (429) after ${attempts}`, 429);
  }
  if (error instanceof AuthenticationError) return failure('auth', 'model API key was rejected (401)', 401);
  if (error instanceof APIError) {
    const status = typeof error.status === 'number' ? error.status : null;
    if (status !== null && status >= 500) {
      return failure('server_error', `model server error (${status}) after ${attempts}`, status);
    }
    return failure('api_error', `model API error (${status ?? 'no status'}): ${error.message.slice(0, 200)}`, status);
  }
  if (error instanceof LengthFinishReasonError) return failure('truncated', 'model ran out of tokens mid-answer');
  if (error instanceof ContentFilterFinishReasonError) return failure('refusal', "model's answer was filtered");
  if (error instanceof SyntaxError) return failure('invalid_json', 'model returned invalid JSON');
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'answer';
    return failure('schema', `model's answer did not match the schema (${where}: ${issue?.message ?? 'invalid'})`);
  }
  return failure(
    'unknown',
    `model call failed: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`,
  );
}

/** `ECONNREFUSED` from undici's `fetch failed` → cause → code chain. */
function causeCode(error: Error): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return error.message || null;
}
