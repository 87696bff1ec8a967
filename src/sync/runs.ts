import type { Pool } from '../db/pool.js';

/**
 * The `sync_runs` bookkeeping and the lock: one row per run, holding where its listing stopped
 * (`cursor`) and what it still has to cover (`head_created`), so a killed run is resumed by the next.
 */

/** Names rebut's sync lock; any constant apart from the timer's (`0x72656275`) works. */
export const SYNC_LOCK_KEY = 0x73796e63; // "sync"

export interface RunningSync {
  runId: number;
  startedBy: string;
  startedAt: Date;
  seen: number;
  pages: number;
  heartbeatAt: Date;
}

/** An interrupted run the new one continues. */
export interface ResumableRun {
  id: number;
  status: string;
  since: Date | null;
  cursor: string | null;
  cursor_created: Date | null;
  head_created: Date | null;
}

/** Where a stored page leaves the run: the cursor after it, and the boundary the first page fixes. */
export interface PageMark {
  cursor: { id: string; created: Date } | null;
  newHead: Date | null;
  count: number;
}

/**
 * The run holding the lock, as far as its row says (for "a sync is already running"). A `running` row
 * whose process died (no one holds the lock) is not running: the next sync marks it failed and resumes it.
 */
export async function runningSync(pool: Pool): Promise<RunningSync | null> {
  const { rows } = await pool.query<{
    id: number;
    started_by: string;
    started_at: Date;
    seen: number;
    pages: number;
    heartbeat_at: Date;
  }>(
    `SELECT id, started_by, started_at, seen, pages, heartbeat_at FROM sync_runs
      WHERE status = 'running'
        -- pg_advisory_lock(bigint) shows as classid (high 32 bits), objid (low 32 bits), objsubid 1.
        AND EXISTS (SELECT 1 FROM pg_locks
                     WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database
                                                                              WHERE datname = current_database())
                       AND classid::bigint = $1::bigint >> 32 AND objid::bigint = $1::bigint & 4294967295 AND objsubid = 1)
      ORDER BY id DESC LIMIT 1`,
    [SYNC_LOCK_KEY],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    runId: row.id,
    startedBy: row.started_by,
    startedAt: row.started_at,
    seen: row.seen,
    pages: row.pages,
    heartbeatAt: row.heartbeat_at,
  };
}

/**
 * One sync at a time, across instances: a session advisory lock on a connection held for the run.
 * A crashed process's connection closes and PostgreSQL releases the lock with it, so a dead run
 * never blocks the next one; its `running` row is marked failed and resumed.
 */
export async function withSyncLock<T>(
  pool: Pool,
  work: () => Promise<T>,
): Promise<T | { status: 'busy'; running: RunningSync | null }> {
  const lock = await pool.connect();
  let broken: Error | undefined;
  try {
    const { rows } = await lock.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      SYNC_LOCK_KEY,
    ]);
    if (!rows[0]?.locked) return { status: 'busy', running: await runningSync(pool) };
    try {
      return await work();
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [SYNC_LOCK_KEY]).catch((error: unknown) => {
        // The connection is gone, and the lock with it; do not hand this client back to the pool.
        broken = error instanceof Error ? error : new Error(String(error));
      });
    }
  } finally {
    lock.release(broken);
  }
}

/**
 * Records a new run, under the lock: marks runs whose process died as failed, picks the interrupted
 * run this one continues (if any, taking over its cursor), and estimates the floor for progress.
 */
export async function beginRun(
  pool: Pool,
  request: { since: Date | null; startedBy: string },
): Promise<{ runId: number; resumed: ResumableRun | undefined; floor: Date | null }> {
  const { since } = request;
  // We hold the lock, so any run still marked running lost its process.
  await pool.query(
    `UPDATE sync_runs SET status = 'failed', finished_at = now(),
            error = 'the process running it stopped (killed or crashed); the next sync resumes it'
      WHERE status = 'running'`,
  );
  const resumable = await pool.query<ResumableRun>(
    `SELECT r.id, r.status, r.since, r.cursor, r.cursor_created, r.head_created FROM sync_runs r
      WHERE r.status <> 'done' AND r.cursor IS NOT NULL
        -- this request covers what the interrupted run was asked for
        AND ($1::timestamptz IS NULL OR r.since >= $1::timestamptz)
        AND NOT EXISTS (SELECT 1 FROM sync_runs n WHERE n.resumed_from = r.id)
        -- and no finished run has covered it since
        AND NOT EXISTS (SELECT 1 FROM sync_runs d WHERE d.status = 'done' AND d.id > r.id
                          AND (d.since IS NULL OR d.since <= r.since))
      ORDER BY r.id DESC LIMIT 1`,
    [since],
  );
  const resumed = resumable.rows[0];
  const floorRow = await pool.query<{ oldest: Date | null }>('SELECT min(created) AS oldest FROM disputes');
  const floor = since ?? floorRow.rows[0]?.oldest ?? null;

  const inserted = await pool.query<{ id: number }>(
    `INSERT INTO sync_runs (status, since, started_by, resumed_from, cursor, cursor_created, head_created)
     VALUES ('running', $1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      since,
      request.startedBy,
      resumed?.id ?? null,
      resumed?.cursor ?? null,
      resumed?.cursor_created ?? null,
      resumed?.head_created ?? null,
    ],
  );
  const runId = inserted.rows[0]?.id;
  if (runId === undefined) throw new Error('could not record the sync run');
  return { runId, resumed, floor };
}

/** Where consecutive committed pages leave the run: the last cursor and the last boundary any of them set. */
export function placeAfter(marks: readonly PageMark[]): Pick<PageMark, 'cursor' | 'newHead'> {
  let place: Pick<PageMark, 'cursor' | 'newHead'> = { cursor: null, newHead: null };
  for (const mark of marks) place = { cursor: mark.cursor ?? place.cursor, newHead: mark.newHead ?? place.newHead };
  return place;
}

/** Moves the run's cursor (and boundary, when set) and its totals; doubles as the heartbeat. */
export async function recordPlace(
  pool: Pool,
  runId: number,
  place: Pick<PageMark, 'cursor' | 'newHead'>,
  totals: { seen: number; pages: number },
): Promise<void> {
  await pool.query(
    `UPDATE sync_runs SET cursor = COALESCE($2, cursor), cursor_created = COALESCE($3, cursor_created),
            head_created = COALESCE($4, head_created), seen = $5, pages = $6, heartbeat_at = now()
      WHERE id = $1`,
    [runId, place.cursor?.id ?? null, place.cursor?.created ?? null, place.newHead, totals.seen, totals.pages],
  );
}

/** The boundary a resumed run's catch-up reached: the next resume catches up from here. */
export async function recordHead(pool: Pool, runId: number, head: Date): Promise<void> {
  await pool.query('UPDATE sync_runs SET head_created = $2 WHERE id = $1', [runId, head]);
}

export async function finishRun(pool: Pool, runId: number): Promise<void> {
  await pool.query(`UPDATE sync_runs SET status = 'done', finished_at = now(), heartbeat_at = now() WHERE id = $1`, [
    runId,
  ]);
}

/** Ends the run as failed; its cursor stays, so the next sync resumes it. */
export async function failRun(pool: Pool, runId: number, message: string): Promise<void> {
  await pool.query(`UPDATE sync_runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`, [
    runId,
    message,
  ]);
}
