import cron from 'node-cron';
import Stripe from 'stripe';
import type { Pool } from '../db/pool.js';
import { messageOf } from '../errors.js';
import type { Logger } from '../log.js';
import { DEFAULT_REQUESTS_PER_SECOND, TokenBucket } from './limits.js';
import {
  fetchPage,
  inPageOrder,
  listParams,
  PAGE_SIZE,
  type Page,
  type PageReader,
  Stopped,
  storeEachPage,
  withinLimits,
} from './pages.js';
import {
  type AccountCounts,
  accountLabel,
  type ListingTally,
  progressOf,
  reportProgress,
  type SyncCounts,
  type SyncProgress,
  type SyncTally,
} from './progress.js';
import {
  type Account,
  type AccountPlace,
  beginAccount,
  beginRun,
  endAccount,
  failRun,
  finishRun,
  floorOf,
  type PageMark,
  placeAfter,
  type RunningSync,
  recordHead,
  recordPlace,
  withSyncLock,
} from './runs.js';
import { storePage } from './store.js';

/**
 * `/disputes sync` and `rebut sync`: pages through one product's Stripe disputes (newest first), stores each
 * page with one set-based upsert in which the newest read wins, opens cases for open disputes
 * and records its place after every page, so a killed run resumes without gaps or duplicates.
 *
 * Whose disputes. A run belongs to one product: it reads with that product's key, stores every dispute under
 * that product and resumes only that product's runs; two products' runs may go on at once. A Connect platform's
 * disputes on direct charges live on its connected accounts, so a run lists the platform's own disputes, then
 * lists the connected accounts (`accounts.list`, platform key) and each account's disputes (`Stripe-Account`), one
 * account after another, storing each dispute with its account. Every account has its own place (`sync_run_accounts`). An account Stripe will not let rebut read
 * (403) is reported and skipped; one whose listing still fails after the retries (429s that do not stop, an
 * outage) is recorded as failed and the others go on: the run ends failed and the next one resumes that
 * account from its place, and only catches up on the others.
 *
 * Where a resumed listing starts. Stripe lists newest first and new disputes keep arriving at the
 * front; `starting_after` is anchored to an object, so the part of the list after the cursor never
 * shifts. An account's listing therefore covers, at any moment, every dispute from the cursor up to the
 * newest one that existed when its listing began (`head_created`). Resuming means two listings:
 *   1. catch-up: `created >= head_created`, from the front — disputes that arrived since (and a few
 *      at that same second again, which the upsert makes harmless);
 *   2. history: `starting_after = cursor`, down to `since` — the part never reached (none for an account
 *      whose listing had reached the end).
 * The cursor moves past a page only after that page and every page before it have committed, so
 * after a kill it never points beyond what is stored: the pages in flight are listed again, and the
 * upsert (keyed by id, newest read wins) makes storing them twice harmless.
 */

/** The product a run syncs: its id (on the run and on every dispute it stores) and its Stripe client. */
export interface SyncProduct {
  id: string;
  stripe: Stripe;
}

