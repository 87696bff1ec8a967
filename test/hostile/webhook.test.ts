// What a stranger (or a leaked-secret holder) can send to POST /stripe/webhook: malformed JSON, absurd nesting, huge
// bodies and headers, things that are not events. Each is refused with a 4xx, stores nothing, and the app keeps
// answering /healthz; an event whose customer text holds a NUL is stored as data.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { disputeEvent, postWebhook, startTestApp, stripeSignature, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let stripe: StripeSandbox;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  app = await startTestApp({ DATABASE_URL: db.url, STRIPE_API_URL: stripe.url });
});
afterAll(async () => {
  await app.stop();
  await stripe.close();
  await db.drop();
});

let storedBefore = 0;
beforeEach(async () => {
  storedBefore = await storedEvents();
});

async function storedEvents(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM stripe_events');
  return rows[0]?.n ?? 0;
}

/** Nothing new stored and the process still answers. */
async function unharmed(): Promise<void> {
  expect(await storedEvents()).toBe(storedBefore);
  expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
}

const DEEP = 100_000;
const deeplyNested = `{"a":${'['.repeat(DEEP)}${']'.repeat(DEEP)}}`;
/** A real-looking dispute event with `extra` spliced into its dispute object. */
const eventWith = (id: string, extra: string) =>
  disputeEvent('du_hostile', { id }).replace('"status":"needs_response"', `"status":"needs_response",${extra}`);

describe('bodies that are not Stripe events', () => {
  const malformed: [string, string][] = [
    ['truncated JSON', '{"id": "evt_truncated", "type": "charge.dispute.created",'],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['a number', '42'],
    ['a string', '"charge.dispute.created"'],
    ['an object with only an id', '{"id":"evt_only_id"}'],
    [
      'an event without data',
      JSON.stringify({
        id: 'evt_no_data',
        object: 'event',
        type: 'charge.dispute.created',
        livemode: false,
        created: 1,
      }),
    ],
    [
      'an event with wrongly typed fields',
      JSON.stringify({ id: 5, object: 'event', type: ['x'], livemode: 'no', created: 'now', data: null }),
    ],
    ['100,000 levels of nesting', deeplyNested],
    ['a dispute event with 100,000 levels of nesting inside', eventWith('evt_deep', `"deep":${deeplyNested}`)],
    ['a UTF-8 BOM and garbage', '\uFEFF\u0000\u0001{]'],
  ];

  it.each(malformed)('%s, validly signed, gets 400 and stores nothing', async (_name, body) => {
    const response = await postWebhook(app.url, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.any(String) });
    await unharmed();
  });

  it.each(malformed)('%s, unsigned, gets 400 before it is parsed', async (_name, body) => {
    const response = await postWebhook(app.url, body, {});
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'missing Stripe-Signature header' });
    await unharmed();
  });
});

describe('sizes and headers', () => {
  it('a 900 kB string in an unsigned or wrongly signed body is refused; over 1 MiB is 413', async () => {
    const big = eventWith('evt_big', `"note":"${'A'.repeat(900_000)}"`);
    expect((await postWebhook(app.url, big, {})).status).toBe(400);
    expect(
      (await postWebhook(app.url, big, { 'stripe-signature': stripeSignature(big, { secret: 'whsec_x' }) })).status,
    ).toBe(400);
    const huge = eventWith('evt_huge', `"note":"${'B'.repeat(5 * 1024 * 1024)}"`);
    const response = await postWebhook(app.url, huge, { 'stripe-signature': stripeSignature(huge) }).catch(
      // The server may close the connection while the client is still sending the rest of the 5 MiB.
      () => undefined,
    );
    if (response) expect(response.status).toBe(413);
    await unharmed();
  });

  it('absurd Stripe-Signature headers are refused with 400, or 431 when over Node’s header limit', async () => {
    const body = disputeEvent('du_headers', { id: 'evt_headers' });
    const headers = [
      '',
      ' ',
      't=not-a-number,v1=abc',
      `t=${Math.floor(Date.now() / 1000)},v1=`,
      `t=${Math.floor(Date.now() / 1000)},${Array.from({ length: 150 }, () => `v1=${'0'.repeat(64)}`).join(',')}`,
      `t=${Math.floor(Date.now() / 1000)},v0=${'f'.repeat(64)}`,
      'v1=\u202Eevil\u200B',
    ];
    for (const signature of headers) {
      const response = await fetch(`${app.url}/stripe/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': encodeURIComponent(signature) },
        body,
      });
      expect(response.status, signature.slice(0, 40)).toBe(400);
    }
    const oversized = await fetch(`${app.url}/stripe/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `v1=${'a'.repeat(40_000)}` },
      body,
    });
    expect(oversized.status).toBe(431);
    await unharmed();
  });

  it('a body signed for another body, or replayed after ten minutes, is refused', async () => {
    const body = disputeEvent('du_replay', { id: 'evt_replay' });
    const other = disputeEvent('du_other', { id: 'evt_other' });
    expect((await postWebhook(app.url, body, { 'stripe-signature': stripeSignature(other) })).status).toBe(400);
    const stale = stripeSignature(body, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect((await postWebhook(app.url, body, { 'stripe-signature': stale })).status).toBe(400);
    await unharmed();
  });
});

