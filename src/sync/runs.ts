import type { Pool } from '../db/pool.js';

/**
 * The `sync_runs` bookkeeping and the lock: one row per run (its product, status and totals), and one per run and
 * account in `sync_run_accounts`, holding where that account's listing stopped (`cursor`) and what it still
 * has to cover (`head_created`), so a killed run is resumed by the next of its product, account by account.
 */

/**
 * Names rebut's sync lock, with the product's hash as the second key: one lock per product. It is taken with
 * `pg_try_advisory_lock(int, int)`, which never meets the timer's one-bigint lock (`0x72656275`).
 */
export const SYNC_LOCK_KEY = 0x73796e63; // "sync"

export interface RunningSync {
  runId: number;
  product: string;
  startedBy: string;
  startedAt: Date;
  seen: number;
  pages: number;
  heartbeatAt: Date;
}

/** Whose disputes a listing reads: a connected account (`acct_…`), or `null` for the platform's own. */
export type Account = string | null;

/** How one account's listing ended in a run (`listing` while it runs, or when the run was killed during it). */
export type AccountStatus = 'listing' | 'done' | 'skipped' | 'failed';

/** Where an interrupted run left one account's listing: the new run continues it from here. */
export interface AccountPlace {
  account: Account;
  /** `done`: listed to the end; the resumed run only catches up on what arrived since `head_created`. */
  done: boolean;
  cursor: string | null;
  cursor_created: Date | null;
  head_created: Date | null;
}

/** An interrupted run the new one continues, with the place of every account it had started. */
export interface ResumableRun {
  id: number;
  status: string;
  since: Date | null;
  places: AccountPlace[];
}

/** Where a stored page leaves the run: the cursor after it, and the boundary the first page fixes. */
export interface PageMark {
  cursor: { id: string; created: Date } | null;
  newHead: Date | null;
  count: number;
}

/**
 * The product's run holding its lock, as far as its row says (for "a sync is already running"). A `running` row
 * whose process died (no one holds the lock) is not running: the next sync of its product marks it failed and
 * resumes it.
 */
export async function runningSync(pool: Pool, product: string): Promise<RunningSync | null> {
  const { rows } = await pool.query<{
    id: number;
    started_by: string;
    started_at: Date;
    seen: number;
    pages: number;
    heartbeat_at: Date;
  }>(
    `SELECT id, started_by, started_at, seen, pages, heartbeat_at FROM sync_runs
      WHERE status = 'running' AND product = $2
        -- pg_advisory_lock(int, int) shows as classid (the first key), objid (the second, as an oid), objsubid 2.
        AND EXISTS (SELECT 1 FROM pg_locks
                     WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database
                                                                              WHERE datname = current_database())
                       AND classid::bigint = $1 AND objid::bigint = hashtext($2)::bigint & 4294967295 AND objsubid = 2)
      ORDER BY id DESC LIMIT 1`,
    [SYNC_LOCK_KEY, product],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    runId: row.id,
    product,
    startedBy: row.started_by,
    startedAt: row.started_at,
    seen: row.seen,
    pages: row.pages,
    heartbeatAt: row.heartbeat_at,
  };
}

/**
 * One sync of a product at a time, across instances (another product's may run meanwhile): a session advisory lock
 * on a connection held for the run, keyed by the product. A crashed process's connection closes and PostgreSQL
 * releases the lock with it, so a dead run never blocks the next one; its `running` row is marked failed and resumed.
 * Two product ids of the same hash would share one lock: one's sync is then told busy while the other's runs, no more.
 */
export async function withSyncLock<T>(
  pool: Pool,
  product: string,
  work: () => Promise<T>,
): Promise<T | { status: 'busy'; product: string; running: RunningSync | null }> {
  const lock = await pool.connect();
  let broken: Error | undefined;
  try {
    const { rows } = await lock.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [
      SYNC_LOCK_KEY,
      product,
    ]);
    if (!rows[0]?.locked) return { status: 'busy', product, running: await runningSync(pool, product) };
    try {
      return await work();
    } finally {
      await lock
        .query('SELECT pg_advisory_unlock($1, hashtext($2))', [SYNC_LOCK_KEY, product])
        .catch((error: unknown) => {
          // The connection is gone, and the lock with it; do not hand this client back to the pool.
          broken = error instanceof Error ? error : new Error(String(error));
        });
    }
  } finally {
    lock.release(broken);
  }
}

/**
 * Records a new run of the product, under its lock: marks the product's runs whose process died as failed, picks the
 * product's interrupted run this one continues (if any, taking over the place of each account it had started).
 */
