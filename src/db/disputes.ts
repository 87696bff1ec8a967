import type Stripe from 'stripe';
import { DEFAULT_PRODUCT } from '../dispute/products.js';
import { isClosedStatus } from '../dispute/statuses.js';
import type { Pool, PoolClient } from './pool.js';
import { withoutNulEscapes } from './text.js';

type Db = Pool | PoolClient;

export interface DisputeRow {
  id: string;
  /** The product the dispute belongs to (src/products/config.ts): `default` without a products file. */
  product: string;
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
  /** The evidence fields the dispute carries (see `evidenceFields`); the evidence itself is in `stripe_object`. */
  evidence_fields: string[];
  stripe_object: Stripe.Dispute;
  read_at: Date;
  closed_at: Date | null;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

/** The columns of one dispute as read from Stripe (charge expanded or not), but the stored object itself. */
function disputeRecord(dispute: Stripe.Dispute) {
  const charge = typeof dispute.charge === 'string' ? null : dispute.charge;
  const details = dispute.evidence_details;
  return {
    id: dispute.id,
    livemode: dispute.livemode,
    charge_id: idOf(dispute.charge),
    payment_intent_id: idOf(dispute.payment_intent),
    customer_id: charge ? idOf(charge.customer) : null,
    customer_email: charge?.billing_details?.email ?? charge?.receipt_email ?? null,
    amount: dispute.amount,
    currency: dispute.currency,
    reason: dispute.reason,
    status: dispute.status,
    card_brand: dispute.payment_method_details?.card?.brand ?? charge?.payment_method_details?.card?.brand ?? null,
    network_reason_code: dispute.network_reason_code ?? null,
    enhanced_eligibility_types: dispute.enhanced_eligibility_types ?? [],
    created: dispute.created,
    due_by: details?.due_by ? details.due_by : null,
    has_evidence: details?.has_evidence ?? false,
    past_due: details?.past_due ?? false,
    submission_count: details?.submission_count ?? 0,
    is_charge_refundable: dispute.is_charge_refundable,
    evidence_fields: evidenceFields(dispute.evidence),
    closed: isClosedStatus(dispute.status),
  };
}

/**
 * Stores the dispute as read from Stripe at `readAt`. A state read earlier never overwrites one
 * read later (events and syncs race; the newest read wins). Returns false when the stored row
 * was newer and nothing changed.
 */
/**
 * Stores what Stripe says of a dispute, unless a later read is stored already. `product` is recorded when the dispute
 * is new; a stored dispute keeps its product.
 */
export async function upsertDispute(
  db: Db,
  read: Stripe.Dispute,
  account: string | null,
  readAt: Date,
  product: string = DEFAULT_PRODUCT,
): Promise<boolean> {
  return (await upsertDisputes(db, [read], account, readAt, product)).stored > 0;
}

/**
 * `upsertDispute` for many disputes (a page of the sync) in one statement: `stored` rows were written,
 * `inserted` of them new; the rest were already stored from a later read.
 */
export async function upsertDisputes(
  db: Db,
  disputes: readonly Stripe.Dispute[],
  account: string | null,
  readAt: Date,
  product: string = DEFAULT_PRODUCT,
): Promise<{ stored: number; inserted: number }> {
  if (disputes.length === 0) return { stored: 0, inserted: 0 };
  // One row per id: ON CONFLICT cannot touch the same row twice in one statement.
  const unique = [...new Map(disputes.map((dispute) => [dispute.id, dispute])).values()];
  // The columns as one small JSON array, each row numbered; the Stripe objects beside it as their JSON texts, one a
  // line (JSON.stringify writes no raw line break), so PostgreSQL reads each object once, as it stores it, instead of
  // three times (the array's text, the record set, the column): about 2 ms of its 16 on a sync page of 100.
  const records = JSON.stringify(unique.map((dispute, index) => ({ ...disputeRecord(dispute), n: index + 1 })));
  const objects = unique.map((dispute) => JSON.stringify(dispute)).join('\n');
  // A named statement: each connection parses it once, not once per page (with the case statements of
  // cases/open-close.ts, PostgreSQL's CPU in a sync went from about 185 to 160 ms per 1,000 disputes).
  const { rows } = await db.query<{ inserted: boolean }>({
    name: 'rebut-upsert-disputes',
    text: `INSERT INTO disputes (id, product, account, livemode, charge_id, payment_intent_id, customer_id, customer_email, amount,
                           currency, reason, status, card_brand, network_reason_code, enhanced_eligibility_types,
                           created, due_by, has_evidence, past_due, submission_count, is_charge_refundable,
                           evidence_fields, stripe_object, read_at, closed_at)
     SELECT r.id, $4, $2, r.livemode, r.charge_id, r.payment_intent_id, r.customer_id, r.customer_email, r.amount,
            r.currency, r.reason, r.status, r.card_brand, r.network_reason_code,
            ARRAY(SELECT json_array_elements_text(r.enhanced_eligibility_types)),
            to_timestamp(r.created), to_timestamp(r.due_by), r.has_evidence, r.past_due, r.submission_count,
            r.is_charge_refundable, r.evidence_fields, o.object::json, $3::timestamptz,
            CASE WHEN r.closed THEN $3::timestamptz END
       FROM json_to_recordset($1::json) AS r(
              id text, livemode boolean, charge_id text, payment_intent_id text, customer_id text, customer_email text,
              amount bigint, currency text, reason text, status text, card_brand text, network_reason_code text,
              enhanced_eligibility_types json, created double precision, due_by double precision, has_evidence boolean,
              past_due boolean, submission_count integer, is_charge_refundable boolean, evidence_fields text[],
              closed boolean, n bigint)
       JOIN unnest(string_to_array($5::text, E'\\n')) WITH ORDINALITY AS o(object, n) ON o.n = r.n
      ORDER BY r.id
     ON CONFLICT (id) DO UPDATE SET
       status = excluded.status, amount = excluded.amount, reason = excluded.reason, due_by = excluded.due_by,
       has_evidence = excluded.has_evidence, past_due = excluded.past_due, submission_count = excluded.submission_count,
       is_charge_refundable = excluded.is_charge_refundable,
       evidence_fields = excluded.evidence_fields,
       -- An unchanged object keeps its stored (compressed) copy instead of being compressed and written again.
       stripe_object = CASE WHEN disputes.stripe_object::text = excluded.stripe_object::text THEN disputes.stripe_object
                            ELSE excluded.stripe_object END,
       enhanced_eligibility_types = excluded.enhanced_eligibility_types,
       customer_id = COALESCE(excluded.customer_id, disputes.customer_id),
       customer_email = COALESCE(excluded.customer_email, disputes.customer_email),
       card_brand = COALESCE(excluded.card_brand, disputes.card_brand),
       read_at = excluded.read_at, closed_at = COALESCE(disputes.closed_at, excluded.closed_at), updated_at = now()
     WHERE disputes.read_at <= excluded.read_at
     RETURNING (xmax = 0) AS inserted`,
    // PostgreSQL's jsonb refuses NUL, which customers can type into text Stripe keeps (see withoutNul).
    values: [withoutNulIn(records), account, readAt, product, withoutNulIn(objects)],
  });
  return { stored: rows.length, inserted: rows.filter((row) => row.inserted).length };
}

function withoutNulIn(json: string): string {
  return json.includes('\\u0000') ? withoutNulEscapes(json) : json;
}

export async function getDispute(db: Db, id: string): Promise<DisputeRow | undefined> {
  const { rows } = await db.query<DisputeRow>('SELECT * FROM disputes WHERE id = $1', [id]);
  return rows[0];
}

/** A value Stripe counts as not given: null, an empty string (NULs alone are stripped on storing), object or list. */
function isEmptyEvidence(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.replaceAll('\u0000', '') === '';
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/**
 * The evidence fields a dispute carries (non-empty values), as sorted names, stored beside it so the stats never
 * read the Stripe object: `enhanced_evidence` appears as `enhanced_evidence.<program>` per program given, and the
 * `appeal` block (not evidence the issuer weighed) is left out. Sorted by code point, as `COLLATE "C"` would.
 */
export function evidenceFields(evidence: object | null | undefined): string[] {
  const names: string[] = [];
  for (const [name, value] of Object.entries(evidence ?? {})) {
    if (name === 'appeal' || isEmptyEvidence(value)) continue;
    if (name !== 'enhanced_evidence') names.push(name);
    else if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [program, fields] of Object.entries(value as object)) {
        if (typeof fields === 'object' && !Array.isArray(fields) && !isEmptyEvidence(fields)) {
          names.push(`enhanced_evidence.${program}`);
        }
      }
    }
  }
  return names.sort();
}
