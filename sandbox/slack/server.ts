// A local Slack Web API on 127.0.0.1 for the official SDK (`slackApiUrl`): Slack's auth, error and rate-limit
// behaviour over HTTP, every call recorded, faults injectable. The workspace state lives in workspace.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimitRule } from './rate-limit.js';
import { SANDBOX_BOT_ID, SANDBOX_BOT_USER_ID } from './requests.js';
import { manifestScopes, missingScope } from './scopes.js';
import { type SendEnvelopeOptions, type SocketAck, type SocketEnvelope, SocketModeServer } from './socket-mode.js';
import {
  type EphemeralMessage,
  type RecordedResponse,
  type Reply,
  type ResponseTarget,
  type SandboxChannel,
  type SandboxUser,
  type SlackMessage,
  type UploadedFile,
  Workspace,
} from './workspace.js';

export interface SlackSandboxOptions {
  /** The only token the API accepts. Default `xoxb-sandbox-token`. */
  botToken?: string;
  botUserId?: string;
  botId?: string;
  /** Channel ids (named `channel-<n>`) or full channels. Default: `C0DISPUTES` named `disputes`. */
  channels?: (string | SandboxChannel)[];
  /** Users known to users.info; members of user groups are added automatically. Default: alice and bob. */
  users?: SandboxUser[];
  /** User group id → member user ids, for usergroups.users.list. */
  usergroups?: Record<string, string[]>;
  /** Per-method limits; `false` turns rate limiting off. Default: chat.postMessage 1/s per channel, burst 5. */
  rateLimit?: Record<string, RateLimitRule> | false;
  /** How long an issued trigger id can open a view. Default 3000 ms, as on Slack. */
  triggerIdTtlMs?: number;
  /** How long a response URL works after it is handed out. Default 30 minutes, as on Slack. */
  responseUrlTtlMs?: number;
  /** The app-level token apps.connections.open accepts (Socket Mode). Default: any `xapp-` token. */
  appToken?: string;
  /** How often Socket Mode connections are pinged. Default 10000 ms; 0 turns pings off. */
  socketPingIntervalMs?: number;
  /** Told of every Web API call as it is recorded (benchmarks wait on this instead of polling). */
  onCall?: (call: SlackCall) => void;
  /**
   * The bot token's scopes, sent in `x-oauth-scopes` as Slack does; a method whose scope is missing answers
   * `missing_scope`. Default: the scopes of manifest.yml.
   */
  scopes?: readonly string[];
}

export interface SlackCall {
  method: string;
  /** Arguments with JSON-encoded fields (blocks, view, files, …) decoded and the token left out. */
  args: Record<string, unknown>;
  at: Date;
  status: number;
  ok: boolean;
  error?: string;
}

export interface SlackFault {
  /** A Web API method name, or `*` for any method. */
  method: string;
  /** HTTP status to answer with; 429 adds `Retry-After`. Without it the reply is HTTP 200 `{ok:false,error}`. */
  status?: 429 | 500 | 503;
  error?: string;
  /** Seconds for `Retry-After` on a 429. Default 1. */
  retryAfter?: number;
  /** How many calls fail. Default 1. */
  times?: number;
}

export interface SlackSandbox {
  /** Web API base for `slackApiUrl` / `SLACK_API_URL`; ends with `/api/`. */
  apiUrl: string;
  /** Server origin, `http://127.0.0.1:<port>`. */
  url: string;
  botToken: string;
  botUserId: string;
  botId: string;
  readonly calls: readonly SlackCall[];
  callsTo(method: string): SlackCall[];
  /** Current messages of a channel (after updates and deletes), oldest first, each with its thread replies. */
  messages(channel: string): SlackMessage[];
  readonly ephemerals: readonly EphemeralMessage[];
  readonly uploadedFiles: readonly UploadedFile[];
  /** What was POSTed to response URLs (Bolt's `respond()`). */
  readonly responses: readonly RecordedResponse[];
  /** The views opened, pushed, updated or published, by id, latest version. */
  views(): Map<string, Record<string, unknown>>;
  /**
   * A response URL the sandbox answers. With a target, replies also act on the workspace like Slack's do:
   * `replace_original`/`delete_original` change the message at `messageTs`, `in_channel` posts to the channel.
   */
  responseUrl(id?: string, target?: ResponseTarget): string;
  /** A trigger id that views.open/views.push accept once, within `triggerIdTtlMs`. */
  issueTriggerId(): string;
  failNext(fault: SlackFault): void;
  /** While down, every connection is reset before a response and open Socket Mode sockets are cut, as if Slack were unreachable. */
  down(on: boolean): void;
  setRateLimit(method: string, rule: RateLimitRule | null): void;
  /** Changes a user group's members, as an admin does in Slack (usergroups.users.list answers the new list). */
  setUsergroupMembers(usergroup: string, members: string[]): void;
  /** Open Socket Mode connections (WebSockets from URLs apps.connections.open gave out). */
  socketConnections(): number;
  /** Sends an envelope over Socket Mode and resolves with the app's ack; rejects after `timeoutMs` (3000). */
  sendEnvelope(envelope: SocketEnvelope, options?: SendEnvelopeOptions): Promise<SocketAck>;
  /** Every Socket Mode ack received, in order. */
  readonly socketAcks: readonly SocketAck[];
  /** Sends Slack's `disconnect` message to every Socket Mode connection. */
  requestSocketDisconnect(reason?: string): void;
  close(): Promise<void>;
}

