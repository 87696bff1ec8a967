import type { ListenerDeps } from './deps.js';

/** The product of a case and the channel it was posted in (null before it is posted). */
export async function caseWhere(
  deps: ListenerDeps,
  caseId: number,
): Promise<{ product: string; channel: string | null } | undefined> {
  const { rows } = await deps.pool.query<{ product: string; channel: string | null }>(
    'SELECT d.product, c.slack_channel AS channel FROM cases c JOIN disputes d ON d.id = c.dispute_id WHERE c.id = $1',
    [caseId],
  );
  return rows[0];
}
