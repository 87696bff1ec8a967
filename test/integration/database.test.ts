import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingMigrations } from '../../src/db/migrate.js';
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
});
