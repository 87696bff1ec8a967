import cron from 'node-cron';
import type Stripe from 'stripe';
import { audit } from '../db/audit.js';
import { type Pool, withTransaction } from '../db/pool.js';
import { type CaseState, TRANSITIONS } from '../dispute/states.js';
import { queueReminder } from '../jobs/enqueue.js';
import type { Logger } from '../log.js';
import { acceptCase } from './accept.js';
import { submitCase } from './submit.js';

/** Any constant works; it names rebut's advisory lock so one instance acts per tick. */
export const TIMER_LOCK_KEY = 0x72656275; // "rebu"
/** A failed submission is retried by the timer at most this often. */
export const FAILED_RETRY_AFTER_MS = 5 * 60_000;
/** A case stuck in `submitting` this long lost its instance mid-submission; the timer takes it back. */
export const STUCK_SUBMITTING_AFTER_MS = 5 * 60_000;
/** The reminder in the case's thread goes out this long before the automatic submission. */
export const REMINDER_BEFORE_MS = 6 * 3_600_000;

// The states the timer reads, named once with their type (a renamed state fails tsc, not a query).
const failed: CaseState = 'failed';
const awaitingReview: CaseState = 'awaiting_review';
const acceptingState: CaseState = 'accepting';

export interface TimerDeps {
  pool: Pool;
  stripe: Stripe;
  log: Logger;
}

export interface TickResult {
  acted: boolean;
  submitted: number[];
  reminded: number[];
}

/**
 * One tick: under a PostgreSQL advisory lock (so one instance acts per tick), submit every case
 * whose `auto_submit_at` has passed, queue reminders, and recover cases an instance died holding.
 */
export async function timerTick(deps: TimerDeps, now = new Date()): Promise<TickResult> {
  const { pool, log } = deps;
  const client = await pool.connect();
  const result: TickResult = { acted: false, submitted: [], reminded: [] };
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      TIMER_LOCK_KEY,
    ]);
    if (!rows[0]?.locked) return result;
    result.acted = true;
    try {
      // Cases an instance died holding: a submission is checked again, an accept (handled_by 'accepted') closed again.
      await client.query(
        `UPDATE cases SET state = $3, updated_at = now(),
                problem = CASE state WHEN $4 THEN 'interrupted while accepting; closing it again'
                                     ELSE 'interrupted while submitting; checking again' END
          WHERE state = ANY($2::text[]) AND updated_at < $1`,
        [new Date(now.getTime() - STUCK_SUBMITTING_AFTER_MS), TRANSITIONS.interrupted.from, failed, acceptingState],
      );
      const retryAfter = new Date(now.getTime() - FAILED_RETRY_AFTER_MS);
      // A case whose accept failed keeps that decision: it is closed again, never submitted.
      const accepting = await client.query<{ id: number }>(
        `SELECT id FROM cases WHERE state = $2 AND handled_by = 'accepted' AND updated_at < $1 ORDER BY id LIMIT 100`,
        [retryAfter, failed],
      );
      for (const { id } of accepting.rows) {
        await acceptCase(deps, id, 'timer').catch((error: unknown) =>
          log.error({ err: error, caseId: id }, 'the timer could not accept this case; the next tick tries again'),
        );
      }
      const due = await client.query<{ id: number }>(
        `SELECT id FROM cases
          WHERE auto_submit_at <= $1
            AND (state = $3 OR (state = $4 AND handled_by IS DISTINCT FROM 'accepted' AND updated_at < $2))
          ORDER BY auto_submit_at LIMIT 100`,
        [now, retryAfter, awaitingReview, failed],
      );
      for (const { id } of due.rows) {
        // One case failing (the database, a bug) does not hold up the others or the reminders.
        const outcome = await submitCase(deps, id, 'timer', 'timer').catch((error: unknown) => {
          log.error({ err: error, caseId: id }, 'the timer could not submit this case; the next tick tries again');
          return undefined;
        });
        if (outcome?.kind === 'submitted') result.submitted.push(id);
      }
      // Marked, queued and audited together: a reminder is never marked sent without its job.
      const reminded = await withTransaction(pool, async (tx) => {
        const { rows: remind } = await tx.query<{ id: number }>(
          `UPDATE cases SET reminded_at = now()
            WHERE state = $3 AND reminded_at IS NULL AND slack_ts IS NOT NULL
              AND auto_submit_at <= $1 AND auto_submit_at > $2
            RETURNING id`,
          [new Date(now.getTime() + REMINDER_BEFORE_MS), now, awaitingReview],
        );
        for (const { id } of remind) {
          await queueReminder(tx, id);
          await audit(tx, { actor: 'timer', action: 'case.reminder', caseId: id });
        }
        return remind.map((row) => row.id);
      });
      result.reminded.push(...reminded);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [TIMER_LOCK_KEY]);
    }
  } catch (error) {
    log.error({ err: error }, 'timer tick failed; the next tick tries again');
  } finally {
    client.release();
  }
  return result;
}

/** Ticks every minute (or on `schedule`, e.g. every 2 s in the demo). */
export function startTimer(deps: TimerDeps, schedule = '* * * * *'): { stop(): Promise<void> } {
  const task = cron.schedule(
    schedule,
    async () => {
      await timerTick(deps);
    },
    { name: 'rebut-auto-submit', noOverlap: true, timezone: 'UTC' },
  );
  return {
    async stop() {
      await task.destroy();
    },
  };
}
