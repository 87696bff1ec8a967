import cron from 'node-cron';
import type Stripe from 'stripe';
import type { Pool } from '../db/pool.js';
import { messageOf } from '../errors.js';
import type { Logger } from '../log.js';
import { DEFAULT_REQUESTS_PER_SECOND, TokenBucket } from './limits.js';
import { fetchPage, inPageOrder, listParams, type Page, type PageReader, Stopped, storeEachPage } from './pages.js';
import { progressOf, reportProgress, type SyncCounts, type SyncProgress, type SyncTally } from './progress.js';
import {
  beginRun,
  failRun,
  finishRun,
  type PageMark,
  placeAfter,
  type RunningSync,
  recordHead,
  recordPlace,
  withSyncLock,
} from './runs.js';
import { storePage } from './store.js';

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

export type SyncResult =
  | ({ status: 'done'; rate: number } & SyncCounts)
  /** The signal fired; the next sync resumes where this one stopped. */
  | ({ status: 'stopped' } & SyncCounts)
  /** Stripe or the database failed after retries; the next sync resumes where this one stopped. */
  | ({ status: 'failed'; error: string } & SyncCounts)
  /** Another sync holds the lock (on this or another instance). */
  | { status: 'busy'; running: RunningSync | null };

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

/** Runs a sync unless another holds the lock (then says which): see `withSyncLock`. */
export async function runSync(deps: SyncDeps, options: SyncOptions): Promise<SyncResult> {
  return withSyncLock(deps.pool, () => syncUnderLock(deps, options));
}

/** What every page of one run needs: who to call, what the run asked for, and its tally so far. */
interface Run {
  deps: SyncDeps;
  options: SyncOptions;
  reader: PageReader;
  tally: SyncTally;
}

const unix = (date: Date) => Math.floor(date.getTime() / 1000);

async function syncUnderLock(deps: SyncDeps, options: SyncOptions): Promise<SyncResult> {
  const { pool, log } = deps;
  const since = options.since ?? null;
  const startedAt = new Date();
  const bucket = new TokenBucket(options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND);

  const { runId, resumed, floor } = await beginRun(pool, { since, startedBy: options.startedBy });
  if (resumed) log.info({ runId, resumedFrom: resumed.id, cursor: resumed.cursor }, 'resuming an interrupted sync');

  const counts: SyncCounts = {
    runId,
    resumedFrom: resumed?.id ?? null,
    seen: 0,
    pages: 0,
    inserted: 0,
    casesOpened: 0,
    casesClosed: 0,
    ms: 0,
  };
  const tally: SyncTally = {
    startedAt,
    floor,
    phase: 'history',
    head: resumed?.head_created ?? null,
    reachedBack: resumed?.cursor_created ?? null,
    counts,
  };
  const run: Run = {
    deps,
    options,
    reader: { stripe: deps.stripe, bucket, signal: options.signal, log, runId, pool },
    tally,
  };

  try {
    if (resumed?.head_created) await catchUp(run, resumed.head_created, since);
    tally.phase = 'history';
    await walkHistory(run, resumed?.cursor ?? null, since);
    return await finished(run);
  } catch (error) {
    return await ended(run, error);
  }
}

/**
 * 1. Catches up on what arrived since the interrupted listing began (`head`). The boundary moves only
 *    once all of it is stored: a kill before that repeats the catch-up from the old boundary.
 */
async function catchUp(run: Run, head: Date, since: Date | null): Promise<void> {
  const { deps, tally } = run;
  tally.phase = 'catch_up';
  const gte = Math.max(unix(head), since ? unix(since) : 0);
  const newest: { at: Date | null } = { at: null };
  await walk(run, { gte, startingAfter: null }, (page, index) => {
    const first = page.disputes[0];
    if (index === 0 && first) newest.at = new Date(first.created * 1000);
    return { cursor: null, newHead: null, count: page.disputes.length };
  });
  if (newest.at) {
    tally.head = newest.at;
    await recordHead(deps.pool, tally.counts.runId, newest.at);
  }
}

