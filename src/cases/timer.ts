import cron from 'node-cron';
import type Stripe from 'stripe';
import { audit } from '../db/audit.js';
import { type Pool, type PoolClient, withTransaction } from '../db/pool.js';
import { type ByProduct, DEFAULT_PRODUCT, forProduct } from '../dispute/products.js';
import { type CaseState, DECIDABLE_STATES, TRANSITIONS } from '../dispute/states.js';
import { queueMessageUpdate, queueReminder } from '../jobs/enqueue.js';
import type { Logger } from '../log.js';
import { actOnDueWarnings } from '../prevention/warning.js';
import type { ProductClients } from '../products/clients.js';
import { type DigestSchedule, queueDigestIfDue } from '../stats/digest.js';
import { acceptCase } from './accept.js';
import { actionAlone, type UnwinnableAction } from './act-alone.js';
import { announceAttention, PREPARING } from './attention.js';
import { holdCase } from './hold.js';
import { refreshDispute } from './refresh.js';
import { submitCase } from './submit.js';

/** Any constant works; it names rebut's advisory lock so one instance acts per tick. */
export const TIMER_LOCK_KEY = 0x72656275; // "rebu"
/** A failed submission is retried by the timer at most this often. */
export const FAILED_RETRY_AFTER_MS = 5 * 60_000;
/** A case stuck in `submitting` this long lost its instance mid-submission; the timer takes it back. */
export const STUCK_SUBMITTING_AFTER_MS = 5 * 60_000;
/** A failing close is tried this many times in all (about an hour, every five minutes); then a person decides. */
export const MAX_CLOSE_ATTEMPTS = 12;
/** The reminder in the case's thread goes out this long before rebut acts alone, and before Stripe's deadline. */
export const REMINDER_BEFORE_MS = 6 * 3_600_000;

// The states the timer reads, named once with their type (a renamed state fails tsc, not a query).
const failed: CaseState = 'failed';
const awaitingReview: CaseState = 'awaiting_review';
const acceptingState: CaseState = 'accepting';

export interface TimerDeps {
  pool: Pool;
  stripe: Stripe;
  products?: ProductClients;
  log: Logger;
  /** UNWINNABLE_ACTION: what happens at auto_submit_at to a case triage says not to fight (per product). */
  unwinnable: ByProduct<UnwinnableAction>;
  /** SUBMIT_BUFFER: a case that cannot be prepared is shown to a person halfway to due_by − this (per product). */
  submitBufferMs: ByProduct<number>;
  /** The products, for settings each may have its own of; default: the one product. */
  productIds?: readonly string[];
  /** When and where the weekly digest goes; undefined: none (REBUT_DIGEST_CHANNEL=off, or no Slack here). */
  digest?: DigestSchedule;
}

export interface TickResult {
  acted: boolean;
  submitted: number[];
  accepted: number[];
  held: number[];
  expired: number[];
  reminded: number[];
  /** Cases that could not be prepared, posted to Slack as needing attention. */
  attention: number[];
  /** The week whose digest this tick queued. */
  digest?: string;
  /** Early fraud warnings whose review window passed: the policy's refunds queued, and the ones left. */
  warningsRefunding: string[];
  warningsLeft: string[];
}

/**
 * One tick, under a PostgreSQL advisory lock (so one instance acts per tick): take back cases an instance died
 * holding, act on the cases whose review window has ended as triage and the owner say (`actionAlone`), record the
 * ones Stripe's deadline passed by, remind, show a person every case that could not be prepared, and queue the
 * weekly digest when it is due.
 */
