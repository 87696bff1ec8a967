import type { Evidence, EvidenceFileField, EvidenceTextField } from '../../dispute/evidence-fields.js';
import type { PlaybookReason } from '../../dispute/reasons.js';

/**
 * The playbooks as data: for each reason with a playbook, the strategy, the Stripe text fields and
 * files to fill, and the evidence issuers look for with its weight. Built from Stripe's
 * dispute-categories guidance for digital products.
 */

/** The text fields a playbook knows how to fill from facts (Stripe has more: shipping, uncategorized_text…). */
export const PLAYBOOK_TEXT_FIELDS = [
  'customer_name',
  'customer_email_address',
  'customer_purchase_ip',
  'billing_address',
  'access_activity_log',
  'product_description',
  'service_date',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'duplicate_charge_id',
  'duplicate_charge_explanation',
] as const satisfies readonly EvidenceTextField[];
export type PlaybookTextField = (typeof PLAYBOOK_TEXT_FIELDS)[number];

/** The file fields a playbook asks the packet to fill (not customer_signature or shipping_documentation). */
export const PLAYBOOK_FILE_FIELDS = [
  'service_documentation',
  'receipt',
  'refund_policy',
  'cancellation_policy',
  'customer_communication',
  'duplicate_charge_documentation',
  'uncategorized_file',
] as const satisfies readonly EvidenceFileField[];
export type PlaybookFileField = (typeof PLAYBOOK_FILE_FIELDS)[number];

export type TextFields = Partial<Pick<Evidence, PlaybookTextField>>;

export const STRATEGIES = {
  authorised_by_cardholder:
    'The cardholder made this purchase: identity and payment checks match, and the account that paid kept using the service afterwards from the same IP addresses and devices, with earlier undisputed payments on the same card.',
  delivered_and_used:
    'The service was delivered: the customer received it immediately and used it after paying, as the activity log and the delivered work show.',
  as_described:
    'The service was as described at purchase and was used; the refund policy the customer accepted was applied.',
  not_cancelled_before_charge:
    'The subscription was not cancelled before this charge: the cancellation policy was shown at checkout and the customer kept using the service after the charge.',
  no_credit_due:
    'No refund or credit is owed under the refund and cancellation policies the customer accepted, and the service was used; any refund already issued is shown.',
  separate_charges: 'The charges are separate purchases for separate periods or items, not one purchase billed twice.',
  service_provided:
    'The customer bought and received the service, as the receipt, the activity log and the communication show.',
  debit_authorised:
    'The account holder authorised this debit: they accepted the debit authorisation (mandate) and the terms it was taken under, and used the service after paying.',
  purchase_on_record:
    'The customer asked their bank to return this payment without a claim the evidence could answer: the purchase, its use and the terms accepted are shown, and the customer is best contacted first.',
  pay_another_way:
    'Not worth fighting: the bank returned the payment because it could not be collected (no funds, wrong account details, a returned check), which no evidence changes. Ask the customer to pay another way; the record of the purchase is kept in case a person fights anyway.',
  compliance_not_contested:
    "Not fought: a network compliance dispute says the payment broke the card network's rules, not that the customer was wronged. Contesting costs a network fee (500 USD at Visa and Mastercard, returned only on a win) and needs an argument under the network's rules that the evidence cannot make; a person decides.",
} as const;
export type Strategy = keyof typeof STRATEGIES;

export const EVIDENCE_ITEMS = {
  visa_ce3: 'Visa CE 3.0: two earlier undisputed payments on the same card with matching identifiers',
  three_d_secure: '3-D Secure authentication (liability shift to the issuer)',
  post_payment_activity: 'Logins or use after the payment, with IP addresses and times',
  deliverables: 'What was delivered to the customer (the designs or files produced)',
  purchase_ip: 'The IP address the purchase was made from',
  prior_payments: 'Earlier undisputed payments by the same customer',
  card_checks: 'CVC or address verification passed',
  customer_identity: "The customer's name and email address",
  account_history: 'An account that existed before the disputed payment',
  policy_acceptance: 'The customer accepted the terms and policies',
  refund_policy: 'The refund policy and where it was shown before purchase',
  cancellation_policy: 'The cancellation policy and where it was shown before purchase',
  no_cancellation_before_charge: 'No cancellation before the charge',
  customer_communication: 'Conversation with the customer',
  receipt: 'The receipt or invoice for the payment',
  distinct_charge: 'The other charge, shown to be a separate purchase',
  refund_issued: 'The refund already issued',
  product_description: 'What was sold, as described at purchase',
  debit_mandate: 'The debit authorisation (mandate) the account holder accepted',
} as const;
export type EvidenceItem = keyof typeof EVIDENCE_ITEMS;

