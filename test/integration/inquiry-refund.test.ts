// An inquiry (no money moved, no fee yet) may be ended the cheaper way: Refund on its case refunds the payment once
// and closes the inquiry, whoever clicks and however Stripe fails, so it never becomes a chargeback.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SlackSandbox } from '../../sandbox/slack/index.js';
import type { StripeSandbox } from '../../sandbox/stripe/index.js';
import { waitFor } from '../support/app.js';
import { queuePost, readyCase } from '../support/cases.js';
import type { TestDatabase } from '../support/db.js';
import {
  ALICE,
  BOB,
  buttonOn,
  caseMessagesIn,
  click,
  ephemeralsFor,
  postedMessage,
  type SlackWorld,
  startSlackWorld,
  type TestApp,
} from '../support/slack.js';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: TestApp;

let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld();
  ({ db, stripe, slack, app } = world);
});
afterAll(() => world?.stop());
beforeEach(() => stripe.clearFaults());

async function postedCase(options: Parameters<typeof readyCase>[2] = {}) {
  const { caseId, disputeId } = await readyCase(db.pool, stripe, options);
  await queuePost(db.pool, caseId);
  const message = await waitFor(() => postedMessage(db.pool, caseId), { what: `case ${caseId} posted` });
  return { caseId, disputeId, ts: message.ts };
}

const refundsOf = (chargeId: string) =>
  stripe.requests.filter(
    (request) => request.method === 'POST' && request.path === '/v1/refunds' && request.body.charge === chargeId,
  );

async function caseRow(caseId: number) {
  const { rows } = await db.pool.query<{ state: string; handled_by: string | null }>(
    'SELECT state, handled_by FROM cases WHERE id = $1',
    [caseId],
  );
  return rows[0];
}

const messageText = (caseId: number) => JSON.stringify(caseMessagesIn(slack, caseId).at(-1) ?? {});

describe('Refund on an inquiry', () => {
  it('two approvers clicking Refund at once: one refund, the inquiry closed, the case says so', async () => {
    const { caseId, disputeId, ts } = await postedCase({ inquiry: true, reason: 'general', amount: 2_900 });
    expect(buttonOn(slack, caseId, ts, 'refund_inquiry')).toBeDefined();
    const chargeId = stripe.dispute(disputeId).charge as string;
    await Promise.all([
      click(app, slack, { actionId: 'refund_inquiry', caseId, userId: ALICE, messageTs: ts }),
      click(app, slack, { actionId: 'refund_inquiry', caseId, userId: BOB, messageTs: ts }),
    ]);
    await waitFor(async () => ((await caseRow(caseId))?.state === 'accepted' ? true : undefined), {
      what: 'the case accepted',
    });
    expect(await caseRow(caseId)).toMatchObject({ state: 'accepted', handled_by: 'accepted' });
    // One refund on Stripe (each click that got as far sent the same key), the charge refunded, the inquiry closed.
    const keys = new Set(refundsOf(chargeId).map((request) => request.idempotencyKey));
    expect([...keys]).toEqual([`rebut:inquiry-refund:${disputeId}`]);
    expect(stripe.charge(chargeId)).toMatchObject({ refunded: true, amount_refunded: 2_900 });
    expect(stripe.dispute(disputeId).status).toBe('warning_closed');
    await waitFor(async () => (messageText(caseId).includes('Refunded $29.00 by') ? true : undefined), {
      what: 'the message to say it was refunded',
    });
    expect(messageText(caseId)).toContain('it will not become a chargeback');
    expect(messageText(caseId)).not.toContain('refund_inquiry');
  });

  it('Stripe failing the refund: the case fails, Retry refunds with the same key, once', async () => {
    const { caseId, disputeId, ts } = await postedCase({ inquiry: true, reason: 'general', amount: 1_500 });
    const chargeId = stripe.dispute(disputeId).charge as string;
    stripe.failNext({ method: 'POST', path: '/v1/refunds', status: 500, times: 3 });
    await click(app, slack, { actionId: 'refund_inquiry', caseId, userId: ALICE, messageTs: ts });
    await waitFor(async () => ephemeralsFor(slack, ALICE).find((text) => text.includes('could not refund')), {
      what: 'Alice told the refund failed',
    });
    expect(await caseRow(caseId)).toMatchObject({ state: 'failed', handled_by: 'accepted' });
    expect(stripe.charge(chargeId)?.refunded).toBe(false);
    // Retry goes the way the person chose: refund, then close; never a submission.
    await waitFor(async () => (messageText(caseId).includes('"action_id":"retry"') ? true : undefined));
    const retryTs = (await postedMessage(db.pool, caseId))?.ts ?? ts;
    await click(app, slack, { actionId: 'retry', caseId, userId: ALICE, messageTs: retryTs });
    await waitFor(async () => ((await caseRow(caseId))?.state === 'accepted' ? true : undefined), {
      what: 'the case accepted after Retry',
    });
    const keys = new Set(refundsOf(chargeId).map((request) => request.idempotencyKey));
    expect([...keys]).toEqual([`rebut:inquiry-refund:${disputeId}`]);
    expect(stripe.charge(chargeId)).toMatchObject({ refunded: true, amount_refunded: 1_500 });
    expect(stripe.dispute(disputeId).status).toBe('warning_closed');
  });

  it('a payment refunded outside rebut meanwhile: no second refund, and the case does not say its decider refunded it', async () => {
    const { caseId, disputeId, ts } = await postedCase({ inquiry: true, reason: 'general', amount: 1_900 });
    const chargeId = stripe.dispute(disputeId).charge as string;
    await stripe.stripe().refunds.create({ charge: chargeId });
    await click(app, slack, { actionId: 'refund_inquiry', caseId, userId: ALICE, messageTs: ts });
    await waitFor(async () => ((await caseRow(caseId))?.state === 'accepted' ? true : undefined), {
      what: 'the case accepted',
    });
    expect(stripe.charge(chargeId)).toMatchObject({ refunded: true, amount_refunded: 1_900 });
    expect(stripe.dispute(disputeId).status).toBe('warning_closed');
    await waitFor(async () => (messageText(caseId).includes('Accepted by') ? true : undefined), {
      what: 'the message to say it was accepted',
    });
    expect(messageText(caseId)).not.toContain('Refunded');
  });

  it('a chargeback has no Refund, and a forged Refund click on one changes nothing', async () => {
    const { caseId, disputeId, ts } = await postedCase({ reason: 'fraudulent' });
    expect(buttonOn(slack, caseId, ts, 'refund_inquiry')).toBeUndefined();
    await click(app, slack, { actionId: 'refund_inquiry', caseId, userId: ALICE, messageTs: ts });
    await waitFor(
      async () => ephemeralsFor(slack, ALICE).find((text) => text.includes('Only an inquiry is refunded')),
      {
        what: 'the refusal',
      },
    );
    expect(refundsOf(stripe.dispute(disputeId).charge as string)).toHaveLength(0);
    expect(await caseRow(caseId)).toMatchObject({ state: 'awaiting_review' });
  });
});
