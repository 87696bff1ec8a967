import type { Pool } from '../../db/pool.js';

/** Names rebut's per-case advisory locks (two-int form: this, the case id) apart from anyone else's. */
const MESSAGE_LOCK_NAMESPACE = 0x736c6163; // "slac"

/**
 * Runs `work` holding a per-case advisory lock, so post, update and reminder of one case never interleave and
 * an older rendering never overwrites a newer one. An advisory lock, not a row lock: a click submitting the case
 * must not wait for Slack.
 */
export async function withCaseLock<T>(pool: Pool, caseId: number, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [MESSAGE_LOCK_NAMESPACE, caseId]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [MESSAGE_LOCK_NAMESPACE, caseId]).catch(() => {
        broken = true; // closing the connection releases the lock
      });
    }
  } finally {
    client.release(broken);
  }
}
