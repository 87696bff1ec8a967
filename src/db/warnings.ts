// Storage of early fraud warnings (migration 0013). Decisions are compare-and-sets on `state`: of two actors racing
// for one warning (two clicks, a click and the timer, two instances), exactly one moves it.
import type { Pool, PoolClient } from './pool.js';

type Db = Pool | PoolClient;

export type WarningState = 'pending' | 'refunding' | 'refunded' | 'left' | 'failed';

export interface WarningRead {
  id: string;
  product: string;
  account: string | null;
  livemode: boolean;
  chargeId: string;
  paymentIntentId: string | null;
  customerId: string | null;
  fraudType: string;
  actionable: boolean;
  amount: number;
  amountRefunded: number;
  currency: string;
  created: Date;
  readAt: Date;
  /** The warning as Stripe sent it. */
  raw: string;
  /** The dispute its charge already is, when it is one. */
  disputeId: string | null;
}

export interface WarningDecisionRow {
  recommendation: 'refund' | 'ask' | 'leave';
  unattended: 'refund' | 'leave';
  reasons: string[];
  figures: object;
  /** `left` at once when nothing can be done (a charge refunded or disputed already), else `pending`. */
  state: WarningState;
}

export interface StoredWarning {
  id: string;
  product: string;
  account: string | null;
  livemode: boolean;
  chargeId: string;
  customerId: string | null;
  fraudType: string;
  actionable: boolean;
  amount: number;
  amountRefunded: number;
  currency: string;
  created: Date;
  recommendation: 'refund' | 'ask' | 'leave';
  unattended: 'refund' | 'leave';
  reasons: string[];
  figures: { disputeRate: number; rateSource: string; leaveCost: number | null; refundCost: number };
  state: WarningState;
  actAt: Date | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  refundId: string | null;
  refundedAmount: number | null;
  /** The customer's subscriptions canceled after the refund; null until that step ran (or when it is off). */
  canceledSubscriptions: string[] | null;
  disputeId: string | null;
  caseId: number | null;
  problem: string | null;
  slack: { channel: string; ts: string } | null;
}

/**
 * Stores a read of a warning. The first read also stores the policy's decision (`decide` is called only then, in the
 * same statement's transaction); a later read updates what Stripe says now, unless an even later read is stored
 * already. Returns whether this read created the row.
 */
export async function storeWarning(
  tx: PoolClient,
  read: WarningRead,
  decide: () => WarningDecisionRow,
): Promise<{ created: boolean }> {
  const updated = await tx.query(
    `UPDATE early_fraud_warnings
        SET actionable = $2, amount_refunded = $3, warning = $4::json, read_at = $5,
            dispute_id = coalesce(dispute_id, $6), updated_at = now()
      WHERE id = $1 AND read_at <= $5`,
    [read.id, read.actionable, read.amountRefunded, read.raw, read.readAt, read.disputeId],
  );
  if ((updated.rowCount ?? 0) > 0) return { created: false };
  const decision = decide();
  const inserted = await tx.query(
    `INSERT INTO early_fraud_warnings
       (id, product, account, livemode, charge_id, payment_intent_id, customer_id, fraud_type, actionable, amount,
        amount_refunded, currency, created, read_at, warning, recommendation, unattended, reasons, figures, state,
        decided_by, decided_at, dispute_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::json, $16, $17, $18, $19, $20,
             CASE WHEN $20 = 'left' THEN 'policy' END, CASE WHEN $20 = 'left' THEN now() END, $21)
     ON CONFLICT (id) DO NOTHING`,
    [
      read.id,
      read.product,
      read.account,
      read.livemode,
      read.chargeId,
      read.paymentIntentId,
      read.customerId,
      read.fraudType,
      read.actionable,
      read.amount,
      read.amountRefunded,
      read.currency,
      read.created,
      read.readAt,
      read.raw,
      decision.recommendation,
      decision.unattended,
      JSON.stringify(decision.reasons),
      JSON.stringify(decision.figures),
      decision.state,
      read.disputeId,
    ],
  );
  // Not inserted: another read stored it meanwhile, or a later read was stored first; either way it is there.
  return { created: (inserted.rowCount ?? 0) > 0 };
}

