import type Stripe from 'stripe';
import { audit } from '../db/audit.js';
import { getCase } from '../db/cases.js';
import type { Pool, PoolClient } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { queuePost } from '../jobs/enqueue.js';
import type { Logger } from '../log.js';
import { submitCase } from './submit.js';

export interface AutopilotRule {
  reason: string;
  enabled: boolean;
  setBy: string;
  setAt: Date;
}

/** What the autopilot rules look at in a drafted case. */
export interface AutopilotCandidate {
  reason: string;
}

/**
 * Autopilot, as a pure rule: a drafted case is submitted without waiting for a person only when the owner put its
 * dispute reason on autopilot (`/disputes auto on <reason>` or the Auto button). Everything else waits for review.
 */
export function shouldAutoSubmit(candidate: AutopilotCandidate, rules: readonly AutopilotRule[]): boolean {
  return rules.some((rule) => rule.enabled && rule.reason === candidate.reason);
}

/** The autopilot rules that could apply to a case with this reason. */
export async function autopilotRulesFor(db: Pool | PoolClient, reason: string): Promise<AutopilotRule[]> {
  const { rows } = await db.query<{ reason: string; enabled: boolean; set_by: string; set_at: Date }>(
    'SELECT reason, enabled, set_by, set_at FROM autopilot_rules WHERE reason = $1',
    [reason],
  );
  return rows.map(ruleOf);
}

export interface AutopilotDeps {
  pool: Pool;
  stripe: Stripe;
  log: Logger;
}

/**
 * The `autopilot-case` job: submits a drafted case whose reason is on autopilot, then queues its message, which
 * tells the channel what was sent. A retry after a crash finds the case submitted and only queues the message.
 */
export async function autopilotCase(deps: AutopilotDeps, caseId: number): Promise<void> {
  const caseRow = await getCase(deps.pool, caseId);
  if (caseRow?.state === 'awaiting_review') {
    const outcome = await submitCase(deps, caseId, 'autopilot', 'autopilot');
    deps.log.info({ caseId, outcome: outcome.kind }, `autopilot: ${outcome.kind}`);
  }
  await queuePost(deps.pool, caseId);
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
  return rows.map(ruleOf);
}

function ruleOf(row: { reason: string; enabled: boolean; set_by: string; set_at: Date }): AutopilotRule {
  return { reason: row.reason, enabled: row.enabled, setBy: row.set_by, setAt: row.set_at };
}
