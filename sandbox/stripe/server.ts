// The HTTP edge: what every Stripe request goes through before and after its handler —
// recording, injected faults and delays, rate limit, API key, Stripe-Account, Idempotency-Key.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PLATFORM_ACCOUNT, type SandboxCore } from './core.js';
import {
  apiError,
  injectedError,
  invalidApiKey,
  invalidRequest,
  missingApiKey,
  missingPermission,
  rateLimited,
  StripeApiError,
  unrecognizedUrl,
} from './errors.js';
import { requestId as newRequestId } from './ids.js';
import { type MultipartPart, parseMultipart } from './multipart.js';
import { type FormObject, type FormValue, parseForm } from './params.js';
import { permissionFor, permits } from './permissions.js';
import { findRoute, RawBody } from './routes.js';

export interface RecordedRequest {
  /** The API key the request carried (each product, or each connected platform, has its own). */
  key?: string;
  method: string;
  path: string;
  query: FormObject;
  /** Form fields; for a multipart upload, the fields plus `file: { filename, type, size }`. */
  body: FormObject;
  account?: string;
  idempotencyKey?: string;
  apiVersion?: string;
  requestId: string;
  status: number;
}

export interface FaultRule {
  method?: string;
  path: RegExp | string;
  /** Only requests for this connected account (`Stripe-Account`); `null`: only the platform's. Default: any. */
  account?: string | null;
  status: number;
  /** How many matching requests fail; default 1. */
  times?: number;
  /** Replace the error body's message or code. */
  message?: string;
  code?: string;
  /** Extra response headers, e.g. `{ 'Stripe-Should-Retry': 'true' }`. */
  headers?: Record<string, string>;
}

export interface DelayRule {
  method?: string;
  path: RegExp | string;
  /** Only requests for this connected account (`Stripe-Account`); `null`: only the platform's. Default: any. */
  account?: string | null;
  /** Milliseconds before the request is handled; `Infinity` hangs until the sandbox closes. */
  ms: number;
  /** How many matching requests are delayed; default every one. */
  times?: number;
}

interface StoredResponse {
  fingerprint: string;
  status: number;
  body: string;
  requestId: string;
}

const MAX_BODY = 16 * 1024 * 1024;
const API_KEY = /^(sk|rk)_(test|live)_[A-Za-z0-9_]{1,247}$/;

function matches(rule: { method?: string; path: RegExp | string }, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  return typeof rule.path === 'string' ? rule.path === path : rule.path.test(path);
}

/** Whether a rule naming an account (or `null`, the platform) applies to a request for `account`. */
function forAccount(rule: { account?: string | null }, account: string | undefined): boolean {
  return rule.account === undefined || rule.account === (account ?? null);
}

