import { audit } from '../db/audit.js';
import { type Pool, withTransaction } from '../db/pool.js';
import { type CaseState, isDecidable } from '../dispute/states.js';
import { queueMessageUpdate } from '../jobs/enqueue.js';

export type HoldOutcome =
  | { kind: 'held' }
  | { kind: 'already_held'; by: string }
  | { kind: 'not_allowed'; message: string };

/**
 * Hold: stops the timer for a case until someone decides (approves, accepts, or fights it anyway). Nothing is sent
 * to Stripe; reminders go on, and the last one before Stripe's deadline says what is lost if nobody acts. Checked
 * under the case's row lock, so it cannot slip between a submission taking the case and its outcome.
 */
export async function holdCase(deps: { pool: Pool }, caseId: number, actor: string, why: string): Promise<HoldOutcome> {
  return withTransaction(deps.pool, async (tx) => {
    const { rows } = await tx.query<{ state: CaseState; held_by: string | null; dispute_id: string }>(
      'SELECT state, held_by, dispute_id FROM cases WHERE id = $1 FOR UPDATE',
      [caseId],
    );
    const row = rows[0];
    if (!row || !isDecidable(row.state)) {
      const state = row?.state ?? 'closed';
      return { kind: 'not_allowed', message: `This case is ${state.replaceAll('_', ' ')}: there is no timer to hold.` };
    }
    if (row.held_by) return { kind: 'already_held', by: row.held_by };
    await tx.query('UPDATE cases SET held_by = $2, held_at = now() WHERE id = $1', [caseId, actor]);
    await audit(tx, { actor, action: 'case.held', caseId, disputeId: row.dispute_id, detail: { why } });
    await queueMessageUpdate(tx, caseId);
    return { kind: 'held' };
  });
}
