// /metrics as Prometheus reads it: the standard Node.js names, what rebut did (submissions by path, disputes by
// status and by time to their deadline), and the in-process figures still served when PostgreSQL is down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { createPool } from '../../src/db/pool.js';
import { createMetrics } from '../../src/metrics.js';
import { readyCase } from '../support/cases.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let stripe: StripeSandbox;
beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
});
afterAll(async () => {
  await stripe.close();
  await db.drop();
});

/** The value of one series in Prometheus text, or undefined when it is not there. */
function series(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(labels ? `${name}{${labels}} ` : `${name} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('/metrics', () => {
  it('uses the standard Node.js metric names and counts submissions by path and disputes by deadline', async () => {
    const submitted = await readyCase(db.pool, stripe, { state: 'submitted' });
    await db.pool.query(
      `INSERT INTO submissions (case_id, dispute_id, draft_version, trigger, actor, idempotency_key)
       VALUES ($1, $2, 1, 'timer', 'timer', 'key-1')`,
      [submitted.caseId, submitted.disputeId],
    );
    await readyCase(db.pool, stripe);
    await db.pool.query(`UPDATE disputes SET due_by = now() + interval '5 hours' WHERE id <> $1`, [
      submitted.disputeId,
    ]);
    await db.pool.query(`UPDATE disputes SET status = 'under_review' WHERE id = $1`, [submitted.disputeId]);

    const { body } = await createMetrics(db.pool).render();
    // prom-client counts the CPU used since the registry was made, which the kernel adds up in ticks: a render right
    // after it may count none yet (it did once in CI), so the series is held to being there, not to a value.
    expect(series(body, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(body).toContain('nodejs_heap_size_used_bytes');
    expect(body).not.toContain('rebut_process_');
    expect(series(body, 'rebut_submissions', 'path="timer"')).toBe(1);
    expect(series(body, 'rebut_disputes', 'status="under_review"')).toBe(1);
    expect(series(body, 'rebut_disputes', 'status="needs_response"')).toBe(1);
    expect(series(body, 'rebut_disputes_awaiting_response', 'due_within="24h"')).toBe(1);
    expect(series(body, 'rebut_database_up')).toBe(1);
  });

  it('sums disputed money by status, refunds on disputed charges, and the model’s tokens and cost', async () => {
    const fresh = await freshDatabase();
    try {
      const won = await readyCase(fresh.pool, stripe, { amount: 4900, currency: 'usd' });
      await readyCase(fresh.pool, stripe, { amount: 1_000, currency: 'jpy', refundedAmount: 400 });
      await fresh.pool.query(`UPDATE disputes SET status = 'won' WHERE id = $1`, [won.disputeId]);
      const usage = (model: string, prompt: number, completion: number, costUsd: number | null) =>
        fresh.pool.query(`UPDATE drafts SET usage = $2 WHERE case_id = $1`, [
          won.caseId,
          JSON.stringify({
            model,
            promptTokens: prompt,
            completionTokens: completion,
            totalTokens: prompt + completion,
            costUsd,
          }),
        ]);
      await usage('gpt-4.1-mini', 1200, 300, 0.00096);

      const { body } = await createMetrics(fresh.pool).render();
      expect(series(body, 'rebut_dispute_amount', 'status="won",currency="usd"')).toBe(49);
      // The charge was 1,000 yen; 400 were refunded before the customer disputed the other 600.
      expect(series(body, 'rebut_dispute_amount', 'status="needs_response",currency="jpy"')).toBe(600);
      expect(series(body, 'rebut_refunded_disputed_charges', 'currency="jpy"')).toBe(400);
      expect(series(body, 'rebut_refunded_disputed_charges', 'currency="usd"')).toBeUndefined();
      expect(series(body, 'rebut_model_tokens', 'model="gpt-4.1-mini",kind="prompt"')).toBe(1200);
      expect(series(body, 'rebut_model_tokens', 'model="gpt-4.1-mini",kind="completion"')).toBe(300);
      expect(series(body, 'rebut_model_cost_dollars', 'model="gpt-4.1-mini"')).toBeCloseTo(0.00096);

      // A model without a list price (a local one): tokens counted, no cost claimed.
      await usage('llama-local', 10, 5, null);
      const local = (await createMetrics(fresh.pool).render()).body;
      expect(series(local, 'rebut_model_tokens', 'model="llama-local",kind="prompt"')).toBe(10);
      expect(local).not.toContain('rebut_model_cost_dollars{model="llama-local"}');
    } finally {
      await fresh.drop();
    }
  });

  it('with PostgreSQL unreachable, still serves the in-process metrics and says the database is down', async () => {
    const nowhere = createPool('postgres://rebut@127.0.0.1:1/rebut', { max: 1 });
    try {
      const { body } = await createMetrics(nowhere).render();
      // Held to being there, as above: a quick render may count no CPU yet.
      expect(series(body, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
      expect(series(body, 'rebut_database_up')).toBe(0);
      expect(body).not.toMatch(/^rebut_queue_jobs\{/m);
    } finally {
      await nowhere.end();
    }
  });
});
