// A local OpenAI API on 127.0.0.1 for the official SDK (`baseURL`): chat completions and responses with
// structured output in OpenAI's own response shapes, its auth and error bodies, every request recorded, and
// misbehaviour on demand (slow, 429, 5xx, broken JSON, invented facts). The "model" itself is writer.ts.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AnswerStyle, exampleForSchema, readFactSheet, type WrittenAnswer, writeAnswer } from './writer.js';

export type OpenAiSandboxMode =
  /** Deterministic, grounded answers (the default). */
  | 'normal'
  /** Answer normally after `delayMs`. */
  | 'slow'
  /** Never answer; the request ends when the client gives up. */
  | 'hang'
  /** Reset the connection, as if nothing listened. */
  | 'down'
  /** 429 with `retry-after` (`retryAfterSeconds`, default 1). */
  | 'rate_limit'
  /** 500 (or `status`) with OpenAI's server_error body. */
  | 'server_error'
  /** 200 whose message content is not JSON. */
  | 'invalid_json'
  /** 200 with JSON that breaks the requested schema. */
  | 'schema_violation'
  /** Grounded answers with one invention the grounding check must catch. */
  | 'invent_amount'
  | 'invent_date'
  | 'invent_refund'
  | 'refund_as_requested'
  | 'invent_contact'
  | 'unknown_fact';

export interface BehaveOptions {
  /** How many completion requests behave this way before the stand-in is normal again. Default: all. */
  times?: number;
  delayMs?: number;
  retryAfterSeconds?: number;
  status?: 500 | 502 | 503;
}

export interface OpenAiRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body, or null. */
  body: unknown;
  at: Date;
  /** The HTTP status answered, once answered; null for a dropped connection. */
  status: number | null;
  /** The behaviour that answered this request. */
  mode: OpenAiSandboxMode;
}

export interface OpenAiSandboxOptions {
  /** The only key accepted. Default `sk-sandbox`. */
  apiKey?: string;
  /** Listed by GET /v1/models; any model name is still accepted for completions. */
  models?: string[];
  port?: number;
}

