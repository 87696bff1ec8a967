// 1,000 disputes arriving within a minute, against Slack's real posting limit.
//
// Slack takes about one chat.postMessage per second per channel: posting 1,000 case messages takes about 17 minutes
// whatever rebut does, so the test does not wait for that. It checks what rebut controls: all 1,000 webhooks are
// stored and processed and all 1,000 cases drafted while webhooks keep coming; posting runs at the allowed rate the
// whole time (not starved by drafting, not above Slack's limit, no 429s); and every case not yet posted has its
// post waiting in the queue when the window ends: queued, not lost.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { freePort } from '../../src/db/embedded.js';
import { TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { sleep, tally } from '../support/faults.js';
import { type AppProcess, spawnApp } from '../support/process.js';

const CHANNEL = 'C0DISPUTES';
const DISPUTES = 1_000;
const DELIVERY_WINDOW_MS = 60_000;
/** Slack's limit as the stand-in enforces it: 1 per second per channel, bursts of 5. */
const SLACK_LIMIT = DEFAULT_RATE_LIMITS['chat.postMessage'] ?? { perSecond: 1, burst: 5, scope: 'channel' };

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: AppProcess | undefined;

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  slack = await startSlackSandbox();
  slack.setRateLimit('chat.postMessage', SLACK_LIMIT);
});
afterAll(async () => {
  await app?.kill();
  await slack.close();
  await stripe.close();
  await db.drop();
});

/** The most posts seen in any stretch of time beyond what a token bucket of `rate`/s and `burst` allows. */
function worstExcess(times: number[], rate: number, burst: number): number {
  let worst = Number.NEGATIVE_INFINITY;
  for (let first = 0; first < times.length; first++) {
    for (let last = first; last < times.length; last++) {
      const allowed = burst + (((times[last] ?? 0) - (times[first] ?? 0)) / 1000) * rate;
      worst = Math.max(worst, last - first + 1 - allowed);
    }
  }
  return worst;
}

