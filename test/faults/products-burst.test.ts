// 20 products, 50 disputes each, all arriving at once on one rebut: every case is posted once, in its own product's
// channel, worked with its own product's Stripe key.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { freePort } from '../../src/db/embedded.js';
import { disputeEvent, postWebhook, stripeSignature, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { tally } from '../support/faults.js';
import { type AppProcess, serveEnv, spawnApp } from '../support/process.js';
import { caseMessagesIn } from '../support/slack.js';

const PRODUCTS = 20;
const PER_PRODUCT = 50;
const ids = Array.from({ length: PRODUCTS }, (_, index) => `p${String(index + 1).padStart(2, '0')}`);
const channelOf = (id: string) => `C0PROD${id.toUpperCase()}`;
const keyOf = (id: string) => `sk_test_product_${id}`;
const secretOf = (id: string) => `whsec_product_${id}`;

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: AppProcess | undefined;

beforeAll(async () => {
  [db, stripe, slack] = await Promise.all([
    freshDatabase(),
    startStripeSandbox(),
    startSlackSandbox({ channels: ids.map((id) => ({ id: channelOf(id), name: id })), rateLimit: false }),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'rebut-products-burst-'));
  const file = join(dir, 'rebut.products.yml');
  await writeFile(
    file,
    `products:\n${ids
      .map(
        (id) => `  - id: ${id}
    name: Product ${id}
    stripe: { secret_key_env: ${id.toUpperCase()}_KEY, webhook_secret_envs: [${id.toUpperCase()}_WEBHOOK] }
    slack: { channel: ${channelOf(id)} }`,
      )
      .join('\n')}\n`,
  );
  const secrets = Object.fromEntries(
    ids.flatMap((id) => [
      [`${id.toUpperCase()}_KEY`, keyOf(id)],
      [`${id.toUpperCase()}_WEBHOOK`, secretOf(id)],
    ]),
  );
  const {
    STRIPE_SECRET_KEY: _key,
    STRIPE_WEBHOOK_SECRET: _secret,
    SLACK_CHANNEL_ID: _channel,
    ...env
  } = serveEnv({
    databaseUrl: db.url,
    stripeUrl: stripe.url,
    slack,
  });
  // The timer would act on these cases' review windows only days from now: nothing but posting is measured here.
  app = await spawnApp(
    { ...env, ...secrets, PRODUCTS_CONFIG: file, REBUT_TIMER_SCHEDULE: '0 0 1 1 *' },
    await freePort(),
  );
});
afterAll(async () => {
  await app?.kill();
  await Promise.all([slack?.close(), stripe?.close()]);
  await db?.drop();
});

describe('many products at once', () => {
  it(`${PRODUCTS} products × ${PER_PRODUCT} disputes at once: every case in its product's channel, each once`, async () => {
    const disputes = ids.flatMap((product) =>
      Array.from({ length: PER_PRODUCT }, () => ({
        product,
        id: stripe.createDispute({ reason: 'product_not_received', silent: true }).dispute.id,
      })),
    );
    const answers = await Promise.all(
      disputes.map(async ({ product, id }) => {
        const payload = disputeEvent(id);
        const headers = { 'stripe-signature': stripeSignature(payload, { secret: secretOf(product) }) };
        return (await postWebhook(app?.url ?? '', payload, headers, `/stripe/webhook/${product}`)).status;
      }),
    );
    expect(tally(answers, String)).toEqual({ '200': PRODUCTS * PER_PRODUCT });

    await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ posted: number }>(
          'SELECT count(*)::int AS posted FROM cases WHERE slack_ts IS NOT NULL',
        );
        return rows[0]?.posted === PRODUCTS * PER_PRODUCT;
      },
      { timeoutMs: 240_000, intervalMs: 1_000, what: 'every case posted' },
    );

    const { rows } = await db.pool.query<{ id: number; dispute_id: string; slack_channel: string; product: string }>(
      'SELECT c.id, c.dispute_id, c.slack_channel, d.product FROM cases c JOIN disputes d ON d.id = c.dispute_id',
    );
    const productOf = new Map(disputes.map(({ product, id }) => [id, product]));
    for (const row of rows) {
      expect(row.product).toBe(productOf.get(row.dispute_id));
      expect(row.slack_channel).toBe(channelOf(row.product));
    }
    // Each case's message once, in its own channel and in no other.
    for (const product of ids) {
      const messages = slack.messages(channelOf(product));
      const cases = rows.filter((row) => row.product === product);
      expect(cases).toHaveLength(PER_PRODUCT);
      for (const row of cases) expect(caseMessagesIn(slack, row.id, channelOf(product))).toHaveLength(1);
      expect(messages.filter((message) => message.metadata)).toHaveLength(PER_PRODUCT);
    }
    // Every request about a product's dispute carried that product's key.
    for (const request of stripe.requests.filter((candidate) => candidate.path.startsWith('/v1/disputes/'))) {
      const disputeId = request.path.split('/')[3] ?? '';
      expect(request.key).toBe(keyOf(productOf.get(disputeId) ?? ''));
    }
  }, 300_000);
});
