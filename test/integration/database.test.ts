import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingMigrations } from '../../src/db/migrate.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { enqueue, startQueue, type TaskName } from '../../src/queue.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('database', () => {
  it('a fresh test database has every migration applied and the queue schema', async () => {
    expect(await pendingMigrations(db.pool)).toEqual([]);
    const tables = await db.pool.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.rows.map((row) => row.name)).toEqual(
      expect.arrayContaining(['stripe_events', 'disputes', 'cases', 'drafts', 'submissions', 'audit_log']),
    );
    const queue = await db.pool.query(`SELECT to_regnamespace('graphile_worker') IS NOT NULL AS present`);
    expect(queue.rows[0]).toEqual({ present: true });
  });

  it("a worker takes the jobs nearest a case's end first: posts, then drafts, then evidence, then new events", async () => {
    const order: string[] = [];
    const record = (task: TaskName) => async (payload: unknown) => {
      order.push(`${task}:${(payload as { n: number }).n}`);
    };
    // Enqueued oldest first in the reverse of the order they should run in.
    for (const task of ['process-event', 'prepare-case', 'draft-case', 'post-case'] as const) {
      for (const n of [1, 2]) await enqueue(db.pool, task, { n });
    }
    const queue = await startQueue({
      pool: db.pool,
      tasks: {
        'process-event': record('process-event'),
        'prepare-case': record('prepare-case'),
        'draft-case': record('draft-case'),
        'post-case': record('post-case'),
      },
      log: createLogger('silent'),
      metrics: createMetrics(db.pool),
      concurrency: 1,
      leaseMs: 30_000,
    });
    try {
      await expect.poll(() => order.length, { timeout: 10_000 }).toBe(8);
    } finally {
      await queue.stop();
    }
    // The first job taken is a post; posts run one at a time (a named queue), so the second may wait for the
    // first one's completion to commit while a draft goes ahead. Among the other tasks the order is strict.
    expect(order[0]).toBe('post-case:1');
    expect(order.filter((job) => !job.startsWith('post-case'))).toEqual([
      'draft-case:1',
      'draft-case:2',
      'prepare-case:1',
      'prepare-case:2',
      'process-event:1',
      'process-event:2',
    ]);
  });
});