/** 2. History: from the cursor (or the front) back to `since`. */
async function walkHistory(run: Run, cursor: string | null, since: Date | null): Promise<void> {
  let startingAfter = cursor;
  for (let restarted = false; ; restarted = true) {
    try {
      await walk(run, { gte: since ? unix(since) : null, startingAfter }, (page, index) => {
        const first = page.disputes[0];
        const last = page.disputes[page.disputes.length - 1];
        return {
          cursor: last ? { id: last.id, created: new Date(last.created * 1000) } : null,
          // The first page of a listing from the front fixes the boundary a resumed run catches up from.
          newHead: startingAfter === null && index === 0 && first ? new Date(first.created * 1000) : null,
          count: page.disputes.length,
        };
      });
      return;
    } catch (error) {
      // The cursor dispute is gone (another account, deleted test data): list everything again.
      const missing = error instanceof Error && 'code' in error && error.code === 'resource_missing';
      if (!missing || startingAfter === null || restarted) throw error;
      run.deps.log.warn(
        { runId: run.tally.counts.runId, cursor: startingAfter },
        'the resume point no longer exists on Stripe; listing from the start',
      );
      startingAfter = null;
    }
  }
}

/** Both listings are stored: the run is done, and says so to its row, its listener and the log. */
async function finished(run: Run): Promise<SyncResult> {
  const { deps, options, tally } = run;
  const { counts } = tally;
  counts.ms = Date.now() - tally.startedAt.getTime();
  await finishRun(deps.pool, counts.runId);
  reportProgress(options.onProgress, progressOf(tally, true), deps.log);
  const rate = counts.ms > 0 ? counts.seen / (counts.ms / 1000) : 0;
  deps.log.info({ ...counts, rate: Math.round(rate) }, 'dispute sync finished');
  return { status: 'done', rate, ...counts };
}

/** The run stopped (its signal) or failed; its row keeps the cursor, so the next sync resumes it. */
async function ended(run: Run, error: unknown): Promise<SyncResult> {
  const { deps, tally } = run;
  const { counts } = tally;
  counts.ms = Date.now() - tally.startedAt.getTime();
  const stopped = error instanceof Stopped;
  const message = stopped ? 'stopped before the end; the next sync resumes here' : messageOf(error);
  await failRun(deps.pool, counts.runId, message).catch((updateError: unknown) =>
    deps.log.error({ runId: counts.runId, err: updateError }, 'could not record the end of the sync run'),
  );
  if (stopped) {
    deps.log.info({ ...counts }, 'dispute sync stopped; the next sync resumes where it stopped');
    return { status: 'stopped', ...counts };
  }
  deps.log.error({ ...counts, err: error }, 'dispute sync failed; the next sync resumes where it stopped');
  return { status: 'failed', error: message, ...counts };
}

/**
 * Lists one range, newest first, and stores it page by page. Pages may commit out of order, so the
 * run's cursor only moves past a page once every page before it has committed: after a kill the
 * cursor is at or behind what is stored, and the resumed listing reads again (and harmlessly upserts
 * again) at most the pages that were in flight. No page after the cursor is ever missing.
 */
async function walk(
  run: Run,
  range: { gte: number | null; startingAfter: string | null },
  mark: (page: Page, index: number) => PageMark,
): Promise<void> {
  const { deps, options, reader, tally } = run;
  const { counts } = tally;
  const committed = inPageOrder<PageMark>(async (marks) => {
    for (const entry of marks) {
      counts.seen += entry.count;
      counts.pages += 1;
      if (entry.newHead) tally.head = entry.newHead;
      if (entry.cursor) tally.reachedBack = entry.cursor.created;
      reportProgress(options.onProgress, progressOf(tally, false), deps.log);
    }
    await recordPlace(deps.pool, counts.runId, placeAfter(marks), counts);
  });
  await storeEachPage(
    (after) => fetchPage(reader, listParams(range.gte, after)),
    range.startingAfter,
    async (page, index) => {
      const done = mark(page, index);
      // Two pages are written at once: read each count after its await, never `x += await …`.
      const written = await storePage(deps.pool, page, counts.runId);
      counts.inserted += written.inserted;
      counts.casesOpened += written.opened;
      counts.casesClosed += written.closed;
      await committed(index, done);
    },
    options.signal,
  );
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
