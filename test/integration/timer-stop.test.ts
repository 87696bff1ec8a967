import { expect, it } from 'vitest';
import { startStripeSandbox } from '../../sandbox/stripe/index.js';
import { startTimer } from '../../src/cases/timer.js';
import { createPool } from '../../src/db/pool.js';
import { createLogger } from '../../src/log.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { TEST_STRIPE_KEY, waitFor } from '../support/app.js';
import { freshDatabase } from '../support/db.js';

it('stopping the timer waits for its tick in flight, so no tick uses the pool after shutdown closes it', async () => {
  const db = await freshDatabase();
  const stripe = await startStripeSandbox();
  const pool = createPool(db.url, { max: 3 });
  const lines: string[] = [];
  const log = createLogger('info', { write: (line: string) => lines.push(line) });
  // Another session holds the cases table, so the first tick waits inside its first step.
  const holder = await db.pool.connect();
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE cases IN ACCESS EXCLUSIVE MODE');
  const timer = startTimer(
    {
      pool,
      stripe: createStripeClient(TEST_STRIPE_KEY, stripe.url),
      log,
      unwinnable: 'accept',
      submitBufferMs: 12 * 3_600_000,
    },
    '* * * * * *',
  );
  await waitFor(
    async () => {
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      return (rows[0]?.n ?? 0) > 0;
    },
    { what: 'a timer tick waiting for the cases table' },
  );
  let stopped = false;
  const stopping = timer.stop().then(() => {
    stopped = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(stopped).toBe(false);
  await holder.query('ROLLBACK');
  holder.release();
  await stopping;
  await pool.end();
  // A tick still running would meet the closed pool now, and say so at error level.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(lines.filter((line) => /"level":50/.test(line))).toEqual([]);
  await stripe.close();
  await db.drop();
});