export interface SyncDeps {
  pool: Pool;
  product: SyncProduct;
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
  /** Another sync of the product holds its lock (on this or another instance). */
  | { status: 'busy'; product: string; running: RunningSync | null };

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

/** Runs a sync of the product unless another of it holds its lock (then says which): see `withSyncLock`. */
export async function runSync(deps: SyncDeps, options: SyncOptions): Promise<SyncResult> {
  return withSyncLock(deps.pool, deps.product.id, () => syncUnderLock(deps, options));
}

/** What every page of one run needs: who to call, what the run asked for, and its tally so far. */
interface Run {
  deps: SyncDeps;
  options: SyncOptions;
  since: Date | null;
  /** Where each listing's progress bar ends (see `floorOf`). */
  floor: Date | null;
  reader: PageReader;
  tally: SyncTally;
}

const unix = (date: Date) => Math.floor(date.getTime() / 1000);

function accountCounts(account: Account): AccountCounts {
  return { account, status: 'waiting', seen: 0, pages: 0, inserted: 0, casesOpened: 0, casesClosed: 0 };
}

async function syncUnderLock(deps: SyncDeps, options: SyncOptions): Promise<SyncResult> {
  const { pool, product } = deps;
  const log = deps.log.child({ product: product.id });
  const since = options.since ?? null;
  const startedAt = new Date();
  const bucket = new TokenBucket(options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND);

  const { runId, resumed } = await beginRun(pool, { product: product.id, since, startedBy: options.startedBy });
  if (resumed) {
    log.info({ runId, resumedFrom: resumed.id, accounts: resumed.places.length }, 'resuming an interrupted sync');
  }
  const places = new Map((resumed?.places ?? []).map((place) => [place.account, place]));

  const counts: SyncCounts = {
    product: product.id,
    runId,
    resumedFrom: resumed?.id ?? null,
    seen: 0,
    pages: 0,
    inserted: 0,
    casesOpened: 0,
    casesClosed: 0,
    ms: 0,
    accounts: [accountCounts(null)],
    accountsNotListed: null,
  };
  const run: Run = {
    deps: { ...deps, log },
    options,
    since,
    floor: await floorOf(pool, product.id, since),
    reader: { stripe: product.stripe, bucket, signal: options.signal, log, runId, pool },
    tally: { startedAt, counts, current: null },
  };

  try {
    const connected = await listConnectedAccounts(run);
    counts.accounts.push(...connected.map(accountCounts));
    const failures: string[] = [];
    for (const entry of counts.accounts) {
      const failure = await syncAccount(run, entry, places.get(entry.account));
      if (failure) failures.push(failure);
    }
    if (failures.length > 0) return await ended(run, new AccountsFailed(failures));
    return await finished(run);
  } catch (error) {
    return await ended(run, error);
  }
}

/** Some accounts' listings failed after their retries; the others were synced, and the next run resumes these. */
class AccountsFailed extends Error {
  constructor(readonly failures: string[]) {
    super(failures.join('; '));
  }
}

/**
 * The platform's connected accounts, every page (within the limits, retried like a page of disputes). A key
 * that may not list them (a restricted key without Connect access, an account that is no platform) syncs the
 * platform's own disputes only, and the result says why.
 */
async function listConnectedAccounts(run: Run): Promise<string[]> {
  const { reader, tally, deps } = run;
  const ids: string[] = [];
  try {
    for (let after: string | undefined, more = true; more; ) {
      const params: Stripe.AccountListParams = { limit: PAGE_SIZE, ...(after ? { starting_after: after } : {}) };
      const page = await withinLimits(reader, { list: 'connected accounts', account: null }, () =>
        reader.stripe.accounts.list(params),
      );
      ids.push(...page.data.map((account) => account.id));
      after = page.data.at(-1)?.id;
      more = page.has_more && after !== undefined;
    }
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripePermissionError)) throw error;
    tally.counts.accountsNotListed = error.message;
    deps.log.warn(
      { runId: tally.counts.runId, err: error.message },
      "Stripe refused the list of connected accounts; syncing the platform's own disputes only",
    );
  }
  return [...new Set(ids)];
}

/**
 * One account's listing, from its place in the interrupted run (if any). Returns why it failed, for the run's
 * error, or null; a refused account (403) is reported and skipped. A stop, a bad key or the database failing end
 * the whole run (thrown), with every account's place kept.
 */
async function syncAccount(run: Run, counts: AccountCounts, place: AccountPlace | undefined): Promise<string | null> {
  const { deps, tally } = run;
  const { account } = counts;
  const runId = tally.counts.runId;
  await beginAccount(deps.pool, runId, account);
  counts.status = 'listing';
  const listing: ListingTally = {
    counts,
    floor: run.floor,
    phase: 'history',
    head: place?.head_created ?? null,
    reachedBack: place?.cursor_created ?? null,
  };
  tally.current = listing;
  reportProgress(run.options.onProgress, progressOf(tally, false), deps.log);
  try {
    if (place?.head_created) await catchUp(run, listing, place.head_created);
    // An account listed to the end before the run stopped only needed the catch-up.
    if (!(place?.done && place.head_created)) {
      listing.phase = 'history';
      await walkHistory(run, listing, place?.cursor ?? null);
    }
    counts.status = 'done';
    await endAccount(deps.pool, runId, account, 'done');
    return null;
  } catch (error) {
    const refused = account !== null && error instanceof Stripe.errors.StripePermissionError;
    const recoverable =
      error instanceof Stripe.errors.StripeError && !(error instanceof Stripe.errors.StripeAuthenticationError);
    if (!refused && !recoverable) throw error;
    const message = messageOf(error);
    counts.status = refused ? 'skipped' : 'failed';
    counts.error = message;
    await endAccount(deps.pool, runId, account, counts.status, message);
    if (refused) {
      deps.log.warn({ runId, account, err: message }, 'Stripe refused access to a connected account; skipped');
      return null;
    }
    deps.log.error(
      { runId, account, err: message },
      'listing an account failed after retries; going on with the others, the next sync resumes it',
    );
    return `${accountLabel(account)}: ${message}`;
  }
}

/**
 * 1. Catches up on what arrived since the interrupted listing began (`head`). The boundary moves only
 *    once all of it is stored: a kill before that repeats the catch-up from the old boundary.
 */
