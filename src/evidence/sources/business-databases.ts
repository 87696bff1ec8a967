import pg from 'pg';

/** Connecting should be quick; a business database that takes longer is down for our purposes. */
export const SQL_CONNECT_TIMEOUT_MS = 5_000;
/** Connections kept per business database: as many as cases are prepared at once. */
const CONNECTIONS_PER_DATABASE = 4;
/** An unused connection closes after this; the next case opens one again. */
const IDLE_MS = 30_000;

/**
 * The business's own PostgreSQL databases (`APP_DATABASE_URL`, a product's `app_database_url_env`), a small pool
 * each for the life of the app, which closes them when it stops. A case's queries reuse a connection: opening one per
 * case cost a new PostgreSQL backend, SCRAM's key derivation and cold catalog caches each time (README → Benchmarks).
 */
export interface BusinessDatabases {
  /** A connection to the database at `url`; `release(true)` if it must not be used again. */
  connect(url: string): Promise<pg.PoolClient>;
  close(): Promise<void>;
}

export function businessDatabases(): BusinessDatabases {
  const pools = new Map<string, pg.Pool>();
  return {
    connect(url) {
      let pool = pools.get(url);
      if (!pool) {
        pool = new pg.Pool({
          connectionString: url,
          max: CONNECTIONS_PER_DATABASE,
          connectionTimeoutMillis: SQL_CONNECT_TIMEOUT_MS,
          idleTimeoutMillis: IDLE_MS,
          allowExitOnIdle: true,
          application_name: 'rebut-evidence',
        });
        // A connection the business's server closes while idle is dropped; the next case opens another.
        pool.on('error', () => {});
        pool.on('connect', (client) => client.on('error', () => {}));
        pools.set(url, pool);
      }
      return pool.connect();
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((pool) => pool.end().catch(() => {})));
    },
  };
}
