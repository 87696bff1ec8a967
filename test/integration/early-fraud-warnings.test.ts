// Early fraud warnings end to end: signed Radar webhooks from the Stripe stand-in into the running app, PostgreSQL,
// the warning's Slack message and its buttons, the timer, and the refunds the stand-in records.
import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { timerTick } from '../../src/cases/timer.js';
import { createLogger } from '../../src/log.js';
import { refundKey } from '../../src/prevention/warning.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { postWebhook, stripeSignature, TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import {
  ALICE,
  BOB,
  CAROL,
  caseMessagesIn,
  clickWarning,
  ephemeralsFor,
  startSlackApp,
  startSlackSandboxForTests,
  type TestApp,
  warningMessagesIn,
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
  app = await startSlackApp(db, stripe, slack);
  stripe.setWebhook({ url: `${app.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
});
afterAll(async () => {
  await app.stop();
  await slack.close();
  await stripe.close();
  await db.drop();
});
beforeEach(() => stripe.clearFaults());

interface WarningRow {
  state: string;
  recommendation: string;
  unattended: string;
  decided_by: string | null;
  refund_id: string | null;
  refunded_amount: number | null;
  dispute_id: string | null;
  problem: string | null;
  act_at: Date | null;
  slack_ts: string | null;
}

async function warningRow(id: string): Promise<WarningRow | undefined> {
  const { rows } = await db.pool.query<WarningRow>(
    `SELECT state, recommendation, unattended, decided_by, refund_id, refunded_amount, dispute_id, problem, act_at,
            slack_ts FROM early_fraud_warnings WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** The warning stored and its message in Slack. */
async function posted(id: string): Promise<WarningRow> {
  return waitFor(
    async () => {
      const row = await warningRow(id);
      // Posted, and (while it waits for a person) its review window started.
      return row?.slack_ts && (row.state !== 'pending' || row.act_at) ? row : undefined;
    },
    { what: `warning ${id} posted` },
  );
}

async function stateOf(id: string, state: string): Promise<WarningRow> {
  return waitFor(
    async () => {
      const row = await warningRow(id);
      return row?.state === state ? row : undefined;
    },
    { what: `warning ${id} ${state}`, timeoutMs: 25_000 },
  );
}

function refundRequests(chargeId: string) {
  return stripe.requests.filter(
    (request) => request.method === 'POST' && request.path === '/v1/refunds' && request.body.charge === chargeId,
  );
}

async function refundsOn(chargeId: string): Promise<Stripe.Refund[]> {
  return (await stripe.stripe().refunds.list({ charge: chargeId })).data;
}

function timerDeps() {
  return {
    pool: db.pool,
    stripe: createStripeClient(TEST_STRIPE_KEY, stripe.url),
    log: createLogger('silent'),
    unwinnable: 'accept',
    submitBufferMs: 12 * 3_600_000,
  } as const;
}

/** The review window over: the next tick takes the policy's choice. */
async function windowPassed(id: string): Promise<void> {
  await db.pool.query(`UPDATE early_fraud_warnings SET act_at = now() - interval '1 second' WHERE id = $1`, [id]);
}

function warningEvent(warning: Stripe.Radar.EarlyFraudWarning, options: { id?: string; created?: number } = {}) {
  return JSON.stringify({
    id: options.id ?? `evt_${Math.random().toString(36).slice(2, 14)}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: options.created ?? Math.floor(Date.now() / 1000),
    type: 'radar.early_fraud_warning.created',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: warning },
  });
}

describe('early fraud warnings', () => {
  it('a warning of at most the fee is posted with Refund and Leave, and refunded by the policy when nobody decides', async () => {
    const scenario = stripe.createEarlyFraudWarning({ amount: 1200 });
    const row = await posted(scenario.warning.id);
    expect(row).toMatchObject({ state: 'pending', recommendation: 'refund', unattended: 'refund' });
    // The window starts when the message is in Slack: EFW_REVIEW_WINDOW (24 h) from then.
    expect(row.act_at?.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const text = warningMessageText(slack, scenario.warning.id);
    expect(text).toContain('Recommendation: Refund.');
    expect(text).toContain('warning_refund');
    expect(text).toContain('warning_leave');
    expect(text).toContain('If nobody decides, rebut refunds it');
    // Read back from Stripe: the warning, its charge, the customer's earlier payments.
    expect(
      stripe.requests.some((request) => request.path === `/v1/radar/early_fraud_warnings/${scenario.warning.id}`),
    ).toBe(true);

    await windowPassed(scenario.warning.id);
    const tick = await timerTick(timerDeps());
    expect(tick.warningsRefunding).toContain(scenario.warning.id);
    const refunded = await stateOf(scenario.warning.id, 'refunded');
    expect(refunded).toMatchObject({ decided_by: 'policy', refunded_amount: 1200 });
    const refunds = await refundsOn(scenario.charge.id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({
      id: refunded.refund_id,
      amount: 1200,
      reason: 'fraudulent',
      metadata: { early_fraud_warning: scenario.warning.id },
    });
    expect(refundRequests(scenario.charge.id).map((request) => request.idempotencyKey)).toEqual([
      refundKey(scenario.warning.id),
    ]);
    expect(stripe.charge(scenario.charge.id)).toMatchObject({ refunded: true, amount_refunded: 1200 });
    await waitFor(async () => warningMessageText(slack, scenario.warning.id).includes('Refunded'), {
      what: 'the message updated',
    });
    expect(warningMessageText(slack, scenario.warning.id)).not.toContain('warning_refund');
    const audit = await db.pool.query<{ action: string; actor: string }>(
      `SELECT action, actor FROM audit_log WHERE detail->>'warningId' = $1 ORDER BY id`,
      [scenario.warning.id],
    );
    expect(audit.rows.map((entry) => entry.action)).toEqual([
      'warning.received',
      'warning.refund_decided',
      'warning.refunded',
    ]);
  });

  it('a warning larger than the fee asks a person; nobody deciding leaves it, and nothing is refunded', async () => {
    const scenario = stripe.createEarlyFraudWarning({ amount: 9900 });
    const row = await posted(scenario.warning.id);
    expect(row).toMatchObject({ state: 'pending', recommendation: 'ask', unattended: 'leave' });
    expect(warningMessageText(slack, scenario.warning.id)).toContain('If nobody decides, rebut leaves it');
    await windowPassed(scenario.warning.id);
    await timerTick(timerDeps());
    expect(await warningRow(scenario.warning.id)).toMatchObject({ state: 'left', decided_by: 'policy' });
    expect(refundRequests(scenario.charge.id)).toHaveLength(0);
  });

  it('Leave from an approver: no refund; a non-approver is refused and the warning waits', async () => {
    const scenario = stripe.createEarlyFraudWarning({ amount: 900 });
    await posted(scenario.warning.id);
    await clickWarning(app, slack, { actionId: 'warning_refund', warningId: scenario.warning.id, userId: BOB });
    await waitFor(async () => ephemeralsFor(slack, BOB).some((text) => text.includes('You cannot refund')), {
      what: 'Bob refused',
    });
    expect((await warningRow(scenario.warning.id))?.state).toBe('pending');
    await clickWarning(app, slack, { actionId: 'warning_leave', warningId: scenario.warning.id, userId: ALICE });
    const left = await stateOf(scenario.warning.id, 'left');
    expect(left.decided_by).toBe(`slack:${ALICE}`);
    // The timer later finds nothing to do.
    await windowPassed(scenario.warning.id);
    await timerTick(timerDeps());
    expect(refundRequests(scenario.charge.id)).toHaveLength(0);
  });

  it('a Refund click from another channel, or naming a warning rebut does not know, changes nothing and is audited', async () => {
    const scenario = stripe.createEarlyFraudWarning({ amount: 700 });
    await posted(scenario.warning.id);
    await clickWarning(app, slack, {
      actionId: 'warning_refund',
      warningId: scenario.warning.id,
      userId: ALICE,
      channelId: 'C0ELSEWHERE',
    });
    await clickWarning(app, slack, { actionId: 'warning_refund', warningId: 'issfr_notOneOfOurs', userId: ALICE });
    await waitFor(
      async () =>
        ephemeralsFor(slack, ALICE).filter((text) => text.includes('does not belong to a warning shown here')).length >=
        2,
      { what: 'both clicks refused' },
    );
    const refused = await db.pool.query(
      `SELECT detail->>'warningId' AS warning FROM audit_log WHERE action = 'slack.refused'
        AND detail->>'warningId' IN ($1, 'issfr_notOneOfOurs')`,
      [scenario.warning.id],
    );
    expect(refused.rowCount).toBe(2);
    expect((await warningRow(scenario.warning.id))?.state).toBe('pending');
    expect(refundRequests(scenario.charge.id)).toHaveLength(0);
  });

  it('the same warning event delivered 5 times at once, and again a day later: one decision, one refund at most', async () => {
    const scenario = stripe.createEarlyFraudWarning({ amount: 1000, silent: true });
    const payload = warningEvent(scenario.warning);
    const answers = await Promise.all(Array.from({ length: 5 }, () => postWebhook(app.url, payload)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    await posted(scenario.warning.id);
    await windowPassed(scenario.warning.id);
    await timerTick(timerDeps());
    await stateOf(scenario.warning.id, 'refunded');
    // A day later Stripe delivers it again (signed now): a duplicate, nothing decided or refunded again.
    const again = await postWebhook(app.url, payload);
    expect(await again.json()).toMatchObject({ received: true, duplicate: true });
    // And an `updated` event for the same warning (a new event id) re-reads it but decides nothing again.
    const updated = JSON.parse(warningEvent(stripe.warning(scenario.warning.id))) as { type: string };
    updated.type = 'radar.early_fraud_warning.updated';
    expect((await postWebhook(app.url, JSON.stringify(updated))).status).toBe(200);
    await timerTick(timerDeps());
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'warning.received' AND detail->>'warningId' = $1`,
      [scenario.warning.id],
    );
    expect(rows[0]).toEqual({ n: 1 });
    expect(await refundsOn(scenario.charge.id)).toHaveLength(1);
    expect(warningMessagesIn(slack, scenario.warning.id)).toHaveLength(1);
  });

  it('a warning on a charge already refunded: no refund, and the message says why', async () => {
    const scenario = stripe.createEarlyFraudWarning({ amount: 800, refundedAmount: 800 });
    const row = await posted(scenario.warning.id);
    expect(row).toMatchObject({ state: 'left', recommendation: 'leave', decided_by: 'policy' });
    const text = warningMessageText(slack, scenario.warning.id);
    expect(text).toContain('already refunded in full');
    expect(text).not.toContain('warning_refund');
    expect(refundRequests(scenario.charge.id)).toHaveLength(0);
  });

  it('a warning on a charge already disputed: no refund, the message says why and names the dispute', async () => {
    const scenario = stripe.createEarlyFraudWarning({ amount: 800, disputed: true });
    const row = await posted(scenario.warning.id);
    expect(row).toMatchObject({ state: 'left', dispute_id: scenario.dispute?.id });
    const text = warningMessageText(slack, scenario.warning.id);
    expect(text).toContain('already disputed');
    expect(text).toContain(scenario.dispute?.id ?? 'the dispute');
    expect(text).not.toContain('warning_refund');
    expect(refundRequests(scenario.charge.id)).toHaveLength(0);
  });

  it('a forged or stale warning webhook gets 400: nothing stored, nothing refunded', async () => {
    const scenario = stripe.createEarlyFraudWarning({ amount: 500, silent: true });
    const payload = warningEvent(scenario.warning);
    const forged = await postWebhook(app.url, payload, {
      'stripe-signature': stripeSignature(payload, { secret: 'whsec_someone_else' }),
    });
    const stale = await postWebhook(app.url, payload, {
      'stripe-signature': stripeSignature(payload, { timestamp: Math.floor(Date.now() / 1000) - 3_600 }),
    });
    expect([forged.status, stale.status]).toEqual([400, 400]);
    const stored = await db.pool.query('SELECT 1 FROM stripe_events WHERE object_id = $1', [scenario.warning.id]);
    expect(stored.rowCount).toBe(0);
    expect(await warningRow(scenario.warning.id)).toBeUndefined();
    expect(refundRequests(scenario.charge.id)).toHaveLength(0);
  });
});

