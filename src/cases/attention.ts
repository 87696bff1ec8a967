import { audit } from '../db/audit.js';
import type { PoolClient } from '../db/pool.js';
import type { CaseState } from '../dispute/states.js';
import { queuePost } from '../jobs/enqueue.js';

/**
 * A case that could not be prepared is shown to a person rather than left to miss its deadline unseen: its message
 * says what went wrong and offers Retry (docs/architecture.md → "When rebut acts alone").
 */

/** The states of a case not yet ready for a person. */
export const PREPARING: readonly CaseState[] = ['new', 'drafting'];

/** Evidence sources are asked this many times (the job's attempts, seconds apart) before the case is shown as stuck. */
export const SOURCE_ATTEMPTS = 3;

/** Marks a case still being prepared as needing attention with `problem`; true when it was still being prepared. */
export async function markNeedsAttention(
  tx: PoolClient,
  caseId: number,
  problem: string,
  detail: Record<string, unknown>,
): Promise<boolean> {
  const { rows } = await tx.query<{ dispute_id: string }>(
    `UPDATE cases SET attention_at = COALESCE(attention_at, now()), problem = $2
      WHERE id = $1 AND state = ANY($3::text[]) RETURNING dispute_id`,
    [caseId, problem, PREPARING],
  );
  const row = rows[0];
  if (!row) return false;
  await announceAttention(tx, caseId, row.dispute_id, detail);
  return true;
}

/** The case's message goes to Slack (or is brought up to date there), and the audit log says why. */
export async function announceAttention(
  tx: PoolClient,
  caseId: number,
  disputeId: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await queuePost(tx, caseId);
  await audit(tx, { actor: 'rebut', action: 'case.needs_attention', caseId, disputeId, detail });
}
