import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { queueOutcome } from '../../src/jobs/enqueue.js';
import { TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { queuePost, readyCase } from '../support/cases.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import {
  ALICE,
  CHANNEL,
  caseMessagesIn,
  click,
  postedMessage,
  startSlackApp,
  startSlackSandboxForTests,
  type TestApp,
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

/** A case waiting for review, its message in Slack. */
async function postedCase(amount = 4900) {
  const { caseId, disputeId } = await readyCase(db.pool, stripe, { amount, currency: 'usd' });
  await queuePost(db.pool, caseId);
  await waitFor(() => postedMessage(db.pool, caseId), { what: `case ${caseId} posted` });
  return { caseId, disputeId };
}

/** The replies in a case message's thread that tell an outcome. */
function outcomeReplies(caseId: number): string[] {
  const [message] = caseMessagesIn(slack, caseId);
  return (message?.replies ?? []).map((reply) => reply.text).filter((text) => /\*(Won|Lost)\.\*/.test(text));
}

async function caseState(caseId: number): Promise<string | undefined> {
  const { rows } = await db.pool.query<{ state: string }>('SELECT state FROM cases WHERE id = $1', [caseId]);
  return rows[0]?.state;
}

/** Every job of the queue has run (or there were none): nothing is left that could still post. */
async function queueDrained(): Promise<boolean> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM graphile_worker.jobs');
  return rows[0]?.n === 0;
}

async function processed(eventId: string): Promise<boolean> {
  const { rows } = await db.pool.query('SELECT 1 FROM stripe_events WHERE id = $1 AND processed_at IS NOT NULL', [
    eventId,
  ]);
  return rows.length > 0;
}

describe('the outcome in the case thread', () => {
  it('a won dispute gets one reply in its thread with the amount that came back and what became of the fee', async () => {
    const { caseId, disputeId } = await postedCase(4900);
    await db.pool.query(`UPDATE cases SET state = 'submitted' WHERE id = $1`, [caseId]);
    stripe.setDisputeStatus(disputeId, 'won');
    const [reply] = await waitFor(
      async () => (outcomeReplies(caseId).length > 0 ? outcomeReplies(caseId) : undefined),
      {
        what: 'the outcome reply',
      },
    );
    // The stand-in reinstates the amount and keeps the $15.00 fee, as its balance transactions say.
    expect(reply).toContain('*Won.*');
    expect(reply).toContain('$49.00 came back to your Stripe balance');
    expect(reply).toContain('Stripe has not given back the $15.00 dispute fee');
    await waitFor(queueDrained, { what: 'the queue to drain' });
    expect(outcomeReplies(caseId)).toHaveLength(1);
  });

  it('a lost dispute gets one reply with the amount and the fee lost', async () => {
    const { caseId, disputeId } = await postedCase(12_000);
    await db.pool.query(`UPDATE cases SET state = 'submitted' WHERE id = $1`, [caseId]);
    stripe.setDisputeStatus(disputeId, 'lost');
    const [reply] = await waitFor(
      async () => (outcomeReplies(caseId).length > 0 ? outcomeReplies(caseId) : undefined),
      {
        what: 'the outcome reply',
      },
    );
    expect(reply).toContain('*Lost.*');
    expect(reply).toContain('Lost in all: $135.00 ($120.00 disputed and $15.00 in dispute fees)');
  });

  it('the closed event delivered twice, and a second closed event, still leave one reply', async () => {
    const { caseId, disputeId } = await postedCase(4900);
    stripe.setDisputeStatus(disputeId, 'won');
    await waitFor(async () => outcomeReplies(caseId).length > 0, { what: 'the outcome reply' });
    await stripe.webhooksSettled();
    const delivered = stripe.deliveries.filter((delivery) => delivery.type === 'charge.dispute.closed').at(-1);
    if (!delivered) throw new Error('no charge.dispute.closed was delivered');
    // The same event again (Stripe retries), and another event for the same decision.
    const closed = await stripe.stripe().events.retrieve(delivered.event);
    const [redelivery] = await stripe.deliver(closed);
    expect(redelivery?.status).toBe(200);
    const again = stripe.emit('charge.dispute.closed', stripe.dispute(disputeId));
    await stripe.webhooksSettled();
    await waitFor(() => processed(again.id), { what: 'the second closed event' });
    // A second post-outcome job for the case (as a submission finding the dispute decided queues one) posts nothing.
    await queueOutcome(db.pool, caseId);
    await waitFor(queueDrained, { what: 'the queue to drain' });
    expect(await caseState(caseId)).toBe('won');
    expect(outcomeReplies(caseId)).toHaveLength(1);
  });

  it('a dispute found lost when Approve is clicked gets its reply, and the closed event arriving after adds none', async () => {
    const { caseId, disputeId } = await postedCase(4900);
    const message = await postedMessage(db.pool, caseId);
    if (!message) throw new Error('not posted');
    // The issuer decides while the closed event is still on its way: Approve finds the dispute lost on Stripe.
    stripe.setWebhook(undefined);
    stripe.setDisputeStatus(disputeId, 'lost');
    stripe.setWebhook({ url: `${app.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
    await click(app, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: message.ts });
    const [reply] = await waitFor(
      async () => (outcomeReplies(caseId).length > 0 ? outcomeReplies(caseId) : undefined),
      {
        what: 'the outcome reply',
      },
    );
    expect(reply).toContain('Lost in all: $64.00');
    const late = stripe.emit('charge.dispute.closed', stripe.dispute(disputeId));
    await stripe.webhooksSettled();
    await waitFor(() => processed(late.id), { what: 'the late closed event' });
    await waitFor(queueDrained, { what: 'the queue to drain' });
    expect(await caseState(caseId)).toBe('lost');
    expect(outcomeReplies(caseId)).toHaveLength(1);
  });

  it('a case never posted to Slack gets no reply, while a posted one decided with it does', async () => {
    const posted = await postedCase(4900);
    const unposted = await readyCase(db.pool, stripe, { amount: 7700, currency: 'usd' });
    stripe.setDisputeStatus(unposted.disputeId, 'lost');
    stripe.setDisputeStatus(posted.disputeId, 'lost');
    await waitFor(async () => outcomeReplies(posted.caseId).length > 0, { what: 'the posted case’s reply' });
    await waitFor(async () => (await caseState(unposted.caseId)) === 'lost', { what: 'the unposted case lost' });
    await waitFor(queueDrained, { what: 'the queue to drain' });
    expect(await postedMessage(db.pool, unposted.caseId)).toBeUndefined();
    const everything = slack.messages(CHANNEL).flatMap((message) => [message, ...message.replies]);
    expect(everything.filter((message) => message.text.includes('$77.00'))).toEqual([]);
    expect(everything.filter((message) => message.text.includes(unposted.disputeId))).toEqual([]);
  });
});
