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
    expect(series(body, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(body).toContain('nodejs_heap_size_used_bytes');
    expect(body).not.toContain('rebut_process_');
    expect(series(body, 'rebut_submissions', 'path="timer"')).toBe(1);
    expect(series(body, 'rebut_disputes', 'status="under_review"')).toBe(1);
    expect(series(body, 'rebut_disputes', 'status="needs_response"')).toBe(1);
    expect(series(body, 'rebut_disputes_awaiting_response', 'due_within="24h"')).toBe(1);
    expect(series(body, 'rebut_database_up')).toBe(1);
  });

  it('with PostgreSQL unreachable, still serves the in-process metrics and says the database is down', async () => {
    const nowhere = createPool('postgres://rebut@127.0.0.1:1/rebut', { max: 1 });
    try {
      const { body } = await createMetrics(nowhere).render();
      expect(series(body, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(series(body, 'rebut_database_up')).toBe(0);
      expect(body).not.toMatch(/^rebut_queue_jobs\{/m);
    } finally {
      await nowhere.end();
    }
  });
});
