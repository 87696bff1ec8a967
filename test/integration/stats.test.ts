import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { transitionCase } from '../../src/db/cases.js';
import { upsertDispute, upsertDisputes } from '../../src/db/disputes.js';
import { saveFacts } from '../../src/db/evidence.js';
import type { Fact, FactKind } from '../../src/dispute/facts.js';
import { createLogger } from '../../src/log.js';
import { cachedEffectiveness, computeStats, effectivenessOrder } from '../../src/stats/index.js';
import { caseEvidenceCells, evidenceCells, handlingCells, monthCells, statsCells } from '../../src/stats/queries.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { runSync, type SyncDeps } from '../../src/sync/index.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const DAY = 86_400;

let db: TestDatabase;
let sandbox: StripeSandbox;
let deps: SyncDeps;

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  sandbox = await startStripeSandbox();
  await db.pool.query('TRUNCATE disputes, cases, submissions, evidence_items, audit_log, sync_runs CASCADE');
  deps = {
    pool: db.pool,
    product: { id: 'default', stripe: createStripeClient('sk_test_stats', sandbox.url) },
    log: createLogger('silent'),
  };
});
afterEach(async () => {
  await sandbox.close();
});

async function sync(): Promise<void> {
  const result = await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
  expect(result.status).toBe('done');
}

/** A dispute as Stripe would hold it, stored the way the webhook job stores it. */
async function stored(input: Parameters<StripeSandbox['createDispute']>[0], status?: 'won' | 'lost') {
  const { dispute } = sandbox.createDispute({ silent: true, ...input });
  if (status) sandbox.setDisputeStatus(dispute.id, status);
  const read = await sandbox.stripe().disputes.retrieve(dispute.id, { expand: ['charge'] });
  await upsertDispute(db.pool, read, null, new Date());
  return read;
}