describe('a burst of disputes', () => {
  it('1,000 disputes within a minute are all stored, processed and drafted; posting keeps to Slack’s rate', async () => {
    // rebut serve in its own process (its own core); the stand-ins and the sender run here.
    app = await spawnApp(
      {
        DATABASE_URL: db.url,
        STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
        STRIPE_API_URL: stripe.url,
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: 'burst-signing-secret',
        SLACK_API_URL: slack.apiUrl,
        SLACK_CHANNEL_ID: CHANNEL,
        SLACK_APPROVERS: 'U0ALICE001',
        // Seeded disputes were opened up to 7 days ago, so many are past the review window: keep the timer from
        // submitting them during the run (submission is not what this test measures).
        REBUT_TIMER_SCHEDULE: '0 0 1 1 *',
        LOG_LEVEL: 'warn',
      },
      await freePort(),
    );

    // The disputes exist on Stripe already (seeded silently); their webhooks arrive at a steady rate.
    stripe.seedDisputes(DISPUTES, { statuses: { needs_response: 1 }, seed: 1_000 });
    const ids: string[] = [];
    for await (const dispute of stripe.stripe().disputes.list({ limit: 100 })) ids.push(dispute.id);
    expect(ids).toHaveLength(DISPUTES);

    const started = Date.now();
    const url = `${app.url}/stripe/webhook`;
    const answers: Promise<{ event: Stripe.Event; status: number | string }>[] = [];
    for (const [index, id] of ids.entries()) {
      await sleep(started + (index * DELIVERY_WINDOW_MS) / DISPUTES - Date.now());
      const event = stripe.emit('charge.dispute.created', stripe.dispute(id));
      answers.push(
        stripe.deliver(event, { url, secret: TEST_WEBHOOK_SECRET }).then(
          ([response]) => ({ event, status: response?.status ?? 'no answer' }),
          (error: unknown) => ({ event, status: String(error) }),
        ),
      );
    }
    const delivered = await Promise.all(answers);
    const deliveredMs = Date.now() - started;
    expect(tally(delivered, ({ status }) => String(status))).toEqual({ '200': DISPUTES });
    expect(deliveredMs).toBeLessThan(DELIVERY_WINDOW_MS + 5_000);

    // Every event stored and processed, every case drafted.
    await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ drafted: number }>(
          `SELECT count(*)::int AS drafted FROM cases WHERE state NOT IN ('new', 'drafting')`,
        );
        return rows[0]?.drafted === DISPUTES;
      },
      { timeoutMs: 90_000, intervalMs: 1_000, what: 'all 1,000 cases to be drafted' },
    );
    const draftedMs = Date.now() - started;
    // A little more posting, then the window closes.
    await sleep(5_000);
    const windowMs = Date.now() - started;

    const counts = await db.pool.query<{ events: number; processed: number; cases: number; drafts: number }>(
      `SELECT (SELECT count(*)::int FROM stripe_events) AS events,
              (SELECT count(*)::int FROM stripe_events WHERE processed_at IS NOT NULL) AS processed,
              (SELECT count(*)::int FROM cases) AS cases,
              (SELECT count(DISTINCT case_id)::int FROM drafts) AS drafts`,
    );
    expect(counts.rows[0]).toEqual({ events: DISPUTES, processed: DISPUTES, cases: DISPUTES, drafts: DISPUTES });

    // Posting: never above Slack's limit; one 429 where the first burst met Slack's limit, retried after its
    // Retry-After (rebut keeps to the rate from then on); about the allowed rate throughout.
    const calls = slack.callsTo('chat.postMessage').filter((call) => call.args.channel === CHANNEL);
    const limited = calls.filter((call) => call.status === 429);
    const posts = calls.filter((call) => call.ok).map((call) => call.at.getTime());
    expect(limited.length).toBeLessThanOrEqual(1);
    for (const refused of limited) {
      const caseId = (refused.args.metadata as { event_payload?: { case_id?: number } }).event_payload?.case_id;
      const retried = calls.find(
        (call) =>
          call.ok &&
          call.at.getTime() >= refused.at.getTime() + 1_000 &&
          (call.args.metadata as { event_payload?: { case_id?: number } }).event_payload?.case_id === caseId,
      );
      expect(retried, `the post refused with 429 for case ${caseId} is sent again after Retry-After`).toBeDefined();
    }
    expect(worstExcess(posts, SLACK_LIMIT.perSecond, SLACK_LIMIT.burst)).toBeLessThanOrEqual(0);
    const firstPost = posts[0] ?? started;
    const postingSeconds = ((posts[posts.length - 1] ?? firstPost) - firstPost) / 1000;
    const rate = (posts.length - 1) / postingSeconds;
    expect(rate).toBeGreaterThan(0.8 * SLACK_LIMIT.perSecond);
    // And it kept pace while webhooks were still arriving and cases being drafted: posting began within seconds
    // of the first dispute and never paused for long (a pause would mean posts waiting behind evidence or drafts).
    expect(firstPost - started).toBeLessThan(20_000);
    const longestPause = Math.max(...posts.slice(1).map((at, index) => at - (posts[index] ?? at)));
    expect(longestPause).toBeLessThan(10_000);
    expect(posts.filter((at) => at - started <= deliveredMs).length).toBeGreaterThan(
      (0.6 * (deliveredMs - (firstPost - started)) * SLACK_LIMIT.perSecond) / 1000,
    );

    // The rest is queued, not lost: each case not yet posted has its post-case job waiting, none given up.
    const state = await db.pool.query<{ posted: number; waiting: number; orphaned: number; exhausted: number }>(
      `SELECT count(*) FILTER (WHERE c.slack_ts IS NOT NULL)::int AS posted,
              count(*) FILTER (WHERE c.slack_ts IS NULL AND j.id IS NOT NULL)::int AS waiting,
              count(*) FILTER (WHERE c.slack_ts IS NULL AND j.id IS NULL)::int AS orphaned,
              count(*) FILTER (WHERE j.attempts >= j.max_attempts)::int AS exhausted
         FROM cases c LEFT JOIN graphile_worker.jobs j ON j.key = 'post-case:' || c.id`,
    );
    const { posted = 0, waiting = 0, orphaned, exhausted } = state.rows[0] ?? {};
    expect({ orphaned, exhausted }).toEqual({ orphaned: 0, exhausted: 0 });
    expect(posted + waiting).toBe(DISPUTES);
    expect(posted).toBe(posts.length);

    console.log(
      `burst: ${JSON.stringify({
        disputes: DISPUTES,
        deliveredSeconds: Math.round(deliveredMs / 1000),
        allDraftedSeconds: Math.round(draftedMs / 1000),
        windowSeconds: Math.round(windowMs / 1000),
        posted,
        waiting,
        postsPerSecond: Number(rate.toFixed(2)),
        firstPostSeconds: Math.round((firstPost - started) / 1000),
        longestPauseSeconds: Number((longestPause / 1000).toFixed(1)),
        slack429s: limited.length,
        minutesToPostTheRest: Math.round(waiting / SLACK_LIMIT.perSecond / 60),
      })}`,
    );
  }, 200_000);
});
