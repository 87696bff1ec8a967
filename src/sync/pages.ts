import type Stripe from 'stripe';
import { databaseNow } from '../db/clock.js';
import type { Pool } from '../db/pool.js';
import { messageOf } from '../errors.js';
import type { Logger } from '../log.js';
import { DISPUTE_EXPAND, onAccount } from '../stripe/client.js';
import { backoffDelay, isRateLimited, isRetryable, MAX_PAGE_ATTEMPTS, type TokenBucket } from './limits.js';
import type { Account } from './runs.js';

/**
 * Listing Stripe's disputes a page at a time: within the request ceiling, retried with backoff,
 * and with the next page fetched while earlier ones are being stored.
 */

/** The most Stripe returns per list page. */
export const PAGE_SIZE = 100;
/** Pages written at once: the database stores one while the next is parsed and sent. */
export const CONCURRENT_PAGES = 2;

export interface Page {
  disputes: Stripe.Dispute[];
  hasMore: boolean;
  readAt: Date;
}

/** The run's signal fired; thrown out of the listing so the run ends as stopped, not failed. */
export class Stopped extends Error {
  constructor() {
    super('stopped');
  }
}

/** What fetching a page needs: the client, the run's request ceiling and its stop signal. */
export interface PageReader {
  stripe: Stripe;
  bucket: TokenBucket;
  signal: AbortSignal | undefined;
  log: Logger;
  runId: number;
  /** The database, whose clock dates each page's read. */
  pool: Pool;
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

/** One page of the listing: disputes created at or after `gte` (Unix seconds), after the dispute `after`. */
export function listParams(gte: number | null, after: string | null): Stripe.DisputeListParams {
  return {
    limit: PAGE_SIZE,
    expand: DISPUTE_EXPAND.map((field) => `data.${field}`),
    ...(gte !== null ? { created: { gte } } : {}),
    ...(after ? { starting_after: after } : {}),
  };
}

/**
 * One request within the ceiling; a 429 halves the rate, and retryable failures back off and retry (up to
 * MAX_PAGE_ATTEMPTS). `what` names the request in the log.
 */
export async function withinLimits<T>(
  reader: PageReader,
  what: { list: string; account: Account },
  call: () => Promise<T>,
): Promise<T> {
  const { bucket, signal } = reader;
  for (let attempt = 0; ; attempt++) {
    const wait = bucket.reserve();
    if (wait > 0) await sleep(wait, signal);
    if (signal?.aborted) throw new Stopped();
    try {
      const result = await call();
      bucket.speedUp();
      return result;
    } catch (error) {
      if (!isRetryable(error) || attempt + 1 >= MAX_PAGE_ATTEMPTS) throw error;
      if (isRateLimited(error)) bucket.slowDown();
      const delay = backoffDelay(attempt);
      reader.log.warn(
        {
          runId: reader.runId,
          account: what.account,
          attempt: attempt + 1,
          delayMs: Math.round(delay),
          err: messageOf(error),
        },
        `Stripe refused or failed a page of ${what.list}; backing off`,
      );
      await sleep(delay, signal);
    }
  }
}

/** Fetches one page of an account's disputes (`null`: the platform's), dated by the database's clock. */
export async function fetchPage(reader: PageReader, account: Account, params: Stripe.DisputeListParams): Promise<Page> {
  return withinLimits(reader, { list: 'disputes', account }, async () => {
    const readAt = await databaseNow(reader.pool);
    const list = await reader.stripe.disputes.list(params, onAccount(account));
    return { disputes: list.data, hasMore: list.has_more, readAt };
  });
}

/**
 * Lists from `startingAfter` to the end and stores every page: the next page is fetched while earlier
 * ones are written, up to CONCURRENT_PAGES at once, so pages may finish out of order. Returns once every
 * page being written has finished; the first failure (or Stopped) is thrown after that.
 */
export async function storeEachPage(
  fetch: (after: string | null) => Promise<Page>,
  startingAfter: string | null,
  store: (page: Page, index: number) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const writing: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  try {
    let next: Promise<Page> | null = fetch(startingAfter);
    for (let index = 0; next; index++) {
      const page: Page = await next;
      const last = page.disputes[page.disputes.length - 1];
      next = page.hasMore && last ? fetch(last.id) : null;
      // A fetch started ahead must not reject unobserved if a write fails meanwhile.
      next?.catch(() => {});
      const written = store(page, index);
      written.catch(() => {});
      writing.push(written);
      if (writing.length >= CONCURRENT_PAGES) await writing.shift();
      if (signal?.aborted) throw new Stopped();
    }
  } catch (error) {
    failure = { error };
  }
  // Pages already being written finish (or fail) before the run is recorded as ended.
  const settled = await Promise.allSettled(writing);
  if (failure) throw failure.error;
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
}

/**
 * Puts pages that finish out of order back in order: `done(index, value)` resolves once `onReady` has
 * been handed every value up to this index (with any later ones that were waiting), one call at a time.
 */
export function inPageOrder<T>(onReady: (values: T[]) => Promise<void>): (index: number, value: T) => Promise<void> {
  const finished = new Map<number, T>();
  let next = 0;
  let handing: Promise<void> = Promise.resolve();
  return (index, value) => {
    finished.set(index, value);
    handing = handing.then(async () => {
      const ready: T[] = [];
      for (let entry = finished.get(next); entry !== undefined; entry = finished.get(next)) {
        finished.delete(next);
        next += 1;
        ready.push(entry);
      }
      if (ready.length > 0) await onReady(ready);
    });
    return handing;
  };
}
