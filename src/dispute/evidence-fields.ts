import type Stripe from 'stripe';
import { MAX_LONG_TEXT_CHARS, MAX_SHORT_TEXT_CHARS } from './limits.js';

/**
 * Stripe's evidence fields (`disputes.update` → `evidence`), each listed once: the long and short
 * text fields and the file fields. `satisfies` makes a misspelt field a type error, not a
 * rejected submission.
 */

export type Evidence = Stripe.DisputeUpdateParams.Evidence;

/** Free-text fields Stripe caps at 20,000 characters each (MAX_LONG_TEXT_CHARS). */
export const LONG_TEXT_FIELDS = [
  'access_activity_log',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'duplicate_charge_explanation',
  'product_description',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'uncategorized_text',
] as const satisfies readonly (keyof Evidence)[];

/** Short text fields (identifiers, addresses, dates): 5,000 characters each (MAX_SHORT_TEXT_CHARS). */
export const SHORT_TEXT_FIELDS = [
  'billing_address',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'duplicate_charge_id',
  'service_date',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_tracking_number',
] as const satisfies readonly (keyof Evidence)[];

/** Fields that take the id of a file uploaded with purpose `dispute_evidence`. */
export const EVIDENCE_FILE_FIELDS = [
  'cancellation_policy',
  'customer_communication',
  'customer_signature',
  'duplicate_charge_documentation',
  'receipt',
  'refund_policy',
  'service_documentation',
  'shipping_documentation',
  'uncategorized_file',
] as const satisfies readonly (keyof Evidence)[];

export type LongTextField = (typeof LONG_TEXT_FIELDS)[number];
export type ShortTextField = (typeof SHORT_TEXT_FIELDS)[number];
export type EvidenceTextField = LongTextField | ShortTextField;
export type EvidenceFileField = (typeof EVIDENCE_FILE_FIELDS)[number];
/** The text part of what goes to `disputes.update`, typed by Stripe. */
export type EvidenceText = Pick<Evidence, EvidenceTextField>;

/** Every classic field is either text or file: a field Stripe adds fails tsc here until someone places it. */
type Unplaced = Exclude<keyof Evidence, EvidenceTextField | EvidenceFileField | 'appeal' | 'enhanced_evidence'>;
export const EVERY_EVIDENCE_FIELD_PLACED: [Unplaced] extends [never] ? true : never = true;

export const EVIDENCE_TEXT_FIELDS: readonly EvidenceTextField[] = [...LONG_TEXT_FIELDS, ...SHORT_TEXT_FIELDS];

/** How many characters Stripe takes in one text field. */
export function textLimitOf(field: EvidenceTextField): number {
  return (LONG_TEXT_FIELDS as readonly string[]).includes(field) ? MAX_LONG_TEXT_CHARS : MAX_SHORT_TEXT_CHARS;
}
