import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type StripeSandbox, signStripePayload, startStripeSandbox } from '../../sandbox/stripe/index.js';

const SECRET = 'whsec_test_sandbox_secret';
const verifier = new Stripe('sk_test_verifier');

/** A tiny webhook receiver that verifies like the app must: raw body, constructEvent, 400 on failure. */
interface Receiver {
  url: string;
  events: Stripe.Event[];
  rejected: string[];
  server: Server;
}

async function startReceiver(): Promise<Receiver> {
  const receiver: Omit<Receiver, 'url' | 'server'> = { events: [], rejected: [] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const event = verifier.webhooks.constructEvent(
          Buffer.concat(chunks),
          String(req.headers['stripe-signature']),
          SECRET,
        );
        receiver.events.push(event);
        res.writeHead(200).end('{"received":true}');
      } catch (error) {
        receiver.rejected.push(error instanceof Error ? error.message : String(error));
        res.writeHead(400).end('bad signature');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { ...receiver, url: `http://127.0.0.1:${port}/stripe/webhook`, server };
}

let receiver: Receiver;
let sandbox: StripeSandbox;
let stripe: Stripe;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startStripeSandbox({ webhook: { url: receiver.url, secret: SECRET } });
  stripe = sandbox.stripe();
});
beforeEach(async () => {
  await sandbox.webhooksSettled();
  receiver.events.length = 0;
  receiver.rejected.length = 0;
});
afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => receiver.server.close(resolve));
});

describe('webhook delivery', () => {
  it('delivers signed charge.dispute.created and funds_withdrawn events for a new chargeback', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent' });
    await sandbox.webhooksSettled();
    expect(receiver.rejected).toEqual([]);
    expect(receiver.events.map((event) => event.type)).toEqual([
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
    ]);
    const created = receiver.events[0];
    expect(created).toMatchObject({
      object: 'event',
      api_version: '2026-10-28.endive',
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: { id: dispute.id, object: 'dispute', status: 'needs_response' } },
    });
    expect(created?.id).toMatch(/^evt_/);
    expect(created).not.toHaveProperty('account');
  });

  it('announces an inquiry with charge.dispute.created too, and no funds withdrawal', async () => {
    sandbox.createDispute({ reason: 'general', inquiry: true });
    await sandbox.webhooksSettled();
    expect(receiver.events.map((event) => [event.type, (event.data.object as Stripe.Dispute).status])).toEqual([
      ['charge.dispute.created', 'warning_needs_response'],
    ]);
  });

  it('sends charge.dispute.updated with previous attributes and the request that caused it', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent', silent: true });
    const updated = await stripe.disputes.update(
      dispute.id,
      { evidence: { uncategorized_text: 'Logged in 14 times.' }, submit: false },
      { idempotencyKey: 'stage-1' },
    );
    await sandbox.webhooksSettled();
    const event = receiver.events.find((candidate) => candidate.type === 'charge.dispute.updated');
    if (event?.type !== 'charge.dispute.updated') throw new Error('no update event');
    expect(event.request).toEqual({ id: updated.lastResponse.requestId, idempotency_key: 'stage-1' });
    expect(event.data.previous_attributes).toEqual({
      evidence: { uncategorized_text: null },
      evidence_details: { has_evidence: false },
    });
  });

  it('closes and reinstates funds when the issuer decides for the merchant', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent', silent: true });
    const won = sandbox.setDisputeStatus(dispute.id, 'won');
    expect(won.balance_transactions).toHaveLength(2);
    await sandbox.webhooksSettled();
    expect(receiver.events.map((event) => event.type)).toEqual([
      'charge.dispute.closed',
      'charge.dispute.funds_reinstated',
    ]);
    expect((await stripe.disputes.retrieve(dispute.id)).status).toBe('won');
  });

  it('marks connected-account events with the account', async () => {
    sandbox.createDispute({ reason: 'fraudulent', account: 'acct_1Webhooks', inquiry: true });
    await sandbox.webhooksSettled();
    expect(receiver.events[0]?.account).toBe('acct_1Webhooks');
    const listed = await stripe.events.list({ type: 'charge.dispute.*' }, { stripeAccount: 'acct_1Webhooks' });
    expect(listed.data.map((event) => event.id)).toEqual([receiver.events[0]?.id]);
  });
});