export interface OpenAiSandbox {
  /** The API base for the SDK's `baseURL` / `OPENAI_BASE_URL`: `http://127.0.0.1:<port>/v1`. */
  url: string;
  apiKey: string;
  readonly requests: readonly OpenAiRequest[];
  /** Requests to the completion endpoints only (chat and responses). */
  completionRequests(): OpenAiRequest[];
  behave(mode: OpenAiSandboxMode, options?: BehaveOptions): void;
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['gpt-4.1-mini', 'gpt-4.1', 'gpt-4o-mini', 'gpt-5-mini'];
const COMPLETION_PATHS = new Set(['/v1/chat/completions', '/v1/responses']);

export async function startOpenAiSandbox(options: OpenAiSandboxOptions = {}): Promise<OpenAiSandbox> {
  const apiKey = options.apiKey ?? 'sk-sandbox';
  const models = options.models ?? DEFAULT_MODELS;
  const requests: OpenAiRequest[] = [];
  let behaviour: { mode: OpenAiSandboxMode; left: number; options: BehaveOptions } = {
    mode: 'normal',
    left: Number.POSITIVE_INFINITY,
    options: {},
  };

  const nextBehaviour = (): { mode: OpenAiSandboxMode; options: BehaveOptions } => {
    const current = behaviour;
    if (current.mode === 'normal') return current;
    current.left -= 1;
    if (current.left <= 0) behaviour = { mode: 'normal', left: Number.POSITIVE_INFINITY, options: {} };
    return current;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'The sandbox failed to answer.', 'server_error', null);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const record: OpenAiRequest = {
      method,
      path,
      headers: flatHeaders(req),
      body: parseJson(raw),
      at: new Date(),
      status: null,
      mode: 'normal',
    };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    res.setHeader('x-request-id', `req_${randomBytes(16).toString('hex')}`);

    const auth = req.headers.authorization;
    if (!auth) {
      return sendError(
        res,
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        'invalid_request_error',
        null,
      );
    }
    if (auth !== `Bearer ${apiKey}`) {
      const shown = auth.replace(/^Bearer\s+/i, '');
      return sendError(
        res,
        401,
        `Incorrect API key provided: ${shown.slice(0, 5)}***${shown.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        'invalid_request_error',
        'invalid_api_key',
      );
    }

    if (method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, { object: 'list', data: models.map(modelObject) });
    }
    const modelMatch = /^\/v1\/models\/([^/]+)$/.exec(path);
    if (method === 'GET' && modelMatch) {
      const id = decodeURIComponent(modelMatch[1] ?? '');
      if (models.includes(id)) return sendJson(res, 200, modelObject(id));
      return sendError(res, 404, `The model '${id}' does not exist`, 'invalid_request_error', 'model_not_found');
    }
    if (method !== 'POST' || !COMPLETION_PATHS.has(path)) {
      return sendError(res, 404, `Invalid URL (${method} ${path})`, 'invalid_request_error', null);
    }
    if (!isRecord(record.body)) {
      return sendError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
    }
    const body = record.body;
    if (typeof body.model !== 'string') {
      return sendError(res, 400, 'you must provide a model parameter', 'invalid_request_error', null);
    }
    if (body.stream === true) {
      return sendError(res, 400, 'The sandbox does not stream.', 'invalid_request_error', null);
    }

    const { mode, options: behave } = nextBehaviour();
    record.mode = mode;
    switch (mode) {
      case 'down':
        req.socket.destroy();
        return;
      case 'hang':
        await waitFor(res, Number.POSITIVE_INFINITY);
        return;
      case 'slow':
        if (!(await waitFor(res, behave.delayMs ?? 1_000))) return;
        break;
      case 'rate_limit': {
        const seconds = behave.retryAfterSeconds ?? 1;
        res.setHeader('retry-after', String(seconds));
        res.setHeader('x-ratelimit-limit-requests', '3');
        res.setHeader('x-ratelimit-remaining-requests', '0');
        res.setHeader('x-ratelimit-reset-requests', `${seconds}s`);
        return sendError(
          res,
          429,
          `Rate limit reached for ${body.model} in organization org-sandbox on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${seconds}s.`,
          'requests',
          'rate_limit_exceeded',
        );
      }
      case 'server_error':
        return sendError(
          res,
          behave.status ?? 500,
          'The server had an error while processing your request. Sorry about that!',
          'server_error',
          null,
        );
      default:
        break;
    }

    const isChat = path === '/v1/chat/completions';
    const prompt = isChat ? chatPromptText(body) : responsesPromptText(body);
    const schema = isChat ? chatSchema(body) : responsesSchema(body);
    const content = answerContent(mode, prompt, schema);
    const promptTokens = Math.ceil(prompt.length / 4);
    const completionTokens = Math.ceil(content.length / 4);
    if (isChat) return sendJson(res, 200, chatCompletion(body.model, content, promptTokens, completionTokens));
    return sendJson(res, 200, response(body, content, promptTokens, completionTokens));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    completionRequests: () => requests.filter((request) => COMPLETION_PATHS.has(request.path)),
    behave(mode, behaveOptions = {}) {
      behaviour = { mode, left: behaveOptions.times ?? Number.POSITIVE_INFINITY, options: behaveOptions };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the "model" says, as the message content string. */
function answerContent(mode: OpenAiSandboxMode, prompt: string, schema: unknown): string {
  if (mode === 'invalid_json') {
    return 'Sure! Here is the rebuttal you asked for: {"statements": [{"text": "We contest this dispute';
  }
  if (mode === 'schema_violation') {
    return JSON.stringify({ statements: 'We contest this.', confidence: 7, needs_review: 'no' });
  }
  const sheet = readFactSheet(prompt);
  const wantsRebuttal = !isRecord(schema) || !isRecord(schema.properties) || 'statements' in schema.properties;
  if (!sheet || !wantsRebuttal) {
    return schema === null
      ? 'The sandbox model has nothing to say about this prompt.'
      : JSON.stringify(exampleForSchema(schema));
  }
  const style: AnswerStyle = mode === 'normal' || mode === 'slow' ? 'grounded' : (mode as AnswerStyle);
  const answer: WrittenAnswer = writeAnswer(sheet, style);
  return schema === null ? answer.statements.map((statement) => statement.text).join(' ') : JSON.stringify(answer);
}

function chatCompletion(model: string, content: string, promptTokens: number, completionTokens: number) {
  return {
    id: `chatcmpl-${randomBytes(15).toString('base64url')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_sandbox',
  };
}

function response(body: Record<string, unknown>, content: string, promptTokens: number, completionTokens: number) {
  return {
    id: `resp_${randomBytes(24).toString('hex')}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    error: null,
    incomplete_details: null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    max_output_tokens: null,
    model: body.model,
    output: [
      {
        type: 'message',
        id: `msg_${randomBytes(24).toString('hex')}`,
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: content, annotations: [] }],
      },
    ],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: isRecord(body.text) ? body.text : { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: {
      input_tokens: promptTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: completionTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: promptTokens + completionTokens,
    },
    user: null,
    metadata: {},
  };
}

function modelObject(id: string) {
  return { id, object: 'model', created: 1_700_000_000, owned_by: 'sandbox' };
}

/** All the text a chat request carries, in order. */
function chatPromptText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages.map((message) => (isRecord(message) ? contentText(message.content) : '')).join('\n');
}

function responsesPromptText(body: Record<string, unknown>): string {
  const parts = [typeof body.instructions === 'string' ? body.instructions : ''];
  if (typeof body.input === 'string') parts.push(body.input);
  if (Array.isArray(body.input)) {
    for (const item of body.input) if (isRecord(item)) parts.push(contentText(item.content));
  }
  return parts.join('\n');
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('\n');
}

/** The JSON schema a chat request asks for (`response_format.json_schema.schema`), or null for free text. */
function chatSchema(body: Record<string, unknown>): unknown {
  const format = body.response_format;
  if (!isRecord(format)) return null;
  if (format.type === 'json_object') return {};
  if (format.type !== 'json_schema' || !isRecord(format.json_schema)) return null;
  return format.json_schema.schema ?? {};
}

/** The JSON schema a responses request asks for (`text.format` of type json_schema), or null. */
function responsesSchema(body: Record<string, unknown>): unknown {
  const format = isRecord(body.text) ? body.text.format : undefined;
  if (!isRecord(format)) return null;
  if (format.type === 'json_object') return {};
  if (format.type !== 'json_schema') return null;
  return format.schema ?? {};
}

/** Waits `ms`, or until the client goes away; true when the wait ran out with the client still there. */
function waitFor(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = Number.isFinite(ms) ? setTimeout(() => resolve(!res.destroyed), ms) : undefined;
    res.once('close', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'openai-processing-ms': '1',
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string, type: string, code: string | null): void {
  sendJson(res, status, { error: { message, type, param: null, code } });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
