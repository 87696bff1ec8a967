import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runMigrations } from 'graphile-worker';
import { runner } from 'node-pg-migrate';
import type { Pool } from './pool.js';
import { databaseUnreachable } from './unreachable.js';

const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

export const MIGRATIONS_TABLE = 'rebut_migrations';

/**
 * Brings the schema up to date: rebut's own tables (node-pg-migrate, under an advisory lock so
 * several instances may start at once) and the job queue's (graphile-worker keeps its own).
 */
export async function migrate(pool: Pool, log: (line: string) => void = () => {}): Promise<string[]> {
  const client = await pool.connect().catch((error: unknown) => {
    throw databaseUnreachable(error);
  });
  let applied: { name: string }[];
  try {
    applied = await runner({
      dbClient: client,
      dir: migrationsDir,
      migrationsTable: MIGRATIONS_TABLE,
      direction: 'up',
      checkOrder: true,
      // Several instances starting together: the others wait for the first to finish, then find nothing to do.
      advisoryLockMode: 'wait',
      log: () => {},
      logger: { debug: () => {}, info: () => {}, warn: log, error: log },
    });
  } finally {
    client.release();
  }
  await runMigrations({ pgPool: pool });
  return applied.map((migration) => migration.name);
}

/** Names of migration files not yet applied; empty when the schema is current. Reads only. */
export async function pendingMigrations(pool: Pool): Promise<string[]> {
  const files = (await readdir(migrationsDir)).filter((name) => name.endsWith('.sql')).map((name) => name.slice(0, -4));
  const table = await pool.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [
    MIGRATIONS_TABLE,
  ]);
  if (!table.rows[0]?.present) return files;
  const applied = await pool.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE}`);
  const done = new Set(applied.rows.map((row) => row.name));
  return files.filter((name) => !done.has(name)).sort();
}
