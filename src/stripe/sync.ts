import cron from 'node-cron';
import type Stripe from 'stripe';
import { openAndCloseCases } from '../cases/open-close.js';
import { upsertDisputes } from '../db/disputes.js';
import { type Pool, withTransaction } from '../db/pool.js';
import { messageOf } from '../errors.js';
import type { Logger } from '../log.js';
import { DISPUTE_EXPAND } from './client.js';

/**
 * `/disputes sync` and `rebut sync`: pages through Stripe's disputes (newest first), stores each
 * page with one set-based upsert in which the newest read wins, opens cases for open disputes
 * and records its place after every page, so a killed run resumes without gaps or duplicates.
 *
 * Where a resumed listing starts. Stripe lists newest first and new disputes keep arriving at the
 * front; `starting_after` is anchored to an object, so the part of the list after the cursor never
 * shifts. A run therefore covers, at any moment, every dispute from the cursor up to the newest one
 * that existed when its listing began (`head_created`). Resuming means two listings:
 *   1. catch-up: `created >= head_created`, from the front — disputes that arrived since (and a few
 *      at that same second again, which the upsert makes harmless);
 *   2. history: `starting_after = cursor`, down to `since` — the part never reached.
 * The cursor moves past a page only after that page and every page before it have committed, so
 * after a kill it never points beyond what is stored: the pages in flight are listed again, and the
 * upsert (keyed by id, newest read wins) makes storing them twice harmless.
 */

export interface SyncDeps {
  pool: Pool;
  stripe: Stripe;
  log: Logger;
  reviewWindowMs: number;
  submitBufferMs: number;
}

export interface SyncProgress {
  runId: number;
  /** `catch_up` lists disputes that arrived since an interrupted run began; `history` walks back in time. */
  phase: 'catch_up' | 'history';
  /** Disputes stored by this run. */
  seen: number;
  pages: number;
  done: boolean;
  /** Disputes per second so far. */
  rate: number;
  /** `created` of the oldest dispute reached so far: how far back in time the listing has come. */
  reachedBack: Date | null;
  /** Where the listing will stop: `since`, or else the oldest dispute already stored (an estimate). */
  floor: Date | null;
  /** `created` of the newest dispute when the listing began. */
  head: Date | null;
  startedAt: Date;
}

export interface SyncOptions {
  /** Only disputes created at or after this moment; default all. */
  since?: Date;
  /** Who asked: `cli`, `nightly`, `slack:U123`. */
  startedBy: string;
  /** Request ceiling; default 20/s, below Stripe's 25/s test-mode limit. `Infinity` for no ceiling. */
  requestsPerSecond?: number;
  /** Called after every stored page (and once at the end); keep it quick — throttle Slack updates yourself. */
  onProgress?: (progress: SyncProgress) => void;
  /** Stops after the page being stored; the run stays resumable. */
  signal?: AbortSignal;
}

export interface RunningSync {
  runId: number;
  startedBy: string;
  startedAt: Date;
  seen: number;
  pages: number;
  heartbeatAt: Date;
}

interface Counts {
  runId: number;
  /** The interrupted run this one continued, if any. */
  resumedFrom: number | null;
  seen: number;
  pages: number;
  inserted: number;
  casesOpened: number;
  casesClosed: number;
  ms: number;
}

export type SyncResult =
  | ({ status: 'done'; rate: number } & Counts)
  /** The signal fired; the next sync resumes where this one stopped. */
  | ({ status: 'stopped' } & Counts)
  /** Stripe or the database failed after retries; the next sync resumes where this one stopped. */
  | ({ status: 'failed'; error: string } & Counts)
  /** Another sync holds the lock (on this or another instance). */
  | { status: 'busy'; running: RunningSync | null };

