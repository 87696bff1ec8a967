// EFW_CANCEL_SUBSCRIPTIONS=true: a refunded warning also cancels the customer's subscriptions, once, through retries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import {
  ALICE,
  clickWarning,
  startSlackApp,
  startSlackSandboxForTests,
  type TestApp,
  warningMessageText,
} from '../support/slack.js';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: TestApp;

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  slack = await startSlackSandboxForTests();
  app = await startSlackApp(db, stripe, slack, { EFW_CANCEL_SUBSCRIPTIONS: 'true' });
  stripe.setWebhook({ url: `${app.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
});
afterAll(async () => {
  await app.stop();
  await slack.close();
  await stripe.close();
  await db.drop();
});

async function row(id: string) {
  const { rows } = await db.pool.query<{
    state: string;
    slack_ts: string | null;
    canceled_subscriptions: string[] | null;
  }>('SELECT state, slack_ts, canceled_subscriptions FROM early_fraud_warnings WHERE id = $1', [id]);
  return rows[0];
}

describe('EFW_CANCEL_SUBSCRIPTIONS', () => {
  it("a refund also cancels the customer's subscription, retried through a 500, recorded and shown once", async () => {
    const scenario = stripe.createEarlyFraudWarning({ amount: 1000, subscription: true });
    const subscription = scenario.subscription?.id ?? '';
    await waitFor(async () => ((await row(scenario.warning.id))?.slack_ts ? true : undefined), { what: 'posted' });
    // The cancel fails once past the SDK's own retries: the job is retried, and does not refund again.
    stripe.failNext({ method: 'DELETE', path: `/v1/subscriptions/${subscription}`, status: 500, times: 3 });
    await clickWarning(app, slack, { actionId: 'warning_refund', warningId: scenario.warning.id, userId: ALICE });
    const done = await waitFor(
      async () => {
        const current = await row(scenario.warning.id);
        return current?.canceled_subscriptions ? current : undefined;
      },
      { what: 'the subscription canceled', timeoutMs: 20_000 },
    );
    expect(done).toMatchObject({ state: 'refunded', canceled_subscriptions: [subscription] });
    expect((await stripe.stripe().subscriptions.retrieve(subscription)).status).toBe('canceled');
    expect((await stripe.stripe().refunds.list({ charge: scenario.charge.id })).data).toHaveLength(1);
    const audit = await db.pool.query(
      `SELECT 1 FROM audit_log WHERE action = 'warning.subscriptions_canceled' AND detail->>'warningId' = $1`,
      [scenario.warning.id],
    );
    expect(audit.rowCount).toBe(1);
    await waitFor(
      async () =>
        warningMessageText(slack, scenario.warning.id).includes(`${subscription} is canceled`) ? true : undefined,
      { what: 'the message naming the canceled subscription' },
    );
  });

  it('a warning left alone cancels nothing', async () => {
    const scenario = stripe.createEarlyFraudWarning({ amount: 1000, subscription: true });
    await waitFor(async () => ((await row(scenario.warning.id))?.slack_ts ? true : undefined), { what: 'posted' });
    await clickWarning(app, slack, { actionId: 'warning_leave', warningId: scenario.warning.id, userId: ALICE });
    await waitFor(async () => ((await row(scenario.warning.id))?.state === 'left' ? true : undefined), {
      what: 'left',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await stripe.stripe().subscriptions.retrieve(scenario.subscription?.id ?? '')).status).toBe('active');
    const cancels = stripe.requests.filter(
      (request) => request.path === `/v1/subscriptions/${scenario.subscription?.id}`,
    );
    expect(cancels.filter((request) => request.method === 'DELETE')).toHaveLength(0);
  });
});
