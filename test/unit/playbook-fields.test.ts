// The table: every reason × network, the evidence fields Stripe recommends for the reason, filled when the facts
// support them and never otherwise. The expected sets are written out here from Stripe's guidance, not read from the
// playbooks, so a plan that drifts from the guidance fails.
import { describe, expect, it } from 'vitest';
import { DISPUTE_REASONS, type DisputeReason } from '../../src/dispute/reasons.js';
import { parseEvidenceConfig } from '../../src/evidence/config.js';
import { applyPlaybook } from '../../src/evidence/playbook/index.js';
import type { PlaybookFileField, PlaybookTextField } from '../../src/evidence/playbook/plans.js';
import type { Fact } from '../../src/evidence/types.js';
import { testFact as fact } from '../support/facts.js';

const config = parseEvidenceConfig(`business:
  name: Roomcraft
  product_description: AI interior designs, delivered in the app.
  support_email: support@roomcraft.example
  website: https://roomcraft.example
policies:
  refund:
    text: Refunds within 7 days.
    shown_at: [checkout_page]
  cancellation:
    text: Cancel any time.
    shown_at: [checkout_page, email]
`);

const CHARGE_AT = '2026-03-01T12:00:00.000Z';
const daysAfter = (days: number) => new Date(Date.parse(CHARGE_AT) + days * 86_400_000).toISOString();

const NETWORKS = ['visa', 'mastercard', 'amex'] as const;
type Network = (typeof NETWORKS)[number];

const disputeFact = (reason: DisputeReason, network: Network) =>
  fact('stripe.dispute', 'dispute', daysAfter(20), {
    reason,
    brand: network,
    ce3_eligible: network === 'visa' && reason === 'fraudulent',
  });

/** Facts that support every field a playbook can fill: every source answered, and answered well. */
function everything(reason: DisputeReason, network: Network): Fact[] {
  return [
    disputeFact(reason, network),
    fact('stripe.charge', 'charge', CHARGE_AT, {
      charge_id: 'ch_now',
      amount: 2_900,
      currency: 'usd',
      created: CHARGE_AT,
      email: 'ada@example.com',
      ip: '203.0.113.5',
      description: 'Roomcraft Pro, monthly',
    }),
    fact('stripe.charge.purchase_ip', 'charge', CHARGE_AT, { ip: '203.0.113.5' }),
    fact('stripe.charge.receipt', 'charge', CHARGE_AT, { receipt_number: '1234-5678' }),
    fact('stripe.charge.billing', 'charge', CHARGE_AT, {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      address: '1 Main St, Springfield, 12345, US',
    }),
    fact('stripe.charge.card', 'charge', CHARGE_AT, { brand: network, last4: '4242' }),
    fact('stripe.charge.cvc', 'payment_check', CHARGE_AT, { cvc_check: 'pass' }),
    fact('stripe.customer', 'customer', daysAfter(-200), { email: 'ada@example.com', created: daysAfter(-200) }),
    fact('stripe.customer.name', 'customer', daysAfter(-200), { name: 'Ada Lovelace' }),
    fact('stripe.subscription', 'subscription', daysAfter(-200), {
      subscription_id: 'sub_1',
      canceled_at: null,
      current_period_end: daysAfter(30),
    }),
    fact('stripe.invoice.in_1', 'invoice', CHARGE_AT, {
      invoice_id: 'in_1',
      number: 'RC-0042',
      period_start: CHARGE_AT,
      period_end: daysAfter(30),
    }),
    fact('stripe.prior.ch_before', 'prior_payment', daysAfter(-30), {
      charge_id: 'ch_before',
      amount: 2_900,
      currency: 'usd',
      same_card: true,
    }),
    fact('stripe.refund.re_1', 'refund', daysAfter(2), { amount: 500, currency: 'usd', status: 'succeeded' }),
    fact('config.product', 'product', null, { product_description: 'AI interior designs' }),
    fact('config.policy.refund', 'policy', null, { policy: 'refund', shown_at: 'checkout_page' }),
    fact('config.policy.cancellation', 'policy', null, { policy: 'cancellation', shown_at: 'checkout_page,email' }),
    fact('sql.account', 'account', daysAfter(-200), { account_id: 'u_1', email: 'ada@example.com' }),
    fact('sql.policy_acceptance.1', 'policy_acceptance', daysAfter(-0.01), { policy: 'terms', ip: '203.0.113.5' }),
    fact('sql.policy_acceptance.2', 'policy_acceptance', daysAfter(-0.01), { policy: 'sepa_mandate' }),
    fact('sql.activity.1', 'activity', daysAfter(1), { event: 'login', ip: '203.0.113.5' }),
    fact('sql.deliverable.d1', 'deliverable', daysAfter(1), { title: 'Living room design' }),
    fact('sql.communication.1', 'communication', daysAfter(3), { direction: 'inbound' }),
  ];
}

/** Facts that support no field: the dispute alone, as when every other source was silent. */
const nothing = (reason: DisputeReason, network: Network): Fact[] => [disputeFact(reason, network)];

type Field = PlaybookTextField | PlaybookFileField;

