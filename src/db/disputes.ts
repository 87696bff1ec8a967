import type Stripe from 'stripe';
import type { Pool, PoolClient } from './pool.js';
import { withoutNul } from './text.js';

type Db = Pool | PoolClient;

export interface DisputeRow {
  id: string;
  account: string | null;
  livemode: boolean;
  charge_id: string;
  payment_intent_id: string | null;
  customer_id: string | null;
  customer_email: string | null;
  amount: number;
  currency: string;
  reason: string;
  status: string;
  card_brand: string | null;
  network_reason_code: string | null;
  enhanced_eligibility_types: string[];
  created: Date;
  due_by: Date | null;
  has_evidence: boolean;
  past_due: boolean;
  submission_count: number;
  is_charge_refundable: boolean;
  evidence: Stripe.Dispute.Evidence;
  stripe_object: Stripe.Dispute;
  read_at: Date;
  closed_at: Date | null;
}

const CLOSED_STATUSES = new Set(['won', 'lost', 'warning_closed', 'prevented']);

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

/**
 * How a read of a dispute meets the stored row, for `upsertDispute` and the sync's page upsert: a state
 * read earlier never overwrites one read later; an unchanged Stripe object or evidence keeps its stored
 * (compressed) copy instead of being compressed and written again (most of a nightly re-read).
 */
export const UPSERT_NEWER_READ = `ON CONFLICT (id) DO UPDATE SET
       status = excluded.status, amount = excluded.amount, reason = excluded.reason, due_by = excluded.due_by,
       has_evidence = excluded.has_evidence, past_due = excluded.past_due, submission_count = excluded.submission_count,
       is_charge_refundable = excluded.is_charge_refundable,
       evidence = CASE WHEN disputes.evidence = excluded.evidence THEN disputes.evidence ELSE excluded.evidence END,
       stripe_object = CASE WHEN disputes.stripe_object = excluded.stripe_object THEN disputes.stripe_object
                            ELSE excluded.stripe_object END,
       enhanced_eligibility_types = excluded.enhanced_eligibility_types,
       customer_id = COALESCE(excluded.customer_id, disputes.customer_id),
       customer_email = COALESCE(excluded.customer_email, disputes.customer_email),
       card_brand = COALESCE(excluded.card_brand, disputes.card_brand),
       read_at = excluded.read_at, closed_at = COALESCE(disputes.closed_at, excluded.closed_at), updated_at = now()
     WHERE disputes.read_at <= excluded.read_at`;

/**
 * Stores the dispute as read from Stripe at `readAt`. A state read earlier never overwrites one
 * read later (events and syncs race; the newest read wins). Returns false when the stored row
 * was newer and nothing changed.
 */
export async function upsertDispute(
  db: Db,
  read: Stripe.Dispute,
  account: string | null,
  readAt: Date,
): Promise<boolean> {
  const dispute = withoutNul(read);
  const charge = typeof dispute.charge === 'string' ? null : dispute.charge;
  const customerId = charge ? idOf(charge.customer) : null;
  const email = charge?.billing_details?.email ?? charge?.receipt_email ?? null;
  const brand = dispute.payment_method_details?.card?.brand ?? charge?.payment_method_details?.card?.brand ?? null;
  const details = dispute.evidence_details;
  const result = await db.query(
    `INSERT INTO disputes (id, account, livemode, charge_id, payment_intent_id, customer_id, customer_email, amount,
                           currency, reason, status, card_brand, network_reason_code, enhanced_eligibility_types,
                           created, due_by, has_evidence, past_due, submission_count, is_charge_refundable, evidence,
                           stripe_object, read_at, closed_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,to_timestamp($15),to_timestamp($16),$17,$18,$19,$20,$21,$22,$23::timestamptz,
             CASE WHEN $24::boolean THEN $23::timestamptz END)
     ${UPSERT_NEWER_READ}`,
    [
      dispute.id,
      account,
      dispute.livemode,
      idOf(dispute.charge),
      idOf(dispute.payment_intent),
      customerId,
      email,
      dispute.amount,
      dispute.currency,
      dispute.reason,
      dispute.status,
      brand,
      dispute.network_reason_code ?? null,
      dispute.enhanced_eligibility_types ?? [],
      dispute.created,
      details?.due_by ? details.due_by : null,
      details?.has_evidence ?? false,
      details?.past_due ?? false,
      details?.submission_count ?? 0,
      dispute.is_charge_refundable,
      JSON.stringify(dispute.evidence ?? {}),
      JSON.stringify(dispute),
      readAt,
      CLOSED_STATUSES.has(dispute.status),
    ],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function getDispute(db: Db, id: string): Promise<DisputeRow | undefined> {
  const { rows } = await db.query<DisputeRow>('SELECT * FROM disputes WHERE id = $1', [id]);
  return rows[0];
}

export function isClosedStatus(status: string): boolean {
  return CLOSED_STATUSES.has(status);
}
