// Two instances whose clocks disagree by 6 minutes, on one database: every comparison with a stored time is made on
// PostgreSQL's clock, so the instance that runs fast never takes the other's submission in flight (a slow Stripe)
// for one its instance died in, and never sends a second submit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { freePort } from '../../src/db/embedded.js';
import { waitFor } from '../support/app.js';
import { queuePost, readyCase } from '../support/cases.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { type AppProcess, serveEnv, spawnApp } from '../support/process.js';
import { ALICE, click, postedMessage } from '../support/slack.js';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
const running: AppProcess[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  slack = await startSlackSandbox({ users: [{ id: ALICE, name: 'alice' }], rateLimit: false });
});
afterAll(async () => {
  for (const app of running) await app.kill();
  await slack.close();
  await stripe.close();
  await db.drop();
});

const env = (): Record<string, string> => serveEnv({ databaseUrl: db.url, stripeUrl: stripe.url, slack });

describe('two instances, one clock', () => {
  it('the instance 6 minutes fast does not take a submission in flight as stuck: one submit, one record', async () => {
    const onTime = await spawnApp(env(), await freePort());
    running.push(onTime);
    const fast = await spawnApp(env(), await freePort(), { clockSkewMs: 6 * 60_000 });
    running.push(fast);

    const { caseId, disputeId } = await readyCase(db.pool, stripe, { autoSubmitAt: new Date(Date.now() + 86_400_000) });
    await queuePost(db.pool, caseId);
    const posted = await waitFor(() => postedMessage(db.pool, caseId), { what: 'the case posted' });
    // Stripe takes 8 s to answer the submission: long enough for the fast instance's timer to tick several times.
    stripe.delay({ method: 'POST', path: `/v1/disputes/${disputeId}`, ms: 8_000, times: 1 });
    const clicked = await click(onTime, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: posted.ts });
    expect(clicked.status).toBe(200);
    await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ state: string }>('SELECT state FROM cases WHERE id = $1', [caseId]);
        return rows[0]?.state === 'submitted';
      },
      { what: 'the case submitted', timeoutMs: 30_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const submits = stripe.requests.filter(
      (request) =>
        request.method === 'POST' && request.path === `/v1/disputes/${disputeId}` && request.body.submit === 'true',
    );
    expect(submits).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT 1 FROM submissions WHERE case_id = $1', [caseId]);
    expect(rows).toHaveLength(1);
    const audit = await db.pool.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE case_id = $1 AND action LIKE 'submission.%' ORDER BY id`,
      [caseId],
    );
    expect(audit.rows.map((row) => row.action)).toEqual(['submission.attempt', 'submission.sent']);
  }, 90_000);
});
