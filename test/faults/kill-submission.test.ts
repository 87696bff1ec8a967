// rebut killed with SIGKILL at every step of a submission to a slow Stripe: before the request, while Stripe holds
// it, after Stripe answered and before rebut wrote it down. 20 rounds, one dispute each; in the end every dispute has
// exactly the submissions Stripe counts (one), recorded once, and a Slack message that says it was submitted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { freePort } from '../../src/db/embedded.js';
import { waitFor } from '../support/app.js';
import { queuePost, readyCase } from '../support/cases.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { faultSeed, seededRandom, sleep } from '../support/faults.js';
import { type AppProcess, serveEnv, spawnApp } from '../support/process.js';
import { ALICE, caseMessagesIn, click, postedMessage } from '../support/slack.js';

const ROUNDS = 20;
/** Stripe holds each submission this long before it answers. */
const STRIPE_DELAY_MS = 1_200;
const SEED = faultSeed(20_261_207);

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
const running: AppProcess[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  slack = await startSlackSandbox({ rateLimit: false });
});
afterAll(async () => {
  for (const app of running) await app.kill();
  await slack.close();
  await stripe.close();
  await db.drop();
});

const env = (): Record<string, string> =>
  serveEnv({ databaseUrl: db.url, stripeUrl: stripe.url, slack }, { REBUT_WORKER_LEASE: '2s' });

describe('SIGKILL at every step of a submission', () => {
  it('20 kills around slow submissions: each dispute ends with the one submission Stripe counts, recorded once', async () => {
    const random = seededRandom(SEED);
    const disputes: { caseId: number; disputeId: string }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { caseId, disputeId } = await readyCase(db.pool, stripe, {
        autoSubmitAt: new Date(Date.now() + 86_400_000),
      });
      disputes.push({ caseId, disputeId });
      await queuePost(db.pool, caseId);
      stripe.delay({ method: 'POST', path: `/v1/disputes/${disputeId}`, ms: STRIPE_DELAY_MS, times: 1 });
      const app = await spawnApp(env(), await freePort());
      running.push(app);
      const posted = await waitFor(() => postedMessage(db.pool, caseId), { what: `case ${caseId} posted` });
      // A person approves it. Its automatic submission is a day away: only checking Stripe at once can settle a
      // submission whose instance died. Every other round the instance dies while Stripe holds the request (the
      // attempt is audited just before it is sent); the others anywhere from taking the case to just after Stripe
      // answered.
      void click(app, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: posted.ts }).catch(() => {});
      const holding = round % 2 === 0;
      await waitFor(
        async () =>
          (
            await db.pool.query(
              holding
                ? `SELECT 1 FROM audit_log WHERE case_id = $1 AND action = 'submission.attempt'`
                : `SELECT 1 FROM cases WHERE id = $1 AND state <> 'awaiting_review'`,
              [caseId],
            )
          ).rowCount,
        { what: `case ${caseId} under way`, intervalMs: 10 },
      );
      await sleep(Math.floor(random() * (holding ? STRIPE_DELAY_MS - 300 : STRIPE_DELAY_MS + 400)));
      await app.kill('SIGKILL');
      running.splice(running.indexOf(app), 1);
    }

    // The last instance lives. Cases left in `submitting` wait 5 minutes for their dead instance; the test moves
    // their clocks instead of waiting, then the timer checks them against Stripe.
    const last = await spawnApp(env(), await freePort());
    running.push(last);
    // A kill that came before the click was handled left the case waiting: the person clicks again.
    const waiting = await db.pool.query<{ id: number; slack_ts: string }>(
      `SELECT id, slack_ts FROM cases WHERE state = 'awaiting_review'`,
    );
    for (const row of waiting.rows) {
      await click(last, slack, { actionId: 'approve', caseId: row.id, userId: ALICE, messageTs: row.slack_ts });
    }
    await waitFor(
      async () => {
        await db.pool.query(
          `UPDATE cases SET updated_at = now() - interval '6 minutes'
            WHERE state IN ('submitting', 'failed') AND updated_at < now() - interval '3 seconds'`,
        );
        const { rows } = await db.pool.query<{ open: number }>(
          `SELECT count(*)::int AS open FROM cases WHERE state <> 'submitted'`,
        );
        return rows[0]?.open === 0;
      },
      { timeoutMs: 90_000, intervalMs: 500, what: 'every case submitted' },
    );
    await sleep(2_000);
    const actions = await db.pool.query<{ action: string; n: number }>(
      `SELECT action, count(*)::int AS n FROM audit_log WHERE action LIKE 'submission.%' GROUP BY 1 ORDER BY 1`,
    );
    const counts = Object.fromEntries(actions.rows.map((row) => [row.action, row.n]));
    console.log(`kill-submission: ${JSON.stringify(counts)}`);
    // The kills landed where they should: the rounds killed while Stripe held the request were settled from
    // Stripe's record, not by the instance that sent them.
    expect(counts['submission.settled'] ?? 0).toBeGreaterThanOrEqual(ROUNDS / 2);

    for (const { caseId, disputeId } of disputes) {
      const counted = stripe.dispute(disputeId).evidence_details.submission_count;
      expect(counted, `dispute ${disputeId}`).toBe(1);
      const { rows } = await db.pool.query('SELECT 1 FROM submissions WHERE dispute_id = $1', [disputeId]);
      expect(rows, `submissions of ${disputeId}`).toHaveLength(counted);
      const message = JSON.stringify(caseMessagesIn(slack, caseId).at(-1)?.blocks ?? []);
      expect(message, `the message of case ${caseId}`).toContain('Submitted');
      expect(message).not.toContain('"action_id":"approve"');
    }
  }, 300_000);
});