export interface ItemRule {
  id: EvidenceItem;
  /** Ordinal strength for this reason (0–1), from Stripe's guidance; measured effectiveness replaces it. */
  weight: number;
  /** The case stands on these: without any of them there is nothing to argue. */
  core?: boolean;
  /** Listed only when found: evidence that cannot be added after the payment (3-D Secure, a refund). */
  onlyWhenFound?: boolean;
}

export interface ReasonPlan {
  strategy: Strategy;
  text: PlaybookTextField[];
  files: PlaybookFileField[];
  items: ItemRule[];
  /** Why this reason is not fought, when evidence cannot win it; triage then says do not fight. */
  notFought?: string;
  /**
   * Where a refund made before the dispute goes, as a refund receipt of its own, for the reasons it answers (the
   * service was not received, the subscription was cancelled, a credit is owed, it was charged twice, or no reason
   * given). Stripe's dispute-categories guidance says to state a refund already issued in `uncategorized_text` /
   * `uncategorized_file`: `refund_policy` is the policy itself, `duplicate_charge_documentation` the other charge's
   * record, and neither is a record of money sent back.
   */
  refundReceipt?: PlaybookFileField;
}

const FRAUD_PLAN: ReasonPlan = {
  strategy: 'authorised_by_cardholder',
  text: [
    'customer_name',
    'customer_email_address',
    'customer_purchase_ip',
    'billing_address',
    'access_activity_log',
    'product_description',
    'service_date',
  ],
  files: ['service_documentation', 'receipt', 'uncategorized_file', 'customer_communication'],
  items: [
    { id: 'visa_ce3', weight: 0.95 },
    { id: 'three_d_secure', weight: 0.9, onlyWhenFound: true },
    { id: 'post_payment_activity', weight: 0.85, core: true },
    // WooCommerce Payments' win data counts customer communication among the fields whose presence goes with a
    // higher win rate on fraud disputes, for every product type (DISPUTE_HIGH_IMPACT_FIELDS.fraudulent in
    // https://github.com/Automattic/woocommerce-payments/blob/develop/client/disputes/new-evidence/constants/high-impact-fields.ts):
    // a customer who wrote about the purchase knew of it. Measured effectiveness still replaces this weight.
    { id: 'customer_communication', weight: 0.8 },
    { id: 'purchase_ip', weight: 0.75, core: true },
    { id: 'deliverables', weight: 0.7, core: true },
    { id: 'prior_payments', weight: 0.65 },
    { id: 'card_checks', weight: 0.5 },
    { id: 'customer_identity', weight: 0.45 },
    { id: 'account_history', weight: 0.4 },
    { id: 'policy_acceptance', weight: 0.3 },
    { id: 'receipt', weight: 0.25 },
  ],
};

/**
 * The payment itself failed at the bank (no funds, wrong account details, a returned check, a bank that cannot process
 * it): no evidence makes the bank pay, so the customer has to pay another way. Only the record of the purchase is kept,
 * in case a person fights anyway.
 */
const PAY_ANOTHER_WAY_PLAN: ReasonPlan = {
  strategy: 'pay_another_way',
  text: ['product_description', 'service_date', 'customer_name', 'customer_email_address'],
  files: ['receipt', 'customer_communication'],
  items: [
    { id: 'receipt', weight: 0.6 },
    { id: 'customer_communication', weight: 0.5 },
    { id: 'customer_identity', weight: 0.4 },
    { id: 'product_description', weight: 0.3 },
  ],
  notFought:
    'The bank returned this payment because it could not be collected (no funds, wrong account details, a returned check or a bank that cannot process it); evidence does not change that. Ask the customer to pay another way.',
};

