import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blockActionEnvelope,
  type SlackSandbox,
  slashCommandEnvelope,
  startSlackSandbox,
  websocketAccept,
} from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { createLogger } from '../../src/log.js';
import { createSlack } from '../../src/slack/index.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { disputeEvent, postWebhook, startTestApp, TEST_STRIPE_KEY, testSettings, waitFor } from '../support/app.js';
import { queuePost, readyCase } from '../support/cases.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import {
  ALICE,
  BOB,
  CHANNEL,
  ephemeralsFor,
  postedMessage,
  slackSettings,
  startSlackSandboxForTests,
  type TestApp,
} from '../support/slack.js';

const APP_TOKEN = 'xapp-1-test';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: TestApp;

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  slack = await startSlackSandboxForTests();
  // Socket Mode needs no signing secret: requests come over the app's own WebSocket, not signed HTTP.
  const { SLACK_SIGNING_SECRET: _unused, ...settings } = slackSettings(slack, { SLACK_APP_TOKEN: APP_TOKEN });
  app = await startTestApp({ DATABASE_URL: db.url, STRIPE_API_URL: stripe.url, ...settings });
});
afterAll(async () => {
  await app?.stop();
  await slack?.close();
  await stripe?.close();
  await db?.drop();
});

async function postedCase() {
  const { caseId, disputeId } = await readyCase(db.pool, stripe);
  await queuePost(db.pool, caseId);
  const message = await waitFor(() => postedMessage(db.pool, caseId), { what: `case ${caseId} posted` });
  return { caseId, disputeId, ts: message.ts };
}

function submitRequests(disputeId: string) {
  return stripe.requests.filter(
    (request) =>
      request.method === 'POST' && request.path === `/v1/disputes/${disputeId}` && request.body.submit === 'true',
  );
}

async function caseState(caseId: number): Promise<string | undefined> {
  const { rows } = await db.pool.query<{ state: string }>('SELECT state FROM cases WHERE id = $1', [caseId]);
  return rows[0]?.state;
}

function clickEnvelope(options: { actionId: string; caseId: number; userId: string; messageTs: string }) {
  return blockActionEnvelope({
    actionId: options.actionId,
    value: String(options.caseId),
    blockId: `case_${options.caseId}_v1_actions`,
    userId: options.userId,
    channelId: CHANNEL,
    messageTs: options.messageTs,
    responseUrl: slack.responseUrl(undefined, {
      channel: CHANNEL,
      messageTs: options.messageTs,
      userId: options.userId,
    }),
    triggerId: slack.issueTriggerId(),
  });
}

async function openConnection(): Promise<string> {
  const response = await fetch(`${slack.apiUrl}apps.connections.open`, {
    method: 'POST',
    headers: { authorization: `Bearer ${APP_TOKEN}` },
  });
  const body = (await response.json()) as { url?: string };
  if (body.url === undefined) throw new Error('apps.connections.open gave no url');
  return body.url;
}

/** A WebSocket opening handshake by hand: the status, and on 101 the socket and the accept header. */
function handshake(
  wsUrl: string,
): Promise<{ status: number; key: string; accept?: string; socket?: Duplex; head?: Buffer }> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = request(wsUrl.replace(/^ws/, 'http'), {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': key,
        'sec-websocket-version': '13',
      },
    });
    req.on('upgrade', (res, socket, head) => {
      const accept = res.headers['sec-websocket-accept'];
      resolve({ status: res.statusCode ?? 0, key, socket, head, ...(typeof accept === 'string' ? { accept } : {}) });
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, key });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A client frame: FIN set and masked, as RFC 6455 requires of clients (payloads under 126 bytes). */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ (mask[index % 4] ?? 0)));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]);
}

