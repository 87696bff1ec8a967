import type { Pool, PoolClient } from './pool.js';

/**
 * PostgreSQL's clock, the one every stored time is compared with. Instances may disagree on the time (a machine
 * minutes off); the database is one clock for all of them. Read it just before asking Stripe for a dispute, so "the
 * newest read wins" compares reads on one clock.
 */
export async function databaseNow(db: Pool | PoolClient): Promise<Date> {
  const { rows } = await db.query<{ now: Date }>('SELECT clock_timestamp() AS now');
  const now = rows[0]?.now;
  if (!now) throw new Error('PostgreSQL did not say what time it is');
  return now;
}
