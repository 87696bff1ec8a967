import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeSandbox } from '../../sandbox/stripe/index.js';
import { evidenceFields, getDispute, upsertDispute, upsertDisputes } from '../../src/db/disputes.js';
import { loadFiles, saveFiles } from '../../src/db/evidence.js';
import { MIGRATIONS_TABLE, migrate, pendingMigrations } from '../../src/db/migrate.js';
import { withTransaction } from '../../src/db/pool.js';
import type { JobName } from '../../src/jobs/definitions.js';
import { enqueue, queueWarningPost, WARNING_POST_DELAY_MS } from '../../src/jobs/enqueue.js';
import { startQueue } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { caseEvidenceCells, evidenceCells, handlingCells, monthCells, statsCells } from '../../src/stats/queries.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { runSync } from '../../src/sync/index.js';
import { readyCase } from '../support/cases.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

/** Runs rebut's migrations down (node-pg-migrate, as `migrate` runs them up) until `name` is undone too. */
async function migrateDownThrough(database: TestDatabase, name: string): Promise<void> {
  const client = await database.pool.connect();
  try {
    const { rows } = await client.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM ${MIGRATIONS_TABLE} WHERE name >= $1`,
      [name],
    );
    const count = rows[0]?.count ?? 0;
    await runner({
      dbClient: client,
      dir: fileURLToPath(new URL('../../src/db/migrations', import.meta.url)),
      migrationsTable: MIGRATIONS_TABLE,
      direction: 'down',
      count,
      log: () => {},
    });
  } catch (error) {
    // A refused migration leaves its transaction open: end it before the client goes back to the pool.
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function statsTotals(database: TestDatabase) {
  const monthly = await database.pool.query(
    'SELECT month, reason, network, currency, status, submitted, countered, disputes, amount FROM dispute_stats_monthly ORDER BY 1, 2, 3, 4, 5, 6, 7',
  );
  const evidence = await database.pool.query(
    'SELECT reason, won, evidence_fields, disputes FROM dispute_stats_evidence ORDER BY 1, 2, 3',
  );
  return { monthly: monthly.rows, evidence: evidence.rows };
}

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

  it('0003 keeps stored disputes whole: the object (now json), the evidence fields and the stats totals; down restores 0002', async () => {
    const migrated = await freshDatabase();
    const sandbox = await startStripeSandbox();
    try {
      const stripe = sandbox.stripe();
      const won = sandbox.createDispute({ reason: 'fraudulent', silent: true });
      const lost = sandbox.createDispute({ reason: 'product_not_received', silent: true });
      await stripe.disputes.update(won.dispute.id, {
        evidence: { uncategorized_text: 'Used the product', customer_name: 'Jenny Rosen', receipt: '' },
      });
      await stripe.disputes.update(lost.dispute.id, { evidence: { product_description: 'Design credits' } });
      sandbox.setDisputeStatus(won.dispute.id, 'won');
      sandbox.setDisputeStatus(lost.dispute.id, 'lost');
      const disputes = await Promise.all(
        [won, lost].map(({ dispute }) =>
          stripe.disputes.retrieve(dispute.id, { expand: ['charge', 'payment_intent'] }),
        ),
      );

      // As 0002 stored them: jsonb object, a separate evidence copy, evidence_fields generated from it.
      await migrateDownThrough(migrated, '0003_stored_object');
      for (const dispute of disputes) {
        await migrated.pool.query(
          `INSERT INTO disputes (id, livemode, charge_id, amount, currency, reason, status, created, submission_count,
                                 card_brand, evidence, stripe_object, read_at)
           VALUES ($1, false, $2, $3, $4, $5, $6, to_timestamp($7), $8, $9, $10, $11, now())`,
          [
            dispute.id,
            typeof dispute.charge === 'string' ? dispute.charge : dispute.charge.id,
            dispute.amount,
            dispute.currency,
            dispute.reason,
            dispute.status,
            dispute.created,
            dispute.evidence_details.submission_count,
            dispute.payment_method_details?.card?.brand ?? null,
            JSON.stringify(dispute.evidence),
            JSON.stringify(dispute),
          ],
        );
      }
      const before = await statsTotals(migrated);
      expect(before.evidence.length).toBeGreaterThan(0);
      const generated = await migrated.pool.query<{ id: string; evidence_fields: string[] }>(
        'SELECT id, evidence_fields FROM disputes ORDER BY id',
      );

      expect((await migrate(migrated.pool))[0]).toBe('0003_stored_object');
      for (const dispute of disputes) {
        const row = await getDispute(migrated.pool, dispute.id);
        expect(row?.stripe_object).toEqual(dispute);
        // What 0002's SQL function worked out is what the writer now works out.
        const kept = generated.rows.find((entry) => entry.id === dispute.id)?.evidence_fields;
        expect(row?.evidence_fields).toEqual(kept);
        expect(row?.evidence_fields).toEqual(evidenceFields(dispute.evidence));
        expect(row && 'evidence' in row).toBe(false);
      }
      expect(await statsTotals(migrated)).toEqual(before);
      // The writer stores over a migrated row.
      for (const dispute of disputes) expect(await upsertDispute(migrated.pool, dispute, null, new Date())).toBe(true);
      expect(await statsTotals(migrated)).toEqual(before);

      await migrateDownThrough(migrated, '0003_stored_object');
      const restored = await migrated.pool.query<{
        id: string;
        evidence: unknown;
        evidence_fields: string[];
        kind: string;
      }>(`SELECT id, evidence, evidence_fields, pg_typeof(stripe_object)::text AS kind FROM disputes ORDER BY id`);
      expect(restored.rows).toEqual(
        generated.rows.map((entry) => ({
          ...entry,
          evidence: disputes.find((dispute) => dispute.id === entry.id)?.evidence,
          kind: 'jsonb',
        })),
      );
    } finally {
      await sandbox.close();
      await migrated.drop();
    }
  });

  it('0009 moves a database with history to one product, default, without losing a row; down moves it back', async () => {
    const migrated = await freshDatabase();
    const sandbox = await startStripeSandbox();
    try {
      for (const reason of ['fraudulent', 'product_not_received', 'duplicate'] as const) {
        await readyCase(migrated.pool, sandbox, { reason });
      }
      await migrated.pool.query(
        `INSERT INTO stripe_events (id, type, livemode, created, payload) VALUES ('evt_1', 'charge.dispute.created', false, now(), '{}')`,
      );
      await migrated.pool.query(
        `INSERT INTO autopilot_rules (reason, enabled, set_by) VALUES ('fraudulent', true, 'slack:U0ALICE001')`,
      );
      const snapshot = async () => ({
        disputes: (await migrated.pool.query('SELECT id, reason, status, amount FROM disputes ORDER BY id')).rows,
        cases: (await migrated.pool.query('SELECT id, dispute_id, state FROM cases ORDER BY id')).rows,
        drafts: (await migrated.pool.query('SELECT case_id, version, text FROM drafts ORDER BY case_id')).rows,
        events: (await migrated.pool.query('SELECT id FROM stripe_events')).rows,
        rules: (await migrated.pool.query('SELECT reason, enabled FROM autopilot_rules')).rows,
      });
      const before = await snapshot();
      expect(before.disputes).toHaveLength(3);

      await migrateDownThrough(migrated, '0009_products');
      expect(await snapshot()).toEqual(before);
      const columns = await migrated.pool.query(
        `SELECT table_name FROM information_schema.columns WHERE column_name = 'product' AND table_schema = 'public'`,
      );
      expect(columns.rows).toEqual([]);

      await migrate(migrated.pool);
      expect(await snapshot()).toEqual(before);
      const products = await migrated.pool.query(
        `SELECT DISTINCT product FROM disputes UNION SELECT product FROM stripe_events UNION SELECT product FROM autopilot_rules`,
      );
      expect(products.rows).toEqual([{ product: 'default' }]);
      // Autopilot rules are a product's own now: the same reason may be on in one product and off in another.
      await migrated.pool.query(
        `INSERT INTO autopilot_rules (product, reason, enabled, set_by) VALUES ('photos', 'fraudulent', false, 'x')`,
      );
      // Going back would mix the products up: refused, and nothing changed.
      await expect(migrateDownThrough(migrated, '0009_products')).rejects.toThrow(/products other than default/);
      expect((await migrated.pool.query('SELECT count(*)::int AS n FROM autopilot_rules')).rows[0]).toEqual({ n: 2 });
    } finally {
      await sandbox.close();
      await migrated.drop();
    }
  });

  it('0010 carries a sync interrupted before it into per-account places, which the next sync resumes; down restores them', async () => {
    const migrated = await freshDatabase();
    const sandbox = await startStripeSandbox();
    try {
      sandbox.seedDisputes(250, { seed: 5 });
      const listed = await sandbox.stripe().disputes.list({ limit: 100 });
      const cursor = listed.data.at(-1);
      if (!cursor) throw new Error('the stand-in listed nothing');
      // As 0009 recorded a run killed after its first page: the platform's place on the run's row.
      await migrateDownThrough(migrated, '0010_sync_accounts');
      const { rows } = await migrated.pool.query<{ id: number }>(
        `INSERT INTO sync_runs (status, started_by, cursor, cursor_created, head_created, seen, pages, finished_at)
         VALUES ('failed', 'cli', $1, to_timestamp($2), to_timestamp($3), 100, 1, now()) RETURNING id`,
        [cursor.id, cursor.created, listed.data[0]?.created],
      );

      expect(await migrate(migrated.pool)).toEqual([
        '0010_sync_accounts',
        '0011_sync_products',
        '0012_stats_products',
        '0013_early_fraud_warnings',
        '0014_stats_cases',
        '0015_evidence_files_external',
      ]);
      const places = await migrated.pool.query('SELECT run_id, account, status, cursor FROM sync_run_accounts');
      expect(places.rows).toEqual([{ run_id: rows[0]?.id, account: null, status: 'listing', cursor: cursor.id }]);
      const result = await runSync(
        {
          pool: migrated.pool,
          product: { id: 'default', stripe: createStripeClient('sk_test_migrated', sandbox.url) },
          log: createLogger('silent'),
        },
        { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY },
      );
      expect(result).toMatchObject({ status: 'done', resumedFrom: rows[0]?.id });
      // The history went on from the cursor: the 150 after it, and the catch-up's few at the newest second.
      expect(result.status === 'done' ? result.seen : 0).toBeLessThan(250);
      expect(sandbox.requests.some((request) => request.query.starting_after === cursor.id)).toBe(true);

      await migrateDownThrough(migrated, '0010_sync_accounts');
      const restored = await migrated.pool.query('SELECT id, cursor FROM sync_runs ORDER BY id');
      expect(restored.rows[0]).toEqual({ id: rows[0]?.id, cursor: cursor.id });
      expect(restored.rows).toHaveLength(2);
    } finally {
      await sandbox.close();
      await migrated.drop();
    }
  });

  it("0011 files every sync run before it under the default product, whose next sync resumes it; down is refused while another product's runs exist", async () => {
    const migrated = await freshDatabase();
    const sandbox = await startStripeSandbox();
    try {
      sandbox.seedDisputes(250, { seed: 6 });
      const listed = await sandbox.stripe().disputes.list({ limit: 100 });
      const cursor = listed.data.at(-1);
      if (!cursor) throw new Error('the stand-in listed nothing');
      // As 0010 recorded a run killed after its first page, and a finished one before it.
      await migrateDownThrough(migrated, '0011_sync_products');
      const { rows: runs } = await migrated.pool.query<{ id: number }>(
        `INSERT INTO sync_runs (status, started_by, seen, pages, finished_at)
         VALUES ('done', 'nightly', 0, 0, now() - interval '1 day'), ('failed', 'cli', 100, 1, now()) RETURNING id`,
      );
      const killed = runs[1]?.id;
      await migrated.pool.query(
        `INSERT INTO sync_run_accounts (run_id, account, cursor, cursor_created, head_created, seen, pages)
         VALUES ($1, NULL, $2, to_timestamp($3), to_timestamp($4), 100, 1)`,
        [killed, cursor.id, cursor.created, listed.data[0]?.created],
      );

      expect(await migrate(migrated.pool)).toEqual([
        '0011_sync_products',
        '0012_stats_products',
        '0013_early_fraud_warnings',
        '0014_stats_cases',
        '0015_evidence_files_external',
      ]);
      const products = await migrated.pool.query('SELECT id, product FROM sync_runs ORDER BY id');
      expect(products.rows).toEqual(runs.map((run) => ({ id: run.id, product: 'default' })));
      const sync = (product: string) =>
        runSync(
          {
            pool: migrated.pool,
            product: { id: product, stripe: createStripeClient('sk_test_migrated', sandbox.url) },
            log: createLogger('silent'),
          },
          { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY },
        );
      // Another product does not take the default product's place over; the default product's next sync does.
      expect(await sync('photos')).toMatchObject({ status: 'done', product: 'photos', resumedFrom: null });
      expect(await sync('default')).toMatchObject({ status: 'done', product: 'default', resumedFrom: killed });

      // Going back would leave photos' run to be resumed with the default product's key: refused, nothing changed.
      await expect(migrateDownThrough(migrated, '0011_sync_products')).rejects.toThrow(/products other than default/);
      const after = await migrated.pool.query(
        'SELECT product, count(*)::int AS n FROM sync_runs GROUP BY 1 ORDER BY 1',
      );
      expect(after.rows).toEqual([
        { product: 'default', n: 3 },
        { product: 'photos', n: 1 },
      ]);
      // With photos gone (its run, and the disputes it stored), the way back is open.
      await migrated.pool.query(`DELETE FROM sync_runs WHERE product = 'photos'`);
      await migrated.pool.query(
        `WITH gone AS (SELECT c.id FROM cases c JOIN disputes d ON d.id = c.dispute_id WHERE d.product = 'photos')
         DELETE FROM audit_log WHERE case_id IN (SELECT id FROM gone)`,
      );
      await migrated.pool.query(
        `DELETE FROM cases WHERE dispute_id IN (SELECT id FROM disputes WHERE product = 'photos')`,
      );
      await migrated.pool.query(`DELETE FROM disputes WHERE product = 'photos'`);
      await migrateDownThrough(migrated, '0011_sync_products');
      const columns = await migrated.pool.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'sync_runs' AND column_name = 'product'`,
      );
      expect(columns.rows).toEqual([]);
      expect((await migrated.pool.query('SELECT count(*)::int AS n FROM sync_runs')).rows[0]).toEqual({ n: 3 });
    } finally {
      await sandbox.close();
      await migrated.drop();
    }
  });

  it('0012 splits the stats totals of a database with history by product, losing nothing; down folds them back, refused while another product has disputes', async () => {
    const migrated = await freshDatabase();
    const sandbox = await startStripeSandbox();
    const sorted = <T>(rows: T[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    /** A dispute as the webhook job stores it for `product`; a decided one was answered with evidence first. */
    const store = async (product: string, reason: 'fraudulent' | 'duplicate', status: 'won' | 'lost' | null) => {
      const { dispute } = sandbox.createDispute({ reason, silent: true });
      if (status) {
        await sandbox.stripe().disputes.update(dispute.id, { evidence: { uncategorized_text: 'Used the product' } });
        sandbox.setDisputeStatus(dispute.id, status);
      }
      const read = await sandbox.stripe().disputes.retrieve(dispute.id, { expand: ['charge'] });
      await upsertDispute(migrated.pool, read, null, new Date(), product);
      return read.id;
    };
    /** Each product's totals, as the running totals hold them and as a fresh count of its disputes gives them. */
    const perProduct = async (product: string) => {
      const now = new Date();
      return {
        kept: sorted([
          ...(await statsCells(migrated.pool, null, product)),
          ...(await monthCells(migrated.pool, null, now, product)),
          ...(await evidenceCells(migrated.pool, null, product)),
        ]),
        counted: sorted([
          ...(await statsCells(migrated.pool, new Date(0), product)),
          ...(await monthCells(migrated.pool, new Date(0), now, product)),
          ...(await evidenceCells(migrated.pool, new Date(0), product)),
        ]),
      };
    };
    try {
      // As 0009–0011 kept them: disputes of two products, one set of totals mixing both.
      await migrateDownThrough(migrated, '0012_stats_products');
      for (const status of ['won', 'won', 'lost', null] as const) await store('default', 'fraudulent', status);
      await store('default', 'duplicate', 'won');
      const defaultOnly = await statsTotals(migrated);
      for (const status of ['lost', 'lost', 'lost', 'won'] as const) await store('photos', 'fraudulent', status);
      const mixed = await statsTotals(migrated);
      expect(mixed).not.toEqual(defaultOnly);

      expect((await migrate(migrated.pool))[0]).toBe('0012_stats_products');
      // Nothing lost: added up across products, the totals are what they were.
      const summed = {
        monthly: (
          await migrated.pool.query(
            `SELECT month, reason, network, currency, status, submitted, countered, sum(disputes)::bigint AS disputes,
                    sum(amount)::bigint AS amount
               FROM dispute_stats_monthly GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`,
          )
        ).rows,
        evidence: (
          await migrated.pool.query(
            `SELECT reason, won, evidence_fields, sum(disputes)::bigint AS disputes
               FROM dispute_stats_evidence GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
          )
        ).rows,
      };
      expect(summed).toEqual(mixed);
      // Each product's own: what a count of its disputes gives.
      for (const product of ['default', 'photos']) {
        const { kept, counted } = await perProduct(product);
        expect(kept).toEqual(counted);
      }
      const fraudulent = await migrated.pool.query(
        `SELECT product, sum(disputes) FILTER (WHERE status = 'won')::int AS won,
                sum(disputes) FILTER (WHERE status IN ('won', 'lost'))::int AS decided
           FROM dispute_stats_monthly WHERE reason = 'fraudulent' GROUP BY 1 ORDER BY 1`,
      );
      expect(fraudulent.rows).toEqual([
        { product: 'default', won: 2, decided: 3 },
        { product: 'photos', won: 1, decided: 4 },
      ]);
      // The triggers keep them per product from now on.
      await store('photos', 'duplicate', 'won');
      const late = await store('default', 'fraudulent', 'lost');
      for (const product of ['default', 'photos']) {
        const { kept, counted } = await perProduct(product);
        expect(kept).toEqual(counted);
      }

      // Going back would mix the products' histories: refused, and nothing changed.
      const split = await perProduct('photos');
      await expect(migrateDownThrough(migrated, '0012_stats_products')).rejects.toThrow(/products other than default/);
      expect(await perProduct('photos')).toEqual(split);

      // With the other product's disputes gone, down keeps the default product's totals as 0011 kept them.
      await migrated.pool.query(`DELETE FROM disputes WHERE product = 'photos'`);
      await migrated.pool.query('DELETE FROM disputes WHERE id = $1', [late]);
      await migrateDownThrough(migrated, '0012_stats_products');
      const folded = await statsTotals(migrated);
      expect(folded.monthly.filter((row) => row.disputes !== '0')).toEqual(defaultOnly.monthly);
      expect(folded.evidence.filter((row) => row.disputes !== '0')).toEqual(defaultOnly.evidence);
    } finally {
      await sandbox.close();
      await migrated.drop();
    }
  });

  it('0013 adds early_fraud_warnings; down drops it, and up again adds it empty', async () => {
    const migrated = await freshDatabase();
    try {
      const exists = async () =>
        (
          await migrated.pool.query<{ present: boolean }>(
            `SELECT to_regclass('early_fraud_warnings') IS NOT NULL AS present`,
          )
        ).rows[0]?.present;
      expect(await exists()).toBe(true);
      await migrated.pool.query(
        `INSERT INTO early_fraud_warnings (id, product, livemode, charge_id, fraud_type, actionable, amount,
           amount_refunded, currency, created, read_at, warning, recommendation, unattended, reasons, figures, state)
         VALUES ('issfr_1', 'default', false, 'ch_1', 'misc', true, 1200, 0, 'usd', now(), now(), '{}', 'refund',
                 'refund', '[]', '{}', 'pending')`,
      );
      // A state the code does not know is refused by the table itself.
      await expect(
        migrated.pool.query(`UPDATE early_fraud_warnings SET state = 'maybe' WHERE id = 'issfr_1'`),
      ).rejects.toThrow(/check constraint/);
      await migrateDownThrough(migrated, '0013_early_fraud_warnings');
      expect(await exists()).toBe(false);
      expect(await pendingMigrations(migrated.pool)).toEqual([
        '0013_early_fraud_warnings',
        '0014_stats_cases',
        '0015_evidence_files_external',
      ]);
      expect(await migrate(migrated.pool)).toEqual([
        '0013_early_fraud_warnings',
        '0014_stats_cases',
        '0015_evidence_files_external',
      ]);
      expect((await migrated.pool.query('SELECT count(*)::int AS n FROM early_fraud_warnings')).rows[0]).toEqual({
        n: 0,
      });
    } finally {
      await migrated.drop();
    }
  });

  it('0014 counts the cases of a database with history into per-case rows, which the triggers keep from then on; down drops them', async () => {
    const migrated = await freshDatabase();
    const sandbox = await startStripeSandbox();
    const sorted = <T>(rows: T[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const epoch = new Date(0);
    /** rebut's cases as the per-case rows give them and as a fresh count of cases, disputes and facts gives them. */
    const cells = async () => ({
      kept: sorted([...(await handlingCells(migrated.pool, null)), ...(await caseEvidenceCells(migrated.pool, null))]),
      counted: sorted([
        ...(await handlingCells(migrated.pool, epoch)),
        ...(await caseEvidenceCells(migrated.pool, epoch)),
      ]),
    });
    const present = async () =>
      (
        await migrated.pool.query<{ present: boolean }>(
          `SELECT to_regclass('dispute_stats_cases') IS NOT NULL AS present`,
        )
      ).rows[0]?.present;
    try {
      // As 0013 left a database: cases of two products, answered and not, with their facts and submissions.
      await migrateDownThrough(migrated, '0014_stats_cases');
      expect(await present()).toBe(false);
      const history: [string, 'fraudulent' | 'general', 'won' | 'lost' | null, string | null, string | null][] = [
        ['default', 'fraudulent', 'won', 'approved', 'approve'],
        ['default', 'fraudulent', 'lost', null, 'timer'],
        ['default', 'general', 'won', 'autopilot', 'autopilot'],
        ['photos', 'fraudulent', 'lost', 'edited', 'approve'],
        ['photos', 'general', null, null, null],
      ];
      for (const [index, [product, reason, status, handledBy, trigger]] of history.entries()) {
        const { dispute } = sandbox.createDispute({ reason, silent: true });
        if (status) {
          await sandbox.stripe().disputes.update(dispute.id, { evidence: { uncategorized_text: 'Used the product' } });
          sandbox.setDisputeStatus(dispute.id, status);
        }
        const read = await sandbox.stripe().disputes.retrieve(dispute.id, { expand: ['charge'] });
        await upsertDispute(migrated.pool, read, null, new Date(), product);
        const { rows } = await migrated.pool.query<{ id: number }>(
          'INSERT INTO cases (dispute_id, state, handled_by) VALUES ($1, $2, $3) RETURNING id',
          [read.id, status ?? 'awaiting_review', handledBy],
        );
        const caseId = rows[0]?.id;
        if (trigger) {
          await migrated.pool.query(
            `INSERT INTO submissions (case_id, dispute_id, trigger, actor, idempotency_key) VALUES ($1, $2, $3, 'test', $4)`,
            [caseId, read.id, trigger, `k${index}`],
          );
        }
        await migrated.pool.query(
          `INSERT INTO evidence_items (case_id, fact_id, kind, source, text, field, included) VALUES
             ($1, 'sql.activity.1', 'activity', 'sql', 'Logged in', 'access_activity_log', true),
             ($1, 'sql.deliverable.1', 'deliverable', 'sql', 'Logo delivered', 'service_documentation', $2)`,
          [caseId, index % 2 === 0],
        );
      }

      expect(await migrate(migrated.pool)).toEqual(['0014_stats_cases', '0015_evidence_files_external']);
      const { kept, counted } = await cells();
      expect(kept).toEqual(counted);
      const handled = (await handlingCells(migrated.pool, null)).reduce((sum, cell) => sum + cell.disputes, 0);
      expect(handled).toBe(history.length);
      expect(await caseEvidenceCells(migrated.pool, null, 'photos')).toEqual([
        {
          product: 'photos',
          reason: 'fraudulent',
          won: false,
          fields: ['uncategorized_text'],
          factKinds: ['activity'],
          itemFields: ['access_activity_log'],
          disputes: 1,
        },
      ]);
      // The triggers keep them from now on.
      await migrated.pool.query(`UPDATE cases SET handled_by = 'timer' WHERE handled_by IS NULL`);
      const after = await cells();
      expect(after.kept).toEqual(after.counted);
      expect(after.kept).not.toEqual(kept);

      // Down drops the rows and their triggers (writes go on without them); up again counts them afresh.
      await migrateDownThrough(migrated, '0014_stats_cases');
      expect(await present()).toBe(false);
      await migrated.pool.query(`UPDATE cases SET handled_by = NULL WHERE handled_by = 'timer'`);
      await migrated.pool.query('DELETE FROM evidence_items WHERE kind = $1', ['deliverable']);
      expect(await migrate(migrated.pool)).toEqual(['0014_stats_cases', '0015_evidence_files_external']);
      const again = await cells();
      expect(again.kept).toEqual(again.counted);
    } finally {
      await sandbox.close();
      await migrated.drop();
    }
  });

  it('a page of disputes is stored each with its own object, whole: line breaks, a line separator, a NUL dropped', async () => {
    const sandbox = await startStripeSandbox();
    try {
      const made = ['fraudulent', 'duplicate', 'general'].map(
        (reason) => sandbox.createDispute({ reason, silent: true }).dispute.id,
      );
      const read = await Promise.all(
        made.map((id) => sandbox.stripe().disputes.retrieve(id, { expand: ['charge', 'payment_intent'] })),
      );
      const [first, second, third] = read;
      if (!first || !second || !third) throw new Error('the stand-in made no disputes');
      // Text a customer typed, as Stripe keeps it: the stored object must be this, byte for byte once parsed.
      const typed = {
        ...second,
        metadata: { note: 'line one\nline two\r\n\u2028after a separator', name: 'Jenny\u0000 Rosen' },
      };
      expect(await upsertDisputes(db.pool, [third, typed, first], null, new Date())).toEqual({
        stored: 3,
        inserted: 3,
      });
      for (const dispute of [first, third])
        expect((await getDispute(db.pool, dispute.id))?.stripe_object).toEqual(dispute);
      expect((await getDispute(db.pool, typed.id))?.stripe_object).toEqual({
        ...typed,
        metadata: { ...typed.metadata, name: 'Jenny Rosen' },
      });
    } finally {
      await sandbox.close();
    }
  });

  it('withTransaction runs work again after a deadlock only when asked, and keeps nothing of the failed try', async () => {
    await db.pool.query('CREATE TABLE tries (n integer)');
    const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });
    let attempts = 0;
    const work = async (tx: Parameters<Parameters<typeof withTransaction>[1]>[0]) => {
      attempts += 1;
      await tx.query('INSERT INTO tries VALUES ($1)', [attempts]);
      if (attempts === 1) throw deadlock();
      return attempts;
    };
    expect(await withTransaction(db.pool, work, { retries: 2 })).toBe(2);
    expect((await db.pool.query('SELECT n FROM tries')).rows).toEqual([{ n: 2 }]);

    attempts = 0;
    await expect(withTransaction(db.pool, work)).rejects.toThrow('deadlock detected');
    expect(attempts).toBe(1);
    // A failure that is not a deadlock is never run again.
    await expect(
      withTransaction(
        db.pool,
        async () => {
          attempts += 1;
          throw new Error('not a deadlock');
        },
        { retries: 2 },
      ),
    ).rejects.toThrow('not a deadlock');
    expect(attempts).toBe(2);
    expect((await db.pool.query('SELECT n FROM tries')).rows).toEqual([{ n: 2 }]);
  });

  it("a named queue's unlock wakes a worker at once (NOTIFY at its commit), not at the next poll a second later", async () => {
    const queue = await startQueue({
      pool: db.pool,
      handlers: {},
      log: createLogger('silent'),
      metrics: createMetrics(db.pool),
      concurrency: 1,
      leaseMs: 30_000,
    });
    const listener = await db.pool.connect();
    try {
      await enqueue(db.pool, 'post-notice', { disputeId: 'du_wake' });
      const lock = (value: string) =>
        db.pool.query(
          `UPDATE graphile_worker._private_job_queues SET locked_at = ${value}, locked_by = ${value === 'NULL' ? 'NULL' : "'pool_x'"}
            WHERE queue_name = 'slack-channel'`,
        );
      await lock('now()');
      const heard: string[] = [];
      listener.on('notification', (message) => heard.push(`${message.channel} ${message.payload}`));
      await listener.query('LISTEN "jobs:insert"');
      await lock('now()'); // locked again: no wake-up
      await lock('NULL');
      await expect.poll(() => heard, { timeout: 5_000 }).toEqual(['jobs:insert {"count":1}']);
    } finally {
      await listener.query('UNLISTEN *');
      listener.release();
      await queue.stop();
      await db.pool.query('DELETE FROM graphile_worker._private_jobs');
    }
  });

  it("each product posts in its own queue: product a's Slack backlog never holds up product b's case", async () => {
    const sandbox = await startStripeSandbox();
    const caseOf = async (product: string) => {
      const { caseId, disputeId } = await readyCase(db.pool, sandbox);
      await db.pool.query('UPDATE disputes SET product = $2 WHERE id = $1', [disputeId, product]);
      return caseId;
    };
    const [a1, a2, b1] = [await caseOf('a'), await caseOf('a'), await caseOf('b')];
    for (const caseId of [a1, a2, b1]) await enqueue(db.pool, 'post-case', { caseId });
    const queues = await db.pool.query(
      `SELECT queue_name FROM graphile_worker.jobs WHERE task_identifier = 'post-case' ORDER BY id`,
    );
    expect(queues.rows.map((row) => row.queue_name)).toEqual(['slack-channel:a', 'slack-channel:a', 'slack-channel:b']);

    // a's first post hangs (Slack slow, or paced after a 429) until released.
    let release = () => {};
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started: number[] = [];
    const done: number[] = [];
    const queue = await startQueue({
      pool: db.pool,
      handlers: {
        'post-case': async ({ caseId }) => {
          started.push(caseId);
          if (caseId === a1) await hung;
          done.push(caseId);
        },
      },
      log: createLogger('silent'),
      metrics: createMetrics(db.pool),
      concurrency: 3,
      leaseMs: 30_000,
    });
    try {
      await expect.poll(() => done, { timeout: 10_000 }).toContain(b1);
      expect(started).not.toContain(a2); // a's posts stay one at a time
      release();
      await expect.poll(() => done, { timeout: 10_000 }).toEqual([b1, a1, a2]);
    } finally {
      release();
      await queue.stop();
      await sandbox.close();
    }
  });

  it("0015 stores a packet's files as they are (no compression tried), and reads them back whole; down compresses again", async () => {
    const migrated = await freshDatabase();
    const sandbox = await startStripeSandbox();
    // Compressible on purpose: only a column PostgreSQL never compresses keeps all 200,000 bytes on disk.
    const bytes = new Uint8Array(Buffer.from('%PDF-1.7 BT /F1 9 Tf (Service documentation) Tj ET\n'.repeat(4_000)));
    const stored = async () => {
      const { caseId } = await readyCase(migrated.pool, sandbox);
      const file = {
        filename: 'service_documentation.pdf',
        contentType: 'application/pdf',
        pages: 3,
        stripeFileId: 'file_1',
      };
      await saveFiles(migrated.pool, caseId, [{ field: 'service_documentation', bytes, ...file }]);
      const [read] = await loadFiles(migrated.pool, caseId);
      const { rows } = await migrated.pool.query<{ size: number; storage: string }>(
        `SELECT pg_column_size(bytes) AS size,
                (SELECT attstorage FROM pg_attribute WHERE attrelid = 'evidence_files'::regclass AND attname = 'bytes') AS storage
           FROM evidence_files WHERE case_id = $1`,
        [caseId],
      );
      return { read: read?.bytes, ...rows[0] };
    };
    try {
      const external = await stored();
      expect(external.storage).toBe('e');
      expect(external.size).toBe(bytes.length);
      expect(Buffer.compare(external.read ?? Buffer.alloc(0), Buffer.from(bytes))).toBe(0);

      await migrateDownThrough(migrated, '0015_evidence_files_external');
      const extended = await stored();
      expect(extended.storage).toBe('x');
      expect(extended.size).toBeLessThan(bytes.length / 10);
      expect(Buffer.compare(extended.read ?? Buffer.alloc(0), Buffer.from(bytes))).toBe(0);
    } finally {
      await sandbox.close();
      await migrated.drop();
    }
  });

  it("a delayed job's time is the database's clock plus the delay, never an instance's own clock", async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await queueWarningPost(client, 'issfr_1DelayedPost');
      const { rows } = await client.query<{ delay: number }>(
        `SELECT extract(epoch FROM run_at - now()) * 1000 AS delay FROM graphile_worker.jobs WHERE key = $1`,
        ['post-warning:issfr_1DelayedPost'],
      );
      expect(Number(rows[0]?.delay)).toBe(WARNING_POST_DELAY_MS);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it("a worker takes the jobs nearest a case's end first: posts, then drafts, then evidence, then new events", async () => {
    const order: string[] = [];
    const record = (job: JobName) => async (payload: { caseId: number } | { eventId: string }) => {
      order.push(`${job}:${'caseId' in payload ? payload.caseId : payload.eventId}`);
    };
    // Enqueued oldest first in the reverse of the order they should run in.
    for (const n of [1, 2]) await enqueue(db.pool, 'process-event', { eventId: String(n) });
    for (const job of ['prepare-case', 'draft-case', 'post-case'] as const) {
      for (const n of [1, 2]) await enqueue(db.pool, job, { caseId: n });
    }
    const queue = await startQueue({
      pool: db.pool,
      handlers: {
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
