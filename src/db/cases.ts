import type Stripe from 'stripe';
import {
  autoSubmitAtOf,
  type CaseState,
  CLOSABLE_STATES,
  disputeNeedsResponse,
  NEEDS_RESPONSE_STATUSES,
} from '../cases/states.js';
import { caseJobSpecsSql } from '../queue.js';
import { CLOSED_STATUSES, isClosedStatus } from './disputes.js';
import type { Pool, PoolClient } from './pool.js';

type Db = Pool | PoolClient;

export interface CaseRow {
  id: number;
  dispute_id: string;
  state: CaseState;
  auto_submit_at: Date | null;
  triage: unknown;
  handled_by: string | null;
  problem: string | null;
  slack_channel: string | null;
  slack_ts: string | null;
  slack_version: number;
  created_at: Date;
  updated_at: Date;
}

/** Opens the one case of a dispute; returns it only when this call created it. */
export async function openCase(db: Db, disputeId: string, autoSubmitAt: Date): Promise<CaseRow | undefined> {
  const { rows } = await db.query<CaseRow>(
    `INSERT INTO cases (dispute_id, state, auto_submit_at) VALUES ($1, 'new', $2)
     ON CONFLICT (dispute_id) DO NOTHING RETURNING *`,
    [disputeId, autoSubmitAt],
  );
  return rows[0];
}

export async function getCaseByDispute(db: Db, disputeId: string): Promise<CaseRow | undefined> {
  const { rows } = await db.query<CaseRow>('SELECT * FROM cases WHERE dispute_id = $1', [disputeId]);
  return rows[0];
}

export async function getCase(db: Db, id: number): Promise<CaseRow | undefined> {
  const { rows } = await db.query<CaseRow>('SELECT * FROM cases WHERE id = $1', [id]);
  return rows[0];
}

/**
 * Compare-and-set: moves the case to `to` only if it is in one of `from`. The single place where
 * two actors racing for a case (two clicks, a click and the timer) are told apart.
 */
export async function transitionCase(
  db: Db,
  id: number,
  from: readonly CaseState[],
  to: CaseState,
  changes: { problem?: string | null; handledBy?: string | null } = {},
): Promise<CaseRow | undefined> {
  const { rows } = await db.query<CaseRow>(
    `UPDATE cases SET state = $3, updated_at = now(),
            problem = CASE WHEN $4::boolean THEN $5 ELSE problem END,
            handled_by = CASE WHEN $6::boolean THEN $7 ELSE handled_by END
      WHERE id = $1 AND state = ANY($2::text[]) RETURNING *`,
    [id, from, to, 'problem' in changes, changes.problem ?? null, 'handledBy' in changes, changes.handledBy ?? null],
  );
  return rows[0];
}

/** Who opens or closes cases, for the audit log: `stripe` with its event, `sync` with its run. */
export interface CaseActor {
  actor: string;
  detail: Record<string, unknown>;
}

/**
 * Opens the case of each dispute that, as stored (the newest read, which may be newer than the caller's), still
 * awaits evidence: needing a response, nothing submitted, not past its due date. Each opened case is audited and its
 * `prepare-case` queued, all in one statement. The one rule for the webhook's events and the sync alike; a dispute
 * that already has a case is left alone. Returns the cases opened.
 */