/** Stable text of params for comparing idempotent requests. */
function canonical(value: FormValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
    .join(',')}}`;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export class SandboxServer {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: Array<FaultRule & { remaining: number }> = [];
  private readonly delays: Array<DelayRule & { remaining: number }> = [];
  private readonly idempotency = new Map<string, StoredResponse>();
  private readonly hanging = new Set<() => void>();
  private requestsPerSecond: number | undefined;
  private window: number[] = [];
  private readonly server: Server;
  baseUrl = '';

  constructor(
    private readonly core: SandboxCore,
    requestsPerSecond: number | undefined,
  ) {
    this.requestsPerSecond = requestsPerSecond;
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this.baseUrl;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const release of this.hanging) release();
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  failNext(rule: FaultRule): void {
    this.faults.push({ ...rule, remaining: rule.times ?? 1 });
  }

  delay(rule: DelayRule): void {
    this.delays.push({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.delays.length = 0;
  }

  setRateLimit(requestsPerSecond: number | undefined): void {
    this.requestsPerSecond = requestsPerSecond;
    this.window = [];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname;
    const query = parseForm(url.search.slice(1));
    const account = header(req, 'stripe-account');
    const idempotencyKey = method === 'POST' ? header(req, 'idempotency-key') : undefined;
    const apiVersion = header(req, 'stripe-version');
    const record: RecordedRequest = {
      method,
      path,
      query,
      body: {},
      requestId,
      status: 0,
      ...(account ? { account } : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
      ...(apiVersion ? { apiVersion } : {}),
    };
    let livemode = false;
    const send = (
      status: number,
      body: string | Buffer,
      contentType = 'application/json',
      extra: Record<string, string> = {},
    ) => {
      record.status = status;
      this.requests.push(record);
      if (res.headersSent || res.destroyed) return;
      res.writeHead(status, {
        'Content-Type': contentType,
        'Request-Id': requestId,
        'Stripe-Version': apiVersion ?? this.core.apiVersion,
        'Access-Control-Allow-Origin': '*',
        ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
        ...(account ? { 'Stripe-Account': account } : {}),
        ...extra,
      });
      res.end(body);
    };
    const sendError = (error: StripeApiError) =>
      send(error.status, JSON.stringify(error.body(requestId, livemode), null, 2), 'application/json', error.headers);

    try {
      const raw = await readBody(req);
      const contentType = header(req, 'content-type') ?? '';
      let parts: MultipartPart[] | undefined;
      let body: FormObject = {};
      if (contentType.startsWith('multipart/form-data')) {
        parts = parseMultipart(raw, contentType);
        for (const part of parts) {
          body[part.name] =
            part.name === 'file'
              ? { filename: part.filename ?? '', type: part.contentType ?? '', size: String(part.data.length) }
              : part.data.toString('utf8');
        }
      } else if (raw.length > 0) {
        body = parseForm(raw.toString('utf8'));
      }
      record.body = body;

      await this.applyDelay(method, path, account);
      const fault = this.takeFault(method, path, account);
      if (fault) {
        const error = injectedError(fault.status);
        const injected = new StripeApiError(fault.status, error.type, fault.message ?? error.message, {
          ...((fault.code ?? error.code) ? { code: fault.code ?? error.code } : {}),
          headers: fault.headers ?? {},
        });
        return sendError(injected);
      }
      if (this.overRateLimit()) return sendError(rateLimited());

      const key = authenticate(header(req, 'authorization'));
      record.key = key;
      if (this.core.revokedKeys.has(key)) return sendError(invalidApiKey(key));
      livemode = key.includes('_live_');
      const granted = this.core.restrictedKeys.get(key);
      const needed = permissionFor(method, path);
      if (granted !== undefined && needed !== undefined && !permits(granted, needed)) {
        return sendError(missingPermission(key, needed, account ?? PLATFORM_ACCOUNT));
      }
      if (account !== undefined && !this.core.store.connectedTo(account, key)) {
        return sendError(
          new StripeApiError(
            403,
            'permission_error',
            `The provided key does not have access to account '${account}' (or that account does not exist). Application access may have been revoked.`,
          ),
        );
      }
      const found = findRoute(method, path);
      if (!found) return sendError(unrecognizedUrl(method, path));

      const params = method === 'POST' ? { ...query, ...body } : query;
      const partition = this.core.store.partition(account, livemode);
      const run = () =>
        found.handler(
          this.core,
          {
            method,
            path,
            params,
            parts,
            partition,
            key,
            requestId,
            idempotencyKey,
            baseUrl: this.baseUrl,
          },
          found.match,
        );

      if (idempotencyKey === undefined) {
        const result = run();
        if (result instanceof RawBody) return send(200, result.data, result.contentType);
        return send(200, JSON.stringify(result, null, 2));
      }
      const scope = `${account ?? ''}:${livemode}`;
      return this.idempotent(
        scope,
        idempotencyKey,
        `${method} ${path} ${canonical(params)}`,
        requestId,
        run,
        send,
        sendError,
      );
    } catch (error) {
      if (error instanceof StripeApiError) return sendError(error);
      const failure = apiError();
      return sendError(
        new StripeApiError(
          500,
          'api_error',
          `${failure.message} (${error instanceof Error ? error.message : String(error)})`,
        ),
      );
    }
  }

  /**
   * Stripe's idempotency: the first result of a key is replayed for the same request; a different
   * request with that key is an idempotency_error. Requests that fail validation save nothing.
   */
  private idempotent(
    scope: string,
    key: string,
    fingerprint: string,
    requestId: string,
    run: () => unknown,
    send: (status: number, body: string, contentType?: string, extra?: Record<string, string>) => void,
    sendError: (error: StripeApiError) => void,
  ): void {
    if (key.length > 255) {
      sendError(invalidRequest('Idempotency keys can be at most 255 characters long.', { param: 'Idempotency-Key' }));
      return;
    }
    const stored = this.idempotency.get(`${scope}:${key}`);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        sendError(
          new StripeApiError(
            400,
            'idempotency_error',
            `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          ),
        );
        return;
      }
      send(stored.status, stored.body, 'application/json', {
        'Idempotent-Replayed': 'true',
        'Original-Request': stored.requestId,
      });
      return;
    }
    // Handlers run synchronously, so two requests with one key never overlap (no 409 needed).
    try {
      const body = JSON.stringify(run(), null, 2);
      this.idempotency.set(`${scope}:${key}`, { fingerprint, status: 200, body, requestId });
      send(200, body, 'application/json', { 'Original-Request': requestId });
      return;
    } catch (error) {
      if (error instanceof StripeApiError && error.status < 500) {
        // Validation failures save nothing: the key may be used again.
        sendError(error);
        return;
      }
      const failure = error instanceof StripeApiError ? error : apiError();
      const body = JSON.stringify(failure.body(requestId, false), null, 2);
      this.idempotency.set(`${scope}:${key}`, { fingerprint, status: failure.status, body, requestId });
      sendError(failure);
      return;
    }
  }

  private async applyDelay(method: string, path: string, account: string | undefined): Promise<void> {
    const rule = this.delays.find(
      (candidate) => candidate.remaining > 0 && matches(candidate, method, path) && forAccount(candidate, account),
    );
    if (!rule) return;
    rule.remaining -= 1;
    if (Number.isFinite(rule.ms)) {
      await new Promise((resolve) => setTimeout(resolve, rule.ms));
      return;
    }
    await new Promise<void>((resolve) => this.hanging.add(resolve));
  }

  private takeFault(method: string, path: string, account: string | undefined): FaultRule | undefined {
    const index = this.faults.findIndex(
      (candidate) =>
        matches(candidate, method, path) &&
        (candidate.account === undefined || candidate.account === (account ?? null)),
    );
    const rule = this.faults[index];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.faults.splice(index, 1);
    return rule;
  }

  private overRateLimit(): boolean {
    if (!this.requestsPerSecond) return false;
    const now = Date.now();
    this.window = this.window.filter((at) => now - at < 1000);
    if (this.window.length >= this.requestsPerSecond) return true;
    this.window.push(now);
    return false;
  }
}

/** Returns livemode for a valid key; throws Stripe's 401 otherwise. Bearer or Basic (key as user). */
/** The API key of the request (Bearer or Basic), which must look like one. */
function authenticate(authorization: string | undefined): string {
  if (!authorization) throw missingApiKey();
  let key: string | undefined;
  const [scheme, value = ''] = authorization.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') key = value;
  else if (scheme?.toLowerCase() === 'basic') key = Buffer.from(value, 'base64').toString('utf8').split(':')[0];
  if (!key) throw missingApiKey();
  if (!API_KEY.test(key)) throw invalidApiKey(key);
  return key;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY) throw invalidRequest('Request body too large.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