interface Row {
  id: string;
  product: string;
  account: string | null;
  livemode: boolean;
  charge_id: string;
  customer_id: string | null;
  fraud_type: string;
  actionable: boolean;
  amount: string;
  amount_refunded: string;
  currency: string;
  created: Date;
  recommendation: 'refund' | 'ask' | 'leave';
  unattended: 'refund' | 'leave';
  reasons: string[];
  figures: StoredWarning['figures'];
  state: WarningState;
  act_at: Date | null;
  decided_by: string | null;
  decided_at: Date | null;
  refund_id: string | null;
  refunded_amount: string | null;
  canceled_subscriptions: string[] | null;
  dispute_id: string | null;
  case_id: number | null;
  problem: string | null;
  slack_channel: string | null;
  slack_ts: string | null;
}

export async function getWarning(db: Db, id: string): Promise<StoredWarning | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT w.*, c.id AS case_id FROM early_fraud_warnings w LEFT JOIN cases c ON c.dispute_id = w.dispute_id
      WHERE w.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    product: row.product,
    account: row.account,
    livemode: row.livemode,
    chargeId: row.charge_id,
    customerId: row.customer_id,
    fraudType: row.fraud_type,
    actionable: row.actionable,
    amount: Number(row.amount),
    amountRefunded: Number(row.amount_refunded),
    currency: row.currency,
    created: row.created,
    recommendation: row.recommendation,
    unattended: row.unattended,
    reasons: row.reasons,
    figures: row.figures,
    state: row.state,
    actAt: row.act_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    refundId: row.refund_id,
    refundedAmount: row.refunded_amount === null ? null : Number(row.refunded_amount),
    canceledSubscriptions: row.canceled_subscriptions,
    disputeId: row.dispute_id,
    caseId: row.case_id,
    problem: row.problem,
    slack: row.slack_channel && row.slack_ts ? { channel: row.slack_channel, ts: row.slack_ts } : null,
  };
}

/** Moves a warning from one of `from` to `to` (a compare-and-set); true when this call moved it. */
export async function moveWarning(
  db: Db,
  id: string,
  from: readonly WarningState[],
  to: WarningState,
  set: { decidedBy?: string; problem?: string | null } = {},
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE early_fraud_warnings
        SET state = $3, updated_at = now(),
            decided_by = coalesce($4, decided_by), decided_at = CASE WHEN $4 IS NULL THEN decided_at ELSE now() END,
            problem = CASE WHEN $5 THEN $6 ELSE problem END
      WHERE id = $1 AND state = ANY($2::text[])`,
    [id, from, to, set.decidedBy ?? null, set.problem !== undefined, set.problem ?? null],
  );
  return (rowCount ?? 0) > 0;
}

/** The product's warnings left alone long enough ago to know, and how many of them became disputes. */
export async function warningHistory(
  db: Db,
  product: string,
  settledAfterDays: number,
): Promise<{ settled: number; disputed: number }> {
  const { rows } = await db.query<{ settled: number; disputed: number }>(
    `SELECT count(*)::int AS settled, count(dispute_id)::int AS disputed FROM early_fraud_warnings
      WHERE product = $1 AND state = 'left' AND created < now() - make_interval(days => $2)`,
    [product, settledAfterDays],
  );
  return rows[0] ?? { settled: 0, disputed: 0 };
}

/** A dispute stored for a charge: every warning on that charge now points at it. */
export async function linkWarningsToDispute(db: Db, chargeId: string, disputeId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE early_fraud_warnings SET dispute_id = $2, updated_at = now()
      WHERE charge_id = $1 AND dispute_id IS DISTINCT FROM $2 RETURNING id`,
    [chargeId, disputeId],
  );
  return rows.map((row) => row.id);
}
