import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCustomerFor, seedBusiness } from '../../sandbox/business/index.js';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, signStripePayload, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { freePort } from '../../src/db/embedded.js';
import { TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { type AppProcess, spawnApp } from '../support/process.js';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let work: string;
const processes: AppProcess[] = [];
const CHANNEL = 'C0DISPUTES';
const DISPUTES = 12;

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  slack = await startSlackSandbox({ rateLimit: false });
  work = await mkdtemp(join(tmpdir(), 'rebut-instances-'));
  const example = await readFile('rebut.evidence.example.yml', 'utf8');
  await writeFile(join(work, 'rebut.evidence.yml'), example.replace('./.rebut/roomcraft/images', join(work, 'images')));
});
afterAll(async () => {
  for (const app of processes) await app.kill();
  await slack.close();
  await stripe.close();
  await db.drop();
  await rm(work, { recursive: true, force: true });
});

function env(): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    APP_DATABASE_URL: db.url,
    EVIDENCE_CONFIG: join(work, 'rebut.evidence.yml'),
    STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: 'instances-secret',
    SLACK_CHANNEL_ID: CHANNEL,
    SLACK_API_URL: slack.apiUrl,
    SLACK_APPROVERS: 'U0ALICE001',
    // Cases come due a few seconds after they open and both timers tick every second.
    REVIEW_WINDOW: '6s',
    REBUT_TIMER_SCHEDULE: '* * * * * *',
    REBUT_WORKER_LEASE: '2s',
    REBUT_DIGEST_CHANNEL: 'off',
    LOG_LEVEL: 'info',
  };
}

/** A signed delivery, exactly as Stripe makes it, to one instance. */
async function send(url: string, event: unknown): Promise<void> {
  const payload = JSON.stringify(event);
  const response = await fetch(`${url}/stripe/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': signStripePayload(payload, TEST_WEBHOOK_SECRET),
    },
    body: payload,
  });
  expect(response.status).toBe(200);
}

describe('several instances on one PostgreSQL', () => {
  it('each event is handled once, each case posted once, each due case submitted once, and a killed instance loses nothing', async () => {
    const [a, b] = await Promise.all([spawnApp(env(), await freePort()), spawnApp(env(), await freePort())]);
    if (!a || !b) throw new Error('instances did not start');
    processes.push(a, b);

    const scenarios = Array.from({ length: DISPUTES }, (_, index) =>
      stripe.createDispute({
        reason: index % 2 ? 'product_not_received' : 'fraudulent',
        customer: { email: `buyer${index}@example.com`, name: `Buyer ${index}` },
        silent: true,
      }),
    );
    await seedBusiness(db.pool, {
      customers: scenarios.map((s) => sampleCustomerFor(s)),
      imagesDir: join(work, 'images'),
    });

    let aAlive = true;
    // Every event goes to both instances (a load balancer retrying, Stripe redelivering).
    for (const [index, scenario] of scenarios.entries()) {
      const event = stripe.emit('charge.dispute.created', scenario.dispute);
      if (aAlive) await send(a.url, event);
      await send(b.url, event);
      // Halfway through, instance A dies without warning; B must finish everything.
      if (index === DISPUTES / 2) {
        await a.kill('SIGKILL');
        aAlive = false;
      }
    }

    await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM cases WHERE state IN ('submitted')`,
        );
        return rows[0]?.n === DISPUTES;
      },
      { what: 'every case to be submitted by the timer', timeoutMs: 90_000, intervalMs: 250 },
    );

    const counts = await db.pool.query<{ events: number; processed: number; cases: number; submissions: number }>(
      `SELECT (SELECT count(*)::int FROM stripe_events) AS events,
              (SELECT count(*)::int FROM stripe_events WHERE processed_at IS NOT NULL) AS processed,
              (SELECT count(*)::int FROM cases) AS cases,
              (SELECT count(*)::int FROM submissions) AS submissions`,
    );
    expect(counts.rows[0]).toEqual({ events: DISPUTES, processed: DISPUTES, cases: DISPUTES, submissions: DISPUTES });

    for (const scenario of scenarios) {
      const submits = stripe.requests.filter(
        (r) =>
          r.method === 'POST' &&
          r.path === `/v1/disputes/${scenario.dispute.id}` &&
          (r.body as { submit?: string }).submit === 'true' &&
          r.status === 200,
      );
      expect(submits, `submissions of ${scenario.dispute.id}`).toHaveLength(1);
    }
    // Posts go one at a time (Slack's pace), and a case can be submitted by the timer before its turn
    // to be posted comes: wait for every case's message, then check none was posted twice.
    const postsPerCase = () => {
      const perCase = new Map<string, number>();
      const posts = slack
        .callsTo('chat.postMessage')
        .filter((call) => call.args.channel === CHANNEL && !call.args.thread_ts);
      for (const call of posts) {
        const caseId = String(
          (call.args.metadata as { event_payload?: { case_id?: unknown } })?.event_payload?.case_id,
        );
        perCase.set(caseId, (perCase.get(caseId) ?? 0) + 1);
      }
      return perCase;
    };
    const perCase = await waitFor(async () => (postsPerCase().size === DISPUTES ? postsPerCase() : undefined), {
      what: 'every case to be posted',
      timeoutMs: 30_000,
    });
    expect(perCase.size).toBe(DISPUTES);
    expect([...perCase.values()].every((n) => n === 1)).toBe(true);
    const ticks = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'submission.sent' AND actor = 'timer'`,
    );
    expect(ticks.rows[0]?.n).toBe(DISPUTES);
  }, 150_000);
});
