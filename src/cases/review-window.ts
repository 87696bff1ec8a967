import type { Pool, PoolClient } from '../db/pool.js';
import { type ByProduct, forProduct } from '../dispute/products.js';
import type { CaseState } from '../dispute/states.js';

/**
 * When rebut acts alone on a case nobody decided (docs/architecture.md → "When rebut acts alone"). The review
 * window starts when a person can first see the case in Slack, not when the dispute arrived: a case stuck before
 * Slack, or imported by a sync, gets the same time to be read as any other.
 *
 *   auto_submit_at = min(posted + REVIEW_WINDOW,
 *                        max(due_by − SUBMIT_BUFFER, posted + MIN_REVIEW_TIME),
 *                        due_by − LAST_SAFE_MARGIN)
 *
 * The owner's review window, cut short by the submit buffer, but never by the buffer alone to less than
 * MIN_REVIEW_TIME; only Stripe's real deadline cuts deeper.
 */
export interface ReviewWindows {
  /** REVIEW_WINDOW: how long a case waits for a person. */
  reviewWindowMs: number;
  /** SUBMIT_BUFFER: act at the latest this long before due_by. */
  submitBufferMs: number;
  /** MIN_REVIEW_TIME: the least time a person gets before rebut acts alone, whatever the buffer says. */
  minReviewMs: number;
}

/**
 * The last moment before Stripe's deadline that rebut acts at: the timer ticks every minute, a submission takes
 * seconds, and retries of a failed one run every five minutes; half an hour leaves room for a few of them.
 */
export const LAST_SAFE_MARGIN_MS = 30 * 60_000;

/** The state of a case shown to a person for a decision: the one its review window is for. */
const WAITING: CaseState = 'awaiting_review';

export interface ReviewSchedule {
  autoSubmitAt: Date;
  /** The deadline cut the review short: the message says so plainly. */
  urgent: boolean;
}

export function reviewSchedule(posted: Date, dueBy: Date | null, windows: ReviewWindows): ReviewSchedule {
  const afterReview = posted.getTime() + windows.reviewWindowMs;
  if (!dueBy) return { autoSubmitAt: new Date(afterReview), urgent: false };
  const buffered = dueBy.getTime() - windows.submitBufferMs;
  const leastReview = posted.getTime() + windows.minReviewMs;
  const lastSafe = dueBy.getTime() - LAST_SAFE_MARGIN_MS;
  return {
    autoSubmitAt: new Date(Math.min(afterReview, Math.max(buffered, leastReview), lastSafe)),
    urgent: buffered < leastReview,
  };
}

/**
 * The schedule a case would get if a person saw it now (PostgreSQL's clock, the one every stored time is compared
 * with), or the one it has; undefined while the case is not waiting for a person. Shown first, stored once shown
 * (`startReview`), so a message that never reached Slack starts no clock.
 */
export async function pendingReview(
  db: Pool | PoolClient,
  caseId: number,
  windows: ByProduct<ReviewWindows>,
): Promise<(ReviewSchedule & { posted: Date }) | undefined> {
  const { rows } = await db.query<{
    now: Date;
    posted_at: Date | null;
    auto_submit_at: Date | null;
    urgent: boolean;
    due_by: Date | null;
    product: string;
  }>(
    `SELECT now() AS now, c.posted_at, c.auto_submit_at, c.urgent, d.due_by, d.product
       FROM cases c JOIN disputes d ON d.id = c.dispute_id WHERE c.id = $1 AND c.state = $2`,
    [caseId, WAITING],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.posted_at && row.auto_submit_at) {
    return { posted: row.posted_at, autoSubmitAt: row.auto_submit_at, urgent: row.urgent };
  }
  const schedule = reviewSchedule(row.now, row.due_by, forProduct(windows, row.product));
  // A time set before the case was shown (by an operator, or a test) is kept: it is set once.
  return { posted: row.now, autoSubmitAt: row.auto_submit_at ?? schedule.autoSubmitAt, urgent: schedule.urgent };
}

/** Records that a person can now see the case: its review window starts (once). */
export async function startReview(
  db: Pool | PoolClient,
  caseId: number,
  schedule: ReviewSchedule & { posted: Date },
): Promise<void> {
  await db.query(
    `UPDATE cases SET posted_at = $2, auto_submit_at = COALESCE(auto_submit_at, $3), urgent = $4
      WHERE id = $1 AND posted_at IS NULL`,
    [caseId, schedule.posted, schedule.autoSubmitAt, schedule.urgent],
  );
}
