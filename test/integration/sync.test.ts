import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { openCase } from '../../src/db/cases.js';
import { getDispute, upsertDispute } from '../../src/db/disputes.js';
import { JOBS } from '../../src/jobs/definitions.js';
import { createLogger } from '../../src/log.js';
import { createStripeClient } from '../../src/stripe/client.js';
import {
  NIGHTLY_LOOKBACK_MS,
  runSync,
  type SyncDeps,
  type SyncResult,
  startNightlySync,
} from '../../src/sync/index.js';
import type { SyncProgress } from '../../src/sync/progress.js';
import { waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const execFileAsync = promisify(execFile);
const HOUR = 3_600_000;

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
  // Every test starts from an empty account and an empty database.
  sandbox = await startStripeSandbox();
  await db.pool.query(
    'TRUNCATE disputes, cases, submissions, evidence_items, audit_log, sync_runs, sync_run_accounts, drafts, evidence_files CASCADE',
  );
  await db.pool.query('DELETE FROM graphile_worker._private_jobs');
  deps = {
    pool: db.pool,
    product: { id: 'default', stripe: createStripeClient('sk_test_sync', sandbox.url) },
    log: createLogger('silent'),
  };
});
afterEach(async () => {
  await sandbox.close();
});

/** Every dispute id the stand-in holds, straight from its list (the truth to compare with). */
async function standInIds(): Promise<string[]> {
  const client = sandbox.stripe();
  const ids: string[] = [];
  for await (const dispute of client.disputes.list({ limit: 100 })) ids.push(dispute.id);
  return ids.sort();
}

async function storedIds(): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM disputes ORDER BY id');
  return rows.map((row) => row.id);
}

function listRequests() {
  return sandbox.requests.filter((request) => request.method === 'GET' && request.path === '/v1/disputes');
}

