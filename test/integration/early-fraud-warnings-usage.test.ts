// Use after the payment: the business's own records (the example evidence file's SQL queries on a seeded business
// database) asked about a warned charge, and what the warning's message then says.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCustomerFor, seedBusiness } from '../../sandbox/business/index.js';
import type { SlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { startSlackApp, startSlackSandboxForTests, type TestApp, warningMessageText } from '../support/slack.js';

let db: TestDatabase;
let business: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: TestApp;
let used: ReturnType<StripeSandbox['createEarlyFraudWarning']>;

beforeAll(async () => {
  [db, business] = await Promise.all([freshDatabase(), freshDatabase()]);
  stripe = await startStripeSandbox();
  slack = await startSlackSandboxForTests();
  // A customer the business knows, who logged in and made designs the day after paying.
  used = stripe.createEarlyFraudWarning({
    amount: 9000,
    customer: { email: 'ana@used.example', name: 'Ana' },
    silent: true,
  });
  await seedBusiness(business.pool, { customers: [sampleCustomerFor(used)] });
  app = await startSlackApp(db, stripe, slack, {
    EVIDENCE_CONFIG: fileURLToPath(new URL('../../rebut.evidence.example.yml', import.meta.url)),
    APP_DATABASE_URL: business.url,
  });
  stripe.setWebhook({ url: `${app.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
});
afterAll(async () => {
  await app.stop();
  await slack.close();
  await stripe.close();
  await Promise.all([db.drop(), business.drop()]);
});

async function reasonsOf(id: string): Promise<string[]> {
  return waitFor(
    async () =>
      (await db.pool.query<{ reasons: string[] }>('SELECT reasons FROM early_fraud_warnings WHERE id = $1', [id]))
        .rows[0]?.reasons,
    { what: `warning ${id} stored` },
  );
}

describe('use after the payment', () => {
  it("the business's records show the customer using the product after paying: the message says so", async () => {
    stripe.emit('radar.early_fraud_warning.created', used.warning);
    const reasons = await reasonsOf(used.warning.id);
    expect(reasons).toContain('The business’s records show the customer using the product after the payment.');
    await waitFor(
      async () => warningMessageText(slack, used.warning.id).includes('using the product after the payment'),
      {
        what: 'the message',
      },
    );
  });

  it('a customer the business has no activity for: the message says there was no use', async () => {
    const unknown = stripe.createEarlyFraudWarning({
      amount: 9000,
      customer: { email: 'nobody@else.example', name: 'Nobody' },
    });
    const reasons = await reasonsOf(unknown.warning.id);
    expect(reasons).toContain('The business’s records show no use of the product after the payment.');
  });
});
