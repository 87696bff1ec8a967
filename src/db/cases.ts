import type { z } from 'zod';
import { type CaseState, TRANSITIONS, type TransitionName } from '../dispute/states.js';
import type { Pool, PoolClient } from './pool.js';
import type { storedTriageSchema } from './stored.js';

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
  posted_at: Date | null;
  urgent: boolean;
  held_by: string | null;
  held_at: Date | null;
  attention_at: Date | null;
  final_reminded_at: Date | null;
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
 * Compare-and-set: makes the move `name` (dispute/states.ts `TRANSITIONS`) only if the case is in one of its `from`
 * states, to its one `to` state or, for a move with several, to `changes.to`. The single place where two actors
 * racing for a case (two clicks, a click and the timer) are told apart; returns the case only to the one that moved it.
 */
export async function transitionCase<N extends TransitionName>(
  db: Db,
  id: number,
  name: N,
  changes: {
    to?: (typeof TRANSITIONS)[N]['to'][number];
    problem?: string | null;
    handledBy?: string | null;
    /** Not when the case carries this decision (`accepted`: a case conceded, whose close may have failed). */
    unlessHandledBy?: string;
  } = {},
): Promise<CaseRow | undefined> {
  const transition = TRANSITIONS[name];
  const to: CaseState | undefined = changes.to ?? (transition.to.length === 1 ? transition.to[0] : undefined);
  if (!to) throw new Error(`the move ${name} goes to one of ${transition.to.join(', ')}: say which`);
  const { rows } = await db.query<CaseRow>(
    `UPDATE cases SET state = $3, updated_at = now(),
            problem = CASE WHEN $4::boolean THEN $5 ELSE problem END,
            handled_by = CASE WHEN $6::boolean THEN $7 ELSE handled_by END
      WHERE id = $1 AND state = ANY($2::text[]) AND ($8::text IS NULL OR handled_by IS DISTINCT FROM $8) RETURNING *`,
    [
      id,
      transition.from,
      to,
      'problem' in changes,
      changes.problem ?? null,
      'handledBy' in changes,
      changes.handledBy ?? null,
      changes.unlessHandledBy ?? null,
    ],
  );
  return rows[0];
}

/** What preparing the case found (triage's verdict, the checklist, sources that failed), read back by its schema. */
export async function saveTriage(db: Db, id: number, triage: z.input<typeof storedTriageSchema>): Promise<void> {
  await db.query('UPDATE cases SET triage = $2 WHERE id = $1', [id, JSON.stringify(triage)]);
}