async function openCases(
  tx: PoolClient,
  disputes: readonly { id: string; autoSubmitAt: Date }[],
  by: CaseActor,
): Promise<{ id: number; dispute_id: string }[]> {
  if (disputes.length === 0) return [];
  const jobs = caseJobSpecsSql('prepare-case', 'opened', 6);
  const { rows } = await tx.query<{ id: number; dispute_id: string }>(
    `WITH opened AS (
       INSERT INTO cases (dispute_id, state, auto_submit_at)
       SELECT d.id, 'new', c.auto_submit_at
         FROM unnest($1::text[], $2::timestamptz[]) AS c(dispute_id, auto_submit_at)
         JOIN disputes d ON d.id = c.dispute_id
        WHERE d.status = ANY($3::text[]) AND d.submission_count = 0 AND (d.due_by IS NULL OR d.due_by > now())
        ORDER BY d.id
       ON CONFLICT (dispute_id) DO NOTHING
       RETURNING id, dispute_id
     ), audited AS (
       INSERT INTO audit_log (actor, action, case_id, dispute_id, detail)
       SELECT $4, 'case.opened', o.id, o.dispute_id, $5::jsonb || jsonb_build_object('status', d.status, 'reason', d.reason)
         FROM opened o JOIN disputes d ON d.id = o.dispute_id
     ), queued AS (
       -- One add_jobs for them all: add_job row by row cost about ten times as much on a page of the sync.
       SELECT count(*) AS jobs FROM graphile_worker.add_jobs(${jobs.sql})
     )
     SELECT id, dispute_id FROM opened, queued`,
    [
      disputes.map((dispute) => dispute.id),
      disputes.map((dispute) => dispute.autoSubmitAt),
      NEEDS_RESPONSE_STATUSES,
      by.actor,
      JSON.stringify(by.detail),
      ...jobs.params,
    ],
  );
  return rows;
}

/**
 * Records Stripe's decision on the cases of these disputes, as stored: won → `won`, lost → `lost`, a closed
 * inquiry or a prevented dispute → `closed`, from any state a case can still leave (`CLOSABLE_STATES`). Each
 * move is audited and the case's Slack message queued for an update. Returns the cases moved.
 */
async function closeCases(
  tx: PoolClient,
  disputeIds: readonly string[],
  by: CaseActor,
): Promise<{ id: number; dispute_id: string; state: CaseState }[]> {
  if (disputeIds.length === 0) return [];
  const jobs = caseJobSpecsSql('update-case-message', 'moved', 6);
  const { rows } = await tx.query<{ id: number; dispute_id: string; state: CaseState }>(
    `WITH moved AS (
       UPDATE cases c
          SET state = CASE d.status WHEN 'won' THEN 'won' WHEN 'lost' THEN 'lost' ELSE 'closed' END, updated_at = now()
         FROM disputes d
        WHERE d.id = c.dispute_id AND d.id = ANY($1::text[]) AND d.status = ANY($2::text[])
          AND c.state = ANY($3::text[])
       RETURNING c.id, c.dispute_id, c.state
     ), audited AS (
       INSERT INTO audit_log (actor, action, case_id, dispute_id, detail)
       SELECT $4, 'case.' || state, id, dispute_id, $5::jsonb FROM moved
     ), queued AS (
       SELECT count(*) AS jobs FROM graphile_worker.add_jobs(${jobs.sql})
     )
     SELECT id, dispute_id, state FROM moved, queued`,
    [disputeIds, [...CLOSED_STATUSES], CLOSABLE_STATES, by.actor, JSON.stringify(by.detail), ...jobs.params],
  );
  return rows;
}

/**
 * What a stored read of these disputes does to their cases, for a webhook's event and a sync's page alike: opens
 * the cases of those that need a response, closes those Stripe decided (each rule checked on the stored rows).
 */
export async function openAndCloseCases(
  tx: PoolClient,
  disputes: readonly Stripe.Dispute[],
  windows: { reviewWindowMs: number; submitBufferMs: number },
  by: CaseActor,
): Promise<{ opened: number; closed: number }> {
  const toOpen = disputes.filter((dispute) => disputeNeedsResponse(dispute.status));
  const opened = await openCases(
    tx,
    toOpen.map((dispute) => ({
      id: dispute.id,
      autoSubmitAt: autoSubmitAtOf(dispute, windows.reviewWindowMs, windows.submitBufferMs),
    })),
    by,
  );
  const toClose = disputes.filter((dispute) => isClosedStatus(dispute.status)).map((dispute) => dispute.id);
  const closed = await closeCases(tx, toClose, by);
  return { opened: opened.length, closed: closed.length };
}
