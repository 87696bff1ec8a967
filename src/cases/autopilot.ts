import type Stripe from 'stripe';
import { audit } from '../db/audit.js';
import { getCase } from '../db/cases.js';
import type { Pool, PoolClient } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { queuePost } from '../jobs/enqueue.js';
import type { Logger } from '../log.js';
import type { ProductClients } from '../products/clients.js';
import { submitCase } from './submit.js';

/** When a rule lets a case go without a person; every condition set must hold. */
export interface AutopilotConditions {
  /** The amount range, in minor units of `currency`; a dispute in another currency does not match a range. */
  currency: string | null;
  minAmount: number | null;
  maxAmount: number | null;
  /** `fight`: only cases triage says to fight (the default); `any`: whatever triage says. */
  verdict: 'fight' | 'any';
  /** The least share (0–1) of the reason's evidence, by weight, that must have been found. */
  minEvidence: number | null;
  /** Whose draft may be sent unseen: the model's (grounded), the template's, or either. */
  draftFrom: 'any' | 'model' | 'template';
}

export const DEFAULT_CONDITIONS: AutopilotConditions = {
  currency: null,
  minAmount: null,
  maxAmount: null,
  verdict: 'fight',
  minEvidence: null,
  draftFrom: 'any',
};

export interface AutopilotRule extends AutopilotConditions {
  reason: string;
  enabled: boolean;
  setBy: string;
  setAt: Date;
}

/** What the autopilot rules look at in a drafted case. */
export interface AutopilotCandidate {
  reason: string;
  amount: number;
  currency: string;
  /** Triage's decision; null for a case prepared before triage. */
  decision: string | null;
  /** The share (0–1) of the reason's checklist, by weight, that was found. */
  evidenceFound: number;
  /** `template`, or `llm:<model>`. */
  draftAuthor: string;
}

/**
 * Autopilot, as a pure rule: a drafted case is submitted without waiting for a person only when the owner put its
 * reason on autopilot (`/disputes auto on <reason> …`, or the Auto button) and every condition of that rule holds.
 * By default only a case triage says to fight goes: autopilot never pays the countered fee on a case triage would
 * concede. Everything else waits for review.
 */
export function shouldAutoSubmit(candidate: AutopilotCandidate, rules: readonly AutopilotRule[]): boolean {
  return rules.some((rule) => rule.enabled && rule.reason === candidate.reason && conditionsHold(rule, candidate));
}

function conditionsHold(rule: AutopilotConditions, candidate: AutopilotCandidate): boolean {
  if (rule.verdict === 'fight' && candidate.decision !== 'fight') return false;
  if (rule.minAmount !== null || rule.maxAmount !== null) {
    if (rule.currency === null || rule.currency !== candidate.currency.toLowerCase()) return false;
    if (rule.minAmount !== null && candidate.amount < rule.minAmount) return false;
    if (rule.maxAmount !== null && candidate.amount > rule.maxAmount) return false;
  }
  if (rule.minEvidence !== null && candidate.evidenceFound < rule.minEvidence) return false;
  const fromModel = candidate.draftAuthor.startsWith('llm:');
  if (rule.draftFrom === 'model' && !fromModel) return false;
  if (rule.draftFrom === 'template' && fromModel) return false;
  return true;
}

/** The share of a checklist, by weight, that was found (1 when there is nothing to find). */
export function evidenceFound(checklist: readonly { found: boolean; weight?: number | undefined }[]): number {
  const total = checklist.reduce((sum, item) => sum + (item.weight ?? 1), 0);
  if (total === 0) return 1;
  return checklist.filter((item) => item.found).reduce((sum, item) => sum + (item.weight ?? 1), 0) / total;
}

interface RuleRow {
  reason: string;
  enabled: boolean;
  set_by: string;
  set_at: Date;
  currency: string | null;
  min_amount: string | number | null;
  max_amount: string | number | null;
  verdict: string;
  min_evidence: number | null;
  draft_from: string;
}

const RULE_COLUMNS =
  'reason, enabled, set_by, set_at, currency, min_amount, max_amount, verdict, min_evidence, draft_from';

/** The autopilot rules that could apply to a case of this product with this reason: the product's own only. */
export async function autopilotRulesFor(
  db: Pool | PoolClient,
  product: string,
  reason: string,
): Promise<AutopilotRule[]> {
  const { rows } = await db.query<RuleRow>(
    `SELECT ${RULE_COLUMNS} FROM autopilot_rules WHERE product = $1 AND reason = $2`,
    [product, reason],
  );
  return rows.map(ruleOf);
}

export interface AutopilotDeps {
  pool: Pool;
  stripe: Stripe;
  products?: ProductClients;
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

export async function setAutopilot(
  pool: Pool,
  product: string,
  reason: string,
  enabled: boolean,
  actor: string,
  conditions: AutopilotConditions = DEFAULT_CONDITIONS,
): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await tx.query(
      `INSERT INTO autopilot_rules (product, reason, enabled, set_by, set_at, currency, min_amount, max_amount, verdict,
                                    min_evidence, draft_from)
       VALUES ($10, $1, $2, $3, now(), $4, $5, $6, $7, $8, $9)
       ON CONFLICT (product, reason) DO UPDATE SET enabled = excluded.enabled, set_by = excluded.set_by, set_at = now(),
         currency = excluded.currency, min_amount = excluded.min_amount, max_amount = excluded.max_amount,
         verdict = excluded.verdict, min_evidence = excluded.min_evidence, draft_from = excluded.draft_from`,
      [
        reason,
        enabled,
        actor,
        conditions.currency,
        conditions.minAmount,
        conditions.maxAmount,
        conditions.verdict,
        conditions.minEvidence,
        conditions.draftFrom,
        product,
      ],
    );
    await audit(tx, {
      actor,
      action: enabled ? 'autopilot.on' : 'autopilot.off',
      detail: { product, reason, ...conditions },
    });
  });
}

export async function listAutopilot(pool: Pool, product: string): Promise<AutopilotRule[]> {
  const { rows } = await pool.query<RuleRow>(
    `SELECT ${RULE_COLUMNS} FROM autopilot_rules WHERE product = $1 ORDER BY reason`,
    [product],
  );
  return rows.map(ruleOf);
}

function ruleOf(row: RuleRow): AutopilotRule {
  const amount = (value: string | number | null) => (value === null ? null : Number(value));
  return {
    reason: row.reason,
    enabled: row.enabled,
    setBy: row.set_by,
    setAt: row.set_at,
    currency: row.currency,
    minAmount: amount(row.min_amount),
    maxAmount: amount(row.max_amount),
    verdict: row.verdict === 'any' ? 'any' : 'fight',
    minEvidence: row.min_evidence,
    draftFrom: row.draft_from === 'model' || row.draft_from === 'template' ? row.draft_from : 'any',
  };
}
