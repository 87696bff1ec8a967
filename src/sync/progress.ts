import type { Logger } from '../log.js';
import type { Account, AccountStatus } from './runs.js';

/**
 * What a run has done so far, and how it tells whoever started it (a Slack message, a terminal bar).
 * Stripe's list has no total, so progress is measured in time: how far back the listing of the account
 * being listed has come between its newest dispute (`head`) and where it will stop (`floor`); with
 * connected accounts, each account listed is one equal share of the bar.
 */

/** What a run did for one account (the platform's own disputes are `account: null`). */
export interface AccountCounts {
  account: Account;
  /** `waiting`: not listed yet in this run; `skipped`: Stripe refused access (403), reported and passed over. */
  status: AccountStatus | 'waiting';
  seen: number;
  pages: number;
  inserted: number;
  casesOpened: number;
  casesClosed: number;
  /** Why it was skipped or failed. */
  error?: string;
}

export interface SyncProgress {
  runId: number;
  /** The account being listed (`null`: the platform's own disputes). */
  account: Account;
  /** Every account of the run, in the order they are listed, with what each has done so far. */
  accounts: AccountCounts[];
  /** `catch_up` lists disputes that arrived since an interrupted run began; `history` walks back in time. */
  phase: 'catch_up' | 'history';
  /** Disputes stored by this run, all accounts together. */
  seen: number;
  pages: number;
  done: boolean;
  /** Disputes per second so far. */
  rate: number;
  /** `created` of the oldest dispute the current account's listing reached: how far back in time it has come. */
  reachedBack: Date | null;
  /** Where the listing will stop: `since`, or else the oldest dispute already stored (an estimate). */
  floor: Date | null;
  /** `created` of the newest dispute when the listing began. */
  head: Date | null;
  startedAt: Date;
}

export interface SyncCounts {
  /** The product synced: every dispute was read with its key and stored under it. */
  product: string;
  runId: number;
  /** The interrupted run this one continued, if any. */
  resumedFrom: number | null;
  seen: number;
  pages: number;
  inserted: number;
  casesOpened: number;
  casesClosed: number;
  ms: number;
  /** Per account, the platform first. */
  accounts: AccountCounts[];
  /** Why the connected accounts could not be listed (the platform's own disputes were synced): null when they were. */
  accountsNotListed: string | null;
}

/** Where the listing of one account stands; the walk updates it as pages commit, in page order. */
export interface ListingTally {
  readonly counts: AccountCounts;
  readonly floor: Date | null;
  phase: SyncProgress['phase'];
  head: Date | null;
  reachedBack: Date | null;
}

/** A run's running totals and position. */
export interface SyncTally {
  readonly startedAt: Date;
  readonly counts: SyncCounts;
  /** The account being listed; null before the first. */
  current: ListingTally | null;
}

/** How far the whole run has come, 0–1: each account an equal share, the one being listed by its fraction. */
export function runFraction(
  progress: Pick<SyncProgress, 'done' | 'reachedBack' | 'floor' | 'head' | 'accounts'>,
): number | null {
  if (progress.done) return 1;
  const current = syncFraction(progress);
  if (progress.accounts.length <= 1) return current;
  const finished = progress.accounts.filter((entry) => entry.status !== 'waiting' && entry.status !== 'listing').length;
  return Math.min(0.99, (finished + (current ?? 0)) / progress.accounts.length);
}

/** How far one account's listing has come, 0–1, or null when there is nothing to measure against. */
export function syncFraction(progress: Pick<SyncProgress, 'done' | 'reachedBack' | 'floor' | 'head'>): number | null {
  if (progress.done) return 1;
  const { reachedBack, floor, head } = progress;
  if (!reachedBack || !floor || !head) return null;
  const span = head.getTime() - floor.getTime();
  if (span <= 0) return null;
  return Math.min(0.99, Math.max(0, (head.getTime() - reachedBack.getTime()) / span));
}

/** The tally as a listener sees it. */
export function progressOf(tally: SyncTally, done: boolean, now = Date.now()): SyncProgress {
  const seconds = (now - tally.startedAt.getTime()) / 1000;
  const { current } = tally;
  return {
    runId: tally.counts.runId,
    account: current?.counts.account ?? null,
    accounts: tally.counts.accounts.map((entry) => ({ ...entry })),
    phase: current?.phase ?? 'history',
    seen: tally.counts.seen,
    pages: tally.counts.pages,
    done,
    rate: seconds > 0 ? tally.counts.seen / seconds : 0,
    reachedBack: current?.reachedBack ?? null,
    floor: current?.floor ?? null,
    head: current?.head ?? null,
    startedAt: tally.startedAt,
  };
}

/** Calls the listener; a listener that throws is logged and the sync goes on. */
export function reportProgress(
  onProgress: ((progress: SyncProgress) => void) | undefined,
  progress: SyncProgress,
  log: Logger,
): void {
  try {
    onProgress?.(progress);
  } catch (error) {
    log.warn({ runId: progress.runId, err: error }, 'a sync progress listener failed; the sync goes on');
  }
}

/** How one account reads in a list: `the platform`, or its id. */
export function accountLabel(account: Account): string {
  return account ?? 'the platform';
}

/** An account's state in a few words: `450 disputes, done`, `skipped: <Stripe's reason>`. */
export function accountState(entry: AccountCounts): string {
  const disputes = `${entry.seen.toLocaleString('en-US')} ${entry.seen === 1 ? 'dispute' : 'disputes'}`;
  switch (entry.status) {
    case 'waiting':
      return 'waiting';
    case 'listing':
      return `${disputes} so far, listing`;
    case 'done':
      return `${disputes}, done`;
    case 'skipped':
      return `skipped, no access: ${entry.error ?? 'Stripe refused it'}`;
    case 'failed':
      return `${disputes}, failed (the next sync resumes it): ${entry.error ?? 'unknown error'}`;
  }
}

/** The order accounts are shown in, when they do not all fit: trouble first, then the one listing, done, waiting. */
const SHOW_FIRST: Record<AccountCounts['status'], number> = { failed: 0, skipped: 1, listing: 2, done: 3, waiting: 4 };

/**
 * Accounts to show in a message with room for `limit` lines (stable within each kind), and a line for the rest:
 * `…and 812 more (790 done, 22 waiting)`, or null when all fit.
 */
export function accountsToShow(
  accounts: readonly AccountCounts[],
  limit: number,
): { shown: AccountCounts[]; rest: string | null } {
  if (accounts.length <= limit) return { shown: [...accounts], rest: null };
  const ordered = accounts
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => SHOW_FIRST[a.entry.status] - SHOW_FIRST[b.entry.status] || a.index - b.index)
    .map(({ entry }) => entry);
  const shown = ordered.slice(0, limit - 1);
  const hidden = ordered.slice(limit - 1);
  const byStatus = new Map<string, number>();
  for (const entry of hidden) byStatus.set(entry.status, (byStatus.get(entry.status) ?? 0) + 1);
  const parts = [...byStatus].map(([status, count]) => `${count.toLocaleString('en-US')} ${status}`);
  return { shown, rest: `…and ${hidden.length.toLocaleString('en-US')} more (${parts.join(', ')})` };
}