// Arguments the SDK JSON-encodes inside a form body.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'unfurls', 'user_auth_blocks']);

type ParsedArgs = { args: Record<string, unknown>; badJson?: string };

function parseArgs(contentType: string, body: Buffer, query: URLSearchParams): ParsedArgs {
  const args: Record<string, unknown> = Object.fromEntries(query);
  let badJson: string | undefined;
  if (contentType.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
      if (typeof parsed === 'object' && parsed !== null) Object.assign(args, parsed);
    } catch {
      badJson = 'body';
    }
    return badJson === undefined ? { args } : { args, badJson };
  }
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
    if (!JSON_FIELDS.has(key)) {
      args[key] = value;
      continue;
    }
    try {
      args[key] = JSON.parse(value);
    } catch {
      args[key] = value;
      badJson ??= key;
    }
  }
  return badJson === undefined ? { args } : { args, badJson };
}

/** A response URL body: JSON as Bolt's `respond()` sends it, or a form with a `payload` field. */
function parseResponseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    try {
      return JSON.parse(new URLSearchParams(body).get('payload') ?? '');
    } catch {
      return undefined;
    }
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

/** The file bytes of an upload: the SDK sends them as the one file part of a multipart form. */
async function uploadedBytes(contentType: string, body: Buffer): Promise<Buffer> {
  if (!contentType.startsWith('multipart/form-data')) return body;
  const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  for (const value of form.values()) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  return Buffer.alloc(0);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const contentType = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(text);
}

function normaliseChannels(channels: SlackSandboxOptions['channels']): SandboxChannel[] {
  const list = channels ?? [{ id: 'C0DISPUTES', name: 'disputes' }];
  return list.map((channel, index) =>
    typeof channel === 'string' ? { id: channel, name: `channel-${index + 1}` } : channel,
  );
}

function normaliseUsers(options: SlackSandboxOptions): SandboxUser[] {
  const users = new Map<string, SandboxUser>();
  const given = options.users ?? [
    { id: 'U0ALICE001', name: 'alice', realName: 'Alice Approver' },
    { id: 'U0BOB00001', name: 'bob', realName: 'Bob Builder' },
  ];
  for (const user of given) users.set(user.id, user);
  for (const id of Object.values(options.usergroups ?? {}).flat()) {
    if (!users.has(id)) users.set(id, { id, name: id.toLowerCase() });
  }
  return [...users.values()];
}