/** Server frames as they arrive, from the bytes that came with the handshake on (unmasked, under 64 KiB). */
function readServerFrames(socket: Duplex, head: Buffer = Buffer.alloc(0)) {
  let buffer = head;
  const waiting: (() => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (const wake of waiting.splice(0)) wake();
  });
  const whole = (): { opcode: number; payload: Buffer } | undefined => {
    if (buffer.length < 2) return undefined;
    expect((buffer[1] ?? 0) & 0x80).toBe(0); // servers never mask
    const short = (buffer[1] ?? 0) & 0x7f;
    const [length, offset] = short === 126 && buffer.length >= 4 ? [buffer.readUInt16BE(2), 4] : [short, 2];
    if (short === 126 && offset === 2) return undefined;
    if (buffer.length < offset + length) return undefined;
    const frame = { opcode: (buffer[0] ?? 0) & 0x0f, payload: buffer.subarray(offset, offset + length) };
    buffer = buffer.subarray(offset + length);
    return frame;
  };
  return {
    async next(): Promise<{ opcode: number; payload: Buffer }> {
      for (;;) {
        const frame = whole();
        if (frame !== undefined) return frame;
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
  };
}

describe('the Socket Mode stand-in', () => {
  it('computes the RFC 6455 handshake answer for the RFC sample key', () => {
    expect(websocketAccept('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('apps.connections.open takes only an app-level token', async () => {
    const open = (token?: string) =>
      fetch(`${slack.apiUrl}apps.connections.open`, {
        method: 'POST',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      }).then((response) => response.json());
    expect(await open()).toEqual({ ok: false, error: 'not_authed' });
    expect(await open(slack.botToken)).toEqual({ ok: false, error: 'invalid_auth' });
    const opened = (await open(APP_TOKEN)) as { ok: boolean; url: string };
    expect(opened.ok).toBe(true);
    expect(opened.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/socket\/[0-9a-f]+$/);
  });

  it('refuses a WebSocket handshake for a URL it did not hand out, and hands each URL out once', async () => {
    const unknown = await handshake(`${slack.url.replace('http', 'ws')}/socket/0123abcd`);
    expect(unknown.status).toBe(401);

    const url = await openConnection();
    const before = slack.socketConnections();
    const client = await handshake(url);
    expect(client.status).toBe(101);
    expect(client.accept).toBe(websocketAccept(client.key));
    const socket = client.socket;
    if (socket === undefined) throw new Error('no socket');
    const frames = readServerFrames(socket, client.head);
    const hello = await frames.next();
    expect(hello.opcode).toBe(0x1);
    expect(JSON.parse(hello.payload.toString('utf8'))).toMatchObject({ type: 'hello' });
    expect(slack.socketConnections()).toBe(before + 1);

    socket.write(maskedFrame(0x9, Buffer.from('are you there')));
    const pong = await frames.next();
    expect({ opcode: pong.opcode, text: pong.payload.toString('utf8') }).toEqual({
      opcode: 0xa,
      text: 'are you there',
    });

    const closeCode = Buffer.alloc(2);
    closeCode.writeUInt16BE(1000);
    socket.write(maskedFrame(0x8, closeCode));
    const closed = await frames.next();
    expect({ opcode: closed.opcode, code: closed.payload.readUInt16BE(0) }).toEqual({ opcode: 0x8, code: 1000 });
    await waitFor(async () => slack.socketConnections() === before, { what: 'the extra socket closed' });
    socket.destroy();

    expect((await handshake(url)).status).toBe(401);
  });

  it('closes a connection whose client frames are not masked (1002)', async () => {
    const client = await handshake(await openConnection());
    const socket = client.socket;
    if (socket === undefined) throw new Error('no socket');
    const frames = readServerFrames(socket, client.head);
    await frames.next(); // hello
    socket.write(Buffer.from([0x81, 0x02, 0x68, 0x69])); // "hi", unmasked
    const closed = await frames.next();
    expect({ opcode: closed.opcode, code: closed.payload.readUInt16BE(0) }).toEqual({ opcode: 0x8, code: 1002 });
    socket.destroy();
  });
});

describe('rebut in Socket Mode', () => {
  it('connects over the socket with the app-level token at start', async () => {
    expect(slack.socketConnections()).toBe(1);
    const opened = slack.callsTo('apps.connections.open').filter((call) => call.ok);
    expect(opened.length).toBeGreaterThanOrEqual(1);
  });

  it('acks /disputes help with the help text in the ack payload', async () => {
    const ack = await slack.sendEnvelope(
      slashCommandEnvelope({ text: 'help', userId: ALICE, channelId: CHANNEL, responseUrl: slack.responseUrl() }),
    );
    expect(ack.payload?.text).toEqual(expect.stringContaining('/disputes show <dispute id>'));
  });

  it('an approver clicking Approve submits the case to Stripe exactly once', async () => {
    const { caseId, disputeId, ts } = await postedCase();
    const ack = await slack.sendEnvelope(clickEnvelope({ actionId: 'approve', caseId, userId: ALICE, messageTs: ts }));
    expect(ack.envelope_id).toEqual(expect.any(String));
    await waitFor(async () => (await caseState(caseId)) === 'submitted', { what: 'the case submitted' });
    expect(submitRequests(disputeId)).toHaveLength(1);
  });

  it('a click by someone who is not an approver is refused to them alone and submits nothing', async () => {
    const { caseId, disputeId, ts } = await postedCase();
    await slack.sendEnvelope(clickEnvelope({ actionId: 'approve', caseId, userId: BOB, messageTs: ts }));
    const refusal = await waitFor(
      async () => ephemeralsFor(slack, BOB).find((text) => text.includes('not one of the approvers')),
      { what: 'the refusal to Bob' },
    );
    expect(refusal).toContain('You cannot');
    expect(await caseState(caseId)).toBe('awaiting_review');
    expect(submitRequests(disputeId)).toHaveLength(0);
  });

  it('does not serve /slack/events over HTTP, while the Stripe webhook and health checks are still served', async () => {
    const slackEvents = await fetch(`${app.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'command=%2Fdisputes&text=help',
    });
    expect(slackEvents.status).toBe(404);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const { disputeId } = await readyCase(db.pool, stripe);
    expect((await postWebhook(app.url, disputeEvent(disputeId))).status).toBe(200);
    const unsigned = await postWebhook(app.url, disputeEvent(disputeId), { 'stripe-signature': 't=1,v1=forged' });
    expect(unsigned.status).toBe(400);
  });

  it('reconnects with a fresh URL when Slack sends disconnect, and keeps answering', async () => {
    const opens = slack.callsTo('apps.connections.open').length;
    slack.requestSocketDisconnect('refresh_requested');
    await waitFor(async () => slack.socketConnections() === 0, { what: 'the old socket closed' });
    // The client waits its ping timeout (5 s) before reconnecting.
    await waitFor(async () => slack.socketConnections() === 1, { what: 'a new socket', timeoutMs: 12_000 });
    expect(slack.callsTo('apps.connections.open').length).toBe(opens + 1);
    const ack = await slack.sendEnvelope(
      slashCommandEnvelope({ text: 'help', userId: ALICE, channelId: CHANNEL, responseUrl: slack.responseUrl() }),
    );
    expect(ack.payload?.text).toEqual(expect.stringContaining('/disputes show <dispute id>'));
  }, 20_000);

  it('Slack unreachable for a while: the cut socket is noticed, and once Slack is back the app connects again and answers', async () => {
    expect(slack.socketConnections()).toBe(1);
    slack.down(true);
    expect(slack.socketConnections()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // reconnect attempts meet a reset connection
    slack.down(false);
    await waitFor(async () => slack.socketConnections() === 1, { what: 'a new socket', timeoutMs: 25_000 });
    const ack = await slack.sendEnvelope(
      slashCommandEnvelope({ text: 'help', userId: ALICE, channelId: CHANNEL, responseUrl: slack.responseUrl() }),
    );
    expect(ack.payload?.text).toEqual(expect.stringContaining('/disputes show <dispute id>'));
  }, 40_000);

  it('disconnects cleanly when the app stops', async () => {
    expect(slack.socketConnections()).toBe(1);
    await app.stop();
    await waitFor(async () => slack.socketConnections() === 0, { what: 'the socket closed', timeoutMs: 5_000 });
  });
});

describe('Socket Mode setup', () => {
  /** A Socket Mode Slack handle for this stand-in; the caller starts and stops it. */
  async function socketSlackFor(sandbox: SlackSandbox) {
    const { SLACK_SIGNING_SECRET: _unused, ...env } = slackSettings(sandbox, { SLACK_APP_TOKEN: APP_TOKEN });
    const settings = testSettings({ DATABASE_URL: db.url, ...env });
    const stripeClient = createStripeClient(TEST_STRIPE_KEY, stripe.url);
    return createSlack({ settings, pool: db.pool, stripe: stripeClient, log: createLogger('silent') });
  }

  it('a revoked app-level token fails start with an error naming SLACK_APP_TOKEN', async () => {
    const sandbox = await startSlackSandbox({ appToken: APP_TOKEN });
    sandbox.failNext({ method: 'apps.connections.open', error: 'token_revoked', times: 10 }); // every time, as Slack would
    try {
      const socketSlack = await socketSlackFor(sandbox);
      await expect(socketSlack.start()).rejects.toThrow(/Slack refused SLACK_APP_TOKEN \(token_revoked\)/);
      expect(sandbox.socketConnections()).toBe(0);
      await socketSlack.stop();
    } finally {
      await sandbox.close();
    }
  });

  it('apps.connections.open answering 500, then 429, at start: the app waits as told and connects', async () => {
    const sandbox = await startSlackSandbox({ appToken: APP_TOKEN });
    sandbox.failNext({ method: 'apps.connections.open', status: 500 });
    sandbox.failNext({ method: 'apps.connections.open', status: 429, retryAfter: 1 });
    try {
      const socketSlack = await socketSlackFor(sandbox);
      await socketSlack.start();
      expect(sandbox.socketConnections()).toBe(1);
      // rebut's own check of the token (retried through the 500 and the 429), then Bolt's connection.
      expect(sandbox.callsTo('apps.connections.open').map((call) => call.status)).toEqual([500, 429, 200, 200]);
      await socketSlack.stop();
    } finally {
      await sandbox.close();
    }
  }, 20_000);

  it('an app-level token Slack refuses fails start with an error naming SLACK_APP_TOKEN', async () => {
    const strict = await startSlackSandbox({ appToken: 'xapp-1-the-real-one' });
    const { SLACK_SIGNING_SECRET: _unused, ...env } = slackSettings(strict, { SLACK_APP_TOKEN: APP_TOKEN });
    const settings = testSettings({ DATABASE_URL: db.url, ...env });
    const log = createLogger('silent');
    const stripeClient = createStripeClient(TEST_STRIPE_KEY, stripe.url);
    try {
      const socketSlack = await createSlack({ settings, pool: db.pool, stripe: stripeClient, log });
      await expect(socketSlack.start()).rejects.toThrow(/Slack refused SLACK_APP_TOKEN \(invalid_auth\)/);
      expect(strict.socketConnections()).toBe(0);
      await socketSlack.stop();
    } finally {
      await strict.close();
    }
  });
});
