import { audit } from '../db/audit.js';
import { type Pool, withTransaction } from '../db/pool.js';
import type { CaseState } from '../dispute/states.js';
import { queueDraft, queueMessageUpdate, queuePreparation } from '../jobs/enqueue.js';

export type RetryPreparationOutcome =
  | { kind: 'queued'; step: 'evidence' | 'rebuttal' }
  | { kind: 'not_allowed'; message: string };

/**
 * Retry on a case that could not be prepared: its step (gathering the evidence, or drafting) runs again from the
 * first attempt, and once it succeeds the case goes on as any other (its message becomes the normal case message).
 */
export async function retryPreparation(
  deps: { pool: Pool },
  caseId: number,
  actor: string,
): Promise<RetryPreparationOutcome> {
  return withTransaction(deps.pool, async (tx) => {
    const { rows } = await tx.query<{ state: CaseState; dispute_id: string }>(
      'SELECT state, dispute_id FROM cases WHERE id = $1 FOR UPDATE',
      [caseId],
    );
    const row = rows[0];
    if (row?.state !== 'new' && row?.state !== 'drafting') {
      return { kind: 'not_allowed', message: 'This case is prepared already; the case message shows where it stands.' };
    }
    const step = row.state === 'new' ? 'evidence' : 'rebuttal';
    // A job with the case's key replaces the one that gave up, its attempts counted from the first again.
    if (step === 'evidence') await queuePreparation(tx, caseId);
    else await queueDraft(tx, caseId);
    await tx.query('UPDATE cases SET problem = $2 WHERE id = $1', [
      caseId,
      `Preparing again (Retry by ${actor.replace(/^slack:/, '')}).`,
    ]);
    await audit(tx, { actor, action: 'case.retry_preparation', caseId, disputeId: row.dispute_id, detail: { step } });
    await queueMessageUpdate(tx, caseId);
    return { kind: 'queued', step };
  });
}