describe('refunding a warning exactly once', () => {
  it('Refund clicked by two approvers while the timer fires, on two instances: one refund', async () => {
    const second = await startSlackApp(db, stripe, slack);
    try {
      const scenario = stripe.createEarlyFraudWarning({ amount: 1400 });
      await posted(scenario.warning.id);
      await windowPassed(scenario.warning.id);
      await Promise.all([
        clickWarning(app, slack, { actionId: 'warning_refund', warningId: scenario.warning.id, userId: ALICE }),
        clickWarning(second, slack, { actionId: 'warning_refund', warningId: scenario.warning.id, userId: CAROL }),
        timerTick(timerDeps()),
      ]);
      await stateOf(scenario.warning.id, 'refunded');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await refundsOn(scenario.charge.id)).toHaveLength(1);
      const decided = await db.pool.query(
        `SELECT actor FROM audit_log WHERE action = 'warning.refund_decided' AND detail->>'warningId' = $1`,
        [scenario.warning.id],
      );
      expect(decided.rowCount).toBe(1);
      // The others were told it was decided already.
      await waitFor(
        async () =>
          [...ephemeralsFor(slack, ALICE), ...ephemeralsFor(slack, CAROL)].some((text) =>
            text.includes('already decided'),
          ),
        { what: 'a loser told' },
      );
    } finally {
      await second.stop();
    }
  });

  // The SDK retries a 500 twice itself (same key) and a 429 not at all: more failures than that fail the job, which
  // is retried with backoff.
  for (const [fault, times] of [
    [500, 4],
    [429, 2],
  ] as const) {
    it(`Stripe answers the refund with ${fault}: retried with the same idempotency key, one refund`, async () => {
      const scenario = stripe.createEarlyFraudWarning({ amount: 1100 });
      await posted(scenario.warning.id);
      // More failures than the SDK's own retries: the job fails and is retried later.
      stripe.failNext({ method: 'POST', path: '/v1/refunds', status: fault, times });
      await clickWarning(app, slack, { actionId: 'warning_refund', warningId: scenario.warning.id, userId: ALICE });
      await stateOf(scenario.warning.id, 'refunded');
      const requests = refundRequests(scenario.charge.id);
      expect(requests.length).toBeGreaterThan(1);
      expect(new Set(requests.map((request) => request.idempotencyKey))).toEqual(
        new Set([refundKey(scenario.warning.id)]),
      );
      expect(requests.filter((request) => request.status === fault).length).toBeGreaterThan(0);
      expect(await refundsOn(scenario.charge.id)).toHaveLength(1);
    });
  }

  it('a refund still failing after every retry is shown as failed, never as refunding; nothing is refunded', async () => {
    const scenario = stripe.createEarlyFraudWarning({ amount: 1000 });
    await posted(scenario.warning.id);
    stripe.failNext({ method: 'POST', path: '/v1/refunds', status: 503, times: 1_000 });
    await clickWarning(app, slack, { actionId: 'warning_refund', warningId: scenario.warning.id, userId: ALICE });
    const key = `refund-warning:${scenario.warning.id}`;
    await waitFor(
      async () =>
        (
          await db.pool.query(
            'SELECT 1 FROM graphile_worker.jobs WHERE key = $1 AND attempts >= 1 AND locked_at IS NULL',
            [key],
          )
        ).rowCount,
      { what: 'the refund job failed once' },
    );
    // Hours of failures later: the job has used its last attempt (graphile-worker keeps it, out of retries).
    await db.pool.query(
      "UPDATE graphile_worker._private_jobs SET attempts = max_attempts, run_at = now() + interval '1 day' WHERE key = $1",
      [key],
    );
    await timerTick(timerDeps());
    const failed = await stateOf(scenario.warning.id, 'failed');
    expect(failed.problem).toContain('no refund after every retry');
    await waitFor(async () => warningMessageText(slack, scenario.warning.id).includes('The refund failed'), {
      what: 'the message showing the failure',
    });
    stripe.clearFaults();
    expect(await refundsOn(scenario.charge.id)).toHaveLength(0);
  });

  it('a refund whose answer never comes is asked again under the same key: Stripe replays it, one refund', async () => {
    const scenario = stripe.createEarlyFraudWarning({ amount: 1300 });
    await posted(scenario.warning.id);
    // The first request is answered after the client gave up (REFUND_TIMEOUT_MS): it still refunds, late.
    stripe.delay({ method: 'POST', path: '/v1/refunds', ms: 11_000, times: 1 });
    await clickWarning(app, slack, { actionId: 'warning_refund', warningId: scenario.warning.id, userId: ALICE });
    await stateOf(scenario.warning.id, 'refunded');
    // Wait for the late one too: it is answered from the key, not run again.
    await waitFor(async () => refundRequests(scenario.charge.id).length >= 2, {
      what: 'the late request',
      timeoutMs: 20_000,
    });
    expect(new Set(refundRequests(scenario.charge.id).map((request) => request.idempotencyKey))).toEqual(
      new Set([refundKey(scenario.warning.id)]),
    );
    expect(await refundsOn(scenario.charge.id)).toHaveLength(1);
  });
});