/** Stripe's test mode allows 25 requests per second; staying below leaves room for the webhook jobs. */
export const DEFAULT_REQUESTS_PER_SECOND = 20;
/** The most Stripe returns per list page. */
export const PAGE_SIZE = 100;
/** Pages written at once: the database stores one while the next is parsed and sent. */
export const CONCURRENT_PAGES = 2;
/** Names rebut's sync lock; any constant apart from the timer's (`0x72656275`) works. */
export const SYNC_LOCK_KEY = 0x73796e63; // "sync"
/** Retries of one page on 429 / 5xx / network errors before the run gives up (resumable). */
export const MAX_PAGE_ATTEMPTS = 8;
/** Exponential backoff: base × 2^attempt, capped, half of it random (so instances do not retry in step). */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;
/**
 * The nightly sync re-reads the disputes opened in the last 180 days: issuers decide 60–75 days after
 * the due date and appeals run later still, so older disputes no longer change.
 */
export const NIGHTLY_LOOKBACK_MS = 180 * 86_400_000;

/**
 * The day a sync starts from, as people type it (`2025-01-31`, 00:00 UTC), for the CLI and Slack alike: a real
 * calendar day (not 2025-02-30, which Date would roll into March) and not in the future. Undefined otherwise.
 */
export function sinceDay(text: string, now = new Date()): Date | undefined {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) return undefined;
  return date.getTime() > now.getTime() ? undefined : date;
}

// ─── Rate limit and backoff (pure) ───────────────────────────────────────────────────────────

/**
 * A token bucket that also adapts: a 429 halves the rate (down to one request a second), each
 * success wins back 5% up to the ceiling. `reserve()` says how long to wait before the next request.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private rate: number;

  constructor(
    private readonly ceiling: number,
    private readonly capacity = 1,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.rate = ceiling;
    this.tokens = capacity;
    this.last = now();
  }

  get currentRate(): number {
    return this.rate;
  }

  /** Takes a token; returns the milliseconds to wait until it is really available. */
  reserve(): number {
    if (!Number.isFinite(this.rate)) return 0;
    const at = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((at - this.last) / 1000) * this.rate);
    this.last = at;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.rate) * 1000;
  }

  slowDown(): void {
    if (Number.isFinite(this.rate)) this.rate = Math.max(1, this.rate / 2);
  }

  speedUp(): void {
    if (Number.isFinite(this.rate)) this.rate = Math.min(this.ceiling, this.rate * 1.05);
  }
}

/** The wait before retry `attempt` (0-based): half fixed, half random, doubling up to the cap. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** 429s, Stripe's 5xx and lost connections pass; a bad key or a bad request will not. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = 'statusCode' in error ? error.statusCode : undefined;
  if (status === 429 || (typeof status === 'number' && status >= 500)) return true;
  return 'type' in error && (error.type === 'StripeConnectionError' || error.type === 'StripeAPIError');
}

/** How far the listing has come, 0–1, or null when there is nothing to measure against. */
export function syncFraction(progress: Pick<SyncProgress, 'done' | 'reachedBack' | 'floor' | 'head'>): number | null {
  if (progress.done) return 1;
  const { reachedBack, floor, head } = progress;
  if (!reachedBack || !floor || !head) return null;
  const span = head.getTime() - floor.getTime();
  if (span <= 0) return null;
  return Math.min(0.99, Math.max(0, (head.getTime() - reachedBack.getTime()) / span));
}

// ─── One page, stored ────────────────────────────────────────────────────────────────────────

// ─── The run ─────────────────────────────────────────────────────────────────────────────────

interface RunRow {
  id: number;
  status: string;
  since: Date | null;
  cursor: string | null;
  cursor_created: Date | null;
  head_created: Date | null;
}

interface Page {
  disputes: Stripe.Dispute[];
  hasMore: boolean;
  readAt: Date;
}