export async function startSlackSandbox(options: SlackSandboxOptions = {}): Promise<SlackSandbox> {
  const botToken = options.botToken ?? 'xoxb-sandbox-token';
  const botUserId = options.botUserId ?? SANDBOX_BOT_USER_ID;
  const botId = options.botId ?? SANDBOX_BOT_ID;
  let origin = '';
  const scopes = options.scopes ?? manifestScopes();
  const scopeHeaders = { 'x-oauth-scopes': scopes.join(',') };
  const workspace = new Workspace({
    channels: normaliseChannels(options.channels),
    users: normaliseUsers(options),
    usergroups: options.usergroups ?? {},
    canPostPublic: scopes.includes('chat:write.public'),
    botUserId,
    botId,
    triggerIdTtlMs: options.triggerIdTtlMs ?? 3000,
    responseUrlTtlMs: options.responseUrlTtlMs ?? 30 * 60_000,
    baseUrl: () => origin,
  });
  const limiter = new RateLimiter(options.rateLimit === false ? {} : (options.rateLimit ?? DEFAULT_RATE_LIMITS));
  const calls: SlackCall[] = [];
  const faults: (SlackFault & { times: number })[] = [];
  let isDown = false;
  let responseCounter = 0;
  const socketMode = new SocketModeServer({
    ...(options.appToken === undefined ? {} : { appToken: options.appToken }),
    ...(options.socketPingIntervalMs === undefined ? {} : { pingIntervalMs: options.socketPingIntervalMs }),
  });

  function record(method: string, args: Record<string, unknown>, status: number, reply: Reply): void {
    const { token: _token, ...rest } = args;
    const error = typeof reply.error === 'string' ? reply.error : undefined;
    const call: SlackCall = {
      method,
      args: rest,
      at: new Date(),
      status,
      ok: reply.ok,
      ...(error === undefined ? {} : { error }),
    };
    calls.push(call);
    options.onCall?.(call);
  }

  function takeFault(method: string): SlackFault | undefined {
    const fault = faults.find((f) => f.times > 0 && (f.method === method || f.method === '*'));
    if (fault === undefined) return undefined;
    fault.times -= 1;
    if (fault.times === 0) faults.splice(faults.indexOf(fault), 1);
    return fault;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams) {
    const body = await readBody(req);
    const { args, badJson } = parseArgs(req.headers['content-type'] ?? '', body, query);
    const reply = (status: number, payload: Reply, headers: Record<string, string> = {}) => {
      record(method, args, status, payload);
      send(res, status, payload, headers);
    };
    const handler = workspace.methods[method];
    if (handler === undefined && method !== 'apps.connections.open') {
      return reply(200, { ok: false, error: 'unknown_method' });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
    if (token === undefined || token === '') return reply(200, { ok: false, error: 'not_authed' });
    // Socket Mode's one method takes the app-level token, and only that one; every other method the bot token.
    const socketOpen = method === 'apps.connections.open';
    if (socketOpen ? !socketMode.acceptsToken(token) : token !== botToken) {
      return reply(200, { ok: false, error: 'invalid_auth' });
    }
    if (!socketOpen) {
      const missing = missingScope(method, scopes);
      if (missing !== undefined) {
        return reply(
          200,
          { ok: false, error: 'missing_scope', needed: missing, provided: scopes.join(',') },
          scopeHeaders,
        );
      }
    }
    const fault = takeFault(method);
    if (fault !== undefined) {
      if (fault.status === 429) {
        const retryAfter = String(fault.retryAfter ?? 1);
        return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': retryAfter });
      }
      return reply(fault.status ?? 200, { ok: false, error: fault.error ?? 'internal_error' });
    }
    const channel = args.channel ?? args.channel_id;
    const wait = limiter.take(method, typeof channel === 'string' ? channel : undefined, Date.now());
    if (wait > 0) return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) });
    if (badJson !== undefined) {
      return reply(200, { ok: false, error: badJson === 'blocks' ? 'invalid_blocks_format' : 'invalid_arguments' });
    }
    if (socketOpen)
      return reply(200, { ok: true, url: `${origin.replace(/^http/, 'ws')}/socket/${socketMode.issueTicket()}` });
    if (handler === undefined) return reply(200, { ok: false, error: 'unknown_method' });
    return reply(200, handler(args), scopeHeaders);
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, fileId: string) {
    const body = await readBody(req);
    const bytes = await uploadedBytes(req.headers['content-type'] ?? '', body);
    if (!workspace.receiveUpload(fileId, bytes)) return send(res, 404, 'file_not_found');
    // Slack's upload endpoint answers in plain text.
    send(res, 200, `OK - ${bytes.length}`);
  }

  async function handleResponse(req: IncomingMessage, res: ServerResponse, id: string) {
    const result = workspace.respond(id, parseResponseBody((await readBody(req)).toString('utf8')), Date.now());
    send(res, result.status, result.body);
  }

  const server = createServer((req, res) => {
    if (isDown) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = /^\/(api|upload\/v1|response)\/([^/]+)$/.exec(url.pathname);
    const work = (() => {
      if (route === null || (req.method !== 'POST' && req.method !== 'GET')) return undefined;
      const [, kind, name = ''] = route;
      const decoded = decodeURIComponent(name);
      if (kind === 'api') return handleApi(req, res, decoded, url.searchParams);
      if (kind === 'upload/v1') return handleUpload(req, res, decoded);
      return handleResponse(req, res, decoded);
    })();
    if (work === undefined) {
      send(res, 404, 'not_found');
      return;
    }
    work.catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: 'internal_error', detail: String(error) });
    });
  });
  server.on('connection', (socket) => {
    if (isDown) socket.destroy();
  });
  server.on('upgrade', (req, socket, head) => {
    if (isDown) {
      socket.destroy();
      return;
    }
    socketMode.handleUpgrade(req, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('Slack sandbox did not bind a TCP port');
  origin = `http://127.0.0.1:${address.port}`;

  return {
    apiUrl: `${origin}/api/`,
    url: origin,
    botToken,
    botUserId,
    botId,
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method),
    messages: (channel) => workspace.messages(channel),
    ephemerals: workspace.ephemerals,
    uploadedFiles: workspace.uploadedFiles,
    responses: workspace.responses,
    views: () => workspace.viewsById(),
    responseUrl(id, target) {
      responseCounter += 1;
      const key = id ?? `R${String(responseCounter).padStart(6, '0')}`;
      workspace.registerResponseUrl(key, Date.now(), target);
      return `${origin}/response/${encodeURIComponent(key)}`;
    },
    issueTriggerId: () => workspace.issueTriggerId(Date.now()),
    failNext(fault) {
      faults.push({ ...fault, times: fault.times ?? 1 });
    },
    down(on) {
      isDown = on;
      if (!on) return;
      server.closeIdleConnections();
      socketMode.sever();
    },
    setRateLimit: (method, rule) => limiter.set(method, rule),
    setUsergroupMembers: (usergroup, members) => workspace.setUsergroupMembers(usergroup, members),
    socketConnections: () => socketMode.connectionCount(),
    sendEnvelope: (envelope, sendOptions) => socketMode.sendEnvelope(envelope, sendOptions),
    socketAcks: socketMode.acks,
    requestSocketDisconnect: (reason) => socketMode.requestDisconnect(reason),
    close: () =>
      new Promise<void>((resolve, reject) => {
        socketMode.close();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
