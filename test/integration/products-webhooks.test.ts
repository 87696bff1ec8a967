// Several products on one rebut: each product's webhooks are verified with its own secrets and filed under it; an
// event signed for one product never reaches another's data.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { startRefund } from '../../src/prevention/warning.js';
import { disputeEvent, postWebhook, startTestApp, stripeSignature, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

const SECRETS = {
  INTERIOR_STRIPE_KEY: 'sk_test_interior',
  INTERIOR_WEBHOOK_SECRET: 'whsec_interior_account',
  INTERIOR_CONNECT_WEBHOOK_SECRET: 'whsec_interior_connect',
  PHOTOS_STRIPE_KEY: 'sk_test_photos',
  PHOTOS_WEBHOOK_SECRET: 'whsec_photos_account',
};

let db: TestDatabase;
let stripe: StripeSandbox;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  [db, stripe] = await Promise.all([freshDatabase(), startStripeSandbox()]);
  const dir = await mkdtemp(join(tmpdir(), 'rebut-products-'));
  const file = join(dir, 'rebut.products.yml');
  await writeFile(
    file,
    `products:
  - id: interior
    name: Roomcraft
    stripe:
      secret_key_env: INTERIOR_STRIPE_KEY
      webhook_secret_envs: [INTERIOR_WEBHOOK_SECRET, INTERIOR_CONNECT_WEBHOOK_SECRET]
    slack: { channel: C0INTERIOR }
  - id: photos
    name: Snapwise
    stripe:
      secret_key_env: PHOTOS_STRIPE_KEY
      webhook_secret_envs: [PHOTOS_WEBHOOK_SECRET]
    slack: { channel: C0PHOTOS01 }
`,
  );
  app = await startTestApp(
    { DATABASE_URL: db.url, STRIPE_API_URL: stripe.url, PRODUCTS_CONFIG: file, REBUT_HEADLESS: 'true' },
    { env: SECRETS },
  );
});
afterAll(async () => {
  await app?.stop();
  await stripe?.close();
  await db?.drop();
});

/** A dispute on Stripe and its created event, signed with `secret`, posted to `path`. */
async function deliver(secret: string, path: string) {
  const { dispute } = stripe.createDispute({ reason: 'fraudulent', silent: true });
  const payload = disputeEvent(dispute.id);
  const response = await postWebhook(
    app.url,
    payload,
    { 'stripe-signature': stripeSignature(payload, { secret }) },
    path,
  );
  return { response, disputeId: dispute.id, eventId: (JSON.parse(payload) as { id: string }).id };
}

const storedEvent = async (eventId: string) =>
  (await db.pool.query<{ product: string }>('SELECT product FROM stripe_events WHERE id = $1', [eventId])).rows[0];
const productOf = (disputeId: string) =>
  waitFor(
    async () =>
      (await db.pool.query<{ product: string }>('SELECT product FROM disputes WHERE id = $1', [disputeId])).rows[0]
        ?.product,
    { what: `dispute ${disputeId} stored` },
  );

describe('webhooks of several products', () => {
  it("each product's route files its events under it, the dispute read back and stored as that product's", async () => {
    const interior = await deliver(SECRETS.INTERIOR_WEBHOOK_SECRET, '/stripe/webhook/interior');
    const photos = await deliver(SECRETS.PHOTOS_WEBHOOK_SECRET, '/stripe/webhook/photos');
    expect([interior.response.status, photos.response.status]).toEqual([200, 200]);
    expect(await productOf(interior.disputeId)).toBe('interior');
    expect(await productOf(photos.disputeId)).toBe('photos');
  });

  it("an event signed with product A's secret posted to B's route is refused, and nothing is stored", async () => {
    const crossed = await deliver(SECRETS.INTERIOR_WEBHOOK_SECRET, '/stripe/webhook/photos');
    expect(crossed.response.status).toBe(400);
    expect(await crossed.response.json()).toMatchObject({
      error: expect.stringContaining('signature verification failed'),
    });
    expect(await storedEvent(crossed.eventId)).toBeUndefined();
  });

  it("the account endpoint's and the Connect endpoint's secrets are both valid for one product", async () => {
    const connect = await deliver(SECRETS.INTERIOR_CONNECT_WEBHOOK_SECRET, '/stripe/webhook/interior');
    expect(connect.response.status).toBe(200);
    expect(await storedEvent(connect.eventId)).toEqual({ product: 'interior' });
  });

  it('/stripe/webhook takes any product’s secret and files the event under that product; a forged one under none', async () => {
    const photos = await deliver(SECRETS.PHOTOS_WEBHOOK_SECRET, '/stripe/webhook');
    expect(photos.response.status).toBe(200);
    expect(await storedEvent(photos.eventId)).toEqual({ product: 'photos' });
    const forged = await deliver('whsec_not_any_product', '/stripe/webhook');
    expect(forged.response.status).toBe(400);
    expect(await storedEvent(forged.eventId)).toBeUndefined();
    const unknown = await deliver(SECRETS.PHOTOS_WEBHOOK_SECRET, '/stripe/webhook/nosuchproduct');
    expect(unknown.response.status).toBe(404);
  });

  it("an early fraud warning on a product's route is that product's: read and refunded with its key only", async () => {
    const { warning, charge } = stripe.createEarlyFraudWarning({ amount: 1000, silent: true });
    const payload = JSON.stringify({
      id: `evt_${Math.random().toString(36).slice(2, 14)}`,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      type: 'radar.early_fraud_warning.created',
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: warning },
    });
    const response = await postWebhook(
      app.url,
      payload,
      { 'stripe-signature': stripeSignature(payload, { secret: SECRETS.PHOTOS_WEBHOOK_SECRET }) },
      '/stripe/webhook/photos',
    );
    expect(response.status).toBe(200);
    const stored = await waitFor(
      async () =>
        (
          await db.pool.query<{ product: string; state: string }>(
            'SELECT product, state FROM early_fraud_warnings WHERE id = $1',
            [warning.id],
          )
        ).rows[0],
      { what: 'the warning stored' },
    );
    expect(stored).toEqual({ product: 'photos', state: 'pending' });
    // Headless, nobody sees it and the timer never acts; a refund decided all the same goes with Snapwise's key.
    expect(await startRefund({ pool: db.pool }, warning.id, 'test')).toEqual({ kind: 'refunding' });
    await waitFor(
      async () =>
        (
          await db.pool.query('SELECT 1 FROM early_fraud_warnings WHERE id = $1 AND state = $2', [
            warning.id,
            'refunded',
          ])
        ).rowCount,
      { what: 'the warning refunded' },
    );
    const about = stripe.requests.filter(
      (request) => request.path.includes(warning.id) || request.body.charge === charge.id,
    );
    expect(about.length).toBeGreaterThan(1);
    expect(new Set(about.map((request) => request.key))).toEqual(new Set([SECRETS.PHOTOS_STRIPE_KEY]));
  });
});