class Stopped extends Error {
  constructor() {
    super('stopped');
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Stopped());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Stopped());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
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
export async function runSync(deps: SyncDeps, options: SyncOptions): Promise<SyncResult> {
  const lock = await deps.pool.connect();
  let broken: Error | undefined;
  try {
    const { rows } = await lock.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      SYNC_LOCK_KEY,
    ]);
    if (!rows[0]?.locked) return { status: 'busy', running: await runningSync(deps.pool) };
    try {
      return await syncUnderLock(deps, options);
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

async function syncUnderLock(deps: SyncDeps, options: SyncOptions): Promise<SyncResult> {
  const { pool, stripe, log } = deps;
  const since = options.since ?? null;
  const startedAt = new Date();
  const bucket = new TokenBucket(options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND);

  // We hold the lock, so any run still marked running lost its process.
  await pool.query(
    `UPDATE sync_runs SET status = 'failed', finished_at = now(),
            error = 'the process running it stopped (killed or crashed); the next sync resumes it'
      WHERE status = 'running'`,
  );
  const resumable = await pool.query<RunRow>(
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
      options.startedBy,
      resumed?.id ?? null,
      resumed?.cursor ?? null,
      resumed?.cursor_created ?? null,
      resumed?.head_created ?? null,
    ],
  );
  const runId = inserted.rows[0]?.id;
  if (runId === undefined) throw new Error('could not record the sync run');
  if (resumed) log.info({ runId, resumedFrom: resumed.id, cursor: resumed.cursor }, 'resuming an interrupted sync');

  const counts: Counts = {
    runId,
    resumedFrom: resumed?.id ?? null,
    seen: 0,
    pages: 0,
    inserted: 0,
    casesOpened: 0,
    casesClosed: 0,
    ms: 0,
  };
  let head = resumed?.head_created ?? null;
  let reachedBack = resumed?.cursor_created ?? null;
  let phase: SyncProgress['phase'] = 'history';
  const progress = (done: boolean): SyncProgress => {
    const seconds = (Date.now() - startedAt.getTime()) / 1000;
    return {
      runId,
      phase,
      seen: counts.seen,
      pages: counts.pages,
      done,
      rate: seconds > 0 ? counts.seen / seconds : 0,
      reachedBack,
      floor,
      head,
      startedAt,
    };
  };

  const report = (state: SyncProgress) => {
    try {
      options.onProgress?.(state);
    } catch (error) {
      log.warn({ runId, err: error }, 'a sync progress listener failed; the sync goes on');
    }
  };

  const fetchPage = async (params: Stripe.DisputeListParams): Promise<Page> => {
    for (let attempt = 0; ; attempt++) {
      const wait = bucket.reserve();
      if (wait > 0) await sleep(wait, options.signal);
      if (options.signal?.aborted) throw new Stopped();
      const readAt = new Date();
      try {
        const list = await stripe.disputes.list(params);
        bucket.speedUp();
        return { disputes: list.data, hasMore: list.has_more, readAt };
      } catch (error) {
        if (!isRetryable(error) || attempt + 1 >= MAX_PAGE_ATTEMPTS) throw error;
        if (error instanceof Error && 'statusCode' in error && error.statusCode === 429) bucket.slowDown();
        const delay = backoffDelay(attempt);
        log.warn(
          { runId, attempt: attempt + 1, delayMs: Math.round(delay), err: messageOf(error) },
          'Stripe refused or failed a page of disputes; backing off',
        );
        await sleep(delay, options.signal);
      }
    }
  };

  /** Where a stored page leaves the run: the cursor after it, and the boundary the first page fixes. */
  interface Mark {
    cursor: { id: string; created: Date } | null;
    newHead: Date | null;
    count: number;
  }

  /**
   * Lists one range, newest first, and stores it: the next page is fetched while earlier ones are
   * written, up to CONCURRENT_PAGES transactions at once. Pages may commit out of order, so the run's
   * cursor only moves past a page once every page before it has committed: after a kill the cursor is
   * at or behind what is stored, and the resumed listing reads again (and harmlessly upserts again)
   * at most the pages that were in flight. No page after the cursor is ever missing.
   */
  const walk = async (
    range: { gte: number | null; startingAfter: string | null },
    mark: (page: Page, index: number) => Mark,
  ): Promise<void> => {
    const params = (after: string | null): Stripe.DisputeListParams => ({
      limit: PAGE_SIZE,
      expand: DISPUTE_EXPAND.map((field) => `data.${field}`),
      ...(range.gte !== null ? { created: { gte: range.gte } } : {}),
      ...(after ? { starting_after: after } : {}),
    });
    const committed = new Map<number, Mark>();
    let nextToRecord = 0;
    let recording: Promise<void> = Promise.resolve();
    // Records, in page order, the pages whose predecessors have all committed.
    const record = (index: number, done: Mark): Promise<void> => {
      committed.set(index, done);
      recording = recording.then(async () => {
        let last: Mark | undefined;
        for (let entry = committed.get(nextToRecord); entry; entry = committed.get(nextToRecord)) {
          committed.delete(nextToRecord);
          nextToRecord += 1;
          counts.seen += entry.count;
          counts.pages += 1;
          if (entry.newHead) head = entry.newHead;
          if (entry.cursor) reachedBack = entry.cursor.created;
          last = {
            cursor: entry.cursor ?? last?.cursor ?? null,
            newHead: entry.newHead ?? last?.newHead ?? null,
            count: 0,
          };
          report(progress(false));
        }
        if (!last) return;
        await pool.query(
          `UPDATE sync_runs SET cursor = COALESCE($2, cursor), cursor_created = COALESCE($3, cursor_created),
                  head_created = COALESCE($4, head_created), seen = $5, pages = $6, heartbeat_at = now()
            WHERE id = $1`,
          [runId, last.cursor?.id ?? null, last.cursor?.created ?? null, last.newHead, counts.seen, counts.pages],
        );
      });
      return recording;
    };
    const store = async (page: Page, index: number): Promise<void> => {
      const done = mark(page, index);
      // Two pages are written at once: read each count after its await, never `x += await …`.
      // A deadlock with a concurrent webhook job on the stats totals: the page is stored again.
      const written = await withTransaction(
        pool,
        async (tx) => ({
          inserted: (await upsertDisputes(tx, page.disputes, null, page.readAt)).inserted,
          ...(await openAndCloseCases(tx, page.disputes, deps, { actor: 'sync', detail: { syncRun: runId } })),
        }),
        { retries: 2 },
      );
      counts.inserted += written.inserted;
      counts.casesOpened += written.opened;
      counts.casesClosed += written.closed;
      await record(index, done);
    };

    const writing: Promise<void>[] = [];
    let failure: { error: unknown } | undefined;
    try {
      let next: Promise<Page> | null = fetchPage(params(range.startingAfter));
      for (let index = 0; next; index++) {
        const page: Page = await next;
        const last = page.disputes[page.disputes.length - 1];
        next = page.hasMore && last ? fetchPage(params(last.id)) : null;
        // A fetch started ahead must not reject unobserved if a write fails meanwhile.
        next?.catch(() => {});
        const written = store(page, index);
        written.catch(() => {});
        writing.push(written);
        if (writing.length >= CONCURRENT_PAGES) await writing.shift();
        if (options.signal?.aborted) throw new Stopped();
      }
    } catch (error) {
      failure = { error };
    }
    // Pages already being written finish (or fail) before the run is recorded as ended.
    const settled = await Promise.allSettled(writing);
    if (failure) throw failure.error;
    for (const result of settled) if (result.status === 'rejected') throw result.reason;
  };

  const unix = (date: Date) => Math.floor(date.getTime() / 1000);
  try {
    if (resumed?.head_created) {
      // 1. Catch up on what arrived since the interrupted listing began. The boundary moves only once
      //    all of it is stored: a kill before that repeats the catch-up from the old boundary.
      phase = 'catch_up';
      const gte = Math.max(unix(resumed.head_created), since ? unix(since) : 0);
      const newest: { at: Date | null } = { at: null };
      await walk({ gte, startingAfter: null }, (page, index) => {
        const first = page.disputes[0];
        if (index === 0 && first) newest.at = new Date(first.created * 1000);
        return { cursor: null, newHead: null, count: page.disputes.length };
      });
      if (newest.at) {
        head = newest.at;
        await pool.query('UPDATE sync_runs SET head_created = $2 WHERE id = $1', [runId, head]);
      }
    }
    // 2. History: from the cursor (or the front) back to `since`.
    phase = 'history';
    let startingAfter = resumed?.cursor ?? null;
    for (let restarted = false; ; restarted = true) {
      try {
        await walk({ gte: since ? unix(since) : null, startingAfter }, (page, index) => {
          const first = page.disputes[0];
          const last = page.disputes[page.disputes.length - 1];
          return {
            cursor: last ? { id: last.id, created: new Date(last.created * 1000) } : null,
            // The first page of a listing from the front fixes the boundary a resumed run catches up from.
            newHead: startingAfter === null && index === 0 && first ? new Date(first.created * 1000) : null,
            count: page.disputes.length,
          };
        });
        break;
      } catch (error) {
        // The cursor dispute is gone (another account, deleted test data): list everything again.
        const missing = error instanceof Error && 'code' in error && error.code === 'resource_missing';
        if (!missing || startingAfter === null || restarted) throw error;
        log.warn(
          { runId, cursor: startingAfter },
          'the resume point no longer exists on Stripe; listing from the start',
        );
        startingAfter = null;
      }
    }

    counts.ms = Date.now() - startedAt.getTime();
    await pool.query(`UPDATE sync_runs SET status = 'done', finished_at = now(), heartbeat_at = now() WHERE id = $1`, [
      runId,
    ]);
    report(progress(true));
    const rate = counts.ms > 0 ? counts.seen / (counts.ms / 1000) : 0;
    log.info({ ...counts, rate: Math.round(rate) }, 'dispute sync finished');
    return { status: 'done', rate, ...counts };
  } catch (error) {
    counts.ms = Date.now() - startedAt.getTime();
    const stopped = error instanceof Stopped;
    const message = stopped ? 'stopped before the end; the next sync resumes here' : messageOf(error);
    await pool
      .query(`UPDATE sync_runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`, [runId, message])
      .catch((updateError: unknown) =>
        log.error({ runId, err: updateError }, 'could not record the end of the sync run'),
      );
    if (stopped) {
      log.info({ ...counts }, 'dispute sync stopped; the next sync resumes where it stopped');
      return { status: 'stopped', ...counts };
    }
    log.error({ ...counts, err: error }, 'dispute sync failed; the next sync resumes where it stopped');
    return { status: 'failed', error: message, ...counts };
  }
}

/**
 * The nightly re-read of recent disputes, on every instance: the sync lock lets one of them run
 * and the others find it busy. Returns a handle to stop the schedule.
 */
export function startNightlySync(deps: SyncDeps, schedule = '0 3 * * *'): { stop(): Promise<void> } {
  const task = cron.schedule(
    schedule,
    async () => {
      const result = await runSync(deps, {
        since: new Date(Date.now() - NIGHTLY_LOOKBACK_MS),
        startedBy: 'nightly',
      }).catch((error: unknown) => {
        deps.log.error({ err: error }, 'the nightly dispute sync could not start');
        return undefined;
      });
      if (result?.status === 'busy') deps.log.debug('nightly sync skipped: another sync is running');
    },
    { name: 'rebut-nightly-sync', noOverlap: true, timezone: 'UTC' },
  );
  return {
    async stop() {
      await task.destroy();
    },
  };
}