describe('customer text Stripe carries', () => {
  it('a NUL inside a validly signed event is stored as data, without the NUL', async () => {
    const body = eventWith('evt_nul', String.raw`"description":"before\u0000after","path":"C:\\u0000dir"`);
    const response = await postWebhook(app.url, body);
    expect(response.status).toBe(200);
    const { rows } = await db.pool.query<{ description: string; path: string }>(
      `SELECT payload->'data'->'object'->>'description' AS description, payload->'data'->'object'->>'path' AS path
         FROM stripe_events WHERE id = 'evt_nul'`,
    );
    // The escaped backslash before "u0000" is text, not a NUL, and stays.
    expect(rows[0]).toEqual({ description: 'beforeafter', path: 'C:\\u0000dir' });
  });

  it('a cardholder name and email with NUL, bidi and zero-width characters still open a case', async () => {
    const { dispute } = stripe.createDispute({
      reason: 'fraudulent',
      customer: { email: 'ma\u0000ra@example.com', name: 'Ma\u0000ra \u202Etxt.exe\u202C Lind\u200Bqvist' },
      silent: true,
    });
    const event = stripe.emit('charge.dispute.created', dispute);
    const [ack] = await stripe.deliver(event, { url: `${app.url}/stripe/webhook`, secret: 'whsec_rebut_test' });
    expect(ack?.status).toBe(200);
    const row = await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ state: string; customer_email: string; name: string }>(
          `SELECT c.state, d.customer_email, d.stripe_object->'charge'->'billing_details'->>'name' AS name
             FROM cases c JOIN disputes d ON d.id = c.dispute_id WHERE d.id = $1`,
          [dispute.id],
        );
        return rows[0];
      },
      { what: 'the case to open' },
    );
    expect(row.customer_email).toBe('mara@example.com');
    expect(row.name).toBe('Mara \u202Etxt.exe\u202C Lind\u200Bqvist');
  });
  const poisonEvent = (id: string, created: string) =>
    `{"id":"${id}","object":"event","api_version":"2026-10-28.endive","created":${created},"type":"charge.dispute.created","livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"data":{"object":{"id":"du_poison","object":"dispute"}}}`;

  it.each([
    ['a float for created', poisonEvent('evt_float', '1796600000.5')],
    ['a NUL in the id', poisonEvent(String.raw`evt_\u0000nul`, '1796600000')],
    ['a lone surrogate in the id', poisonEvent(String.raw`evt_\ud800lone`, '1796600000')],
  ])(
    'a validly signed event that cannot be stored (%s) is kept as rejected and acknowledged, not retried for days',
    async (_name, body) => {
      const before = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rejected_events');
      const response = await postWebhook(app.url, body);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        received: true,
        rejected: expect.stringContaining('cannot be stored'),
      });
      const after = await db.pool.query<{ n: number; payload: Buffer }>(
        'SELECT count(*) OVER ()::int AS n, payload FROM rejected_events ORDER BY id DESC LIMIT 1',
      );
      expect(after.rows[0]?.n).toBe((before.rows[0]?.n ?? 0) + 1);
      expect(after.rows[0]?.payload.toString('utf8')).toBe(body);
      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      expect(metrics).toMatch(/rebut_stripe_events_total\{outcome="poison",reason="unstorable"\} [1-9]/);
      const ready = (await (await fetch(`${app.url}/readyz`)).json()) as { detail?: { rejectedEvents?: string } };
      expect(ready.detail?.rejectedEvents).toMatch(/could not be stored/);
    },
  );
});
