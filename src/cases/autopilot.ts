import { audit } from '../db/audit.js';
import { type Pool, withTransaction } from '../db/pool.js';

export interface AutopilotRule {
  reason: string;
  enabled: boolean;
  setBy: string;
  setAt: Date;
}

/** Whether cases with this dispute reason are submitted as soon as they are drafted. */
export async function autopilotFor(pool: Pool, reason: string): Promise<boolean> {
  const { rows } = await pool.query<{ enabled: boolean }>('SELECT enabled FROM autopilot_rules WHERE reason = $1', [
    reason,
  ]);
  return rows[0]?.enabled ?? false;
}

export async function setAutopilot(pool: Pool, reason: string, enabled: boolean, actor: string): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await tx.query(
      `INSERT INTO autopilot_rules (reason, enabled, set_by, set_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (reason) DO UPDATE SET enabled = excluded.enabled, set_by = excluded.set_by, set_at = now()`,
      [reason, enabled, actor],
    );
    await audit(tx, { actor, action: enabled ? 'autopilot.on' : 'autopilot.off', detail: { reason } });
  });
}

export async function listAutopilot(pool: Pool): Promise<AutopilotRule[]> {
  const { rows } = await pool.query<{ reason: string; enabled: boolean; set_by: string; set_at: Date }>(
    'SELECT reason, enabled, set_by, set_at FROM autopilot_rules ORDER BY reason',
  );
  return rows.map((row) => ({ reason: row.reason, enabled: row.enabled, setBy: row.set_by, setAt: row.set_at }));
}