describe('a burst of warnings', () => {
  it('warnings arriving together share one message; Refund the recommended refunds each once, Leave leaves the rest', async () => {
    const small = Array.from({ length: 5 }, () => stripe.createEarlyFraudWarning({ amount: 1000, silent: true }));
    const large = stripe.createEarlyFraudWarning({ amount: 25_000, silent: true });
    const all = [...small, large];
    const answers = await Promise.all(all.map((scenario) => postWebhook(app.url, warningEvent(scenario.warning))));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const rows = await Promise.all(all.map((scenario) => posted(scenario.warning.id)));
    // One message for the six (a burst gathers for WARNING_POST_DELAY_MS before it is posted).
    expect(new Set(rows.map((row) => row.slack_ts)).size).toBe(1);
    const messages = warningMessagesIn(slack, large.warning.id);
    expect(messages).toHaveLength(1);
    const text = warningMessageText(slack, large.warning.id);
    expect(text).toContain('6 early fraud warnings');
    expect(text).toContain('Refund the 5 recommended');
    expect(text).toContain('Leave the 6 waiting');
    for (const scenario of all) expect(text).toContain(scenario.charge.id);

    const anchor = all[0]?.warning.id ?? '';
    await clickWarning(app, slack, { actionId: 'warning_batch_refund', warningId: anchor, userId: ALICE });
    for (const scenario of small) await stateOf(scenario.warning.id, 'refunded');
    for (const scenario of small) expect(await refundsOn(scenario.charge.id)).toHaveLength(1);
    expect((await warningRow(large.warning.id))?.state).toBe('pending');
    // Clicked again: each is decided already, nothing is refunded twice.
    await clickWarning(app, slack, { actionId: 'warning_batch_refund', warningId: anchor, userId: CAROL });
    await waitFor(
      async () => ephemeralsFor(slack, CAROL).some((line) => line.includes('Nothing left to refund here')),
      {
        what: 'Carol told',
      },
    );
    await clickWarning(app, slack, { actionId: 'warning_batch_leave', warningId: anchor, userId: ALICE });
    await stateOf(large.warning.id, 'left');
    expect(refundRequests(large.charge.id)).toHaveLength(0);
    for (const scenario of small) expect(refundRequests(scenario.charge.id)).toHaveLength(1);
    await waitFor(async () => !warningMessageText(slack, large.warning.id).includes('warning_batch_leave'), {
      what: 'the message without buttons once all are decided',
    });
  });
});