async function caseFor(disputeId: string, handledBy: string | null, state = 'submitted'): Promise<number> {
  const { rows } = await db.pool.query<{ id: number }>(
    `INSERT INTO cases (dispute_id, state, handled_by, auto_submit_at) VALUES ($1, $2, $3, now() + interval '1 day')
     RETURNING id`,
    [disputeId, state, handledBy],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('no case');
  return id;
}

function sorted<T>(rows: T[]): T[] {
  return [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('stats', () => {
  it('an empty database gives a friendly empty answer, from the library and from `rebut stats`', async () => {
    for (const window of ['30d', '90d', 'all'] as const) {
      const stats = await computeStats(db.pool, { window });
      expect(stats).toMatchObject({ disputes: 0, winRate: { rate: null, low: null }, byReason: [], money: [] });
      expect(JSON.stringify(stats)).not.toMatch(/NaN|Infinity/);
    }
    const text = await run(process.execPath, ['bin/rebut.js', 'stats'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: '/tmp', DATABASE_URL: db.url },
    });
    expect(text.stdout).toContain('No disputes stored yet. Run `rebut sync`');
    // It says which database it read, without the password.
    const database = new URL(db.url);
    expect(text.stderr).toContain(`Read from DATABASE_URL (${database.host}${database.pathname}).`);
    if (database.password) expect(text.stderr).not.toContain(database.password);
    const json = await run(process.execPath, ['bin/rebut.js', 'stats', '--json', '--window', '30d'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: '/tmp', DATABASE_URL: db.url },
    });
    expect(JSON.parse(json.stdout)).toMatchObject({ window: '30d', disputes: 0, winRate: { rate: null } });
  });

  it('`rebut sync` then `rebut stats --json` from a terminal: every dispute counted', async () => {
    sandbox.seedDisputes(250, { seed: 3 });
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: '/tmp',
      DATABASE_URL: db.url,
      STRIPE_SECRET_KEY: 'sk_test_cli',
      STRIPE_API_URL: sandbox.url,
    };
    const synced = await run(process.execPath, ['bin/rebut.js', 'sync'], { cwd: root, env });
    expect(synced.stdout).toContain('Synced 250 disputes');
    const json = await run(process.execPath, ['bin/rebut.js', 'stats', '--json'], { cwd: root, env });
    const stats = JSON.parse(json.stdout);
    expect(stats.disputes).toBe(250);
    expect(stats.winRate.decided).toBeGreaterThan(0);
    // Again, as data: the result alone on stdout, no progress bar.
    const again = await run(process.execPath, ['bin/rebut.js', 'sync', '--json'], { cwd: root, env });
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'done', seen: expect.any(Number), inserted: 0 });
    expect(again.stderr).not.toContain('Listing disputes');
  });

  it('the running totals kept by triggers equal a fresh count after inserts, updates and deletes', async () => {
    sandbox.seedDisputes(400, { seed: 7 });
    await sync();
    // Decisions arrive, some through the webhook path, some through the next sync; rows are removed.
    const { rows } = await db.pool.query<{ id: string }>(
      "SELECT id FROM disputes WHERE status IN ('needs_response', 'under_review') ORDER BY id LIMIT 20",
    );
    for (const [index, { id }] of rows.entries()) sandbox.setDisputeStatus(id, index % 2 ? 'won' : 'lost');
    for (const { id } of rows.slice(0, 5)) {
      await upsertDispute(db.pool, await sandbox.stripe().disputes.retrieve(id), null, new Date());
    }
    await sync();
    await db.pool.query(
      `DELETE FROM disputes WHERE id IN (SELECT d.id FROM disputes d WHERE d.status = 'lost'
          AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.dispute_id = d.id) LIMIT 7)`,
    );

    const kept = await statsCells(db.pool, null);
    const counted = await statsCells(db.pool, new Date(0));
    expect(sorted(kept)).toEqual(sorted(counted));
    const now = new Date();
    expect(sorted(await monthCells(db.pool, null, now))).toEqual(sorted(await monthCells(db.pool, new Date(0), now)));
    expect(kept.reduce((sum, cell) => sum + cell.disputes, 0)).toBe(393);
    expect(sorted(await evidenceCells(db.pool, null))).toEqual(sorted(await evidenceCells(db.pool, new Date(0))));
    const all = await computeStats(db.pool, { window: 'all' });
    expect(all.disputes).toBe(393);
  });

  it("rebut's cases counted by the triggers (handling, the packet's facts) equal a fresh count after every kind of write", async () => {
    const epoch = new Date(0);
    /** The per-case rows against a fresh count from cases, disputes, submissions and facts: all, per product, per reason. */
    async function expectCountedAfresh(step: string): Promise<void> {
      for (const product of [null, 'default', 'photos']) {
        expect(sorted(await handlingCells(db.pool, null, product)), `${step}: handling of ${product}`).toEqual(
          sorted(await handlingCells(db.pool, epoch, product)),
        );
        expect(sorted(await caseEvidenceCells(db.pool, null, product)), `${step}: facts of ${product}`).toEqual(
          sorted(await caseEvidenceCells(db.pool, epoch, product)),
        );
      }
      expect(sorted(await caseEvidenceCells(db.pool, null, null, 'fraudulent')), `${step}: facts of a reason`).toEqual(
        sorted(await caseEvidenceCells(db.pool, epoch, null, 'fraudulent')),
      );
      // Every case is counted once, so the comparison is never between two empty answers.
      const { rows } = await db.pool.query<{ cases: number }>('SELECT count(*)::int AS cases FROM cases');
      const counted = (await handlingCells(db.pool, null)).reduce((sum, cell) => sum + cell.disputes, 0);
      expect(counted, `${step}: cases counted`).toBe(rows[0]?.cases);
    }
    const fact = (id: string, kind: FactKind): Fact => ({
      id,
      kind,
      text: `A fact of kind ${kind}`,
      at: null,
      source: 'sql',
    });
    const caseOf = async (disputeId: string): Promise<number> => {
      const { rows } = await db.pool.query<{ id: number }>('SELECT id FROM cases WHERE dispute_id = $1', [disputeId]);
      const id = rows[0]?.id;
      if (id === undefined) throw new Error(`no case for ${disputeId}`);
      return id;
    };

    // Disputes needing a response, and history around them, stored by a sync (a batch upsert) that opens their cases.
    sandbox.seedDisputes(150, { seed: 11 });
    const reasons = ['fraudulent', 'fraudulent', 'product_not_received', 'general', 'fraudulent', 'duplicate'];
    const disputes = reasons.map((reason) => sandbox.createDispute({ reason, silent: true }).dispute.id);
    await sync();
    const cases = await Promise.all(disputes.map(caseOf));
    await expectCountedAfresh('cases opened by a sync');

    // Evidence submitted (fields, submission_count, under review), then Stripe decides (status alone); each read by
    // the webhook job for two disputes and by the next sync for the rest (which settles the cases answered outside).
    const readBack = async (step: string) => {
      for (const id of disputes.slice(0, 2)) {
        await upsertDispute(db.pool, await sandbox.stripe().disputes.retrieve(id), null, new Date());
      }
      await expectCountedAfresh(`${step} read by the webhook job`);
      await sync();
      await expectCountedAfresh(`${step} read by a sync`);
    };
    for (const [index, id] of disputes.slice(0, 5).entries()) {
      await sandbox.stripe().disputes.update(id, {
        evidence: {
          access_activity_log: 'Signed in after the purchase',
          ...(index % 2 ? { product_description: 'The Pro plan' } : {}),
        },
        submit: true,
      });
    }
    await readBack('evidence submitted');
    for (const [index, id] of disputes.slice(0, 5).entries()) sandbox.setDisputeStatus(id, index % 3 ? 'won' : 'lost');
    await readBack('decisions');

    // Each packet's facts (with the Stripe field each went into), stored as prepare-case stores them and replaced.
    const activity = fact('sql.activity.1', 'activity');
    const deliverable = fact('sql.deliverable.1', 'deliverable');
    const communication = fact('sql.communication.1', 'communication');
    const fields = new Map([
      [activity.id, 'access_activity_log'],
      [deliverable.id, 'service_documentation'],
    ]);
    for (const [index, caseId] of cases.entries()) {
      const facts = [fact('stripe.charge', 'charge'), activity, ...(index % 2 ? [deliverable] : []), communication];
      await saveFacts(db.pool, caseId, facts, fields);
    }
    await expectCountedAfresh('facts stored');
    await saveFacts(db.pool, cases[0] ?? 0, [fact('stripe.charge', 'charge'), deliverable], fields);
    await expectCountedAfresh('facts replaced');
    await saveFacts(db.pool, cases[1] ?? 0, [], fields);
    await expectCountedAfresh('facts removed');
    await db.pool.query("UPDATE evidence_items SET included = false WHERE kind = 'communication' AND case_id = $1", [
      cases[2],
    ]);
    await expectCountedAfresh('a fact left out of the packet');
    await db.pool.query("UPDATE evidence_items SET field = 'customer_communication' WHERE kind = 'communication'");
    await expectCountedAfresh('facts moved to another field');

    // Who decided: a move that records it, several cases cleared in one statement, a move that does not touch it.
    expect(await transitionCase(db.pool, cases[5] ?? 0, 'prepared', { handledBy: 'edited' })).toBeDefined();
    await db.pool.query('UPDATE cases SET handled_by = NULL WHERE id = ANY($1::bigint[])', [cases.slice(2, 5)]);
    await db.pool.query("UPDATE cases SET state = 'submitted', updated_at = now() WHERE id = $1", [cases[0]]);
    await expectCountedAfresh('handled_by set and cleared');

    // A submission decides the handling of a case nobody marked; it changes and goes.
    const submit = (index: number, trigger: string) =>
      db.pool.query(
        `INSERT INTO submissions (case_id, dispute_id, trigger, actor, idempotency_key)
         VALUES ($1, $2, $3, 'test', $4)`,
        [cases[index], disputes[index], trigger, `k${index}`],
      );
    await submit(2, 'timer');
    await submit(3, 'approve');
    await submit(4, 'approve');
    await expectCountedAfresh('submissions inserted');
    await db.pool.query("UPDATE submissions SET trigger = 'autopilot' WHERE dispute_id = $1", [disputes[3]]);
    await expectCountedAfresh('a submission changed');
    await db.pool.query('DELETE FROM submissions WHERE dispute_id = $1', [disputes[4]]);
    await expectCountedAfresh('a submission deleted');

    // Columns written by hand: another product, another reason, another opening date, the fields and the count.
    await db.pool.query("UPDATE disputes SET product = 'photos' WHERE id = ANY($1::text[])", [disputes.slice(0, 2)]);
    await db.pool.query(
      "UPDATE disputes SET reason = 'unrecognized', created = created - interval '1 year' WHERE id = $1",
      [disputes[2]],
    );
    await db.pool.query("UPDATE disputes SET evidence_fields = '{receipt}', submission_count = 2 WHERE id = $1", [
      disputes[3],
    ]);
    await db.pool.query('UPDATE disputes SET submission_count = 0 WHERE id = $1', [disputes[4]]);
    await expectCountedAfresh('disputes changed by hand');
    expect((await caseEvidenceCells(db.pool, null)).length).toBeGreaterThan(1);

    // A case removed with its facts (and what refers to it), then every fact and every submission at once.
    await db.pool.query('DELETE FROM submissions WHERE case_id = $1', [cases[3]]);
    await db.pool.query('DELETE FROM audit_log WHERE case_id = $1', [cases[3]]);
    await db.pool.query('DELETE FROM cases WHERE id = $1', [cases[3]]);
    await expectCountedAfresh('a case deleted');
    await db.pool.query('TRUNCATE evidence_items');
    await expectCountedAfresh('facts truncated');
    await db.pool.query('TRUNCATE submissions');
    await expectCountedAfresh('submissions truncated');
  });

  it("two transactions writing one case's inputs at once: the one that waited counts what the other committed", async () => {
    const epoch = new Date(0);
    const countedAfresh = async () => {
      expect(sorted(await handlingCells(db.pool, null))).toEqual(sorted(await handlingCells(db.pool, epoch)));
      expect(sorted(await caseEvidenceCells(db.pool, null))).toEqual(sorted(await caseEvidenceCells(db.pool, epoch)));
    };
    /**
     * Runs `first` in an open transaction, then `second` in another, and commits the first once the second waits for
     * it (or has finished, when nothing made it wait); then the second.
     */
    async function interleaved(first: string, firstParams: unknown[], second: string, secondParams: unknown[]) {
      const [a, b] = [await db.pool.connect(), await db.pool.connect()];
      try {
        await a.query('BEGIN');
        await a.query(first, firstParams);
        await b.query('BEGIN');
        const pid = (await b.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
        let done = false;
        const waiting = b.query(second, secondParams).finally(() => {
          done = true;
        });
        for (let waits = false; !done && !waits; ) {
          const { rows } = await db.pool.query<{ waits: boolean }>(
            "SELECT wait_event_type = 'Lock' AS waits FROM pg_stat_activity WHERE pid = $1",
            [pid],
          );
          waits = rows[0]?.waits ?? false;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await a.query('COMMIT');
        await waiting;
        await b.query('COMMIT');
      } finally {
        a.release();
        b.release();
      }
    }

    // An answered case's facts are stored while Stripe's decision is read: the decision's count waits for the facts.
    const answered = await stored({ reason: 'fraudulent' });
    await db.pool.query('UPDATE disputes SET submission_count = 1 WHERE id = $1', [answered.id]);
    const caseId = await caseFor(answered.id, 'approved');
    await interleaved(
      `INSERT INTO evidence_items (case_id, fact_id, kind, source, text, field)
       VALUES ($1, 'sql.activity.1', 'activity', 'sql', 'Logged in', 'access_activity_log')`,
      [caseId],
      "UPDATE disputes SET status = 'won' WHERE id = $1",
      [answered.id],
    );
    expect(await caseEvidenceCells(db.pool, null)).toEqual([
      expect.objectContaining({ won: true, factKinds: ['activity'], itemFields: ['access_activity_log'] }),
    ]);
    await countedAfresh();

    // A case opened while another transaction's read of its dispute is not yet committed: counted with that read.
    const opened = await stored({ reason: 'general' });
    await interleaved(
      "UPDATE disputes SET status = 'lost', submission_count = 1 WHERE id = $1",
      [opened.id],
      `INSERT INTO cases (dispute_id, state, handled_by) VALUES ($1, 'submitted', 'timer')`,
      [opened.id],
    );
    expect(await handlingCells(db.pool, null)).toEqual(
      expect.arrayContaining([{ product: 'default', handling: 'timer', status: 'lost', disputes: 1 }]),
    );
    await countedAfresh();
  });

  it("the countered fee starts on 2025-06-17 in the totals exactly as in Stripe's pricing (COUNTERED_FEE_SINCE)", async () => {
    const boundary = Date.UTC(2025, 5, 17) / 1000;
    await stored({ reason: 'fraudulent', created: boundary - 1, amount: 1000 }, 'lost');
    await stored({ reason: 'fraudulent', created: boundary, amount: 2000 }, 'lost');
    const kept = sorted(await statsCells(db.pool, null));
    expect(kept.map((cell) => [cell.amount, cell.countered])).toEqual([
      [1000, false],
      [2000, true],
    ]);
    expect(kept).toEqual(sorted(await statsCells(db.pool, new Date(0))));
  });

  it('money is reported per currency and never added across currencies', async () => {
    await stored({ reason: 'fraudulent', currency: 'usd', amount: 5_000 }, 'won');
    await stored({ reason: 'fraudulent', currency: 'eur', amount: 7_000 }, 'lost');
    await stored({ reason: 'duplicate', currency: 'eur', amount: 1_000 });
    const stats = await computeStats(db.pool, { window: 'all' });
    expect(stats.money).toEqual([
      { currency: 'eur', disputes: 2, disputed: 8_000, recovered: 0, lost: 7_000, atStake: 1_000, fees: 2 * 2_000 },
      { currency: 'usd', disputes: 1, disputed: 5_000, recovered: 5_000, lost: 0, atStake: 0, fees: 1_500 },
    ]);
  });

  it('a window counts only the disputes opened in it', async () => {
    const now = Math.floor(Date.now() / 1000);
    await stored({ reason: 'fraudulent', created: now - 10 * DAY }, 'won');
    await stored({ reason: 'fraudulent', created: now - 60 * DAY }, 'lost');
    await stored({ reason: 'fraudulent', created: now - 200 * DAY }, 'lost');
    const counts = await Promise.all(
      (['30d', '90d', 'all'] as const).map(async (window) => (await computeStats(db.pool, { window })).disputes),
    );
    expect(counts).toEqual([1, 2, 3]);
    const recent = await computeStats(db.pool, { window: '30d' });
    expect(recent.winRate).toMatchObject({ decided: 1, won: 1, rate: 1 });
    expect(recent.since?.getTime()).toBeCloseTo(Date.now() - 30 * DAY * 1000, -4);
  });

  it('by handling: approved as drafted, edited, autopilot, timer — and the disputes rebut never handled', async () => {
    const ids = await Promise.all([
      stored({ reason: 'fraudulent' }, 'won'),
      stored({ reason: 'fraudulent' }, 'won'),
      stored({ reason: 'fraudulent' }, 'lost'),
      stored({ reason: 'fraudulent' }, 'won'),
      stored({ reason: 'fraudulent' }, 'lost'),
      stored({ reason: 'fraudulent' }, 'lost'),
    ]);
    const handlers = ['approved', 'edited', 'autopilot', null, null];
    for (const [index, handler] of handlers.entries()) {
      const dispute = ids[index];
      if (!dispute) continue;
      const caseId = await caseFor(dispute.id, handler);
      // A case submitted by the timer before handled_by existed still counts as the timer's.
      if (index === 3) {
        await db.pool.query(
          `INSERT INTO submissions (case_id, dispute_id, trigger, actor, idempotency_key)
           VALUES ($1, $2, 'timer', 'timer', 'k')`,
          [caseId, dispute.id],
        );
      }
    }
    const stats = await computeStats(db.pool, { window: 'all' });
    expect(stats.byHandling.map((group) => [group.key, group.won, group.lost])).toEqual([
      ['approved', 1, 0],
      ['edited', 1, 0],
      ['autopilot', 0, 1],
      ['timer', 1, 0],
      ['unanswered', 0, 1],
      ['outside', 0, 1],
    ]);
  });

  it("evidence effectiveness uses the packet's facts for rebut's cases", async () => {
    // One of rebut's own cases: the packet held activity and deliverables that Stripe's fields do not name.
    const dispute = await stored({ reason: 'general' }, 'won');
    await db.pool.query('UPDATE disputes SET submission_count = 1 WHERE id = $1', [dispute.id]);
    const caseId = await caseFor(dispute.id, 'approved');
    await db.pool.query(
      `INSERT INTO evidence_items (case_id, fact_id, kind, source, text, field, included) VALUES
         ($1, 'sql.activity.1', 'activity', 'sql', 'Logged in', 'access_activity_log', true),
         ($1, 'sql.deliverable.1', 'deliverable', 'sql', 'Logo delivered', 'service_documentation', true),
         ($1, 'sql.communication.1', 'communication', 'sql', 'Left out', null, false)`,
      [caseId],
    );
    const stats = await computeStats(db.pool, { window: 'all', minSample: 1 });
    const general = stats.effectiveness.find((entry) => entry.reason === 'general');
    expect(general?.answered).toMatchObject({ decided: 1, won: 1 });
    const kinds = general?.kinds.map((effect) => effect.kind) ?? [];
    expect(kinds).toEqual(expect.arrayContaining(['post_payment_activity', 'deliverables']));
    expect(kinds).not.toContain('customer_communication');
  });

  it('the playbooks get measured lifts once both sides have enough decided disputes, and nothing before', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent', silent: true });
    const template = await sandbox.stripe().disputes.retrieve(dispute.id);
    // 25 answered with an activity log (20 won), 25 without (5 won): +60 points.
    const answered = (index: number, withLog: boolean, won: boolean) => ({
      ...template,
      id: `du_fx_${withLog ? 'log' : 'none'}_${index}`,
      status: won ? ('won' as const) : ('lost' as const),
      evidence: { ...template.evidence, access_activity_log: withLog ? 'Signed in from 203.0.113.7' : null },
      evidence_details: { ...template.evidence_details, submission_count: 1 },
    });
    await upsertDisputes(
      db.pool,
      [
        ...Array.from({ length: 25 }, (_, index) => answered(index, true, index < 20)),
        ...Array.from({ length: 25 }, (_, index) => answered(index, false, index < 5)),
      ],
      null,
      new Date(),
    );
    expect(await effectivenessOrder(db.pool, 'default', 'fraudulent', 26)).toBeUndefined();
    expect(await effectivenessOrder(db.pool, 'default', 'general', 1)).toBeUndefined();
    const lifts = await effectivenessOrder(db.pool, 'default', 'fraudulent', 25);
    expect(lifts).toEqual({ post_payment_activity: expect.closeTo(0.6, 10) });
  });

  it("a product's playbooks are ordered by its own measured lifts, never by another product's", async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent', silent: true });
    const template = await sandbox.stripe().disputes.retrieve(dispute.id);
    // Snapwise's answered disputes: with an activity log 24 of 30 won, without it 6 of 30 (enough for the playbooks).
    const answered = (index: number, withLog: boolean) => ({
      ...template,
      id: `du_photos_${withLog ? 'log' : 'none'}_${index}`,
      status: index < (withLog ? 24 : 6) ? ('won' as const) : ('lost' as const),
      evidence: { ...template.evidence, access_activity_log: withLog ? 'Signed in from 203.0.113.7' : null },
      evidence_details: { ...template.evidence_details, submission_count: 1 },
    });
    const photos = [true, false].flatMap((withLog) =>
      Array.from({ length: 30 }, (_, index) => answered(index, withLog)),
    );
    await upsertDisputes(db.pool, photos, null, new Date(), 'photos');
    const lift = { post_payment_activity: expect.closeTo(0.6, 10) };
    expect(await effectivenessOrder(db.pool, 'photos', 'fraudulent')).toEqual(lift);
    expect(await effectivenessOrder(db.pool, 'default', 'fraudulent')).toBeUndefined();
    // What prepare-case asks, per product and reason.
    const cached = cachedEffectiveness(db.pool);
    expect(await cached('photos', 'fraudulent')).toEqual(lift);
    expect(await cached('default', 'fraudulent')).toBeUndefined();
    expect(await cached('interior', 'fraudulent')).toBeUndefined();
  });

  it('lists open cases with their deadlines, soonest first, whatever the window', async () => {
    const now = Math.floor(Date.now() / 1000);
    const later = await stored({ reason: 'fraudulent', created: now - DAY, dueInDays: 9 });
    const sooner = await stored({ reason: 'duplicate', created: now - 5 * DAY, dueInDays: 7 });
    await caseFor(later.id, null, 'awaiting_review');
    await caseFor(sooner.id, null, 'new');
    const done = await stored({ reason: 'general' }, 'won');
    await caseFor(done.id, 'approved', 'won');
    const stats = await computeStats(db.pool, { window: '30d' });
    expect(stats.openCases.total).toBe(2);
    expect(stats.openCases.cases.map((open) => [open.disputeId, open.state])).toEqual([
      [sooner.id, 'new'],
      [later.id, 'awaiting_review'],
    ]);
    expect(stats.openCases.cases[0]?.dueBy?.getTime()).toBe((now - 5 * DAY + 7 * DAY) * 1000);
  });
});
