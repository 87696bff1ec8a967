import type { Logger } from '../log.js';

/**
 * What a run has done so far, and how it tells whoever started it (a Slack message, a terminal bar).
 * Stripe's list has no total, so progress is measured in time: how far back the listing has come
 * between the newest dispute (`head`) and where it will stop (`floor`).
 */

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

export interface SyncCounts {
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

/** A run's running totals and position; the walk updates it as pages commit, in page order. */
export interface SyncTally {
  readonly startedAt: Date;
  readonly floor: Date | null;
  phase: SyncProgress['phase'];
  head: Date | null;
  reachedBack: Date | null;
  readonly counts: SyncCounts;
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

/** The tally as a listener sees it. */
export function progressOf(tally: SyncTally, done: boolean, now = Date.now()): SyncProgress {
  const seconds = (now - tally.startedAt.getTime()) / 1000;
  return {
    runId: tally.counts.runId,
    phase: tally.phase,
    seen: tally.counts.seen,
    pages: tally.counts.pages,
    done,
    rate: seconds > 0 ? tally.counts.seen / seconds : 0,
    reachedBack: tally.reachedBack,
    floor: tally.floor,
    head: tally.head,
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