export async function beginRun(
  pool: Pool,
  request: { product: string; since: Date | null; startedBy: string },
): Promise<{ runId: number; resumed: ResumableRun | undefined }> {
  const { product, since } = request;
  // We hold the product's lock, so any run of it still marked running lost its process.
  await pool.query(
    `UPDATE sync_runs SET status = 'failed', finished_at = now(),
            error = 'the process running it stopped (killed or crashed); the next sync resumes it'
      WHERE status = 'running' AND product = $1`,
    [product],
  );
  const resumable = await pool.query<{ id: number; status: string; since: Date | null }>(
    `SELECT r.id, r.status, r.since FROM sync_runs r
      WHERE r.status <> 'done' AND r.product = $2
        -- it got somewhere: some account's listing has a place to continue from
        AND EXISTS (SELECT 1 FROM sync_run_accounts a WHERE a.run_id = r.id
                      AND (a.cursor IS NOT NULL OR a.head_created IS NOT NULL OR a.status = 'done'))
        -- this request covers what the interrupted run was asked for
        AND ($1::timestamptz IS NULL OR r.since >= $1::timestamptz)
        AND NOT EXISTS (SELECT 1 FROM sync_runs n WHERE n.resumed_from = r.id)
        -- and no finished run has covered it since
        AND NOT EXISTS (SELECT 1 FROM sync_runs d WHERE d.status = 'done' AND d.product = r.product AND d.id > r.id
                          AND (d.since IS NULL OR d.since <= r.since))
      ORDER BY r.id DESC LIMIT 1`,
    [since, product],
  );
  const interrupted = resumable.rows[0];

  const inserted = await pool.query<{ id: number }>(
    `INSERT INTO sync_runs (product, status, since, started_by, resumed_from) VALUES ($1, 'running', $2, $3, $4)
     RETURNING id`,
    [product, since, request.startedBy, interrupted?.id ?? null],
  );
  const runId = inserted.rows[0]?.id;
  if (runId === undefined) throw new Error('could not record the sync run');
  if (!interrupted) return { runId, resumed: undefined };

  // The new run holds the places it continues from, so a kill of this run too is resumed from them. An account
  // skipped for lack of access has no place: it is listed from the start when it is listed again.
  const { rows: places } = await pool.query<AccountPlace>(
    `INSERT INTO sync_run_accounts (run_id, account, status, cursor, cursor_created, head_created)
     SELECT $1, account, CASE WHEN status = 'done' THEN 'done' ELSE 'listing' END, cursor, cursor_created, head_created
       FROM sync_run_accounts WHERE run_id = $2 AND status <> 'skipped'
     RETURNING account, status = 'done' AS done, cursor, cursor_created, head_created`,
    [runId, interrupted.id],
  );
  return { runId, resumed: { ...interrupted, places } };
}

/**
 * Where the progress bar of a listing ends: `since`, or else the product's oldest dispute already stored, of any
 * account (an estimate, read from the index on `(product, created)`; Stripe's list has no total).
 */
export async function floorOf(pool: Pool, product: string, since: Date | null): Promise<Date | null> {
  if (since) return since;
  const { rows } = await pool.query<{ oldest: Date | null }>(
    'SELECT min(created) AS oldest FROM disputes WHERE product = $1',
    [product],
  );
  return rows[0]?.oldest ?? null;
}

/** Starts an account's listing in the run (its row may already hold a resumed place), marking it as listing. */
export async function beginAccount(pool: Pool, runId: number, account: Account): Promise<void> {
  await pool.query(
    `INSERT INTO sync_run_accounts (run_id, account) VALUES ($1, $2)
     ON CONFLICT (run_id, coalesce(account, '')) DO UPDATE SET status = 'listing', error = NULL`,
    [runId, account],
  );
}

/** How an account's listing ended: done, skipped (no access), or failed (resumable from its place). */
export async function endAccount(
  pool: Pool,
  runId: number,
  account: Account,
  status: Exclude<AccountStatus, 'listing'>,
  error: string | null = null,
): Promise<void> {
  await pool.query(
    `UPDATE sync_run_accounts SET status = $3, error = $4 WHERE run_id = $1 AND coalesce(account, '') = coalesce($2, '')`,
    [runId, account, status, error],
  );
}

/** Where consecutive committed pages leave the run: the last cursor and the last boundary any of them set. */
export function placeAfter(marks: readonly PageMark[]): Pick<PageMark, 'cursor' | 'newHead'> {
  let place: Pick<PageMark, 'cursor' | 'newHead'> = { cursor: null, newHead: null };
  for (const mark of marks) place = { cursor: mark.cursor ?? place.cursor, newHead: mark.newHead ?? place.newHead };
  return place;
}

/**
 * Moves an account's cursor (and boundary, when set) and totals, and the run's totals, in one statement; doubles
 * as the run's heartbeat.
 */
export async function recordPlace(
  pool: Pool,
  runId: number,
  account: Account,
  place: Pick<PageMark, 'cursor' | 'newHead'>,
  totals: { account: { seen: number; pages: number }; run: { seen: number; pages: number } },
): Promise<void> {
  await pool.query(
    `WITH place AS (
       UPDATE sync_run_accounts SET cursor = COALESCE($3, cursor), cursor_created = COALESCE($4, cursor_created),
              head_created = COALESCE($5, head_created), seen = $6, pages = $7
        WHERE run_id = $1 AND coalesce(account, '') = coalesce($2, ''))
     UPDATE sync_runs SET seen = $8, pages = $9, heartbeat_at = now() WHERE id = $1`,
    [
      runId,
      account,
      place.cursor?.id ?? null,
      place.cursor?.created ?? null,
      place.newHead,
      totals.account.seen,
      totals.account.pages,
      totals.run.seen,
      totals.run.pages,
    ],
  );
}

/** The boundary a resumed account's catch-up reached: the next resume catches up from here. */
export async function recordHead(pool: Pool, runId: number, account: Account, head: Date): Promise<void> {
  await pool.query(
    `UPDATE sync_run_accounts SET head_created = $3 WHERE run_id = $1 AND coalesce(account, '') = coalesce($2, '')`,
    [runId, account, head],
  );
}

export async function finishRun(pool: Pool, runId: number): Promise<void> {
  await pool.query(`UPDATE sync_runs SET status = 'done', finished_at = now(), heartbeat_at = now() WHERE id = $1`, [
    runId,
  ]);
}

/** Ends the run as failed; its accounts' places stay, so the next sync resumes them. */
export async function failRun(pool: Pool, runId: number, message: string): Promise<void> {
  await pool.query(`UPDATE sync_runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`, [
    runId,
    message,
  ]);
}
