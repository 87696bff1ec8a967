import type Stripe from 'stripe';
import type { PoolClient } from '../db/pool.js';
import { CLOSABLE_STATES, DECIDED_STATE_OF, OUTCOME_STATES, TRANSITIONS } from '../dispute/states.js';
import {
  disputeNeedsResponse,
  isClosedStatus,
  NEEDS_RESPONSE_STATUSES,
  UNDER_REVIEW_STATUSES,
} from '../dispute/statuses.js';
import { jobSpecsSql } from '../jobs/enqueue.js';

/**
 * Opening and closing cases: the one rule for a webhook's event and a sync's page alike, each checked on the stored
 * dispute rows (the newest read, which may be newer than the caller's). Each statement is named, so a connection
 * parses it once rather than on every page of a sync (see `upsertDisputes`).
 */

/** Who opens or closes cases, for the audit log: `stripe` with its event, `sync` with its run. */
export interface CaseActor {
  actor: string;
  detail: Record<string, unknown>;
}

/**
 * Opens the case of each dispute that, as stored, still awaits evidence: needing a response, nothing submitted,
 * not past its due date. Each opened case is audited and its `prepare-case` queued, all in one statement; a dispute
 * that already has a case is left alone. A case gets its auto_submit_at once a person can see it
 * (cases/review-window.ts). Returns the cases opened.
 */
async function openCases(
  tx: PoolClient,
  disputeIds: readonly string[],
  by: CaseActor,
): Promise<{ id: number; dispute_id: string }[]> {
  if (disputeIds.length === 0) return [];
  const jobs = jobSpecsSql('prepare-case', { from: 'opened', payload: 'caseId', column: 'id' }, 5);
  const { rows } = await tx.query<{ id: number; dispute_id: string }>({
    name: 'rebut-open-cases',
    text: `WITH opened AS (
       INSERT INTO cases (dispute_id, state)
       SELECT d.id, 'new' FROM disputes d
        WHERE d.id = ANY($1::text[]) AND d.status = ANY($2::text[]) AND d.submission_count = 0 AND (d.due_by IS NULL OR d.due_by > now())
        ORDER BY d.id
       ON CONFLICT (dispute_id) DO NOTHING
       RETURNING id, dispute_id
     ), audited AS (
       INSERT INTO audit_log (actor, action, case_id, dispute_id, detail)
       SELECT $3, 'case.opened', o.id, o.dispute_id, $4::jsonb || jsonb_build_object('status', d.status, 'reason', d.reason)
         FROM opened o JOIN disputes d ON d.id = o.dispute_id
     ), queued AS (
       SELECT count(*) AS jobs FROM graphile_worker.add_jobs(${jobs.sql})
     )
     SELECT id, dispute_id FROM opened, queued`,
    values: [disputeIds, NEEDS_RESPONSE_STATUSES, by.actor, JSON.stringify(by.detail), ...jobs.params],
  });
  return rows;
}

/**
 * Records Stripe's decision on the cases of these disputes, as stored (`DECIDED_STATE_OF`: won → `won`, lost →
 * `lost`, a closed inquiry or a prevented dispute → `closed`), from any state a case can still leave
 * (`CLOSABLE_STATES`, the `decided` move). Each move is audited and the case's Slack message queued for an update;
 * a case won or lost whose message is in Slack gets its `post-outcome` reply queued too. The move is a compare-and-set
 * from states a decided case has left, so a second event or a sync page finds nothing to move and queues nothing.
 */
async function closeCases(
  tx: PoolClient,
  disputeIds: readonly string[],
  by: CaseActor,
): Promise<{ id: number; dispute_id: string }[]> {
  if (disputeIds.length === 0) return [];
  const jobs = jobSpecsSql('update-case-message', { from: 'moved', payload: 'caseId', column: 'id' }, 7);
  const outcomes = jobSpecsSql('post-outcome', { from: 'told', payload: 'caseId', column: 'id' }, 9);
  const decided = Object.entries(DECIDED_STATE_OF);
  const { rows } = await tx.query<{ id: number; dispute_id: string }>({
    name: 'rebut-close-cases',
    text: `WITH moved AS (
       UPDATE cases c SET state = m.state, updated_at = now()
         FROM disputes d JOIN unnest($2::text[], $3::text[]) AS m(status, state) ON m.status = d.status
        WHERE d.id = c.dispute_id AND d.id = ANY($1::text[]) AND c.state = ANY($4::text[])
       RETURNING c.id, c.dispute_id, c.state, c.slack_ts
     ), audited AS (
       INSERT INTO audit_log (actor, action, case_id, dispute_id, detail)
       SELECT $5, 'case.' || state, id, dispute_id, $6::jsonb FROM moved
     ), queued AS (
       SELECT count(*) AS jobs FROM graphile_worker.add_jobs(${jobs.sql})
     ), told AS (
       SELECT id FROM moved WHERE state = ANY($11::text[]) AND slack_ts IS NOT NULL
     ), outcome_queued AS (
       SELECT count(*) AS jobs FROM graphile_worker.add_jobs(${outcomes.sql})
     )
     SELECT id, dispute_id FROM moved, queued, outcome_queued`,
    values: [
      disputeIds,
      decided.map(([status]) => status),
      decided.map(([, state]) => state),
      CLOSABLE_STATES,
      by.actor,
      JSON.stringify(by.detail),
      ...jobs.params,
      ...outcomes.params,
      OUTCOME_STATES,
    ],
  });
  return rows;
}

