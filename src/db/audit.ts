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
    // Details quote what people typed (a refused command, a tampered form), which may hold a NUL jsonb refuses, and
    // may be long: each text is kept to MAX_DETAIL_TEXT characters, said where it was cut.
    JSON.stringify(withoutNul(capTexts(entry.detail ?? {}))),
  ]);
}

/** The longest text an audit row keeps in its detail; the rest is counted, not stored. */
export const MAX_DETAIL_TEXT = 2_000;

function capTexts(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.length <= MAX_DETAIL_TEXT
      ? value
      : `${value.slice(0, MAX_DETAIL_TEXT)}… (${value.length - MAX_DETAIL_TEXT} more characters not kept)`;
  }
  if (Array.isArray(value)) return value.map(capTexts);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, capTexts(inner)]));
  }
  return value;
}