describe('a warning and the dispute that follows', () => {
  it('a warning refunded and then disputed anyway: the warning points at the case, and the case knows the refund', async () => {
    const scenario = stripe.createEarlyFraudWarning({ amount: 1500 });
    await posted(scenario.warning.id);
    await clickWarning(app, slack, { actionId: 'warning_refund', warningId: scenario.warning.id, userId: ALICE });
    await stateOf(scenario.warning.id, 'refunded');
    // The issuer disputes later (Stripe's times are in seconds: a later second than the refund's).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const dispute = stripe.disputeCharge(scenario.charge.id);
    const linked = await waitFor(
      async () => {
        const row = await warningRow(scenario.warning.id);
        return row?.dispute_id ? row : undefined;
      },
      { what: 'the warning linked to its dispute' },
    );
    expect(linked.dispute_id).toBe(dispute.id);
    const triage = await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ id: number; triage: { decision: string; reasons: string[] } | null }>(
          'SELECT id, triage FROM cases WHERE dispute_id = $1',
          [dispute.id],
        );
        const row = rows[0];
        return row?.triage ? { id: row.id, triage: row.triage } : undefined;
      },
      { what: 'the case triaged', timeoutMs: 25_000 },
    );
    expect(triage.triage.decision).toBe('fight');
    expect(triage.triage.reasons.join(' ')).toContain('already refunded in full (15.00 USD');
    // The case's own message says the warning came and rebut refunded it.
    await waitFor(
      async () =>
        caseMessagesIn(slack, triage.id).some((message) =>
          JSON.stringify(message.blocks).includes(`An early fraud warning (${scenario.warning.id}, stolen card) came`),
        ),
      { what: 'the case message naming the warning', timeoutMs: 25_000 },
    );
    const shown = JSON.stringify(caseMessagesIn(slack, triage.id).at(-1)?.blocks);
    expect(shown).toContain(`rebut refunded $15.00 (${linked.refund_id}) then.`);
    await waitFor(async () => warningMessageText(slack, scenario.warning.id).includes(`case #${triage.id}`), {
      what: 'the warning message naming the case',
    });
  });
});