export const PLAYBOOKS: Record<PlaybookReason, ReasonPlan> = {
  fraudulent: FRAUD_PLAN,
  unrecognized: FRAUD_PLAN,
  product_not_received: {
    strategy: 'delivered_and_used',
    text: [
      'customer_name',
      'customer_email_address',
      'customer_purchase_ip',
      'access_activity_log',
      'product_description',
      'service_date',
    ],
    files: ['service_documentation', 'customer_communication', 'receipt', 'uncategorized_file'],
    refundReceipt: 'uncategorized_file',
    items: [
      { id: 'deliverables', weight: 0.9, core: true },
      { id: 'post_payment_activity', weight: 0.85, core: true },
      { id: 'customer_communication', weight: 0.6 },
      { id: 'purchase_ip', weight: 0.4 },
      { id: 'customer_identity', weight: 0.35 },
      { id: 'product_description', weight: 0.3 },
      { id: 'receipt', weight: 0.3 },
      { id: 'policy_acceptance', weight: 0.25 },
    ],
  },
  product_unacceptable: {
    strategy: 'as_described',
    text: [
      'product_description',
      'access_activity_log',
      'refund_policy_disclosure',
      'refund_refusal_explanation',
      'service_date',
      'customer_name',
      'customer_email_address',
    ],
    files: ['service_documentation', 'refund_policy', 'customer_communication', 'receipt'],
    items: [
      { id: 'product_description', weight: 0.8, core: true },
      { id: 'deliverables', weight: 0.75, core: true },
      { id: 'post_payment_activity', weight: 0.7, core: true },
      { id: 'refund_policy', weight: 0.65 },
      { id: 'customer_communication', weight: 0.6 },
      { id: 'policy_acceptance', weight: 0.45 },
      { id: 'receipt', weight: 0.25 },
    ],
  },
  subscription_canceled: {
    strategy: 'not_cancelled_before_charge',
    text: [
      'cancellation_policy_disclosure',
      'cancellation_rebuttal',
      'access_activity_log',
      'product_description',
      'service_date',
      'customer_name',
      'customer_email_address',
    ],
    files: [
      'cancellation_policy',
      'customer_communication',
      'service_documentation',
      'receipt',
      'refund_policy',
      'uncategorized_file',
    ],
    refundReceipt: 'uncategorized_file',
    items: [
      { id: 'no_cancellation_before_charge', weight: 0.9, core: true },
      { id: 'post_payment_activity', weight: 0.85, core: true },
      { id: 'cancellation_policy', weight: 0.75 },
      { id: 'policy_acceptance', weight: 0.6 },
      { id: 'customer_communication', weight: 0.55 },
      { id: 'deliverables', weight: 0.4 },
      { id: 'receipt', weight: 0.35 },
    ],
  },
  credit_not_processed: {
    strategy: 'no_credit_due',
    text: [
      'refund_policy_disclosure',
      'refund_refusal_explanation',
      'cancellation_policy_disclosure',
      'cancellation_rebuttal',
      'access_activity_log',
      'product_description',
      'customer_name',
      'customer_email_address',
    ],
    files: [
      'refund_policy',
      'cancellation_policy',
      'customer_communication',
      'service_documentation',
      'uncategorized_file',
      'receipt',
    ],
    refundReceipt: 'uncategorized_file',
    items: [
      { id: 'refund_issued', weight: 0.95, onlyWhenFound: true },
      { id: 'refund_policy', weight: 0.8, core: true },
      { id: 'post_payment_activity', weight: 0.65, core: true },
      { id: 'policy_acceptance', weight: 0.6 },
      { id: 'customer_communication', weight: 0.6 },
      { id: 'cancellation_policy', weight: 0.5 },
      { id: 'deliverables', weight: 0.5 },
      { id: 'receipt', weight: 0.3 },
    ],
  },
  duplicate: {
    strategy: 'separate_charges',
    text: [
      'duplicate_charge_id',
      'duplicate_charge_explanation',
      'product_description',
      'service_date',
      'customer_name',
      'customer_email_address',
    ],
    files: [
      'duplicate_charge_documentation',
      'receipt',
      'customer_communication',
      'refund_policy',
      'uncategorized_file',
    ],
    refundReceipt: 'uncategorized_file',
    items: [
      { id: 'distinct_charge', weight: 0.95, core: true },
      { id: 'receipt', weight: 0.7 },
      { id: 'customer_communication', weight: 0.4 },
      { id: 'post_payment_activity', weight: 0.3 },
    ],
  },
  general: {
    strategy: 'service_provided',
    text: [
      'product_description',
      'access_activity_log',
      'service_date',
      'customer_name',
      'customer_email_address',
      'customer_purchase_ip',
      'refund_policy_disclosure',
    ],
    files: ['service_documentation', 'receipt', 'customer_communication', 'refund_policy', 'uncategorized_file'],
    refundReceipt: 'uncategorized_file',
    items: [
      { id: 'post_payment_activity', weight: 0.8, core: true },
      { id: 'deliverables', weight: 0.7, core: true },
      { id: 'customer_communication', weight: 0.6 },
      { id: 'receipt', weight: 0.5 },
      { id: 'product_description', weight: 0.45 },
      { id: 'policy_acceptance', weight: 0.4 },
      { id: 'refund_policy', weight: 0.35 },
      { id: 'customer_identity', weight: 0.3 },
    ],
  },
  // Bank debits (ACH, SEPA, BECS…) report an unauthorised debit as debit_not_authorized. Stripe's guidance for them:
  // show the customer authorised or engaged with the purchase (activity, device), agreed to the terms and the
  // cancellation policy (a revoked authorisation), and that the debit matched them
  // (docs.stripe.com/payments/link/instant-bank-payments/disputed-payments).
  debit_not_authorized: {
    strategy: 'debit_authorised',
    text: [
      'customer_name',
      'customer_email_address',
      'customer_purchase_ip',
      'access_activity_log',
      'product_description',
      'service_date',
      'cancellation_policy_disclosure',
    ],
    files: ['service_documentation', 'receipt', 'cancellation_policy', 'customer_communication', 'uncategorized_file'],
    items: [
      { id: 'debit_mandate', weight: 0.95, core: true },
      { id: 'post_payment_activity', weight: 0.8, core: true },
      { id: 'policy_acceptance', weight: 0.65 },
      { id: 'purchase_ip', weight: 0.6 },
      { id: 'prior_payments', weight: 0.55 },
      { id: 'customer_identity', weight: 0.5 },
      { id: 'account_history', weight: 0.45 },
      { id: 'customer_communication', weight: 0.45 },
      { id: 'cancellation_policy', weight: 0.4 },
      { id: 'receipt', weight: 0.3 },
    ],
  },
  // Stripe: "The customer initiated the dispute. Contact the customer for additional details." What evidence can
  // show is the purchase, its use and the terms, as for `general`, with the conversation first.
  customer_initiated: {
    strategy: 'purchase_on_record',
    text: [
      'product_description',
      'access_activity_log',
      'service_date',
      'customer_name',
      'customer_email_address',
      'refund_policy_disclosure',
    ],
    files: ['service_documentation', 'receipt', 'customer_communication', 'refund_policy'],
    items: [
      { id: 'customer_communication', weight: 0.75 },
      { id: 'post_payment_activity', weight: 0.7, core: true },
      { id: 'deliverables', weight: 0.65, core: true },
      { id: 'policy_acceptance', weight: 0.5 },
      { id: 'receipt', weight: 0.45 },
      { id: 'refund_policy', weight: 0.35 },
      { id: 'customer_identity', weight: 0.3 },
    ],
  },
  bank_cannot_process: PAY_ANOTHER_WAY_PLAN,
  check_returned: PAY_ANOTHER_WAY_PLAN,
  incorrect_account_details: PAY_ANOTHER_WAY_PLAN,
  insufficient_funds: PAY_ANOTHER_WAY_PLAN,
  // Visa and Mastercard compliance disputes (Stripe gives them the reason noncompliant; docs.stripe.com/disputes/api/visa-compliance).
  // Nothing in the evidence answers a rules violation, so nothing is filled and nothing is argued.
  noncompliant: {
    strategy: 'compliance_not_contested',
    text: [],
    files: [],
    items: [],
    notFought:
      "A network compliance dispute: the issuer says the payment broke the card network's rules. Contesting it costs a network fee (500 USD at Visa and Mastercard, returned only on a win) and needs an argument under those rules that the evidence cannot make; rebut does not contest it.",
  },
};
