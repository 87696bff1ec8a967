// Socket Mode as Slack serves it, for `@slack/socket-mode`: `apps.connections.open` hands out a one-time WebSocket
// URL on the sandbox's own HTTP server, the socket says `hello`, and the sandbox then sends envelopes and waits for
// the app's acks. The WebSocket side is RFC 6455 written over the raw socket (no dependency): the handshake, masked
// client frames, unmasked server frames, fragmentation, ping/pong and the close handshake.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import {
  type BlockActionOptions,
  blockActionBody,
  SANDBOX_APP_ID,
  type SlashCommandOptions,
  slashCommandBody,
  type ViewSubmissionOptions,
  viewSubmissionBody,
} from './requests.js';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
// Client frames larger than this end the connection (1009): Slack's acks are small.
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketEnvelope {
  type: EnvelopeType;
  payload: Record<string, unknown>;
  /** Default: true for slash commands, view submissions and block suggestions, as on Slack. */
  acceptsResponsePayload?: boolean;
}

/** What the app sends back for an envelope: `ack(body)` arrives as `payload`. */
const AckSchema = z.looseObject({ envelope_id: z.string(), payload: z.record(z.string(), z.unknown()).optional() });
export type SocketAck = z.infer<typeof AckSchema>;

export interface SocketModeOptions {
  /** The app-level token apps.connections.open accepts; default any `xapp-` token. */
  appToken?: string;
  /** How often the server pings each socket (Slack: about every 10 s); 0 turns pings off. */
  pingIntervalMs?: number;
}

export interface SendEnvelopeOptions {
  /** How long to wait for the ack. Default 3000 ms (Slack retries an envelope after 3 s). */
  timeoutMs?: number;
}

