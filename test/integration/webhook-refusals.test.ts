import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whyUnreachable } from '../../src/db/unreachable.js';
import { disputeEvent, postWebhook, startTestApp, stripeSignature } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  db = await freshDatabase();
  // No workers: these tests are about what the webhook stores, not what the jobs do.
  app = await startTestApp({ DATABASE_URL: db.url, STRIPE_API_URL: 'http://127.0.0.1:9' }, { workers: false });
});
afterAll(async () => {
  await app.stop();
  await db.drop();
});

async function storedEvents(): Promise<number> {
  const { rows } = await db.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM stripe_events');
  return rows[0]?.count ?? -1;
}

async function queuedJobs(): Promise<number> {
  const { rows } = await db.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM graphile_worker.jobs');
  return rows[0]?.count ?? -1;
}

async function rejectedCount(reason: string): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`rebut_stripe_events_total{outcome="rejected",reason="${reason}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('POST /stripe/webhook refuses what Stripe did not send', () => {
  const payload = disputeEvent('du_refused');

  it.each([
    ['a forged signature', { 'stripe-signature': 't=1,v1=deadbeef' }, 'signature'],
    [
      'a signature made with the wrong secret',
      { 'stripe-signature': stripeSignature(payload, { secret: 'whsec_wrong' }) },
      'signature',
    ],
    ['a missing Stripe-Signature header', {}, 'missing_signature'],
    [
      'a timestamp older than 300 s',
      { 'stripe-signature': stripeSignature(payload, { timestamp: Math.floor(Date.now() / 1000) - 301 }) },
      'stale',
    ],
  ])('%s gets 400, stores nothing and is counted in /metrics', async (_name, headers, reason) => {
    const before = await rejectedCount(reason);
    const response = await postWebhook(app.url, payload, headers);
    expect(response.status).toBe(400);
    expect(await storedEvents()).toBe(0);
    expect(await queuedJobs()).toBe(0);
    expect(await rejectedCount(reason)).toBe(before + 1);
  });

  it('a tampered body gets 400 and stores nothing', async () => {
    const signature = stripeSignature(payload);
    const tampered = payload.replace('du_refused', 'du_tampered');
    const response = await postWebhook(app.url, tampered, { 'stripe-signature': signature });
    expect(response.status).toBe(400);
    expect(await storedEvents()).toBe(0);
  });

  it('a body over 1 MiB gets 413 and stores nothing', async () => {
    const huge = JSON.stringify({ padding: 'x'.repeat(1024 * 1024) });
    const response = await postWebhook(app.url, huge, { 'stripe-signature': stripeSignature(huge) });
    expect(response.status).toBe(413);
    expect(await storedEvents()).toBe(0);
  });

  it('a body over 1 MiB sent without Content-Length (chunked) also gets 413', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const response = await fetch(`${app.url}/stripe/webhook`, {
      method: 'POST',
      headers: { 'stripe-signature': 't=1,v1=00' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await storedEvents()).toBe(0);
  });

  it('a non-JSON body with a valid signature gets 400', async () => {
    const body = 'this is not json';
    const response = await postWebhook(app.url, body, { 'stripe-signature': stripeSignature(body) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'body is not JSON' });
    expect(await storedEvents()).toBe(0);
  });

  it('a live-mode event sent to a test-mode key gets 400, is logged and stores nothing', async () => {
    const live = disputeEvent('du_live', { livemode: true });
    const response = await postWebhook(app.url, live);
    expect(response.status).toBe(400);
    expect(await storedEvents()).toBe(0);
    expect(app.logLines.some((line) => line.includes('live-mode event reached an instance with a test-mode'))).toBe(
      true,
    );
  });

  it('an event type rebut does not handle is acknowledged and not stored', async () => {
    const other = disputeEvent('ch_1', { type: 'charge.succeeded' });
    const response = await postWebhook(app.url, other);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ignored: 'charge.succeeded' });
    expect(await storedEvents()).toBe(0);
  });

  it('a valid event is stored with its job in the same statement and acknowledged', async () => {
    const good = disputeEvent('du_good', { id: 'evt_good', account: 'acct_123' });
    const response = await postWebhook(app.url, good);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, duplicate: false });
    const { rows } = await db.pool.query('SELECT id, account, object_id FROM stripe_events');
    expect(rows).toEqual([{ id: 'evt_good', account: 'acct_123', object_id: 'du_good' }]);
    expect(await queuedJobs()).toBe(1);
  });

  it('the same event delivered 5 times at once is stored once with one job', async () => {
    const event = disputeEvent('du_dup', { id: 'evt_dup' });
    const responses = await Promise.all(Array.from({ length: 5 }, () => postWebhook(app.url, event)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ duplicate: boolean }>));
    expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM stripe_events WHERE id = 'evt_dup'`);
    expect(rows[0]).toEqual({ n: 1 });
    const jobs = await db.pool.query(
      `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'process-event'`,
    );
    expect(jobs.rows[0]).toEqual({ n: 2 }); // evt_good from the test above, and evt_dup once
  });

  it('GET on the webhook route is refused with 405', async () => {
    const response = await fetch(`${app.url}/stripe/webhook`);
    expect(response.status).toBe(405);
  });
});

describe('health', () => {
  it('/healthz and /readyz answer 200 when the database is up and migrated', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    // This test app runs without Slack, and says so.
    expect(await ready.json()).toEqual({
      ready: true,
      checks: { database: 'ok', migrations: 'ok' },
      detail: { headless: expect.stringContaining('shows no case to anyone') },
    });
  });
});

describe('operational endpoints', () => {
  it('/metrics asks for METRICS_TOKEN as a bearer token when it is set, and answers only with it', async () => {
    const guarded = await startTestApp(
      { DATABASE_URL: db.url, STRIPE_API_URL: 'http://127.0.0.1:9', METRICS_TOKEN: 'prom-secret-token' },
      { workers: false },
    );
    try {
      expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer prom-secret-token' } });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('rebut_');
      // Without the setting, as before: open (bind HOST to a private address, or front it with the token).
      expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
    } finally {
      await guarded.stop();
    }
  });

  it('/readyz says what is wrong without naming the user, the database or the host', () => {
    const refused = Object.assign(new Error('password authentication failed for user "rebut_owner"'), {
      code: '28P01',
    });
    const missing = Object.assign(new Error('database "rebut_prod" does not exist'), { code: '3D000' });
    const nowhere = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' });
    expect(whyUnreachable(refused)).toBe('PostgreSQL refused the credentials');
    expect(whyUnreachable(missing)).toBe('the database does not exist');
    expect(whyUnreachable(nowhere)).toBe('nothing answers at the host and port');
    for (const error of [refused, missing, nowhere]) expect(whyUnreachable(error)).not.toMatch(/rebut_|10\.1/);
  });
});