/**
 * What a stored read of these disputes does to their cases, for a webhook's event and a sync's page alike: opens
 * the cases of those that need a response, closes those Stripe decided.
 */
export async function openAndCloseCases(
  tx: PoolClient,
  disputes: readonly Stripe.Dispute[],
  by: CaseActor,
): Promise<{ opened: number; closed: number; settled: number }> {
  const toOpen = disputes.filter((dispute) => disputeNeedsResponse(dispute.status)).map((dispute) => dispute.id);
  const opened = await openCases(tx, toOpen, by);
  const submitted = disputes.filter((dispute) => (dispute.evidence_details?.submission_count ?? 0) > 0);
  const settled = await settleSubmitted(
    tx,
    submitted.map((dispute) => dispute.id),
    by,
  );
  const toClose = disputes.filter((dispute) => isClosedStatus(dispute.status)).map((dispute) => dispute.id);
  const closed = await closeCases(tx, toClose, by);
  return { opened: opened.length, closed: closed.length, settled: settled.length };
}

/**
 * Stripe is the source of truth for what was submitted. A dispute whose stored read shows evidence submitted has its
 * case settled as submitted, from whatever it was doing (the `settled` move): a submission of rebut's whose answer
 * was lost is recorded as that attempt sent it (its version and key, from the audit log); one made outside rebut is
 * recorded as such (handled `outside`, no submissions row: none of rebut's versions went). Audited, and the Slack
 * message queued for an update.
 */
async function settleSubmitted(
  tx: PoolClient,
  disputeIds: readonly string[],
  by: CaseActor,
): Promise<{ id: number; ours: boolean }[]> {
  if (disputeIds.length === 0) return [];
  const jobs = jobSpecsSql('update-case-message', { from: 'settled', payload: 'caseId', column: 'id' }, 6);
  const { rows } = await tx.query<{ id: number; ours: boolean }>({
    name: 'rebut-settle-submitted',
    text: `WITH attempts AS (
       SELECT DISTINCT ON (a.case_id) a.case_id, a.actor, a.detail
         FROM audit_log a JOIN cases c ON c.id = a.case_id
        WHERE c.dispute_id = ANY($1::text[]) AND a.action = 'submission.attempt'
        ORDER BY a.case_id, a.id DESC
     ), settled AS (
       UPDATE cases c SET state = $3, updated_at = now(), problem = NULL,
              handled_by = COALESCE((SELECT CASE t.detail->>'trigger' WHEN 'approve' THEN 'approved'
                                                  ELSE t.detail->>'trigger' END
                                       FROM attempts t WHERE t.case_id = c.id), 'outside')
         FROM disputes d
        WHERE d.id = c.dispute_id AND d.id = ANY($1::text[]) AND d.submission_count > 0
          AND c.state = ANY($2::text[])
       RETURNING c.id, c.dispute_id, EXISTS (SELECT 1 FROM attempts t WHERE t.case_id = c.id) AS ours
     ), recorded AS (
       INSERT INTO submissions (case_id, dispute_id, draft_version, trigger, actor, idempotency_key, stripe_status)
       SELECT s.id, s.dispute_id, (t.detail->>'draftVersion')::int, t.detail->>'trigger', t.actor,
              t.detail->>'idempotencyKey', d.status
         FROM settled s JOIN attempts t ON t.case_id = s.id JOIN disputes d ON d.id = s.dispute_id
       ON CONFLICT (dispute_id) DO NOTHING
     ), audited AS (
       INSERT INTO audit_log (actor, action, case_id, dispute_id, detail)
       SELECT $4, 'submission.settled', id, dispute_id, $5::jsonb || jsonb_build_object('ours', ours) FROM settled
     ), queued AS (
       SELECT count(*) AS jobs FROM graphile_worker.add_jobs(${jobs.sql})
     )
     SELECT id, ours FROM settled, queued`,
    values: [
      disputeIds,
      TRANSITIONS.settled.from,
      TRANSITIONS.settled.to[0],
      by.actor,
      JSON.stringify(by.detail),
      ...jobs.params,
    ],
  });
  return rows;
}

/**
 * A dispute that needs no case but should not pass unseen: one that arrived past its deadline (Stripe takes no
 * evidence now) or that was already answered outside rebut. Each gets one short notice in Slack, ever. Returns the
 * disputes noticed now.
 */
export async function noticeUnanswerable(tx: PoolClient, disputeIds: readonly string[]): Promise<string[]> {
  if (disputeIds.length === 0) return [];
  const jobs = jobSpecsSql('post-notice', { from: 'noticed', payload: 'disputeId', column: 'dispute_id' }, 4);
  const { rows } = await tx.query<{ dispute_id: string }>(
    `WITH noticed AS (
       INSERT INTO dispute_notices (dispute_id, kind)
       SELECT d.id, CASE WHEN d.status = ANY($3::text[]) OR d.submission_count > 0 THEN 'answered' ELSE 'past_due' END
         FROM disputes d
        WHERE d.id = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.dispute_id = d.id)
          AND ((d.status = ANY($2::text[]) AND (d.submission_count > 0 OR d.due_by <= now()))
               OR d.status = ANY($3::text[]))
       ON CONFLICT (dispute_id) DO NOTHING
       RETURNING dispute_id
     ), queued AS (
       SELECT count(*) AS jobs FROM graphile_worker.add_jobs(${jobs.sql})
     )
     SELECT dispute_id FROM noticed, queued`,
    [disputeIds, NEEDS_RESPONSE_STATUSES, UNDER_REVIEW_STATUSES, ...jobs.params],
  );
  return rows.map((row) => row.dispute_id);
}
