import type { Pool, PoolClient } from './pool.js';
import { withoutNul } from './text.js';

/** Appends to `audit_log`: who did what to which case, and the detail a reviewer would ask for. */
export async function audit(
  db: Pool | PoolClient,
  entry: { actor: string; action: string; caseId?: number | null; disputeId?: string | null; detail?: object },
): Promise<void> {
  await db.query('INSERT INTO audit_log (actor, action, case_id, dispute_id, detail) VALUES ($1, $2, $3, $4, $5)', [
    entry.actor,
    entry.action,
    entry.caseId ?? null,
    entry.disputeId ?? null,
    // Details quote what people typed (a refused command, a tampered form), which may hold a NUL jsonb refuses.
    JSON.stringify(withoutNul(entry.detail ?? {})),
  ]);
}
