// rebut killed with SIGKILL at random points of the flow, 20 times, each time restarted on the same database: in the
// end every dispute has one case, one Slack message and at most one submission. The stand-ins run in this process,
// so they outlive every app process and their records are the ground truth of what reached Slack and Stripe.

import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { setAutopilot } from '../../src/cases/autopilot.js';
import { freePort } from '../../src/db/embedded.js';
import { TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import {
  casePostsByCase,
  casesByDispute,
  faultSeed,
  seededRandom,
  sleep,
  submitRequestsByDispute,
  tally,
} from '../support/faults.js';
import { type AppProcess, spawnApp } from '../support/process.js';

const CHANNEL = 'C0DISPUTES';
const ROUNDS = 20;
const DISPUTES_PER_ROUND = 3;
const MAX_KILL_DELAY_MS = 1_500;
// Autopilot submits one reason as soon as it is drafted; the short review window lets the timer submit the others
// while later rounds are still killing instances, so submissions are interrupted too.
const AUTOPILOT_REASON = 'product_not_received';
const REASONS = ['fraudulent', AUTOPILOT_REASON, 'subscription_canceled'];
const SEED = faultSeed(20_260_301);

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
const running: AppProcess[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  // Slack's real limit on chat.postMessage (1/s per channel, short bursts): retries after 429s are part of the run.
  slack = await startSlackSandbox();
  await setAutopilot(db.pool, 'default', AUTOPILOT_REASON, true, 'test');
});
afterAll(async () => {
  for (const app of running) await app.kill();
  await slack.close();
  await stripe.close();
  await db.drop();
});

function env(): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: 'kill-anywhere-signing-secret',
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNEL_ID: CHANNEL,
    SLACK_APPROVERS: 'U0ALICE001',
    REBUT_WORKER_LEASE: '2s',
    REVIEW_WINDOW: '6s',
    // Every case is fought, whatever triage thinks of it: this test is about exactly one submission through crashes.
    UNWINNABLE_ACTION: 'submit',
    REBUT_TIMER_SCHEDULE: '* * * * * *',
    LOG_LEVEL: 'warn',
  };
}

/** What the instance was doing when it died: webhooks in flight, the jobs it held, submissions it held. */
async function phaseAt(since: Date, webhooksInFlight: number): Promise<string[]> {
  const phases: string[] = [];
  if (webhooksInFlight > 0) phases.push('webhook');
  const jobs = await db.pool.query<{ task_identifier: string }>(
    'SELECT task_identifier FROM graphile_worker.jobs WHERE locked_at >= $1',
    [since],
  );
  phases.push(...jobs.rows.map((row) => row.task_identifier));
  const submitting = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM cases WHERE state = 'submitting' AND updated_at >= $1`,
    [since],
  );
  if ((submitting.rows[0]?.n ?? 0) > 0) phases.push('submitting');
  return phases.length > 0 ? phases : ['idle'];
}

async function deliver(event: Stripe.Event, url: string): Promise<number | 'error'> {
  try {
    const [response] = await stripe.deliver(event, { url: `${url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
    return response?.status ?? 'error';
  } catch {
    return 'error';
  }
}

