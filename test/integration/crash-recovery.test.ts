import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { freePort } from '../../src/db/embedded.js';
import { TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { type AppProcess, spawnApp } from '../support/process.js';

let db: TestDatabase;
let stripe: StripeSandbox;
const running: AppProcess[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
});
afterAll(async () => {
  for (const app of running) await app.kill();
  await stripe.close();
  await db.drop();
});

function env(): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
    SLACK_CHANNEL_ID: 'C0DISPUTES',
    // No Slack here: the owner said so.
    REBUT_HEADLESS: 'true',
    REBUT_WORKER_LEASE: '2s',
  };
}

describe('a crash after the event is stored', () => {
  it('the process killed while its job is running: the job runs again after restart and the case opens once', async () => {
    const first = await spawnApp(env(), await freePort());
    running.push(first);
    // Without Slack, by the owner's choice: said at start and by /readyz.
    const ready = (await (await fetch(`${first.url}/readyz`)).json()) as { detail?: { headless?: string } };
    expect(ready.detail?.headless).toMatch(/shows no case to anyone/);
    expect(first.output()).toContain('running without Slack');
    const { dispute } = stripe.createDispute({ reason: 'fraudulent', silent: true });
    // The re-read hangs, so the job is mid-flight (locked by the first instance) when it dies.
    stripe.delay({ method: 'GET', path: `/v1/disputes/${dispute.id}`, ms: 60_000, times: 1 });
    const event = stripe.emit('charge.dispute.created', dispute);
    stripe.setWebhook({ url: `${first.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
    const [ack] = await stripe.deliver(event);
    stripe.setWebhook(undefined);
    expect(ack?.status).toBe(200);
    await waitFor(
      async () => {
        const { rows } = await db.pool.query(`SELECT 1 FROM graphile_worker.jobs WHERE locked_at IS NOT NULL`);
        return rows.length > 0;
      },
      { what: 'the job to be taken by the first instance' },
    );
    await first.kill('SIGKILL');

    const second = await spawnApp(env(), await freePort());
    running.push(second);
    await waitFor(
      async () => {
        const { rows } = await db.pool.query(`SELECT state FROM cases WHERE dispute_id = $1`, [dispute.id]);
        // Any state: the case goes on through preparation as soon as it opens.
        return rows.length > 0;
      },
      { what: 'the case to open after the restart', timeoutMs: 40_000 },
    );
    const { rows } = await db.pool.query(
      `SELECT (SELECT count(*)::int FROM cases WHERE dispute_id = $1) AS cases,
              (SELECT processed_at IS NOT NULL FROM stripe_events WHERE id = $2) AS processed`,
      [dispute.id, event.id],
    );
    expect(rows[0]).toEqual({ cases: 1, processed: true });
    expect(second.output()).toContain('released the jobs of 1 queue worker(s) that stopped responding');
  }, 60_000);
});