describe('dispute sync', () => {
  it('stores every dispute Stripe lists, once, with its charge, and records the run', async () => {
    sandbox.seedDisputes(450, { seed: 11 });
    const progress: SyncProgress[] = [];
    const result = await runSync(deps, {
      startedBy: 'test',
      requestsPerSecond: Number.POSITIVE_INFINITY,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ status: 'done', seen: 450, pages: 5, inserted: 450, resumedFrom: null });
    expect(await storedIds()).toEqual(await standInIds());
    // Once as the platform's listing starts, after every page, and once at the end.
    expect(progress.map((p) => p.seen)).toEqual([0, 100, 200, 300, 400, 450, 450]);
    expect(progress.at(-1)?.done).toBe(true);
    // Pages of 100 with the charge expanded, newest first, each after the last id of the one before.
    const requests = listRequests();
    expect(requests[0]?.query).toMatchObject({ limit: '100', expand: ['data.charge', 'data.payment_intent'] });
    expect(requests[1]?.query.starting_after).toBeDefined();
    const row = await getDispute(db.pool, (await storedIds())[0] ?? '');
    expect(typeof row?.stripe_object.charge).toBe('object');
    expect(row?.customer_email).toMatch(/@example\.com$/);
    const { rows } = await db.pool.query('SELECT status, seen, pages, started_by, finished_at FROM sync_runs');
    expect(rows).toEqual([{ status: 'done', seen: 450, pages: 5, started_by: 'test', finished_at: expect.any(Date) }]);
  });

  it('a dispute whose customer typed a NUL is stored without it, and the rest of its page with it', async () => {
    const { dispute } = sandbox.createDispute({
      reason: 'fraudulent',
      customer: { name: 'Jo\u0000 Bloggs', email: 'jo@example.com' },
      silent: true,
    });
    sandbox.seedDisputes(20, { seed: 9 });
    const result = await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
    expect(result).toMatchObject({ status: 'done', seen: 21 });
    const row = await getDispute(db.pool, dispute.id);
    const charge = row?.stripe_object.charge;
    // The charge is stored expanded (an object), not as its id.
    expect(typeof charge === 'object' ? charge.billing_details.name : charge).toBe('Jo Bloggs');
  });

  it('opens a case (and queues prepare-case) for every open dispute without one, and only those', async () => {
    const already = sandbox.createDispute({ reason: 'fraudulent', silent: true });
    const fresh = sandbox.createDispute({ reason: 'product_not_received', silent: true });
    const inquiry = sandbox.createDispute({ reason: 'general', inquiry: true, silent: true });
    const pastDue = sandbox.createDispute({
      reason: 'fraudulent',
      created: Math.floor(Date.now() / 1000) - 20 * 86_400,
      silent: true,
    });
    const won = sandbox.createDispute({ reason: 'duplicate', silent: true });
    sandbox.setDisputeStatus(won.dispute.id, 'won');
    const existing = sandbox.stripe();
    await upsertDispute(db.pool, await existing.disputes.retrieve(already.dispute.id), null, new Date());
    const before = await openCase(db.pool, already.dispute.id, new Date(Date.now() + HOUR));

    const result = await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
    expect(result).toMatchObject({ status: 'done', casesOpened: 2 });
    const { rows } = await db.pool.query<{
      id: number;
      dispute_id: string;
      state: string;
      auto_submit_at: Date | null;
    }>('SELECT id, dispute_id, state, auto_submit_at FROM cases ORDER BY id');
    expect(rows.map((row) => row.dispute_id).sort()).toEqual(
      [already.dispute.id, fresh.dispute.id, inquiry.dispute.id].sort(),
    );
    expect(rows.find((row) => row.dispute_id === already.dispute.id)?.id).toBe(before?.id);
    expect(rows.map((row) => row.dispute_id)).not.toContain(pastDue.dispute.id);
    // No clock runs on an imported case until a person can see it in Slack (cases/review-window.ts).
    const freshCase = rows.find((row) => row.dispute_id === fresh.dispute.id);
    expect(freshCase?.auto_submit_at).toBeNull();
    const jobs = await db.pool.query<{ payload: { caseId: number }; key: string | null; priority: number }>(
      `SELECT j.payload, j.key, j.priority FROM graphile_worker._private_jobs j
         JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'prepare-case'`,
    );
    expect(new Set(jobs.rows.map((job) => job.priority))).toEqual(new Set([JOBS['prepare-case'].priority]));
    const opened = rows.filter((row) => row.dispute_id !== already.dispute.id);
    expect(jobs.rows.map((job) => job.payload.caseId).sort()).toEqual(opened.map((row) => row.id).sort());
    expect(jobs.rows.map((job) => job.key).sort()).toEqual(opened.map((row) => `prepare-case:${row.id}`).sort());
    const audits = await db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'case.opened'");
    expect(audits.rows[0]?.n).toBe(2);

    // A second sync opens nothing more.
    expect(await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY })).toMatchObject({
      status: 'done',
      casesOpened: 0,
    });
  });

  it("records Stripe's decision on a case whose webhook never came", async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent', silent: true });
    await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
    await db.pool.query("UPDATE cases SET state = 'submitted' WHERE dispute_id = $1", [dispute.id]);
    sandbox.setDisputeStatus(dispute.id, 'lost');
    const result = await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
    expect(result).toMatchObject({ status: 'done', casesClosed: 1 });
    const { rows } = await db.pool.query(
      "SELECT c.state, d.status, d.stripe_object->>'status' AS stored FROM cases c JOIN disputes d ON d.id = c.dispute_id",
    );
    // The stored Stripe object is the new one too (an unchanged one keeps its stored copy).
    expect(rows).toEqual([{ state: 'lost', status: 'lost', stored: 'lost' }]);
    // …and the case's Slack message is queued to show it.
    const jobs = await db.pool.query(
      `SELECT j.payload, j.key, j.priority FROM graphile_worker._private_jobs j
         JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'update-case-message'`,
    );
    const { rows: cases } = await db.pool.query<{ id: number }>('SELECT id FROM cases');
    expect(jobs.rows).toEqual([
      {
        payload: { caseId: cases[0]?.id },
        key: `update-case-message:${cases[0]?.id}`,
        priority: JOBS['update-case-message'].priority,
      },
    ]);
  });

  it('a sync stopped halfway resumes where it stopped: no gaps, no second listing of the history, new disputes caught up', async () => {
    sandbox.seedDisputes(1_000, { seed: 21 });
    const controller = new AbortController();
    const first = await runSync(deps, {
      startedBy: 'test',
      requestsPerSecond: Number.POSITIVE_INFINITY,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.pages === 4) controller.abort();
      },
    });
    // It stops once the pages being written are stored: the fourth, perhaps the fifth.
    expect(first.status).toBe('stopped');
    const stoppedAt = first.status === 'stopped' ? first.seen : 0;
    expect([400, 500]).toContain(stoppedAt);
    const { rows: runs } = await db.pool.query<{ cursor: string; status: string }>(
      'SELECT a.cursor, r.status FROM sync_runs r JOIN sync_run_accounts a ON a.run_id = r.id AND a.account IS NULL',
    );
    expect(runs[0]?.status).toBe('failed');
    const cursor = runs[0]?.cursor;
    expect(cursor).toBeTruthy();

    // Disputes keep arriving while nobody syncs: newer than anything the first run listed.
    const arrived = [
      sandbox.createDispute({ reason: 'fraudulent', silent: true }).dispute.id,
      sandbox.createDispute({ reason: 'unrecognized', silent: true }).dispute.id,
    ];
    const before = sandbox.requests.length;
    const second = await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
    expect(second).toMatchObject({ status: 'done', resumedFrom: first.status === 'stopped' ? first.runId : -1 });
    expect(await storedIds()).toEqual(await standInIds());
    expect(await storedIds()).toEqual(expect.arrayContaining(arrived));

    // The history went on from the cursor; only the catch-up (disputes created since the first run began,
    // from the front) was listed again, not the 400 before the cursor.
    const resumedRequests = listRequests().filter((request) => sandbox.requests.indexOf(request) >= before);
    expect(resumedRequests.some((request) => request.query.starting_after === cursor)).toBe(true);
    expect(second.status === 'done' ? second.seen : 0).toBeLessThan(1_000 - stoppedAt + 100);
  });

  it('a sync killed mid-run (SIGKILL) does not block the next one, which resumes it without gaps', async () => {
    sandbox.seedDisputes(1_500, { seed: 31 });
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { runSync } from './src/sync/index.ts';
         import { createPool } from './src/db/pool.ts';
         import { createStripeClient } from './src/stripe/client.ts';
         import { createLogger } from './src/log.ts';
         const pool = createPool(process.env.DATABASE_URL);
         await runSync({ pool, product: { id: 'default', stripe: createStripeClient('sk_test_child', process.env.STRIPE_API_URL) },
           log: createLogger('silent') },
           { startedBy: 'child', requestsPerSecond: 8 });`,
      ],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, STRIPE_API_URL: sandbox.url },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ pages: number }>("SELECT pages FROM sync_runs WHERE status = 'running'");
        return (rows[0]?.pages ?? 0) >= 3;
      },
      { timeoutMs: 30_000, what: 'the child sync to store three pages' },
    );
    child.kill('SIGKILL');
    await exited;

    // PostgreSQL releases the dead session's lock as soon as it notices the closed connection.
    const result = await waitFor(
      async () => {
        const attempt = await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
        return attempt.status === 'busy' ? undefined : attempt;
      },
      { timeoutMs: 10_000, what: 'the lock of the killed sync to be released' },
    );
    expect(result.status).toBe('done');
    expect(result.status === 'done' ? result.resumedFrom : null).not.toBeNull();
    expect(await storedIds()).toEqual(await standInIds());
    const { rows } = await db.pool.query<{ status: string; error: string | null }>(
      'SELECT status, error FROM sync_runs ORDER BY id',
    );
    expect(rows[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('stopped') });
    expect(rows[1]?.status).toBe('done');
  });

  it('two syncs started at once: one runs, the other is told a sync is running', async () => {
    sandbox.seedDisputes(300, { seed: 41 });
    sandbox.delay({ method: 'GET', path: '/v1/disputes', ms: 150 });
    const [a, b] = await Promise.all([
      runSync(deps, { startedBy: 'slack:UA' }),
      new Promise<Awaited<ReturnType<typeof runSync>>>((resolve) =>
        setTimeout(() => resolve(runSync(deps, { startedBy: 'slack:UB' })), 50),
      ),
    ]);
    expect(a.status).toBe('done');
    expect(b).toMatchObject({ status: 'busy', running: { startedBy: 'slack:UA' } });
    const { rows } = await db.pool.query('SELECT started_by, status FROM sync_runs');
    expect(rows).toEqual([{ started_by: 'slack:UA', status: 'done' }]);
  });

  it('a run left "running" by a dead process does not block the next sync', async () => {
    sandbox.seedDisputes(50, { seed: 51 });
    await db.pool.query(
      "INSERT INTO sync_runs (status, started_by, started_at) VALUES ('running', 'crashed', now() - interval '1 hour')",
    );
    const result = await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
    expect(result).toMatchObject({ status: 'done', seen: 50 });
    const { rows } = await db.pool.query('SELECT started_by, status FROM sync_runs ORDER BY id');
    expect(rows).toEqual([
      { started_by: 'crashed', status: 'failed' },
      { started_by: 'test', status: 'done' },
    ]);
  });

  it('429 bursts from Stripe: the sync backs off, slows down and still stores everything', async () => {
    sandbox.seedDisputes(800, { seed: 61 });
    sandbox.failNext({ method: 'GET', path: '/v1/disputes', status: 429, times: 3 });
    sandbox.setRateLimit(4);
    const result = await runSync(deps, { startedBy: 'test' });
    expect(result).toMatchObject({ status: 'done', seen: 800 });
    sandbox.setRateLimit(undefined);
    expect(await storedIds()).toEqual(await standInIds());
    expect(listRequests().filter((request) => request.status === 429).length).toBeGreaterThanOrEqual(3);
  });

  it('a dispute that changes while the sync runs keeps its newer state', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent', silent: true });
    const client = sandbox.stripe();
    await upsertDispute(db.pool, await client.disputes.retrieve(dispute.id), null, new Date(Date.now() - HOUR));
    // Hold the row, as a webhook job writing it would, so the sync's page waits behind it.
    const webhook = await db.pool.connect();
    try {
      await webhook.query('BEGIN');
      await webhook.query('SELECT 1 FROM disputes WHERE id = $1 FOR UPDATE', [dispute.id]);
      const sync = runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
      // The sync has read the old state (needs_response) from Stripe…
      await waitFor(async () => listRequests().some((request) => request.status === 200), { what: 'the page' });
      // …then the dispute moves on, and the webhook job reads and stores the newer state.
      sandbox.setDisputeStatus(dispute.id, 'under_review');
      await upsertDispute(webhook, await client.disputes.retrieve(dispute.id), null, new Date());
      await webhook.query('COMMIT');
      expect(await sync).toMatchObject({ status: 'done' });
    } finally {
      webhook.release();
    }
    expect((await getDispute(db.pool, dispute.id))?.status).toBe('under_review');
  });

  it('a newer read from the sync replaces an older stored state', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent', silent: true });
    const client = sandbox.stripe();
    await upsertDispute(db.pool, await client.disputes.retrieve(dispute.id), null, new Date(Date.now() - HOUR));
    sandbox.setDisputeStatus(dispute.id, 'won');
    await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
    const row = await getDispute(db.pool, dispute.id);
    expect(row?.status).toBe('won');
    expect(row?.closed_at).not.toBeNull();
  });

  it('--since limits the listing to disputes created from that day', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = sandbox.createDispute({ reason: 'fraudulent', created: now - 40 * 86_400, silent: true });
    const recent = sandbox.createDispute({ reason: 'fraudulent', created: now - 5 * 86_400, silent: true });
    const result = await runSync(deps, {
      startedBy: 'test',
      since: new Date((now - 10 * 86_400) * 1000),
      requestsPerSecond: Number.POSITIVE_INFINITY,
    });
    expect(result).toMatchObject({ status: 'done', seen: 1 });
    expect(await storedIds()).toEqual([recent.dispute.id]);
    expect(await storedIds()).not.toContain(old.dispute.id);
    expect(listRequests()[0]?.query.created).toEqual({ gte: String(now - 10 * 86_400) });
  });

  it('the nightly sync re-reads recent disputes on its schedule, one instance at a time', async () => {
    sandbox.seedDisputes(300, { seed: 81 });
    sandbox.delay({ method: 'GET', path: '/v1/disputes', ms: 250 });
    // Two instances, each with its own schedule, firing every second for the test.
    const nightly = { pool: deps.pool, log: deps.log, products: [deps.product] };
    const instances = [startNightlySync(nightly, '* * * * * *'), startNightlySync(nightly, '* * * * * *')];
    try {
      await waitFor(
        async () => {
          const { rows } = await db.pool.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM sync_runs WHERE started_by = 'nightly' AND status = 'done'",
          );
          return (rows[0]?.n ?? 0) >= 2;
        },
        { timeoutMs: 20_000, what: 'two nightly runs' },
      );
    } finally {
      await Promise.all(instances.map((instance) => instance.stop()));
    }
    await waitFor(
      async () => (await db.pool.query("SELECT 1 FROM sync_runs WHERE status = 'running'")).rowCount === 0,
      {
        what: 'the last run to end',
      },
    );
    const { rows } = await db.pool.query<{ started_at: Date; finished_at: Date; since: Date }>(
      "SELECT started_at, finished_at, since FROM sync_runs WHERE status = 'done' ORDER BY id",
    );
    for (const [index, run] of rows.entries()) {
      expect(Date.now() - run.since.getTime()).toBeGreaterThanOrEqual(NIGHTLY_LOOKBACK_MS - 60_000);
      const previous = rows[index - 1];
      if (previous) expect(run.started_at.getTime()).toBeGreaterThanOrEqual(previous.finished_at.getTime());
    }
    const recent = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM disputes');
    const listed = (await standInIds()).length;
    expect(recent.rows[0]?.n).toBeGreaterThan(0);
    expect(recent.rows[0]?.n).toBeLessThan(listed);
  });

  it('stopping the nightly sync (shutdown) ends its run after the page being stored, before the pool closes', async () => {
    sandbox.seedDisputes(600, { seed: 82 });
    sandbox.delay({ method: 'GET', path: '/v1/disputes', ms: 250 });
    const nightly = startNightlySync({ pool: deps.pool, log: deps.log, products: [deps.product] }, '* * * * * *');
    await waitFor(async () => (await db.pool.query('SELECT 1 FROM disputes LIMIT 1')).rowCount === 1, {
      what: 'the first page stored',
      timeoutMs: 10_000,
    });
    await nightly.stop();
    // Nothing of the run goes on after stop(): it is recorded as stopped, resumable, and no more pages are stored.
    const { rows } = await db.pool.query<{ status: string; error: string }>('SELECT status, error FROM sync_runs');
    expect(rows).toEqual([{ status: 'failed', error: 'stopped before the end; the next sync resumes here' }]);
    const stored = (await storedIds()).length;
    expect(stored).toBeLessThan(600);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await storedIds()).length).toBe(stored);
  });

  it('a bad key fails the run at once, recorded and resumable, without retrying', async () => {
    sandbox.seedDisputes(10, { seed: 71 });
    sandbox.failNext({ method: 'GET', path: '/v1/disputes', status: 401 });
    const result = await runSync(deps, { startedBy: 'test' });
    expect(result).toMatchObject({ status: 'failed', seen: 0 });
    expect(listRequests()).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT status, error FROM sync_runs');
    expect(rows[0]).toMatchObject({ status: 'failed', error: expect.any(String) });
  });

  it('a resume point that no longer exists on Stripe: the sync lists everything again from the front', async () => {
    sandbox.seedDisputes(250, { seed: 81 });
    const { rows: interrupted } = await db.pool.query<{ id: number }>(
      `WITH run AS (INSERT INTO sync_runs (status, started_by, finished_at) VALUES ('failed', 'test', now()) RETURNING id)
       INSERT INTO sync_run_accounts (run_id, account, cursor, cursor_created)
       SELECT id, NULL, 'du_deleted_since', now() FROM run RETURNING run_id AS id`,
    );
    const result = await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
    expect(result).toMatchObject({ status: 'done', seen: 250, resumedFrom: interrupted[0]?.id });
    expect(await storedIds()).toEqual(await standInIds());
    expect(listRequests()[0]?.query.starting_after).toBe('du_deleted_since');
  });
});

describe('dispute sync of a Connect platform', () => {
  const ACCOUNTS = ['acct_1SyncAlpha', 'acct_1SyncBravo', 'acct_1SyncCharlie'];

  /** Every dispute the stand-in holds, on the platform (`null`) and on each account, sorted by id. */
  async function standInDisputes(accounts: readonly string[]): Promise<{ id: string; account: string | null }[]> {
    const client = sandbox.stripe();
    const all: { id: string; account: string | null }[] = [];
    for (const account of [null, ...accounts]) {
      const options = account ? { stripeAccount: account } : undefined;
      for await (const dispute of client.disputes.list({ limit: 100 }, options)) all.push({ id: dispute.id, account });
    }
    return all.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async function storedDisputes(): Promise<{ id: string; account: string | null }[]> {
    const { rows } = await db.pool.query<{ id: string; account: string | null }>(
      'SELECT id, account FROM disputes ORDER BY id',
    );
    return rows;
  }

  /** One open dispute (it gets a case) and `count` seeded ones on each account. */
  function seedAccounts(accounts: readonly string[], count: (index: number) => number): void {
    for (const [index, account] of accounts.entries()) {
      sandbox.createDispute({ reason: 'fraudulent', account, silent: true });
      sandbox.seedDisputes(count(index), { account, seed: 100 + index });
    }
  }

  function accountRequests(account: string | null) {
    return listRequests().filter((request) => (request.account ?? null) === account);
  }

  it('stores the disputes of the platform and of every connected account, each with its account, one account rate-limited for a while', async () => {
    sandbox.seedDisputes(150, { seed: 91 });
    seedAccounts(ACCOUNTS, (index) => 120 + index * 40);
    // Stripe answers Bravo's listing with 429 three times in a row before it lets it through.
    sandbox.failNext({ method: 'GET', path: '/v1/disputes', account: 'acct_1SyncBravo', status: 429, times: 3 });

    const progress: SyncProgress[] = [];
    const result = await runSync(deps, {
      startedBy: 'test',
      requestsPerSecond: Number.POSITIVE_INFINITY,
      onProgress: (p) => progress.push(p),
    });

    expect(result).toMatchObject({ status: 'done', seen: 150 + 121 + 161 + 201, accountsNotListed: null });
    const stored = await storedDisputes();
    expect(stored).toEqual(await standInDisputes(ACCOUNTS));
    expect(stored.filter((row) => row.account === 'acct_1SyncCharlie')).toHaveLength(201);
    expect(accountRequests('acct_1SyncBravo').filter((request) => request.status === 429)).toHaveLength(3);
    // Per account: what it held, and the case its open dispute needs.
    const accounts = result.status === 'done' ? result.accounts : [];
    // The platform first, then the accounts in Stripe's order (newest first).
    expect(accounts.map(({ account, status, seen }) => ({ account, status, seen }))).toEqual([
      { account: null, status: 'done', seen: 150 },
      { account: 'acct_1SyncCharlie', status: 'done', seen: 201 },
      { account: 'acct_1SyncBravo', status: 'done', seen: 161 },
      { account: 'acct_1SyncAlpha', status: 'done', seen: 121 },
    ]);
    for (const entry of accounts.slice(1)) expect(entry.casesOpened).toBeGreaterThanOrEqual(1);
    const { rows: cases } = await db.pool.query<{ account: string | null }>(
      'SELECT DISTINCT d.account FROM cases c JOIN disputes d ON d.id = c.dispute_id WHERE d.account IS NOT NULL ORDER BY 1',
    );
    expect(cases.map((row) => row.account)).toEqual(ACCOUNTS);
    // The progress named each account as its listing went on.
    expect([...new Set(progress.map((p) => p.account))]).toEqual([null, ...[...ACCOUNTS].reverse()]);
    expect(progress.at(-1)?.accounts.every((entry) => entry.status === 'done')).toBe(true);
    const { rows: places } = await db.pool.query('SELECT account, status FROM sync_run_accounts ORDER BY account');
    expect(places).toEqual([
      ...ACCOUNTS.map((account) => ({ account, status: 'done' })),
      { account: null, status: 'done' },
    ]);
  });

  it('a sync stopped halfway through an account resumes each account where it stopped, with nothing listed twice or missing', async () => {
    sandbox.seedDisputes(250, { seed: 93 });
    seedAccounts(ACCOUNTS, (index) => (index === 1 ? 450 : 250));
    const controller = new AbortController();
    const first = await runSync(deps, {
      startedBy: 'test',
      requestsPerSecond: Number.POSITIVE_INFINITY,
      signal: controller.signal,
      onProgress: (p) => {
        const bravo = p.accounts.find((entry) => entry.account === 'acct_1SyncBravo');
        if ((bravo?.pages ?? 0) >= 2) controller.abort();
      },
    });
    expect(first.status).toBe('stopped');
    const stopped = first.status === 'stopped' ? first : undefined;
    expect(stopped?.accounts.map((entry) => [entry.account, entry.status])).toEqual([
      [null, 'done'],
      ['acct_1SyncCharlie', 'done'],
      ['acct_1SyncBravo', 'listing'],
      ['acct_1SyncAlpha', 'waiting'],
    ]);
    const { rows: places } = await db.pool.query<{ account: string | null; cursor: string | null; status: string }>(
      'SELECT account, cursor, status FROM sync_run_accounts WHERE run_id = $1 ORDER BY account',
      [first.status === 'stopped' ? first.runId : -1],
    );
    // Stripe lists the accounts newest first: Charlie was listed to the end, Bravo halfway, Alpha not reached.
    expect(places.map((place) => [place.account, place.status])).toEqual([
      ['acct_1SyncBravo', 'listing'],
      ['acct_1SyncCharlie', 'done'],
      [null, 'done'],
    ]);
    const bravoCursor = places.find((place) => place.account === 'acct_1SyncBravo')?.cursor;
    expect(bravoCursor).toBeTruthy();

    // Disputes keep arriving while nobody syncs, on an account already listed and on one not reached.
    const arrived = [
      sandbox.createDispute({ reason: 'fraudulent', account: 'acct_1SyncCharlie', silent: true }).dispute.id,
      sandbox.createDispute({ reason: 'unrecognized', account: 'acct_1SyncAlpha', silent: true }).dispute.id,
      sandbox.createDispute({ reason: 'duplicate', silent: true }).dispute.id,
    ];
    const before = sandbox.requests.length;
    const second = await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
    const after = sandbox.requests.length;
    expect(second).toMatchObject({ status: 'done', resumedFrom: stopped?.runId });
    const stored = await storedDisputes();
    expect(stored).toEqual(await standInDisputes(ACCOUNTS));
    expect(stored.map((row) => row.id)).toEqual(expect.arrayContaining(arrived));

    // The platform and Charlie were only caught up on (from the front, down to where their listings began), Bravo
    // went on from its cursor, Alpha was listed whole.
    const resumed = listRequests().filter((request) => {
      const at = sandbox.requests.indexOf(request);
      return at >= before && at < after;
    });
    for (const account of [null, 'acct_1SyncCharlie']) {
      const requests = resumed.filter((request) => (request.account ?? null) === account);
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.every((request) => request.query.created !== undefined)).toBe(true);
    }
    const bravo = resumed.filter((request) => request.account === 'acct_1SyncBravo');
    expect(bravo.some((request) => request.query.starting_after === bravoCursor)).toBe(true);
    expect(bravo.some((request) => request.query.starting_after === undefined && !request.query.created)).toBe(false);
    const counts = second.status === 'done' ? second.accounts : [];
    const seen = Object.fromEntries(counts.map((entry) => [entry.account ?? 'platform', entry.seen]));
    expect(seen.platform).toBeLessThan(251);
    expect(seen.acct_1SyncCharlie).toBeLessThan(251);
    expect(seen.acct_1SyncBravo).toBeLessThan(451 - 100);
    expect(seen.acct_1SyncAlpha).toBe(252);
  });

  it('`rebut sync` killed (SIGKILL) between accounts: the next `rebut sync --json` resumes it and lists what it did per account', async () => {
    sandbox.seedDisputes(200, { seed: 94 });
    seedAccounts(ACCOUNTS, (index) => [150, 250, 300][index] ?? 0);
    // Stripe lists Charlie, Bravo, Alpha (newest first); Bravo's first page never comes back, so the kill finds the
    // platform and Charlie listed, Bravo begun and Alpha not reached.
    sandbox.delay({ method: 'GET', path: '/v1/disputes', account: 'acct_1SyncBravo', ms: Number.POSITIVE_INFINITY });
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: '/tmp',
      DATABASE_URL: db.url,
      STRIPE_SECRET_KEY: 'sk_test_cli',
      STRIPE_API_URL: sandbox.url,
    };
    const child = spawn(process.execPath, ['bin/rebut.js', 'sync'], { cwd: root, env, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const killed = await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ run_id: number }>(
          "SELECT run_id FROM sync_run_accounts WHERE account = 'acct_1SyncBravo' AND status = 'listing'",
        );
        return rows[0]?.run_id;
      },
      { timeoutMs: 30_000, what: "the CLI's sync to reach Bravo" },
    );
    child.kill('SIGKILL');
    await exited;
    sandbox.clearFaults();
    const before = sandbox.requests.length;

    // PostgreSQL releases the dead session's lock as soon as it notices the closed connection.
    const result = await waitFor(
      async () => {
        const answer = await execFileAsync(process.execPath, ['bin/rebut.js', 'sync', '--json'], {
          cwd: root,
          env,
        }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '{}' }));
        const parsed = JSON.parse(answer.stdout) as { status: string };
        return parsed.status === 'busy' ? undefined : (parsed as SyncResult);
      },
      { timeoutMs: 30_000, what: 'a sync after the killed one' },
    );
    const after = sandbox.requests.length;
    expect(result).toMatchObject({ status: 'done', resumedFrom: killed });
    const accounts = result.status === 'done' ? result.accounts : [];
    expect(accounts.map(({ account, status }) => [account, status])).toEqual([
      [null, 'done'],
      ['acct_1SyncCharlie', 'done'],
      ['acct_1SyncBravo', 'done'],
      ['acct_1SyncAlpha', 'done'],
    ]);
    const seen = Object.fromEntries(accounts.map((entry) => [entry.account ?? 'platform', entry.seen]));
    // The platform and Charlie only caught up; Bravo and Alpha were listed whole.
    expect(seen.platform).toBeLessThan(200);
    expect(seen.acct_1SyncCharlie).toBeLessThan(301);
    expect(seen).toMatchObject({ acct_1SyncBravo: 251, acct_1SyncAlpha: 151 });
    const resumed = sandbox.requests.slice(before, after).filter((request) => request.path === '/v1/disputes');
    expect(resumed.filter((request) => !request.account && !request.query.created)).toEqual([]);

    const stored = await storedDisputes();
    expect(stored).toEqual(await standInDisputes(ACCOUNTS));
    // One case per open dispute, whichever run opened it.
    const { rows: cases } = await db.pool.query<{ cases: number; disputes: number }>(
      'SELECT count(*)::int AS cases, count(DISTINCT dispute_id)::int AS disputes FROM cases',
    );
    expect(cases[0]?.cases).toBe(cases[0]?.disputes);
  });

  it('an account whose listing fails is marked failed while the others are stored; the next sync resumes only it', async () => {
    sandbox.seedDisputes(120, { seed: 96 });
    seedAccounts(ACCOUNTS, () => 120);
    // A refusal that retrying cannot help (a 429 still coming after every retry ends the same way, only later).
    sandbox.failNext({ method: 'GET', path: '/v1/disputes', account: 'acct_1SyncBravo', status: 400 });
    const first = await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
    expect(first).toMatchObject({ status: 'failed', error: expect.stringContaining('acct_1SyncBravo') });
    const failed = first.status === 'failed' ? first : undefined;
    expect(failed?.accounts.map(({ account, status }) => [account, status])).toEqual([
      [null, 'done'],
      ['acct_1SyncCharlie', 'done'],
      ['acct_1SyncBravo', 'failed'],
      ['acct_1SyncAlpha', 'done'],
    ]);
    const stored = await storedDisputes();
    expect(stored.filter((row) => row.account === 'acct_1SyncBravo')).toEqual([]);
    expect(stored).toHaveLength(120 + 121 * 2);

    const second = await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });
    expect(second).toMatchObject({ status: 'done', resumedFrom: failed?.runId });
    const seen = Object.fromEntries(
      (second.status === 'done' ? second.accounts : []).map((entry) => [entry.account ?? 'platform', entry.seen]),
    );
    expect(seen.acct_1SyncBravo).toBe(121);
    for (const done of ['platform', 'acct_1SyncCharlie', 'acct_1SyncAlpha']) expect(seen[done]).toBeLessThan(120);
    expect(await storedDisputes()).toEqual(await standInDisputes(ACCOUNTS));
  });

  it('an account Stripe refuses (403) is reported and skipped; the platform and the other accounts are stored', async () => {
    const revoked = 'acct_1SyncRevoked';
    sandbox.seedDisputes(30, { seed: 95 });
    seedAccounts([ACCOUNTS[0] ?? '', revoked, ACCOUNTS[2] ?? ''], () => 20);
    sandbox.failNext({
      method: 'GET',
      path: '/v1/disputes',
      account: revoked,
      status: 403,
      times: Number.POSITIVE_INFINITY,
      message: `The provided key does not have access to account '${revoked}' (or that account does not exist). Application access may have been revoked.`,
    });

    const result = await runSync(deps, { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY });

    expect(result).toMatchObject({ status: 'done', seen: 30 + 21 + 21 });
    const accounts = result.status === 'done' ? result.accounts : [];
    expect(accounts.find((entry) => entry.account === revoked)).toMatchObject({
      status: 'skipped',
      seen: 0,
      error: expect.stringContaining('does not have access'),
    });
    const stored = await storedDisputes();
    expect(stored).toEqual(await standInDisputes([ACCOUNTS[0] ?? '', ACCOUNTS[2] ?? '']));
    expect(stored.some((row) => row.account === revoked)).toBe(false);
    // Refused once, not retried.
    expect(accountRequests(revoked)).toHaveLength(1);
    const { rows } = await db.pool.query(`SELECT status, error FROM sync_run_accounts WHERE account = $1`, [revoked]);
    expect(rows).toEqual([{ status: 'skipped', error: expect.stringContaining('does not have access') }]);
  });

  it('a key that may not list connected accounts syncs the platform and says why the accounts were left out', async () => {
    sandbox.seedDisputes(40, { seed: 97 });
    seedAccounts(ACCOUNTS.slice(0, 1), () => 10);
    sandbox.restrictKey('rk_test_syncNoConnect', ['dispute_write', 'charge_read', 'payment_intent_read']);
    const result = await runSync(
      { ...deps, product: { id: 'default', stripe: createStripeClient('rk_test_syncNoConnect', sandbox.url) } },
      { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY },
    );
    expect(result).toMatchObject({
      status: 'done',
      seen: 40,
      accountsNotListed: expect.stringContaining('rak_connected_account_read'),
    });
    expect(await storedDisputes()).toEqual(await standInDisputes([]));
  });
});