// Stripe's dispute categories (docs.stripe.com/disputes/categories, digital product or service), field by field.
const IDENTITY: Field[] = ['customer_name', 'customer_email_address'];
const FRAUD: Field[] = [
  ...IDENTITY,
  'customer_purchase_ip',
  'billing_address',
  'access_activity_log',
  'product_description',
  'service_date',
  'service_documentation',
  'receipt',
  'uncategorized_file',
  'customer_communication',
];
// Stripe: state a refund already issued in uncategorized_file, for every reason it answers (the facts below hold a
// refund made before the dispute): its receipt goes there for these five.
const REFUND_RECEIPT: Field[] = ['uncategorized_file'];
// A payment the bank could not collect: only the record of the purchase, in case a person fights anyway.
const PURCHASE_ONLY: Field[] = [
  ...IDENTITY,
  'product_description',
  'service_date',
  'receipt',
  'customer_communication',
];

const RECOMMENDED: Record<DisputeReason, Field[]> = {
  fraudulent: FRAUD,
  unrecognized: FRAUD,
  product_not_received: [
    ...IDENTITY,
    'customer_purchase_ip',
    'access_activity_log',
    'product_description',
    'service_date',
    'service_documentation',
    'customer_communication',
    'receipt',
    ...REFUND_RECEIPT,
  ],
  product_unacceptable: [
    ...IDENTITY,
    'product_description',
    'access_activity_log',
    'refund_policy_disclosure',
    'refund_refusal_explanation',
    'service_date',
    'service_documentation',
    'refund_policy',
    'customer_communication',
    'receipt',
  ],
  subscription_canceled: [
    ...IDENTITY,
    'cancellation_policy_disclosure',
    'cancellation_rebuttal',
    'access_activity_log',
    'product_description',
    'service_date',
    'cancellation_policy',
    'customer_communication',
    'service_documentation',
    'receipt',
    // A customer who cancelled is owed what the refund policy says; it goes with the cancellation policy.
    'refund_policy',
    ...REFUND_RECEIPT,
  ],
  credit_not_processed: [
    ...IDENTITY,
    'refund_policy_disclosure',
    'refund_refusal_explanation',
    'cancellation_policy_disclosure',
    'cancellation_rebuttal',
    'access_activity_log',
    'product_description',
    'refund_policy',
    'cancellation_policy',
    'customer_communication',
    'service_documentation',
    'uncategorized_file',
    'receipt',
  ],
  duplicate: [
    ...IDENTITY,
    'duplicate_charge_id',
    'duplicate_charge_explanation',
    'product_description',
    'service_date',
    'duplicate_charge_documentation',
    'receipt',
    'customer_communication',
    // A charge that was a duplicate is refunded under the refund policy.
    'refund_policy',
    ...REFUND_RECEIPT,
  ],
  general: [
    ...IDENTITY,
    'customer_purchase_ip',
    'product_description',
    'access_activity_log',
    'service_date',
    'refund_policy_disclosure',
    'service_documentation',
    'receipt',
    'customer_communication',
    'refund_policy',
    ...REFUND_RECEIPT,
  ],
  // Bank debits (docs.stripe.com/payments/link/instant-bank-payments/disputed-payments): authorisation or engagement
  // (activity, IP), the agreed terms and cancellation policy (a revoked authorisation), the debit matching them.
  debit_not_authorized: [
    ...IDENTITY,
    'customer_purchase_ip',
    'access_activity_log',
    'product_description',
    'service_date',
    'cancellation_policy_disclosure',
    'service_documentation',
    'receipt',
    'cancellation_policy',
    'customer_communication',
    'uncategorized_file',
  ],
  // "Contact the customer": the purchase, its use and the terms, as for general.
  customer_initiated: [
    ...IDENTITY,
    'product_description',
    'access_activity_log',
    'service_date',
    'refund_policy_disclosure',
    'service_documentation',
    'receipt',
    'customer_communication',
    'refund_policy',
  ],
  bank_cannot_process: PURCHASE_ONLY,
  check_returned: PURCHASE_ONLY,
  incorrect_account_details: PURCHASE_ONLY,
  insufficient_funds: PURCHASE_ONLY,
  // A network compliance dispute: no evidence field answers a rules violation.
  noncompliant: [],
};

const filled = (reason: DisputeReason, facts: Fact[]): string[] => {
  const result = applyPlaybook(reason, facts, config);
  return [...Object.keys(result.textFields), ...result.fileFields.map((file) => file.field)].sort();
};

const TABLE = DISPUTE_REASONS.flatMap((reason) => NETWORKS.map((network) => ({ reason, network })));

describe('the evidence fields each playbook fills, reason by reason and network by network', () => {
  it('covers every reason Stripe documents on Visa, Mastercard and Amex', () => {
    expect(TABLE).toHaveLength(15 * 3);
  });

  it.each(TABLE)(
    '$reason on $network: fills exactly the fields Stripe recommends when the facts support them',
    ({ reason, network }) => {
      expect(filled(reason, everything(reason, network))).toEqual([...RECOMMENDED[reason]].sort());
    },
  );

  it.each(TABLE)('$reason on $network: fills nothing when no fact supports it', ({ reason, network }) => {
    expect(filled(reason, nothing(reason, network))).toEqual([]);
  });
});
