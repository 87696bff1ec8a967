import { EVIDENCE_ITEMS, type EvidenceItem } from '../evidence/playbook/plans.js';
import type { FactKind } from '../evidence/types.js';

/**
 * One vocabulary for "kinds of evidence" across disputes answered in rebut (whose facts are stored
 * in `evidence_items`) and disputes answered elsewhere (of which Stripe shows only the evidence
 * fields that were filled). The kinds are the playbooks' evidence items, so measured effectiveness
 * plugs straight into `applyPlaybook(…, { effectiveness })`.
 */

/** Stripe evidence fields → the kind of evidence a filled field shows. Unlisted fields say nothing specific. */
const FIELD_KINDS: Readonly<Record<string, EvidenceItem>> = {
  access_activity_log: 'post_payment_activity',
  service_documentation: 'deliverables',
  customer_purchase_ip: 'purchase_ip',
  customer_name: 'customer_identity',
  customer_email_address: 'customer_identity',
  billing_address: 'customer_identity',
  customer_signature: 'policy_acceptance',
  receipt: 'receipt',
  refund_policy: 'refund_policy',
  refund_policy_disclosure: 'refund_policy',
  refund_refusal_explanation: 'refund_policy',
  cancellation_policy: 'cancellation_policy',
  cancellation_policy_disclosure: 'cancellation_policy',
  cancellation_rebuttal: 'cancellation_policy',
  customer_communication: 'customer_communication',
  duplicate_charge_id: 'distinct_charge',
  duplicate_charge_explanation: 'distinct_charge',
  duplicate_charge_documentation: 'distinct_charge',
  product_description: 'product_description',
  'enhanced_evidence.visa_compelling_evidence_3': 'visa_ce3',
};

/** Fact kinds → the evidence they are. The dispute, charge and subscription facts are in every case. */
const FACT_KIND_KINDS: Readonly<Partial<Record<FactKind, EvidenceItem>>> = {
  activity: 'post_payment_activity',
  deliverable: 'deliverables',
  prior_payment: 'prior_payments',
  payment_check: 'card_checks',
  account: 'account_history',
  policy_acceptance: 'policy_acceptance',
  communication: 'customer_communication',
  refund: 'refund_issued',
  product: 'product_description',
  customer: 'customer_identity',
  invoice: 'receipt',
};

/** The kinds of evidence shown by filled Stripe fields and, for rebut's cases, the facts included. */
export function evidenceKinds(fields: readonly string[], factKinds: readonly string[] = []): Set<EvidenceItem> {
  const kinds = new Set<EvidenceItem>();
  for (const field of fields) {
    const kind = FIELD_KINDS[field];
    if (kind) kinds.add(kind);
  }
  for (const factKind of factKinds) {
    const kind = FACT_KIND_KINDS[factKind as FactKind];
    if (kind) kinds.add(kind);
  }
  return kinds;
}

export function evidenceKindInWords(kind: EvidenceItem): string {
  return EVIDENCE_ITEMS[kind];
}

/** Short labels for tables and charts, where the playbooks' sentences do not fit. */
const SHORT: Readonly<Record<EvidenceItem, string>> = {
  visa_ce3: 'Visa CE 3.0',
  three_d_secure: '3-D Secure',
  post_payment_activity: 'Use after payment',
  deliverables: 'Deliverables',
  purchase_ip: 'Purchase IP',
  prior_payments: 'Prior payments',
  card_checks: 'CVC/AVS checks',
  customer_identity: 'Customer identity',
  account_history: 'Account history',
  policy_acceptance: 'Policy accepted',
  refund_policy: 'Refund policy',
  cancellation_policy: 'Cancellation policy',
  no_cancellation_before_charge: 'No cancellation',
  customer_communication: 'Communication',
  receipt: 'Receipt',
  distinct_charge: 'Distinct charge',
  refund_issued: 'Refund issued',
  product_description: 'Product description',
  debit_mandate: 'Debit mandate',
};

export function evidenceKindLabel(kind: EvidenceItem): string {
  return SHORT[kind];
}