async function catchUp(run: Run, listing: ListingTally, head: Date): Promise<void> {
  const { deps, tally, since } = run;
  listing.phase = 'catch_up';
  const gte = Math.max(unix(head), since ? unix(since) : 0);
  const newest: { at: Date | null } = { at: null };
  await walk(run, listing, { gte, startingAfter: null }, (page, index) => {
    const first = page.disputes[0];
    if (index === 0 && first) newest.at = new Date(first.created * 1000);
    return { cursor: null, newHead: null, count: page.disputes.length };
  });
  if (newest.at) {
    listing.head = newest.at;
    await recordHead(deps.pool, tally.counts.runId, listing.counts.account, newest.at);
  }
}

/** 2. History: from the cursor (or the front) back to `since`. */
async function walkHistory(run: Run, listing: ListingTally, cursor: string | null): Promise<void> {
  const { since } = run;
  let startingAfter = cursor;
  for (let restarted = false; ; restarted = true) {
    try {
      await walk(run, listing, { gte: since ? unix(since) : null, startingAfter }, (page, index) => {
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
      // The cursor dispute is gone (deleted test data): list everything again.
      const missing = error instanceof Error && 'code' in error && error.code === 'resource_missing';
      if (!missing || startingAfter === null || restarted) throw error;
      run.deps.log.warn(
        { runId: run.tally.counts.runId, account: listing.counts.account, cursor: startingAfter },
        'the resume point no longer exists on Stripe; listing from the start',
      );
      startingAfter = null;
    }
  }
}

/** Every account was listed (or skipped): the run is done, and says so to its row, its listener and the log. */
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

/** The run stopped (its signal) or failed; its accounts' places stay, so the next sync resumes it. */
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
 * Lists one range of one account, newest first, and stores it page by page. Pages may commit out of
 * order, so the account's cursor only moves past a page once every page before it has committed: after
 * a kill the cursor is at or behind what is stored, and the resumed listing reads again (and harmlessly
 * upserts again) at most the pages that were in flight. No page after the cursor is ever missing.
 */
async function walk(
  run: Run,
  listing: ListingTally,
  range: { gte: number | null; startingAfter: string | null },
  mark: (page: Page, index: number) => PageMark,
): Promise<void> {
  const { deps, options, reader, tally } = run;
  const { counts } = tally;
  const { account } = listing.counts;
  const committed = inPageOrder<PageMark>(async (marks) => {
    for (const entry of marks) {
      counts.seen += entry.count;
      counts.pages += 1;
      listing.counts.seen += entry.count;
      listing.counts.pages += 1;
      if (entry.newHead) listing.head = entry.newHead;
      if (entry.cursor) listing.reachedBack = entry.cursor.created;
      reportProgress(options.onProgress, progressOf(tally, false), deps.log);
    }
    await recordPlace(deps.pool, counts.runId, account, placeAfter(marks), {
      account: listing.counts,
      run: counts,
    });
  });
  await storeEachPage(
    (after) => fetchPage(reader, account, listParams(range.gte, after)),
    range.startingAfter,
    async (page, index) => {
      const done = mark(page, index);
      // Two pages are written at once: read each count after its await, never `x += await …`.
      const written = await storePage(deps.pool, page, { product: counts.product, account }, counts.runId);
      counts.inserted += written.inserted;
      counts.casesOpened += written.opened;
      counts.casesClosed += written.closed;
      listing.counts.inserted += written.inserted;
      listing.counts.casesOpened += written.opened;
      listing.counts.casesClosed += written.closed;
      await committed(index, done);
    },
    options.signal,
  );
}

/**
 * The nightly re-read of recent disputes, of every product one after another, on every instance: each product's
 * sync lock lets one instance run it and the others find it busy. Returns a handle to stop the schedule.
 */
export function startNightlySync(
  deps: { pool: Pool; log: Logger; products: readonly SyncProduct[] },
  schedule = '0 3 * * *',
): { stop(): Promise<void> } {
  const stopping = new AbortController();
  const syncAll = async () => {
    for (const product of deps.products) {
      if (stopping.signal.aborted) return;
      const log = deps.log.child({ product: product.id });
      const result = await runSync(
        { pool: deps.pool, product, log: deps.log },
        { since: new Date(Date.now() - NIGHTLY_LOOKBACK_MS), startedBy: 'nightly', signal: stopping.signal },
      ).catch((error: unknown) => {
        log.error({ err: error }, 'the nightly dispute sync could not start');
        return undefined;
      });
      if (result?.status === 'busy') log.debug('nightly sync skipped: another sync of this product is running');
    }
  };
  let running: Promise<void> | undefined;
  const task = cron.schedule(
    schedule,
    async () => {
      running = syncAll();
      await running;
    },
    { name: 'rebut-nightly-sync', noOverlap: true, timezone: 'UTC' },
  );
  return {
    /** No new run starts; a run in flight stops after the page it is storing (resumable) before the pool closes. */
    async stop() {
      await task.destroy();
      stopping.abort();
      await running;
    },
  };
}