interface Connection {
  id: string;
  socket: Duplex;
  open: boolean;
  /** Unparsed bytes from the client. */
  buffer: Buffer;
  /** Payload pieces of a fragmented message. */
  fragments: Buffer[];
  pinger?: NodeJS.Timeout;
}

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key` (RFC 6455 §4.2.2). */
export function websocketAccept(key: string): string {
  return createHash('sha1')
    .update(key + WEBSOCKET_GUID)
    .digest('base64');
}

/** One server frame: FIN set, never masked (RFC 6455 §5.1). */
function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0x80 | opcode, length]);
  } else if (length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

type Decoded = { frame: Frame; rest: Buffer } | { error: number } | undefined;

/** The first whole frame in `buffer`, an RFC close code for a frame a client may not send, or undefined for more. */
function decodeFrame(buffer: Buffer): Decoded {
  if (buffer.length < 2) return undefined;
  const first = buffer[0] ?? 0;
  const second = buffer[1] ?? 0;
  if ((first & 0x70) !== 0) return { error: 1002 }; // no extensions were negotiated, so RSV bits must be 0
  const masked = (second & 0x80) !== 0;
  if (!masked) return { error: 1002 }; // a client must mask every frame
  let length = second & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    const long = buffer.readBigUInt64BE(2);
    if (long > BigInt(MAX_MESSAGE_BYTES)) return { error: 1009 };
    length = Number(long);
    offset = 10;
  }
  if (length > MAX_MESSAGE_BYTES) return { error: 1009 };
  if (buffer.length < offset + 4 + length) return undefined;
  const mask = buffer.subarray(offset, offset + 4);
  const payload = Buffer.from(buffer.subarray(offset + 4, offset + 4 + length));
  for (let i = 0; i < payload.length; i += 1) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  return {
    frame: { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload },
    rest: buffer.subarray(offset + 4 + length),
  };
}

function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
}

/** The id in `/socket/<id>`, or '' for any other path. */
function connectionId(req: IncomingMessage): string {
  return /^\/socket\/([0-9a-f]+)$/.exec(new URL(req.url ?? '/', 'http://127.0.0.1').pathname)?.[1] ?? '';
}

/** The `accepts_response_payload` Slack sets: only where an ack's payload does something. */
function acceptsResponsePayload(envelope: SocketEnvelope): boolean {
  if (envelope.acceptsResponsePayload !== undefined) return envelope.acceptsResponsePayload;
  if (envelope.type === 'slash_commands') return true;
  const kind = envelope.payload.type;
  return envelope.type === 'interactive' && (kind === 'view_submission' || kind === 'block_suggestion');
}

export class SocketModeServer {
  /** Every ack the app sent, in order, including ones nobody waited for. */
  readonly acks: SocketAck[] = [];
  private readonly tickets = new Set<string>();
  private readonly connections = new Map<string, Connection>();
  private readonly pending = new Map<string, { resolve: (ack: SocketAck) => void; reject: (error: Error) => void }>();

  constructor(private readonly options: SocketModeOptions = {}) {}

  /** Whether apps.connections.open accepts this token: the app-level one, never a bot or user token. */
  acceptsToken(token: string): boolean {
    return this.options.appToken === undefined ? token.startsWith('xapp-') : token === this.options.appToken;
  }

  /** A one-time connection id for `ws://<host>/socket/<id>`, as apps.connections.open returns. */
  issueTicket(): string {
    const id = randomBytes(12).toString('hex');
    this.tickets.add(id);
    return id;
  }

  connectionCount(): number {
    return [...this.connections.values()].filter((connection) => connection.open).length;
  }

  /** Answers an HTTP upgrade: the WebSocket handshake for an issued ticket, or an HTTP error and no socket. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const key = req.headers['sec-websocket-key'];
    const refusal = this.refusal(req, key);
    if (refusal !== undefined || typeof key !== 'string') {
      socket.end(`HTTP/1.1 ${refusal ?? '400 Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const ticket = connectionId(req);
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${websocketAccept(key)}\r\n\r\n`,
    );
    const connection: Connection = { id: ticket, socket, open: true, buffer: Buffer.from(head), fragments: [] };
    this.connections.set(ticket, connection);
    socket.on('data', (chunk: Buffer) => {
      connection.buffer = Buffer.concat([connection.buffer, chunk]);
      this.readFrames(connection);
    });
    socket.on('close', () => this.drop(connection, 'the socket closed'));
    socket.on('error', () => this.drop(connection, 'the socket failed'));
    const interval = this.options.pingIntervalMs ?? 10_000;
    if (interval > 0) {
      connection.pinger = setInterval(() => this.write(connection, OPCODE.ping, Buffer.from('ping')), interval);
      connection.pinger.unref();
    }
    this.sendJson(connection, {
      type: 'hello',
      num_connections: this.connectionCount(),
      debug_info: { host: 'applink-sandbox', build_number: 1, approximate_connection_time: 18_060 },
      connection_info: { app_id: SANDBOX_APP_ID },
    });
    if (connection.buffer.length > 0) this.readFrames(connection);
  }

  /** Why a handshake is refused (an HTTP status line), or undefined; an accepted one uses up its ticket. */
  private refusal(req: IncomingMessage, key: string | string[] | undefined): string | undefined {
    if (req.method !== 'GET' || req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string') {
      return '400 Bad Request';
    }
    if (req.headers['sec-websocket-version'] !== '13') return '426 Upgrade Required';
    const ticket = connectionId(req);
    if (!this.tickets.delete(ticket)) return '401 Unauthorized';
    return undefined;
  }

  /** Sends an envelope to an open connection and resolves with the app's ack; rejects without one in time. */
  sendEnvelope(envelope: SocketEnvelope, options: SendEnvelopeOptions = {}): Promise<SocketAck> {
    const connection = [...this.connections.values()].find((candidate) => candidate.open);
    if (connection === undefined) return Promise.reject(new Error('no app is connected over Socket Mode'));
    const envelopeId = randomUUID();
    const timeoutMs = options.timeoutMs ?? 3000;
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`no ack for ${envelope.type} envelope ${envelopeId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, {
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.sendJson(connection, {
        envelope_id: envelopeId,
        type: envelope.type,
        payload: envelope.payload,
        accepts_response_payload: acceptsResponsePayload(envelope),
        ...(envelope.type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
      });
    });
  }

  /** Slack's `disconnect` message (e.g. `refresh_requested`): the client should close and connect anew. */
  requestDisconnect(reason = 'refresh_requested'): void {
    for (const connection of this.connections.values()) {
      if (connection.open) {
        this.sendJson(connection, { type: 'disconnect', reason, debug_info: { host: 'applink-sandbox' } });
      }
    }
  }

  /** Cuts every socket without a close frame, as a network failure does, and fails the envelopes waiting for an ack. */
  sever(): void {
    for (const connection of this.connections.values()) {
      connection.socket.destroy();
      this.drop(connection, 'Slack went down');
    }
  }

  /** Closes every socket (1001, going away) and fails the envelopes still waiting for an ack. */
  close(): void {
    for (const connection of this.connections.values()) {
      this.write(connection, OPCODE.close, closePayload(1001, 'server closing'));
      connection.socket.destroy();
      this.drop(connection, 'the sandbox closed');
    }
  }

  private readFrames(connection: Connection): void {
    for (;;) {
      const decoded = decodeFrame(connection.buffer);
      if (decoded === undefined) return;
      if ('error' in decoded) {
        this.fail(connection, decoded.error);
        return;
      }
      connection.buffer = decoded.rest;
      this.onFrame(connection, decoded.frame);
      if (!connection.open) return;
    }
  }

  private onFrame(connection: Connection, frame: Frame): void {
    switch (frame.opcode) {
      case OPCODE.ping:
        this.write(connection, OPCODE.pong, frame.payload);
        return;
      case OPCODE.pong:
        return;
      case OPCODE.close: {
        // Echo the close code, then end: the client closes the TCP connection after our close frame.
        const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1000;
        this.write(connection, OPCODE.close, closePayload(code));
        connection.socket.end();
        this.drop(connection, 'the app closed the socket');
        return;
      }
      case OPCODE.text:
      case OPCODE.binary:
      case OPCODE.continuation: {
        if (frame.opcode !== OPCODE.continuation) connection.fragments = [];
        connection.fragments.push(frame.payload);
        if (!frame.fin) return;
        const message = Buffer.concat(connection.fragments);
        connection.fragments = [];
        if (frame.opcode !== OPCODE.binary) this.onMessage(message.toString('utf8'));
        return;
      }
      default:
        this.fail(connection, 1002);
    }
  }

  private onMessage(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const ack = AckSchema.safeParse(parsed);
    if (!ack.success) return;
    this.acks.push(ack.data);
    const waiting = this.pending.get(ack.data.envelope_id);
    if (waiting === undefined) return;
    this.pending.delete(ack.data.envelope_id);
    waiting.resolve(ack.data);
  }

  private sendJson(connection: Connection, message: Record<string, unknown>): void {
    this.write(connection, OPCODE.text, Buffer.from(JSON.stringify(message)));
  }

  private write(connection: Connection, opcode: number, payload: Buffer): void {
    if (connection.open && !connection.socket.destroyed) connection.socket.write(encodeFrame(opcode, payload));
  }

  private fail(connection: Connection, code: number): void {
    this.write(connection, OPCODE.close, closePayload(code));
    connection.socket.end();
    this.drop(connection, `protocol error ${code}`);
  }

  private drop(connection: Connection, why: string): void {
    if (!connection.open) return;
    connection.open = false;
    clearInterval(connection.pinger);
    this.connections.delete(connection.id);
    // Envelopes are sent on one connection; with it gone, their acks never come.
    if (this.connectionCount() > 0) return;
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      waiting.reject(new Error(`Socket Mode connection lost before the ack: ${why}`));
    }
  }
}

/** A slash command as a `slash_commands` envelope: the fields of `slashCommandBody`, as the object Slack sends. */
export function slashCommandEnvelope(options: SlashCommandOptions): SocketEnvelope {
  return { type: 'slash_commands', payload: Object.fromEntries(new URLSearchParams(slashCommandBody(options))) };
}

/** A button click as an `interactive` envelope: the `blockActionBody` payload, not form-encoded. */
export function blockActionEnvelope(options: BlockActionOptions): SocketEnvelope {
  return { type: 'interactive', payload: formPayload(blockActionBody(options)) };
}

/** A modal submission as an `interactive` envelope: the `viewSubmissionBody` payload, not form-encoded. */
export function viewSubmissionEnvelope(options: ViewSubmissionOptions): SocketEnvelope {
  return { type: 'interactive', payload: formPayload(viewSubmissionBody(options)) };
}

function formPayload(body: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(new URLSearchParams(body).get('payload') ?? '{}');
  return z.record(z.string(), z.unknown()).parse(parsed);
}