describe('explicit delivery and signatures', () => {
  it('signs exactly like the SDK’s test header helper', () => {
    const payload = '{"id":"evt_1"}';
    expect(signStripePayload(payload, SECRET, 1_700_000_000)).toBe(
      verifier.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: 1_700_000_000 }),
    );
  });

  it('delivers the same event several times when asked (at-least-once delivery)', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent', silent: true });
    const event = sandbox.emit('charge.dispute.updated', dispute, {
      previousAttributes: { status: 'warning_needs_response' },
    });
    await sandbox.webhooksSettled();
    const responses = await sandbox.deliver(event, { times: 2 });
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(receiver.events.map((received) => received.id)).toEqual([event.id, event.id, event.id]);
  });

  it('tampered bodies, wrong secrets and stale timestamps fail verification at the receiver', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent', silent: true });
    sandbox.setWebhook(undefined);
    try {
      const event = sandbox.emit('charge.dispute.created', dispute);
      const [tampered] = await sandbox.deliver(event, { url: receiver.url, secret: SECRET, tamper: true });
      const [forged] = await sandbox.deliver(event, { url: receiver.url, secret: 'whsec_wrong' });
      const stale = Math.floor(Date.now() / 1000) - 3600;
      const [old] = await sandbox.deliver(event, { url: receiver.url, secret: SECRET, timestamp: stale });
      expect([tampered?.status, forged?.status, old?.status]).toEqual([400, 400, 400]);
      expect(receiver.events).toEqual([]);
      expect(receiver.rejected[2]).toContain('Timestamp outside the tolerance zone');
    } finally {
      sandbox.setWebhook({ url: receiver.url, secret: SECRET });
    }
  });

  it('lists and retrieves events, with delivery_success for recovering missed ones', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'duplicate', silent: true });
    sandbox.setWebhook({ url: 'http://127.0.0.1:1/unreachable', secret: SECRET });
    const missed = sandbox.emit('charge.dispute.updated', dispute);
    await sandbox.webhooksSettled();
    sandbox.setWebhook({ url: receiver.url, secret: SECRET });
    const failed = await stripe.events.list({ delivery_success: false, types: ['charge.dispute.updated'] });
    expect(failed.data.map((event) => event.id)).toContain(missed.id);
    const fetched = await stripe.events.retrieve(missed.id);
    expect(fetched.data.object).toMatchObject({ id: dispute.id });
    expect(sandbox.deliveries.find((delivery) => delivery.event === missed.id)?.status).toBe('error');
  });
});

describe('redelivery of refused webhooks (webhookRetryDelaysMs)', () => {
  /** A receiver answering with the statuses given, one per request, then 200. */
  async function flakyReceiver(statuses: number[]) {
    const seen: { id: string; at: number }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({ id: (JSON.parse(Buffer.concat(chunks).toString()) as { id: string }).id, at: Date.now() });
        res.writeHead(statuses.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/`, seen, server };
  }

  it('an event refused with 503 twice is sent again after each delay and then taken; pending_webhooks drops to 0', async () => {
    const flaky = await flakyReceiver([503, 503]);
    const retrying = await startStripeSandbox({
      webhook: { url: flaky.url, secret: SECRET },
      webhookRetryDelaysMs: [50, 100, 200],
    });
    try {
      const { dispute } = retrying.createDispute({ reason: 'fraudulent', silent: true });
      const event = retrying.emit('charge.dispute.updated', dispute);
      await retrying.webhooksSettled();
      expect(flaky.seen.map((s) => s.id)).toEqual([event.id, event.id, event.id]);
      expect(retrying.deliveries.map((d) => d.status)).toEqual([503, 503, 200]);
      // Each retry waited at least its delay.
      expect((flaky.seen[1]?.at ?? 0) - (flaky.seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(45);
      expect((flaky.seen[2]?.at ?? 0) - (flaky.seen[1]?.at ?? 0)).toBeGreaterThanOrEqual(95);
      const listed = await retrying.stripe().events.retrieve(event.id);
      expect(listed.pending_webhooks).toBe(0);
    } finally {
      await retrying.close();
      await new Promise((resolve) => flaky.server.close(resolve));
    }
  });

  it('stops after the last delay, and close() drops redeliveries still waiting', async () => {
    const flaky = await flakyReceiver([500, 500, 500, 500]);
    const retrying = await startStripeSandbox({
      webhook: { url: flaky.url, secret: SECRET },
      webhookRetryDelaysMs: [20],
    });
    const { dispute } = retrying.createDispute({ reason: 'fraudulent', silent: true });
    retrying.emit('charge.dispute.updated', dispute);
    await retrying.webhooksSettled();
    expect(retrying.deliveries.map((d) => d.status)).toEqual([500, 500]);

    const slow = await startStripeSandbox({
      webhook: { url: flaky.url, secret: SECRET },
      webhookRetryDelaysMs: [60_000],
    });
    slow.emit('charge.dispute.updated', slow.createDispute({ reason: 'general', silent: true }).dispute);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await slow.close(); // would wait a minute if the redelivery were kept
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(slow.deliveries.map((d) => d.status)).toEqual([500]);
    await retrying.close();
    await new Promise((resolve) => flaky.server.close(resolve));
  });
});
