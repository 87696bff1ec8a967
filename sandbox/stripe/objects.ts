// Small factories that build Stripe objects from Stripe's own sample objects (stripe/openapi
// fixtures3.json, MIT; the subset in samples.json), overriding only what a scenario decides.
import type Stripe from 'stripe';
import { newId } from './ids.js';
import samples from './samples.json' with { type: 'json' };

interface SampleTypes {
  account: Stripe.Account;
  dispute: Stripe.Dispute;
  charge: Stripe.Charge;
  customer: Stripe.Customer;
  payment_intent: Stripe.PaymentIntent;
  refund: Stripe.Refund;
  file: Stripe.File;
  subscription: Stripe.Subscription;
  invoice: Stripe.Invoice;
  invoice_payment: Stripe.InvoicePayment;
  balance_transaction: Stripe.BalanceTransaction;
  payment_method: Stripe.PaymentMethod;
  'radar.early_fraud_warning': Stripe.Radar.EarlyFraudWarning;
  event: Stripe.Event;
}

const sampleText = new Map<string, string>();

/** A fresh deep copy of Stripe's sample object. The JSON is typed loosely, hence the one cast. */
function sample<K extends keyof SampleTypes>(name: K): SampleTypes[K] {
  let text = sampleText.get(name);
  if (text === undefined) {
    text = JSON.stringify(samples[name]);
    sampleText.set(name, text);
  }
  // Parsing cached text is faster than structuredClone, which matters for 100,000 seeded disputes.
  return JSON.parse(text) as SampleTypes[K];
}