export async function timerTick(deps: TimerDeps): Promise<TickResult> {
  const { pool, log } = deps;
  const client = await pool.connect();
  const result: TickResult = {
    acted: false,
    submitted: [],
    accepted: [],
    held: [],
    expired: [],
    reminded: [],
    attention: [],
    warningsRefunding: [],
    warningsLeft: [],
  };
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      TIMER_LOCK_KEY,
    ]);
    if (!rows[0]?.locked) return result;
    result.acted = true;
    try {
      await recoverInterrupted(deps, client);
      await closeFailedAccepts(deps, client);
      await actOnDueCases(deps, client, result);
      // Each step failing (the database, a bug) holds up neither the others nor the next tick.
      for (const step of [expirePastDue, remind, showStuckCases, weeklyDigest, warnings]) {
        await step(deps, result).catch((error: unknown) =>
          log.error({ err: error, step: step.name }, 'a timer step failed; the next tick tries again'),
        );
      }
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

/** Early fraud warnings nobody decided within EFW_REVIEW_WINDOW: the policy's choice (prevention/warning.ts). */
async function warnings(deps: TimerDeps, result: TickResult): Promise<void> {
  const acted = await actOnDueWarnings(deps);
  result.warningsRefunding.push(...acted.refunding);
  result.warningsLeft.push(...acted.left);
}

/** Cases an instance died holding: a submission is checked again, an accept (handled_by 'accepted') closed again. */
async function recoverInterrupted(deps: TimerDeps, client: PoolClient): Promise<void> {
  const { rows } = await client.query<{ id: number; dispute_id: string; account: string | null; product: string }>(
    `UPDATE cases c SET state = $3, updated_at = now(),
            problem = CASE c.state WHEN $4 THEN 'interrupted while accepting; closing it again'
                                   ELSE 'interrupted while submitting; checking again' END
       FROM disputes d
      WHERE d.id = c.dispute_id AND c.state = ANY($2::text[]) AND c.updated_at < now() - make_interval(secs => $1)
      RETURNING c.id, c.dispute_id, d.account, d.product`,
    [STUCK_SUBMITTING_AFTER_MS / 1000, TRANSITIONS.interrupted.from, failed, acceptingState],
  );
  // Checked against Stripe at once: a submission that landed before its instance died is settled now, not at
  // auto_submit_at (Stripe is the source of truth for what was submitted).
  for (const row of rows) {
    await refreshDispute(
      deps,
      { id: row.dispute_id, account: row.account, product: row.product },
      { actor: 'timer', detail: { caseId: row.id } },
    );
  }
}

/**
 * A case whose accept failed keeps that decision: it is closed again, never submitted, at most `MAX_CLOSE_ATTEMPTS`
 * times (then it waits for a person, and its message says so).
 */
async function closeFailedAccepts(deps: TimerDeps, client: PoolClient): Promise<void> {
  const { rows } = await client.query<{ id: number }>(
    `SELECT c.id FROM cases c
      WHERE c.state = $2 AND c.handled_by = 'accepted' AND c.updated_at < now() - make_interval(secs => $1)
        AND (SELECT count(*) FROM audit_log a WHERE a.case_id = c.id AND a.action = 'case.accept_failed') < $3
      ORDER BY c.id LIMIT 100`,
    [FAILED_RETRY_AFTER_MS / 1000, failed, MAX_CLOSE_ATTEMPTS],
  );
  for (const { id } of rows) {
    await acceptCase(deps, id, 'timer').catch((error: unknown) =>
      deps.log.error({ err: error, caseId: id }, 'the timer could not accept this case; the next tick tries again'),
    );
  }
}

/**
 * Cases whose review window ended with nobody deciding (and no hold): each gets what `actionAlone` says. A failed
 * submission is retried at most every `FAILED_RETRY_AFTER_MS`.
 */
async function actOnDueCases(deps: TimerDeps, client: PoolClient, result: TickResult): Promise<void> {
  const { rows } = await client.query<{ id: number; decision: string | null; held_by: string | null; product: string }>(
    `SELECT c.id, c.triage->>'decision' AS decision, c.held_by, d.product
       FROM cases c JOIN disputes d ON d.id = c.dispute_id
      WHERE c.auto_submit_at <= now() AND c.held_by IS NULL
        AND (c.state = $2 OR (c.state = $3 AND c.handled_by IS DISTINCT FROM 'accepted'
                              AND c.updated_at < now() - make_interval(secs => $1)))
      ORDER BY c.auto_submit_at LIMIT 100`,
    [FAILED_RETRY_AFTER_MS / 1000, awaitingReview, failed],
  );
  for (const row of rows) {
    const action = actionAlone(
      { decision: row.decision, heldBy: row.held_by },
      forProduct(deps.unwinnable, row.product),
    );
    // One case failing (the database, a bug, Stripe) does not hold up the others.
    try {
      if (action === 'submit') {
        const outcome = await submitCase(deps, row.id, 'timer', 'timer');
        if (outcome.kind === 'submitted') result.submitted.push(row.id);
      } else if (action === 'accept') {
        const outcome = await acceptCase(deps, row.id, 'timer');
        if (outcome.kind === 'accepted') result.accepted.push(row.id);
      } else {
        const why =
          row.decision === 'review'
            ? 'triage could not weigh this case: a person decides'
            : 'triage says not to fight and UNWINNABLE_ACTION is hold: a person decides';
        const outcome = await holdCase(deps, row.id, 'timer', why);
        if (outcome.kind === 'held') result.held.push(row.id);
      }
    } catch (error) {
      deps.log.error(
        { err: error, caseId: row.id },
        `the timer could not ${action} this case; the next tick tries again`,
      );
    }
  }
}

/** Stripe's deadline passed while a case waited for a person: it is lost by default, and the case says so. */
async function expirePastDue(deps: TimerDeps, result: TickResult): Promise<void> {
  const expired = await withTransaction(deps.pool, async (tx) => {
    const { rows } = await tx.query<{ id: number; dispute_id: string; held_by: string | null }>(
      `UPDATE cases c SET state = $2, updated_at = now(),
              problem = 'Stripe''s deadline passed and nobody decided: the dispute is lost by default.'
         FROM disputes d
        WHERE d.id = c.dispute_id AND d.due_by <= now() AND c.state = ANY($1::text[])
        RETURNING c.id, c.dispute_id, c.held_by`,
      [TRANSITIONS.expire.from, TRANSITIONS.expire.to[0]],
    );
    for (const row of rows) {
      await audit(tx, {
        actor: 'timer',
        action: 'case.expired',
        caseId: row.id,
        disputeId: row.dispute_id,
        detail: { lostByDefault: true, heldBy: row.held_by },
      });
      await queueMessageUpdate(tx, row.id);
    }
    return rows.map((row) => row.id);
  });
  result.expired.push(...expired);
}

/**
 * Reminders in the case's thread, marked, queued and audited together (never marked sent without its job): one
 * before rebut acts alone, and, for a case left to a person, a last one before Stripe's deadline.
 */
async function remind(deps: TimerDeps, result: TickResult): Promise<void> {
  const soon = REMINDER_BEFORE_MS / 1000;
  const reminded = await withTransaction(deps.pool, async (tx) => {
    const before = await tx.query<{ id: number }>(
      `UPDATE cases SET reminded_at = now()
        WHERE state = $2 AND held_by IS NULL AND reminded_at IS NULL AND slack_ts IS NOT NULL
          AND auto_submit_at <= now() + make_interval(secs => $1) AND auto_submit_at > now()
        RETURNING id`,
      [soon, awaitingReview],
    );
    const last = await tx.query<{ id: number }>(
      `UPDATE cases c SET final_reminded_at = now()
         FROM disputes d
        WHERE d.id = c.dispute_id AND c.state = ANY($2::text[]) AND c.held_by IS NOT NULL
          AND c.final_reminded_at IS NULL AND c.slack_ts IS NOT NULL
          AND d.due_by <= now() + make_interval(secs => $1) AND d.due_by > now()
        RETURNING c.id`,
      [soon, DECIDABLE_STATES],
    );
    const ids = [...before.rows, ...last.rows].map((row) => row.id);
    for (const id of ids) {
      await queueReminder(tx, id);
      await audit(tx, { actor: 'timer', action: 'case.reminder', caseId: id });
    }
    return ids;
  });
  result.reminded.push(...reminded);
}

/**
 * A case that could not be prepared (its jobs out of retries, or still not in Slack halfway to due_by − SUBMIT_BUFFER)
 * is posted as needing attention, with what went wrong and Retry: no dispute's deadline passes unseen.
 */
async function showStuckCases(deps: TimerDeps, result: TickResult): Promise<void> {
  // Each product's own buffer where it has one; a product not listed gets the default product's.
  const products = [...(deps.productIds ?? [DEFAULT_PRODUCT])];
  const shown = await withTransaction(deps.pool, async (tx) => {
    const { rows } = await tx.query<{ id: number; dispute_id: string; error: string | null }>(
      `WITH stuck AS (
         SELECT c.id, c.dispute_id,
                (SELECT j.last_error FROM graphile_worker.jobs j
                  WHERE j.key IN ('prepare-case:' || c.id, 'draft-case:' || c.id)
                  ORDER BY j.updated_at DESC LIMIT 1) AS error,
                EXISTS (SELECT 1 FROM graphile_worker.jobs j
                         WHERE j.key IN ('prepare-case:' || c.id, 'draft-case:' || c.id)
                           AND j.attempts >= j.max_attempts) AS gave_up,
                d.due_by IS NOT NULL
                  AND now() >= c.created_at + ((d.due_by - make_interval(secs => COALESCE(b.secs, $2)))
                                               - c.created_at) / 2 AS halfway
           FROM cases c JOIN disputes d ON d.id = c.dispute_id
           LEFT JOIN unnest($3::text[], $4::float8[]) AS b(product, secs) ON b.product = d.product
          WHERE c.state = ANY($1::text[]) AND c.slack_ts IS NULL AND c.attention_at IS NULL)
       UPDATE cases c SET attention_at = now(),
              problem = 'Could not be prepared' || COALESCE(': ' || left(s.error, 300), '') || '.'
         FROM stuck s WHERE s.id = c.id AND (s.gave_up OR s.halfway)
       RETURNING c.id, c.dispute_id, s.error`,
      [
        PREPARING,
        forProduct(deps.submitBufferMs, DEFAULT_PRODUCT) / 1000,
        products,
        products.map((product) => forProduct(deps.submitBufferMs, product) / 1000),
      ],
    );
    for (const row of rows) await announceAttention(tx, row.id, row.dispute_id, { by: 'timer', error: row.error });
    return rows.map((row) => row.id);
  });
  result.attention.push(...shown);
}

/** The weekly digest, queued once for its week by whichever tick first finds it due (stats/digest.ts). */
async function weeklyDigest(deps: TimerDeps, result: TickResult): Promise<void> {
  if (!deps.digest) return;
  const week = await queueDigestIfDue(deps.pool, deps.digest);
  if (week) result.digest = week;
}

/** Ticks every minute (or on `schedule`, e.g. every 2 s in the demo). */
export function startTimer(deps: TimerDeps, schedule = '* * * * *'): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const task = cron.schedule(
    schedule,
    async () => {
      running = timerTick(deps);
      await running;
    },
    { name: 'rebut-auto-submit', noOverlap: true, timezone: 'UTC' },
  );
  return {
    /** No new tick starts; a tick in flight finishes first (it uses the pool, which is closed after this). */
    async stop() {
      await task.destroy();
      await running;
    },
  };
}