describe('SIGKILL anywhere in the flow', () => {
  it('after 20 kills and restarts every dispute has one case, one Slack message and at most one submission', async () => {
    const random = seededRandom(SEED);
    const disputes: string[] = [];
    const acknowledged: Stripe.Event[] = [];
    let unanswered: Stripe.Event[] = [];
    const kills: { round: number; afterMs: number; phases: string[] }[] = [];
    const webhookStatuses: (number | 'error')[] = [];
    const started = Date.now();

    for (let round = 0; round < ROUNDS; round++) {
      const since = new Date();
      const app = await spawnApp(env(), await freePort());
      running.push(app);

      // New disputes, the events the last instance never answered (Stripe sends them again), and now and then a
      // duplicate of one it did answer.
      const batch = [...unanswered];
      for (let index = 0; index < DISPUTES_PER_ROUND; index++) {
        const reason = REASONS[(round * DISPUTES_PER_ROUND + index) % REASONS.length] ?? 'fraudulent';
        const { dispute } = stripe.createDispute({ reason, silent: true });
        disputes.push(dispute.id);
        batch.push(stripe.emit('charge.dispute.created', dispute));
      }
      const again = acknowledged[Math.floor(random() * acknowledged.length)];
      if (again && random() < 0.5) batch.push(again);

      let inFlight = batch.length;
      const answers = batch.map((event) =>
        deliver(event, app.url).then((status) => {
          inFlight--;
          return { event, status };
        }),
      );
      const afterMs = Math.floor(random() * MAX_KILL_DELAY_MS);
      await sleep(afterMs);
      const phases = await phaseAt(since, inFlight);
      await app.kill('SIGKILL');
      running.splice(running.indexOf(app), 1);
      kills.push({ round, afterMs, phases });

      unanswered = [];
      for (const { event, status } of await Promise.all(answers)) {
        webhookStatuses.push(status);
        if (status === 200) acknowledged.push(event);
        else unanswered.push(event);
      }
    }

    const roundsMs = Date.now() - started;
    // The last instance lives: it delivers what is left and finishes the work the others left behind.
    const last = await spawnApp(env(), await freePort());
    running.push(last);
    for (const event of unanswered) {
      const status = await deliver(event, last.url);
      webhookStatuses.push(status);
      expect(status).toBe(200);
      acknowledged.push(event);
    }

    await waitFor(
      async () => {
        // The timer takes back a case whose instance died mid-submission only after 5 minutes (and retries a failed
        // one 5 minutes later); the test moves those cases' clocks forward instead of waiting. Cases touched in the
        // last 3 s are left alone, since the live instance may be submitting them right now.
        await db.pool.query(
          `UPDATE cases SET updated_at = now() - interval '11 minutes'
            WHERE state IN ('submitting', 'failed') AND updated_at < now() - interval '3 seconds'`,
        );
        const { rows } = await db.pool.query<{ open: number; jobs: number }>(
          `SELECT (SELECT count(*)::int FROM cases WHERE state <> 'submitted' OR slack_ts IS NULL) AS open,
                  (SELECT count(*)::int FROM graphile_worker.jobs) AS jobs`,
        );
        const cases = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
        return cases.rows[0]?.n === disputes.length && rows[0]?.open === 0 && rows[0]?.jobs === 0;
      },
      // Each case's review window (6 s) starts once its message is in Slack, and posts go out one at a time.
      { timeoutMs: 150_000, intervalMs: 500, what: 'every case to be submitted, posted and the queue empty' },
    );

    const drainMs = Date.now() - started - roundsMs;

    // One case per dispute, each submitted.
    const cases = await casesByDispute(db.pool);
    expect(cases.size).toBe(disputes.length);
    for (const disputeId of disputes) expect(cases.get(disputeId)).toMatchObject({ cases: 1, state: 'submitted' });

    // Exactly one top-level case message per case reached Slack, and one is in the channel.
    const posts = casePostsByCase(slack, CHANNEL);
    const inChannel = tally(
      slack.messages(CHANNEL).filter((message) => message.metadata !== undefined),
      (message) => String((message.metadata as { event_payload?: { case_id?: number } }).event_payload?.case_id),
    );
    for (const { caseId } of cases.values()) {
      expect(posts.get(caseId), `posts for case ${caseId}`).toBe(1);
      expect(inChannel[String(caseId)], `messages in the channel for case ${caseId}`).toBe(1);
    }

    // At most one submit=true request per dispute ever reached Stripe; each dispute shows one submission there.
    const submits = submitRequestsByDispute(stripe);
    for (const disputeId of disputes) {
      expect(submits.get(disputeId) ?? 0, `submit requests for ${disputeId}`).toBeLessThanOrEqual(1);
      expect(stripe.dispute(disputeId).evidence_details.submission_count).toBe(1);
    }
    const recorded = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM submissions');
    expect(recorded.rows[0]?.n).toBe(disputes.length);

    // Every acknowledged event is stored once and processed.
    const events = await db.pool.query<{ id: string; processed: boolean }>(
      'SELECT id, processed_at IS NOT NULL AS processed FROM stripe_events',
    );
    expect(new Set(events.rows.map((row) => row.id))).toEqual(new Set(acknowledged.map((event) => event.id)));
    expect(events.rows.every((row) => row.processed)).toBe(true);

    const audit = await db.pool.query<{ action: string; n: number }>(
      `SELECT action, count(*)::int AS n FROM audit_log GROUP BY action ORDER BY action`,
    );
    const report = {
      seed: SEED,
      rounds: ROUNDS,
      disputes: disputes.length,
      kills: kills.length,
      killsDuring: tally(
        kills.flatMap((kill) => [...new Set(kill.phases)]),
        (phase) => phase,
      ),
      webhookAnswers: tally(webhookStatuses, String),
      finalStates: tally(cases.values(), (row) => row.state),
      submitRequests: [...submits.values()].reduce((sum, n) => sum + n, 0),
      slackCasePosts: [...posts.values()].reduce((sum, n) => sum + n, 0),
      slack429s: slack.calls.filter((call) => call.status === 429).length,
      roundsSeconds: Math.round(roundsMs / 1000),
      drainSeconds: Math.round(drainMs / 1000),
      audit: Object.fromEntries(audit.rows.map((row) => [row.action, row.n])),
    };
    console.log(`kill-anywhere: ${JSON.stringify(report)}`);
    // The kills really landed in the middle of work, in several stages of it, not only between disputes.
    const working = new Set(kills.flatMap((kill) => kill.phases).filter((phase) => phase !== 'idle'));
    expect([...working].length, `stages the kills landed in: ${[...working].join(', ')}`).toBeGreaterThanOrEqual(3);
  }, 420_000);
});
