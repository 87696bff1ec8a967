// PostgreSQL unreachable (connections reset, new ones refused) and every backend terminated, while Stripe webhooks
// keep arriving: each is answered 200 (stored) or 503 (Stripe retries), no event answered 200 is ever missing,
// and once the database is back every event is processed and every dispute gets its one case, drafted and posted.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { startTestApp, TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { sleep, tally } from '../support/faults.js';
import { startTcpProxy, viaPort } from '../support/tcp-proxy.js';

const CHANNEL = 'C0DISPUTES';
const DISPUTES = 40;
const SEND_EVERY_MS = 80;

let db: TestDatabase;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  db = await freshDatabase();
  const target = new URL(db.url);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  stripe = await startStripeSandbox();
  slack = await startSlackSandbox({ rateLimit: false });
  app = await startTestApp({
    DATABASE_URL: viaPort(db.url, proxy.port),
    STRIPE_API_URL: stripe.url,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: 'postgres-restart-signing-secret',
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNEL_ID: CHANNEL,
    SLACK_APPROVERS: 'U0ALICE001',
  });
});
afterAll(async () => {
  proxy.restore();
  await app.stop();
  await proxy.close();
  await slack.close();
  await stripe.close();
  await db.drop();
});

/** Ends every connection to the test database except this one, as a PostgreSQL restart or failover would. */
async function terminateBackends(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  return rows[0]?.n ?? 0;
}

async function send(event: Stripe.Event): Promise<number | string> {
  try {
    const [response] = await stripe.deliver(event, { url: `${app.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
    if (response?.status === 503) expect(response.headers.get('retry-after')).toBe('10');
    return response?.status ?? 'no answer';
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

describe('PostgreSQL going away while webhooks arrive', () => {
  it('every webhook gets 200 or 503, no 200 is lost, and everything is processed once the database is back', async () => {
    // Each dispute's events as Stripe sends them (created, funds withdrawn, an update), interleaved, plus duplicates.
    const disputes: string[] = [];
    const events: Stripe.Event[] = [];
    for (let index = 0; index < DISPUTES; index++) {
      const { dispute } = stripe.createDispute({
        reason: index % 2 ? 'fraudulent' : 'subscription_canceled',
        silent: true,
      });
      disputes.push(dispute.id);
      events.push(stripe.emit('charge.dispute.created', dispute));
    }
    for (const id of disputes) events.push(stripe.emit('charge.dispute.funds_withdrawn', stripe.dispute(id)));
    for (const id of disputes.slice(0, 10)) events.push(stripe.emit('charge.dispute.updated', stripe.dispute(id)));
    const schedule = [...events, ...events.slice(0, 10)];

    // The outages, on a timeline that overlaps the webhooks (about 10 s of sending).
    const faults: string[] = [];
    const outages = (async () => {
      await sleep(1_500);
      proxy.cut();
      faults.push('cut');
      await sleep(2_500);
      proxy.restore();
      await sleep(1_500);
      faults.push(`terminated ${await terminateBackends()} backends`);
      await sleep(1_000);
      faults.push(`terminated ${await terminateBackends()} backends`);
      await sleep(1_000);
      proxy.cut();
      faults.push('cut');
      await sleep(1_500);
      faults.push(`terminated ${await terminateBackends()} backends while cut`);
      proxy.restore();
    })();

    const answers: Promise<{ event: Stripe.Event; status: number | string }>[] = [];
    for (const event of schedule) {
      answers.push(send(event).then((status) => ({ event, status })));
      await sleep(SEND_EVERY_MS);
    }
    await outages;
    const first = await Promise.all(answers);

    // Every answer is a stored event (200) or a refusal Stripe retries (503): never a 500, a hang or a reset.
    expect(first.filter(({ status }) => status !== 200 && status !== 503)).toEqual([]);
    const refused = first.filter(({ status }) => status === 503);
    expect(refused.length).toBeGreaterThan(0);

    // No 200 is lost: each acknowledged id is stored, right after the outage and before any redelivery.
    const acknowledged = new Set(first.filter(({ status }) => status === 200).map(({ event }) => event.id));
    const stored = await db.pool.query<{ id: string }>('SELECT id FROM stripe_events');
    const storedIds = new Set(stored.rows.map((row) => row.id));
    expect([...acknowledged].filter((id) => !storedIds.has(id))).toEqual([]);

    // Stripe sends the refused ones again later; the database is back, so they are stored now.
    const retried = await Promise.all(refused.map(({ event }) => send(event)));
    expect(retried.every((status) => status === 200)).toBe(true);

    await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ unprocessed: number; posted: number }>(
          `SELECT (SELECT count(*)::int FROM stripe_events WHERE processed_at IS NULL) AS unprocessed,
                  (SELECT count(*)::int FROM cases WHERE state = 'awaiting_review' AND slack_ts IS NOT NULL) AS posted`,
        );
        return rows[0]?.unprocessed === 0 && rows[0].posted === DISPUTES;
      },
      { timeoutMs: 75_000, intervalMs: 250, what: 'every event processed and every case posted' },
    );

    const all = await db.pool.query<{ id: string; processed: boolean }>(
      'SELECT id, processed_at IS NOT NULL AS processed FROM stripe_events',
    );
    expect(new Set(all.rows.map((row) => row.id))).toEqual(new Set(events.map((event) => event.id)));
    const cases = await db.pool.query<{ dispute_id: string }>('SELECT dispute_id FROM cases');
    expect(cases.rows.map((row) => row.dispute_id).sort()).toEqual([...disputes].sort());
    const posts = slack.callsTo('chat.postMessage').filter((call) => call.ok && call.args.thread_ts === undefined);
    expect(posts).toHaveLength(DISPUTES);

    console.log(
      `postgres-restart: ${JSON.stringify({
        webhooks: first.length,
        answers: tally(first, ({ status }) => String(status)),
        redelivered: retried.length,
        faults,
        events: all.rows.length,
        cases: cases.rows.length,
        jobFailures: app.logLines.filter((line) => line.includes('it will be retried with backoff')).length,
        orphanedJobsReleased: app.logLines.filter((line) => line.includes('locked but never started')).length,
      })}`,
    );
  }, 120_000);
});
