import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

// Money and counts come back as JS numbers: bigint columns hold minor units far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (text) => Number(text));

export function createPool(connectionString: string, options: { max?: number; applicationName?: string } = {}): Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'rebut',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its server (restart, failover) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** Deadlock and serialization failures: PostgreSQL rolled the transaction back, and running it again is safe. */
const RETRYABLE_CODES = new Set(['40001', '40P01']);

/**
 * Runs `work` in a transaction. With `retries`, a transaction PostgreSQL aborted for a deadlock or a
 * serialization failure runs again (at most that many more times): only for work that does nothing outside
 * the database, since all of it runs again.
 */
export async function withTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  options: { retries?: number } = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        // The connection is gone: do not hand it back to the pool.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      const code = error instanceof Error && 'code' in error ? error.code : undefined;
      if (typeof code !== 'string' || !RETRYABLE_CODES.has(code) || attempt >= (options.retries ?? 0)) throw error;
    } finally {
      client.release(broken);
    }
  }
}
