import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { type TimerDeps, timerTick } from '../../src/cases/timer.js';
import { WEEKDAYS } from '../../src/dates.js';
import { createPool } from '../../src/db/pool.js';
import { createLogger } from '../../src/log.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { readyCase } from '../support/cases.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { CHANNEL, startSlackApp, startSlackSandboxForTests, type TestApp } from '../support/slack.js';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: TestApp;
let second: TestApp;

// The digest is due today from 00:00 UTC; the instances' own timers never tick during the test, the test ticks them.
const today = WEEKDAYS[new Date().getUTCDay()] ?? 'monday';
const settings = {
  REBUT_DIGEST_CHANNEL: CHANNEL,
  REBUT_DIGEST_DAY: today,
  REBUT_DIGEST_HOUR: '0',
  REBUT_TIMER_SCHEDULE: '0 0 1 1 *',
};

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  slack = await startSlackSandboxForTests();
  // Two instances on one database, as a deployment with two replicas runs.
  app = await startSlackApp(db, stripe, slack, settings);
  second = await startSlackApp(db, stripe, slack, settings);
  stripe.setWebhook({ url: `${app.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
});
afterAll(async () => {
  await second.stop();
  await app.stop();
  await slack.close();
  await stripe.close();
  await db.drop();
});

/** What each instance's timer is given by main.ts with these settings. */
function timerDeps(pool: TimerDeps['pool']): TimerDeps {
  return {
    pool,
    stripe: createStripeClient(TEST_STRIPE_KEY, stripe.url),
    log: createLogger('silent'),
    unwinnable: 'accept',
    submitBufferMs: 12 * 3_600_000,
    digest: { day: today, hour: 0, channel: CHANNEL },
  };
}

function digestsInSlack() {
  return slack
    .messages(CHANNEL)
    .filter((message) => (message.metadata as { event_type?: string } | undefined)?.event_type === 'rebut_digest');
}

async function queueDrained(): Promise<boolean> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM graphile_worker.jobs');
  return rows[0]?.n === 0;
}

/** A dispute rebut had a case for, decided by the issuer yesterday. */
async function decidedYesterday(amount: number, status: 'won' | 'lost'): Promise<void> {
  const { caseId, disputeId } = await readyCase(db.pool, stripe, { amount, currency: 'usd' });
  stripe.setDisputeStatus(disputeId, status);
  await waitFor(
    async () => {
      const { rows } = await db.pool.query('SELECT 1 FROM cases WHERE id = $1 AND state = $2', [caseId, status]);
      return rows.length > 0;
    },
    { what: `case ${caseId} ${status}` },
  );
  // The week the digest covers ends at today's 00:00 UTC: the decision is dated into it.
  await db.pool.query(`UPDATE disputes SET closed_at = now() - interval '1 day' WHERE id = $1`, [disputeId]);
}

describe('the weekly digest', () => {
  it('is posted once for its week however many ticks and instances find it due, with the week’s figures', async () => {
    await decidedYesterday(4_900, 'won');
    await decidedYesterday(12_000, 'lost');
    await readyCase(db.pool, stripe, { amount: 3_000, currency: 'usd', dueInDays: 0.5 });
    await readyCase(db.pool, stripe, { amount: 3_100, currency: 'usd', dueInDays: 2 });
    const held = await readyCase(db.pool, stripe, { amount: 5_500, currency: 'usd', dueInDays: 8 });
    await db.pool.query(`UPDATE cases SET held_by = 'slack:U0ALICE001', held_at = now() WHERE id = $1`, [held.caseId]);

    const otherPool = createPool(db.url, { max: 2 });
    try {
      // Two instances ticking at the same moment, then each ticking again.
      await Promise.all([timerTick(timerDeps(db.pool)), timerTick(timerDeps(otherPool))]);
      await waitFor(async () => digestsInSlack().length > 0, { what: 'the digest in Slack' });
      await timerTick(timerDeps(db.pool));
      await timerTick(timerDeps(otherPool));
    } finally {
      await otherPool.end();
    }
    await waitFor(queueDrained, { what: 'the queue to drain' });

    const digests = digestsInSlack();
    expect(digests).toHaveLength(1);
    const { rows } = await db.pool.query<{ week: string; slack_ts: string }>(
      'SELECT week, slack_ts FROM weekly_digests',
    );
    expect(rows).toEqual([{ week: expect.stringMatching(/^\d{4}-W\d{2}$/), slack_ts: digests[0]?.ts }]);

    const text = JSON.stringify(digests[0]?.blocks);
    expect(text).toContain('Won 1 of 2 decided disputes (*50%*).');
    // Won: the $49.00 came back; lost: $120.00; the stand-in's $15.00 fee on each, none returned.
    expect(text).toContain('Recovered $49.00 · lost $120.00 · Stripe dispute fees $30.00');
    expect(text).toContain('*Open cases:* 1 due within 24 hours · 1 within 72 hours · 1 later');
    expect(text).toContain(`${held.disputeId} · $55.00 · on hold: rebut will not act on it`);
  });
});