/** Digits derived from an id (FNV-1a), so an object's incidental numbers are stable across reads. */
function digitsOf(text: string, length: number): string {
  let out = '';
  let hash = 0x811c9dc5;
  for (let round = 0; out.length < length; round++) {
    for (const char of `${text}:${round}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    out += String(hash % 1_000_000_000).padStart(9, '0');
  }
  return out.slice(0, length);
}

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'diners' | 'unionpay';

const LAST4: Record<CardBrand, string> = {
  visa: '4242',
  mastercard: '4444',
  amex: '8431',
  discover: '1117',
  jcb: '0505',
  diners: '0004',
  unionpay: '0005',
};

// Network reason codes per Stripe reason, for the networks rebut meets most.
const REASON_CODES: Record<string, Partial<Record<CardBrand, string>>> = {
  fraudulent: { visa: '10.4', mastercard: '4837', amex: 'F29', discover: 'UA02' },
  unrecognized: { visa: '10.4', mastercard: '4863', amex: 'F29', discover: 'UA02' },
  product_not_received: { visa: '13.1', mastercard: '4855', amex: 'C08', discover: '4755' },
  product_unacceptable: { visa: '13.3', mastercard: '4853', amex: 'C32', discover: '4553' },
  subscription_canceled: { visa: '13.2', mastercard: '4841', amex: 'C28', discover: '4541' },
  credit_not_processed: { visa: '13.6', mastercard: '4860', amex: 'C02', discover: '4513' },
  duplicate: { visa: '12.6.1', mastercard: '4834', amex: 'P08', discover: '4534' },
  general: { visa: '13.3', mastercard: '4853', amex: 'C32', discover: '4553' },
};

export function networkReasonCode(reason: string, brand: CardBrand): string | null {
  return REASON_CODES[reason]?.[brand] ?? null;
}

export const EVIDENCE_TEXT_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_tracking_number',
  'uncategorized_text',
] as const;

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
] as const;

export type EvidenceTextField = (typeof EVIDENCE_TEXT_FIELDS)[number];
export type EvidenceFileField = (typeof EVIDENCE_FILE_FIELDS)[number];

export function emptyEvidence(): Stripe.Dispute.Evidence {
  const evidence = sample('dispute').evidence;
  evidence.enhanced_evidence = {};
  return evidence;
}

export interface Address {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
}

export interface CustomerInput {
  id?: string;
  email: string;
  name: string;
  created: number;
  livemode: boolean;
  address?: Address;
  metadata?: Record<string, string>;
}

export function customerObject(input: CustomerInput): Stripe.Customer {
  const customer = sample('customer');
  customer.id = input.id ?? newId('cus');
  customer.email = input.email;
  customer.name = input.name;
  customer.created = input.created;
  customer.livemode = input.livemode;
  customer.discount = null;
  customer.shipping = null;
  customer.invoice_prefix = customer.id.slice(-7).toUpperCase();
  customer.metadata = input.metadata ?? {};
  if (input.address) customer.address = { ...input.address };
  return customer;
}

export interface ChargeInput {
  id?: string;
  amount: number;
  currency: string;
  created: number;
  livemode: boolean;
  customer: string | null;
  paymentIntent: string | null;
  paymentMethod: string;
  brand: CardBrand;
  fingerprint: string;
  /** The card issuer's country (ISO 3166-1 alpha-2); the fixture's US when not given. */
  cardCountry?: string;
  billingName: string;
  billingEmail: string;
  billingAddress: Address;
  cvcCheck?: 'pass' | 'fail' | 'unavailable' | 'unchecked' | null;
  addressLine1Check?: 'pass' | 'fail' | 'unavailable' | 'unchecked' | null;
  postalCodeCheck?: 'pass' | 'fail' | 'unavailable' | 'unchecked' | null;
  threeDSecure?: boolean;
  riskLevel?: 'normal' | 'elevated' | 'highest';
  riskScore?: number;
  disputed?: boolean;
  amountRefunded?: number;
  description?: string | null;
  metadata?: Record<string, string>;
  balanceTransaction?: string;
}

export function chargeObject(input: ChargeInput): Stripe.Charge {
  const charge = sample('charge');
  const id = input.id ?? newId('ch');
  const refunded = input.amountRefunded ?? 0;
  charge.id = id;
  charge.amount = input.amount;
  charge.amount_captured = input.amount;
  charge.amount_refunded = refunded;
  charge.refunded = refunded >= input.amount;
  charge.captured = true;
  charge.paid = true;
  charge.status = 'succeeded';
  charge.currency = input.currency;
  charge.created = input.created;
  charge.livemode = input.livemode;
  charge.customer = input.customer;
  charge.payment_intent = input.paymentIntent;
  charge.payment_method = input.paymentMethod;
  charge.balance_transaction = input.balanceTransaction ?? newId('txn');
  charge.description = input.description ?? null;
  charge.disputed = input.disputed ?? false;
  charge.metadata = input.metadata ?? {};
  charge.receipt_email = input.billingEmail;
  const digits = digitsOf(id, 29);
  charge.receipt_number = `${digits.slice(0, 4)}-${digits.slice(4, 8)}`;
  charge.receipt_url = `https://pay.stripe.com/receipts/payment/${id}`;
  charge.calculated_statement_descriptor = 'REBUT SANDBOX';
  charge.transfer_data = null;
  charge.shipping = null;
  charge.billing_details = {
    address: { ...input.billingAddress },
    email: input.billingEmail,
    name: input.billingName,
    phone: null,
    tax_id: null,
  };
  charge.outcome = {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'approved_by_network',
    reason: null,
    risk_level: input.riskLevel ?? 'normal',
    risk_score: input.riskScore ?? 23,
    seller_message: 'Payment complete.',
    type: 'authorized',
  };
  const card = charge.payment_method_details?.card;
  if (card) {
    card.brand = input.brand;
    card.network = input.brand;
    card.last4 = LAST4[input.brand];
    card.fingerprint = input.fingerprint;
    if (input.cardCountry) card.country = input.cardCountry;
    card.amount_authorized = input.amount;
    card.authorization_code = digits.slice(8, 14);
    card.network_transaction_id = digits.slice(14, 29);
    card.wallet = null;
    card.checks = {
      address_line1_check: input.addressLine1Check === undefined ? 'pass' : input.addressLine1Check,
      address_postal_code_check: input.postalCodeCheck === undefined ? 'pass' : input.postalCodeCheck,
      cvc_check: input.cvcCheck === undefined ? 'pass' : input.cvcCheck,
    };
    card.three_d_secure = input.threeDSecure
      ? {
          authentication_flow: 'challenge',
          electronic_commerce_indicator: input.brand === 'mastercard' ? '02' : '05',
          exemption_indicator: null,
          result: 'authenticated',
          result_reason: null,
          transaction_id: crypto.randomUUID(),
          version: '2.2.0',
        }
      : null;
  }
  // `source` and `refunds` are absent from charges in this API version unless expanded.
  const loose = charge as unknown as Record<string, unknown>;
  delete loose.source;
  delete loose.refunds;
  return charge;
}

/** The balance transaction of a card payment: Stripe's standard US fee, 2.9% + 30¢. */
export function chargeBalanceTransaction(input: {
  id?: string;
  charge: string;
  amount: number;
  currency: string;
  created: number;
}): Stripe.BalanceTransaction {
  const txn = sample('balance_transaction');
  const fee = Math.round(input.amount * 0.029) + 30;
  txn.id = input.id ?? newId('txn');
  txn.amount = input.amount;
  txn.fee = fee;
  txn.fee_details = [
    {
      amount: fee,
      application: null,
      currency: input.currency,
      description: 'Stripe processing fees',
      type: 'stripe_fee',
    },
  ];
  txn.net = input.amount - fee;
  txn.currency = input.currency;
  txn.created = input.created;
  txn.available_on = input.created + 2 * 86_400;
  txn.description = null;
  txn.reporting_category = 'charge';
  txn.type = 'charge';
  txn.source = input.charge;
  return txn;
}

export function paymentMethodObject(input: {
  id: string;
  created: number;
  livemode: boolean;
  customer: string | null;
  brand: CardBrand;
  fingerprint: string;
  cardCountry?: string;
  billingName: string;
  billingEmail: string;
  billingAddress: Address;
}): Stripe.PaymentMethod {
  const method = sample('payment_method');
  method.id = input.id;
  method.created = input.created;
  method.livemode = input.livemode;
  method.customer = input.customer;
  method.metadata = {};
  method.billing_details = {
    address: { ...input.billingAddress },
    email: input.billingEmail,
    name: input.billingName,
    phone: null,
    tax_id: null,
  };
  if (method.card) {
    method.card.brand = input.brand;
    method.card.display_brand = input.brand;
    method.card.last4 = LAST4[input.brand];
    method.card.fingerprint = input.fingerprint;
    if (input.cardCountry) method.card.country = input.cardCountry;
    method.card.wallet = null;
    method.card.networks = { available: [input.brand], preferred: null };
    method.card.generated_from = null;
  }
  return method;
}

export interface PaymentIntentInput {
  id?: string;
  amount: number;
  currency: string;
  created: number;
  livemode: boolean;
  customer: string | null;
  latestCharge: string;
  paymentMethod: string;
  description?: string | null;
  metadata?: Record<string, string>;
}

export function paymentIntentObject(input: PaymentIntentInput): Stripe.PaymentIntent {
  const intent = sample('payment_intent');
  const id = input.id ?? newId('pi');
  intent.id = id;
  intent.amount = input.amount;
  intent.amount_received = input.amount;
  intent.currency = input.currency;
  intent.created = input.created;
  intent.livemode = input.livemode;
  intent.customer = input.customer;
  intent.latest_charge = input.latestCharge;
  intent.payment_method = input.paymentMethod;
  intent.description = input.description ?? null;
  intent.metadata = input.metadata ?? {};
  intent.status = 'succeeded';
  intent.canceled_at = null;
  intent.last_payment_error = null;
  intent.next_action = null;
  intent.processing = null;
  intent.transfer_data = null;
  intent.client_secret = `${id}_secret_${digitsOf(id, 24)}`;
  intent.receipt_email = null;
  return intent;
}

export interface RefundInput {
  amount: number;
  currency: string;
  created: number;
  charge: string;
  paymentIntent: string | null;
  reason?: Stripe.Refund.Reason | null;
  metadata?: Record<string, string>;
}

export function refundObject(input: RefundInput): Stripe.Refund {
  const refund = sample('refund');
  refund.id = newId('re');
  refund.amount = input.amount;
  refund.currency = input.currency;
  refund.created = input.created;
  refund.charge = input.charge;
  refund.payment_intent = input.paymentIntent;
  refund.reason = input.reason ?? 'requested_by_customer';
  refund.balance_transaction = newId('txn');
  refund.metadata = input.metadata ?? {};
  return refund;
}

/** Stripe's fraud types of an early fraud warning, as the card networks report them. */
export const FRAUD_TYPES = [
  'card_never_received',
  'fraudulent_card_application',
  'made_with_counterfeit_card',
  'made_with_lost_card',
  'made_with_stolen_card',
  'misc',
  'unauthorized_use_of_card',
] as const;
export type FraudType = (typeof FRAUD_TYPES)[number];

/** An early fraud warning: the issuer's fraud report on a charge, before (and often instead of) a dispute. */
export function earlyFraudWarningObject(input: {
  charge: string;
  paymentIntent: string | null;
  fraudType: FraudType;
  created: number;
  livemode: boolean;
  actionable: boolean;
}): Stripe.Radar.EarlyFraudWarning {
  const warning = sample('radar.early_fraud_warning');
  warning.id = newId('issfr');
  warning.charge = input.charge;
  warning.fraud_type = input.fraudType;
  warning.created = input.created;
  warning.livemode = input.livemode;
  warning.actionable = input.actionable;
  // Stripe leaves `payment_intent` out of a warning on a charge made without one.
  if (input.paymentIntent) warning.payment_intent = input.paymentIntent;
  else delete warning.payment_intent;
  return warning;
}

/** The balance transaction Stripe attaches to a dispute when it withdraws (negative) or reinstates funds. */
export function disputeBalanceTransaction(input: {
  id?: string;
  dispute: string;
  amount: number;
  currency: string;
  created: number;
  withdrawal: boolean;
}): Stripe.BalanceTransaction {
  const txn = sample('balance_transaction');
  const fee = input.withdrawal ? 1500 : 0;
  txn.id = input.id ?? newId('txn');
  txn.amount = input.withdrawal ? -input.amount : input.amount;
  txn.fee = fee;
  txn.fee_details = fee
    ? [{ amount: fee, application: null, currency: input.currency, description: 'Dispute fee', type: 'stripe_fee' }]
    : [];
  txn.net = txn.amount - fee;
  txn.currency = input.currency;
  txn.created = input.created;
  txn.available_on = input.created;
  txn.description = input.withdrawal
    ? `Chargeback withdrawal for ${input.dispute}`
    : `Chargeback reversal for ${input.dispute}`;
  txn.reporting_category = 'dispute';
  txn.type = 'adjustment';
  txn.source = input.dispute;
  return txn;
}

export interface DisputeInput {
  id?: string;
  amount: number;
  currency: string;
  created: number;
  livemode: boolean;
  charge: string;
  paymentIntent: string | null;
  reason: string;
  status: Stripe.Dispute.Status;
  brand: CardBrand;
  inquiry: boolean;
  dueBy: number | null;
  ce3Eligible?: boolean;
  metadata?: Record<string, string>;
  /** Id of the withdrawal balance transaction (seeded disputes derive it from their index). */
  withdrawalId?: string;
}

export function disputeObject(input: DisputeInput): Stripe.Dispute {
  const dispute = sample('dispute');
  const id = input.id ?? newId('du');
  dispute.id = id;
  dispute.amount = input.amount;
  dispute.currency = input.currency;
  dispute.created = input.created;
  dispute.livemode = input.livemode;
  dispute.charge = input.charge;
  dispute.payment_intent = input.paymentIntent;
  dispute.reason = input.reason;
  dispute.status = input.status;
  dispute.metadata = input.metadata ?? {};
  dispute.evidence = emptyEvidence();
  // Inquiries move no money; a chargeback withdraws the amount plus the dispute fee at once.
  dispute.balance_transactions = input.inquiry
    ? []
    : [
        disputeBalanceTransaction({
          ...(input.withdrawalId ? { id: input.withdrawalId } : {}),
          dispute: id,
          amount: input.amount,
          currency: input.currency,
          created: input.created,
          withdrawal: true,
        }),
      ];
  dispute.is_charge_refundable = input.inquiry;
  dispute.intended_submission_method = null;
  const reasonCode = networkReasonCode(input.reason, input.brand);
  dispute.network_reason_code = reasonCode;
  dispute.payment_method_details = {
    type: 'card',
    card: {
      brand: input.brand,
      network: input.brand,
      network_reason_code: reasonCode,
      case_type: input.inquiry ? 'inquiry' : 'chargeback',
    },
  };
  dispute.enhanced_eligibility_types = input.ce3Eligible ? ['visa_compelling_evidence_3'] : [];
  dispute.evidence_details = {
    due_by: input.dueBy,
    has_evidence: false,
    past_due: false,
    submission_count: 0,
    submission_method: 'not_submitted',
    enhanced_eligibility: input.ce3Eligible
      ? {
          visa_compelling_evidence_3: {
            status: 'requires_action',
            required_actions: [
              'missing_customer_identifiers',
              'missing_disputed_transaction_description',
              'missing_merchandise_or_services',
              'missing_prior_undisputed_transaction_description',
            ],
          },
        }
      : {},
  };
  return dispute;
}

export interface SubscriptionInput {
  customer: string;
  created: number;
  livemode: boolean;
  amount: number;
  currency: string;
  interval: 'month' | 'year';
  productName: string;
  latestInvoice: string | null;
  paymentMethod: string;
  status?: Stripe.Subscription.Status;
  periodStart: number;
  periodEnd: number;
}

export function subscriptionObject(input: SubscriptionInput): Stripe.Subscription {
  const subscription = sample('subscription');
  const id = newId('sub');
  subscription.id = id;
  subscription.customer = input.customer;
  subscription.created = input.created;
  subscription.start_date = input.created;
  subscription.billing_cycle_anchor = input.created;
  subscription.livemode = input.livemode;
  subscription.currency = input.currency;
  subscription.status = input.status ?? 'active';
  subscription.latest_invoice = input.latestInvoice;
  subscription.default_payment_method = input.paymentMethod;
  subscription.cancel_at = null;
  subscription.canceled_at = null;
  subscription.ended_at = null;
  subscription.trial_start = null;
  subscription.trial_end = null;
  subscription.cancel_at_period_end = false;
  subscription.pause_collection = null;
  subscription.pending_update = null;
  subscription.transfer_data = null;
  subscription.next_pending_invoice_item_invoice = null;
  subscription.pending_invoice_item_interval = null;
  subscription.description = input.productName;
  subscription.metadata = {};
  const item = subscription.items.data[0];
  if (item) {
    item.id = newId('si');
    item.subscription = id;
    item.created = input.created;
    item.current_period_start = input.periodStart;
    item.current_period_end = input.periodEnd;
    item.price.unit_amount = input.amount;
    // The JSON carries decimals as strings; the SDK's `Decimal` type only describes the parsed form.
    Object.assign(item.price, { unit_amount_decimal: String(input.amount) });
    item.price.currency = input.currency;
    item.price.nickname = input.productName;
    if (item.price.recurring) item.price.recurring.interval = input.interval;
  }
  subscription.items.url = `/v1/subscription_items?subscription=${id}`;
  return subscription;
}

export interface InvoiceInput {
  id?: string;
  customer: string;
  customerEmail: string;
  customerName: string;
  subscription: string | null;
  created: number;
  livemode: boolean;
  amount: number;
  currency: string;
  description: string;
  periodStart: number;
  periodEnd: number;
}

export function invoiceObject(input: InvoiceInput): Stripe.Invoice {
  const invoice = sample('invoice');
  const id = input.id ?? newId('in');
  invoice.id = id;
  invoice.customer = input.customer;
  invoice.customer_email = input.customerEmail;
  invoice.customer_name = input.customerName;
  invoice.created = input.created;
  invoice.effective_at = input.created;
  invoice.livemode = input.livemode;
  invoice.currency = input.currency;
  invoice.amount_due = input.amount;
  invoice.amount_paid = input.amount;
  invoice.amount_remaining = 0;
  invoice.amount_overpaid = 0;
  invoice.subtotal = input.amount;
  invoice.subtotal_excluding_tax = input.amount;
  invoice.total = input.amount;
  invoice.total_excluding_tax = input.amount;
  invoice.attempt_count = 1;
  invoice.attempted = true;
  invoice.status = 'paid';
  invoice.number = `${invoice.id.slice(3, 11).toUpperCase()}-0001`;
  invoice.billing_reason = input.subscription ? 'subscription_cycle' : 'manual';
  invoice.period_start = input.periodStart;
  invoice.period_end = input.periodEnd;
  invoice.due_date = null;
  invoice.next_payment_attempt = null;
  invoice.last_finalization_error = null;
  invoice.from_invoice = null;
  invoice.shipping_cost = null;
  invoice.webhooks_delivered_at = input.created;
  invoice.hosted_invoice_url = `https://invoice.stripe.com/i/${id}`;
  invoice.invoice_pdf = `https://pay.stripe.com/invoice/${id}/pdf`;
  invoice.status_transitions = {
    finalized_at: input.created,
    marked_uncollectible_at: null,
    paid_at: input.created,
    voided_at: null,
  };
  invoice.parent = input.subscription
    ? {
        type: 'subscription_details',
        quote_details: null,
        subscription_details: { metadata: {}, subscription: input.subscription },
      }
    : null;
  const line = invoice.lines.data[0];
  if (line) {
    line.id = newId('il');
    line.invoice = id;
    line.amount = input.amount;
    line.subtotal = input.amount;
    line.currency = input.currency;
    line.description = input.description;
    line.period = { start: input.periodStart, end: input.periodEnd };
    line.parent = input.subscription
      ? {
          type: 'subscription_item_details',
          invoice_item_details: null,
          subscription_item_details: {
            invoice_item: null,
            proration: false,
            proration_details: { credited_items: null },
            subscription: input.subscription,
            subscription_item: newId('si'),
          },
        }
      : null;
  }
  invoice.lines.url = `/v1/invoices/${id}/lines`;
  return invoice;
}

export function invoicePaymentObject(input: {
  invoice: string;
  paymentIntent: string;
  amount: number;
  currency: string;
  created: number;
  livemode: boolean;
}): Stripe.InvoicePayment {
  const payment = sample('invoice_payment');
  payment.id = newId('inpay');
  payment.invoice = input.invoice;
  payment.payment = { type: 'payment_intent', payment_intent: input.paymentIntent };
  payment.amount_paid = input.amount;
  payment.amount_requested = input.amount;
  payment.currency = input.currency;
  payment.created = input.created;
  payment.livemode = input.livemode;
  payment.status = 'paid';
  payment.status_transitions = { canceled_at: null, paid_at: input.created };
  return payment;
}

export function fileObject(input: {
  purpose: Stripe.File.Purpose;
  size: number;
  type: 'pdf' | 'jpg' | 'png';
  filename: string | null;
  created: number;
  baseUrl: string;
}): Stripe.File {
  const file = sample('file');
  const id = newId('file');
  file.id = id;
  file.purpose = input.purpose;
  file.size = input.size;
  file.type = input.type;
  file.filename = input.filename;
  file.title = null;
  file.created = input.created;
  // Dispute evidence files expire after nine months.
  file.expires_at = input.created + 274 * 86_400;
  file.url = `${input.baseUrl}/v1/files/${id}/contents`;
  file.links = { object: 'list', data: [], has_more: false, url: `/v1/file_links?file=${id}` };
  return file;
}

/** A connected account as `GET /v1/accounts` lists it: Stripe's sample, under its own id and creation time. */
export function accountObject(input: { id: string; created: number }): Stripe.Account & { created: number } {
  const account = sample('account');
  account.id = input.id;
  if (account.external_accounts) account.external_accounts.url = `/v1/accounts/${input.id}/external_accounts`;
  return { ...account, created: input.created };
}

export function eventObject(input: {
  type: string;
  object: { object: string };
  previousAttributes?: Record<string, unknown>;
  account?: string;
  livemode: boolean;
  apiVersion: string;
  created: number;
  pendingWebhooks: number;
  request?: { id: string | null; idempotency_key: string | null };
}): Stripe.Event {
  const event = sample('event');
  const data: { object: unknown; previous_attributes?: Record<string, unknown> } = { object: input.object };
  if (input.previousAttributes) data.previous_attributes = input.previousAttributes;
  const loose = event as unknown as Record<string, unknown>;
  loose.id = newId('evt');
  loose.type = input.type;
  loose.data = data;
  loose.api_version = input.apiVersion;
  loose.created = input.created;
  loose.livemode = input.livemode;
  loose.pending_webhooks = input.pendingWebhooks;
  loose.request = input.request ?? { id: null, idempotency_key: null };
  if (input.account) loose.account = input.account;
  // Stripe sends the envelope's keys in this order; a stable order keeps signed payloads readable.
  const { id, object, account, api_version, created, data: body, livemode, pending_webhooks, request, type } = loose;
  return {
    id,
    object,
    ...(account ? { account } : {}),
    api_version,
    created,
    data: body,
    livemode,
    pending_webhooks,
    request,
    type,
  } as unknown as Stripe.Event;
}
