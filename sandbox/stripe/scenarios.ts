// Scenario builders: the objects a real dispute comes with (customer, card charge, payment
// intent, earlier payments on the same card, subscription and invoices), stored like Stripe would.
import type Stripe from 'stripe';
import { previousAttributes } from './changes.js';
import type { SandboxCore } from './core.js';
import { base62, decodeIndex, encodeIndex, newId } from './ids.js';
import {
  type Address,
  type CardBrand,
  type ChargeInput,
  chargeBalanceTransaction,
  chargeObject,
  customerObject,
  disputeBalanceTransaction,
  disputeObject,
  invoiceObject,
  invoicePaymentObject,
  paymentIntentObject,
  paymentMethodObject,
  refundObject,
  subscriptionObject,
} from './objects.js';
import type { Partition } from './store.js';

const DAY = 86_400;

export interface CreateDisputeInput {
  reason: string;
  amount?: number;
  currency?: string;
  brand?: CardBrand;
  /** The country of the card's issuer (`payment_method_details.card.country`); US when not given. */
  cardCountry?: string;
  /** Defaults to `needs_response`, or `warning_needs_response` for an inquiry. */
  status?: Stripe.Dispute.Status;
  inquiry?: boolean;
  /** A connected account (`acct_…`): the dispute lives there, events carry `account`. */
  account?: string;
  livemode?: boolean;
  /** Days from `created` to `evidence_details.due_by`; default 9. */
  dueInDays?: number;
  /** Unix time the dispute was opened; default now. */
  created?: number;
  /** Days between the disputed payment and the dispute; default 21. */
  chargeDaysBeforeDispute?: number;
  customer?: { email: string; name: string; address?: Address };
  /** Earlier paid, undisputed charges on the same card, `daysAgo` counted back from the disputed charge. */
  priorCharges?: { daysAgo: number; amount?: number }[];
  /** Put the charge behind a subscription with an invoice and an invoice payment. */
  subscription?: boolean;
  productName?: string;
  /** Defaults to what Stripe would decide: a Visa 10.4 dispute with two prior charges 120–365 days earlier. */
  ce3Eligible?: boolean;
  /**
   * Stripe's Smart Disputes can answer it (the test card 4000000001000043). Nothing on the dispute shows it, as on
   * Stripe: only `intended_submission_method: smart_disputes` with `submit: true` tells, by succeeding. Default false.
   */
  smartDisputesEligible?: boolean;
  /** Customer IP recorded on the charge's metadata (`metadata.ip`). */
  ip?: string;
  checks?: {
    cvc?: 'pass' | 'fail' | 'unavailable' | 'unchecked' | null;
    addressLine1?: 'pass' | 'fail' | 'unavailable' | 'unchecked' | null;
    postalCode?: 'pass' | 'fail' | 'unavailable' | 'unchecked' | null;
  };
  threeDSecure?: boolean;
  riskLevel?: 'normal' | 'elevated' | 'highest';
  riskScore?: number;
  /** A partial (or full) refund issued before the dispute. */
  refundedAmount?: number;
  chargeMetadata?: Record<string, string>;
  metadata?: Record<string, string>;
  /** Emit no events (the dispute is simply there, as after a sync). */
  silent?: boolean;
}

export interface DisputeScenario {
  dispute: Stripe.Dispute;
  charge: Stripe.Charge;
  customer: Stripe.Customer;
  paymentIntent: Stripe.PaymentIntent;
  priorCharges: Stripe.Charge[];
  subscription?: Stripe.Subscription;
  invoice?: Stripe.Invoice;
  invoicePayment?: Stripe.InvoicePayment;
  refund?: Stripe.Refund;
  events: Stripe.Event[];
}

const DEFAULT_ADDRESS: Address = {
  line1: '500 Market Street',
  line2: null,
  city: 'San Francisco',
  state: 'CA',
  postal_code: '94105',
  country: 'US',
};

const OPEN_STATUSES = new Set(['needs_response', 'warning_needs_response']);
const CLOSED_STATUSES = new Set(['won', 'lost', 'warning_closed']);

interface Payment {
  charge: Stripe.Charge;
  paymentIntent: Stripe.PaymentIntent;
  invoice?: Stripe.Invoice;
  invoicePayment?: Stripe.InvoicePayment;
}

export function createDispute(core: SandboxCore, input: CreateDisputeInput): DisputeScenario {
  const livemode = input.livemode ?? false;
  const partition = core.store.partition(input.account, livemode);
  const now = Math.floor(Date.now() / 1000);
  const created = input.created ?? now;
  const chargeCreated = created - (input.chargeDaysBeforeDispute ?? 21) * DAY;
  const amount = input.amount ?? 4900;
  const currency = input.currency ?? 'usd';
  const brand = input.brand ?? 'visa';
  const inquiry = input.inquiry ?? false;
  const productName = input.productName ?? 'Pro plan';
  const person = input.customer ?? { email: 'jenny.rosen@example.com', name: 'Jenny Rosen' };
  const address = input.customer?.address ?? DEFAULT_ADDRESS;
  const oldest = Math.max(0, ...(input.priorCharges ?? []).map((prior) => prior.daysAgo));
  const { customer, paymentMethod, fingerprint } = insertCardholder(partition, {
    person,
    address,
    brand,
    livemode,
    created: chargeCreated - oldest * DAY - DAY,
    ...(input.cardCountry ? { cardCountry: input.cardCountry } : {}),
  });

  const subscription = input.subscription
    ? subscriptionObject({
        customer: customer.id,
        created: customer.created,
        livemode,
        amount,
        currency,
        interval: 'month',
        productName,
        latestInvoice: null,
        paymentMethod,
        periodStart: chargeCreated,
        periodEnd: chargeCreated + 30 * DAY,
      })
    : undefined;

  const pay = (at: number, payAmount: number, disputed: boolean, refunded = 0): Payment => {
    const { charge, paymentIntent } = insertCardPayment(
      partition,
      { at, amount: payAmount, currency, livemode, customer: customer.id, paymentMethod, description: productName },
      {
        brand,
        fingerprint,
        ...(input.cardCountry ? { cardCountry: input.cardCountry } : {}),
        billingName: person.name,
        billingEmail: person.email,
        billingAddress: address,
        cvcCheck: input.checks?.cvc,
        addressLine1Check: input.checks?.addressLine1,
        postalCodeCheck: input.checks?.postalCode,
        threeDSecure: input.threeDSecure ?? false,
        ...(input.riskLevel ? { riskLevel: input.riskLevel } : {}),
        ...(input.riskScore !== undefined ? { riskScore: input.riskScore } : {}),
        disputed,
        amountRefunded: refunded,
        metadata: { ...(input.ip ? { ip: input.ip } : {}), ...(disputed ? (input.chargeMetadata ?? {}) : {}) },
      },
    );
    const payment: Payment = { charge, paymentIntent };
    if (subscription) {
      const invoice = invoiceObject({
        customer: customer.id,
        customerEmail: person.email,
        customerName: person.name,
        subscription: subscription.id,
        created: at,
        livemode,
        amount: payAmount,
        currency,
        description: `1 × ${productName} (at ${(payAmount / 100).toFixed(2)} / month)`,
        periodStart: at,
        periodEnd: at + 30 * DAY,
      });
      const invoicePayment = invoicePaymentObject({
        invoice: invoice.id,
        paymentIntent: paymentIntent.id,
        amount: payAmount,
        currency,
        created: at,
        livemode,
      });
      partition.invoices.insert(invoice);
      partition.invoicePayments.insert(invoicePayment);
      payment.invoice = invoice;
      payment.invoicePayment = invoicePayment;
    }
    return payment;
  };

  const priorCharges = (input.priorCharges ?? []).map(
    (prior) => pay(chargeCreated - prior.daysAgo * DAY, prior.amount ?? amount, false).charge,
  );
  const disputed = pay(chargeCreated, amount, true, input.refundedAmount ?? 0);

  if (subscription) {
    subscription.latest_invoice = disputed.invoice?.id ?? null;
    partition.subscriptions.insert(subscription);
  }

  let refund: Stripe.Refund | undefined;
  if (input.refundedAmount) {
    refund = refundObject({
      amount: input.refundedAmount,
      currency,
      created: Math.min(created - DAY, chargeCreated + DAY),
      charge: disputed.charge.id,
      paymentIntent: disputed.paymentIntent.id,
    });
    partition.refunds.insert(refund);
  }

  // Stripe's CE 3.0 rule: two prior undisputed payments 120–365 days before the disputed one.
  const qualifyingPriors = (input.priorCharges ?? []).filter((prior) => prior.daysAgo >= 120 && prior.daysAgo <= 365);
  const ce3Eligible =
    input.ce3Eligible ??
    (brand === 'visa' && ['fraudulent', 'unrecognized'].includes(input.reason) && qualifyingPriors.length >= 2);

  const dispute = disputeObject({
    amount: amount - (input.refundedAmount ?? 0),
    currency,
    created,
    livemode,
    charge: disputed.charge.id,
    paymentIntent: disputed.paymentIntent.id,
    reason: input.reason,
    status: input.status ?? (inquiry ? 'warning_needs_response' : 'needs_response'),
    brand,
    inquiry,
    dueBy: created + (input.dueInDays ?? 9) * DAY,
    ce3Eligible,
    ...(input.metadata ? { metadata: input.metadata } : {}),
  });
  partition.disputes.insert(dispute);
  for (const txn of dispute.balance_transactions) partition.balanceTransactions.insert(txn);
  core.store.disputeHome.set(dispute.id, partition);
  if (input.smartDisputesEligible) core.store.smartDisputesEligible.add(dispute.id);

  const events: Stripe.Event[] = [];
  if (!input.silent) {
    const options = { account: input.account, livemode };
    events.push(core.emit('charge.dispute.created', dispute, options));
    if (!inquiry) events.push(core.emit('charge.dispute.funds_withdrawn', dispute, options));
  }

  return structuredClone({
    dispute,
    charge: disputed.charge,
    customer,
    paymentIntent: disputed.paymentIntent,
    priorCharges,
    ...(subscription ? { subscription } : {}),
    ...(disputed.invoice ? { invoice: disputed.invoice } : {}),
    ...(disputed.invoicePayment ? { invoicePayment: disputed.invoicePayment } : {}),
    ...(refund ? { refund } : {}),
    events,
  });
}

function home(core: SandboxCore, id: string): { partition: Partition; dispute: Stripe.Dispute } {
  const partition = core.store.disputeHome.get(id) ?? core.store.all().find((candidate) => candidate.disputes.has(id));
  const dispute = partition?.disputes.get(id);
  if (!partition || !dispute) throw new Error(`No dispute ${id} in the sandbox`);
  return { partition, dispute };
}

/**
 * What the network or Stripe does to a dispute outside the API: the issuer decides (`won`,
 * `lost`), an inquiry closes or escalates. Emits the events Stripe would.
 */
export function setDisputeStatus(core: SandboxCore, id: string, status: Stripe.Dispute.Status): Stripe.Dispute {
  const { partition, dispute } = home(core, id);
  const next = structuredClone(dispute);
  next.status = status;
  const now = Math.floor(Date.now() / 1000);
  const chargeback = dispute.payment_method_details?.card?.case_type !== 'inquiry';
  const reinstate = status === 'won' && chargeback && dispute.balance_transactions.length === 1;
  if (reinstate) {
    next.balance_transactions.push(
      disputeBalanceTransaction({
        dispute: id,
        amount: dispute.amount,
        currency: dispute.currency,
        created: now,
        withdrawal: false,
      }),
    );
  }
  if (CLOSED_STATUSES.has(status)) next.is_charge_refundable = false;
  partition.disputes.replace(next);
  const options = {
    account: partition.account,
    livemode: partition.livemode,
    previousAttributes: previousAttributes(dispute, next),
  };
  if (CLOSED_STATUSES.has(status)) core.emit('charge.dispute.closed', next, options);
  else core.emit('charge.dispute.updated', next, options);
  if (reinstate) core.emit('charge.dispute.funds_reinstated', next, options);
  return structuredClone(next);
}

export function getDispute(core: SandboxCore, id: string): Stripe.Dispute {
  return structuredClone(home(core, id).dispute);
}

// ---------------------------------------------------------------------------------------------
// Bulk seeding: many historical disputes, built on read from an index, so 100,000 stay cheap.

export interface SeedOptions {
  account?: string;
  livemode?: boolean;
  /** Unix range of `created`; default the last 365 days. Open disputes fall in the last 7 days. */
  from?: number;
  to?: number;
  /** Relative weights; default mostly closed history. */
  statuses?: Partial<Record<string, number>>;
  reasons?: Partial<Record<string, number>>;
  brands?: Partial<Record<CardBrand, number>>;
  currency?: string;
  seed?: number;
  /**
   * Submitted disputes hold a realistic mix of evidence text fields (activity log, purchase IP, name, product,
   * policies), the strong kinds more often in the won ones, so "what evidence wins" has something to measure.
   * Default: the one `uncategorized_text` field.
   */
  variedEvidence?: boolean;
}

/** Evidence text fields a seeded submission may hold, with the chance of each in a won and in a lost dispute. */
const SEEDED_EVIDENCE: {
  field: keyof Stripe.Dispute.Evidence;
  won: number;
  lost: number;
  text: (n: number) => string;
}[] = [
  {
    field: 'access_activity_log',
    won: 0.8,
    lost: 0.35,
    text: (n) =>
      `Logged in and used the product after the purchase from 203.0.113.${n % 250} (${3 + (n % 9)} sessions).`,
  },
  { field: 'customer_purchase_ip', won: 0.7, lost: 0.4, text: (n) => `203.0.113.${n % 250}` },
  { field: 'customer_name', won: 0.9, lost: 0.85, text: (n) => `Customer ${n}` },
  {
    field: 'product_description',
    won: 0.9,
    lost: 0.8,
    text: () => 'Pro plan: monthly subscription, delivered in the app.',
  },
  {
    field: 'refund_policy_disclosure',
    won: 0.5,
    lost: 0.4,
    text: () => 'The refund policy was shown on the checkout page before payment.',
  },
  {
    field: 'cancellation_rebuttal',
    won: 0.35,
    lost: 0.25,
    text: () => 'The customer did not cancel before the renewal and kept using the service.',
  },
];

const DEFAULT_STATUSES = {
  won: 38,
  lost: 42,
  warning_closed: 6,
  under_review: 6,
  needs_response: 6,
  warning_needs_response: 2,
};
const DEFAULT_REASONS = {
  fraudulent: 40,
  product_not_received: 15,
  subscription_canceled: 15,
  product_unacceptable: 10,
  credit_not_processed: 8,
  duplicate: 4,
  unrecognized: 4,
  general: 4,
};
const DEFAULT_BRANDS = { visa: 60, mastercard: 30, amex: 10 };

/** A small deterministic PRNG (mulberry32) per seeded index. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T extends string>(weights: Partial<Record<T, number>>, roll: number): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let threshold = roll * total;
  for (const [key, weight] of entries) {
    threshold -= weight;
    if (threshold < 0) return key;
  }
  const last = entries[entries.length - 1];
  if (!last) throw new Error('empty weights');
  return last[0];
}

export function seedDisputes(core: SandboxCore, count: number, options: SeedOptions = {}): void {
  const livemode = options.livemode ?? false;
  const partition = core.store.partition(options.account, livemode);
  const now = Math.floor(Date.now() / 1000);
  const to = options.to ?? now;
  const from = options.from ?? to - 365 * DAY;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const currency = options.currency ?? 'usd';
  // Ids are a batch prefix plus the index, so a seeded charge or customer is found from its id alone.
  const batch = base62(16);
  const idFor = (prefix: string, index: number) => `${prefix}_${batch}${encodeIndex(index, 8)}`;
  const indexOf = (prefix: string, id: string, limit = count): number => {
    const head = `${prefix}_${batch}`;
    if (!id.startsWith(head) || id.length !== head.length + 8) return -1;
    const index = decodeIndex(id.slice(head.length));
    return index < limit ? index : -1;
  };

  const facts = (index: number) => {
    const roll = random(seed ^ Math.imul(index + 1, 2_654_435_761));
    const status = pick<string>(options.statuses ?? DEFAULT_STATUSES, roll());
    const reason = pick<string>(options.reasons ?? DEFAULT_REASONS, roll());
    const brand = pick<CardBrand>(options.brands ?? DEFAULT_BRANDS, roll());
    const open = OPEN_STATUSES.has(status);
    const created = open ? now - Math.floor(roll() * 7 * DAY) : from + Math.floor(roll() * Math.max(1, to - from));
    const amount = 900 + Math.floor(roll() * 40) * 500;
    const chargeCreated = created - Math.floor((3 + roll() * 40) * DAY);
    const inquiry = status.startsWith('warning_');
    const submitted = status === 'won' || status === 'under_review' || (status === 'lost' && roll() < 0.7);
    return { status, reason, brand, created, amount, chargeCreated, inquiry, submitted, n: index };
  };
  /** The seeded customer's card as both its payment method and its charge show it. */
  const cardOf = (index: number) => ({
    brand: facts(index).brand,
    fingerprint: `${batch.slice(0, 8)}${encodeIndex(index, 8)}`,
    billingName: `Customer ${index}`,
    billingEmail: `customer${index}@example.com`,
    billingAddress: DEFAULT_ADDRESS,
  });

  const customerFor = (index: number): Stripe.Customer => {
    const f = facts(index);
    return customerObject({
      id: idFor('cus', index),
      email: `customer${index}@example.com`,
      name: `Customer ${index}`,
      created: f.chargeCreated - 30 * DAY,
      livemode,
    });
  };
  const chargeFor = (index: number): Stripe.Charge => {
    const f = facts(index);
    return chargeObject({
      id: idFor('ch', index),
      amount: f.amount,
      currency,
      created: f.chargeCreated,
      livemode,
      customer: idFor('cus', index),
      paymentIntent: idFor('pi', index),
      paymentMethod: idFor('pm', index),
      balanceTransaction: idFor('txn', index * 3),
      ...cardOf(index),
      disputed: true,
      description: 'Pro plan',
    });
  };
  const paymentIntentFor = (index: number): Stripe.PaymentIntent => {
    const f = facts(index);
    return paymentIntentObject({
      id: idFor('pi', index),
      amount: f.amount,
      currency,
      created: f.chargeCreated,
      livemode,
      customer: idFor('cus', index),
      latestCharge: idFor('ch', index),
      paymentMethod: idFor('pm', index),
      description: 'Pro plan',
    });
  };
  const disputeFor = (index: number): Stripe.Dispute => {
    const f = facts(index);
    const dispute = disputeObject({
      id: idFor('du', index),
      amount: f.amount,
      currency,
      created: f.created,
      livemode,
      charge: idFor('ch', index),
      paymentIntent: idFor('pi', index),
      reason: f.reason,
      status: f.status,
      brand: f.brand,
      inquiry: f.inquiry,
      dueBy: f.created + 9 * DAY,
      withdrawalId: idFor('txn', index * 3 + 1),
    });
    if (f.submitted) {
      dispute.evidence.uncategorized_text = `Seeded evidence for dispute ${index}: the customer used the product after purchase.`;
      dispute.evidence.customer_email_address = `customer${index}@example.com`;
      dispute.evidence_details.has_evidence = true;
      dispute.evidence_details.submission_count = 1;
      dispute.evidence_details.submission_method = 'manual';
      if (options.variedEvidence) {
        // Its own sequence, so the statuses, reasons and amounts of a seed stay what they were without it.
        const roll = random(seed ^ Math.imul(index + 1, 2_246_822_519));
        for (const { field, won, lost, text } of SEEDED_EVIDENCE) {
          if (roll() < (f.status === 'won' ? won : lost)) Object.assign(dispute.evidence, { [field]: text(index) });
        }
      }
    }
    if (f.status === 'won' && !f.inquiry) {
      // Issuers decide about two months in; a dispute won sooner than that was decided no later than now.
      dispute.balance_transactions.push(
        disputeBalanceTransaction({
          id: idFor('txn', index * 3 + 2),
          dispute: dispute.id,
          amount: f.amount,
          currency,
          created: Math.min(f.created + 60 * DAY, now),
          withdrawal: false,
        }),
      );
    }
    dispute.is_charge_refundable = f.inquiry && !CLOSED_STATUSES.has(f.status);
    return dispute;
  };

  partition.customers.addFallback((id) => (indexOf('cus', id) >= 0 ? customerFor(indexOf('cus', id)) : undefined));
  partition.charges.addFallback((id) => (indexOf('ch', id) >= 0 ? chargeFor(indexOf('ch', id)) : undefined));
  partition.paymentIntents.addFallback((id) =>
    indexOf('pi', id) >= 0 ? paymentIntentFor(indexOf('pi', id)) : undefined,
  );
  partition.paymentMethods.addFallback((id) => {
    const index = indexOf('pm', id);
    if (index < 0) return undefined;
    const f = facts(index);
    return paymentMethodObject({
      id,
      created: f.chargeCreated - 30 * DAY,
      livemode,
      customer: idFor('cus', index),
      ...cardOf(index),
    });
  });
  // Three balance transactions per seeded index: the payment, the withdrawal, the reinstatement.
  partition.balanceTransactions.addFallback((id) => {
    const n = indexOf('txn', id, count * 3);
    if (n < 0) return undefined;
    const index = Math.floor(n / 3);
    if (n % 3 === 0) {
      const f = facts(index);
      return chargeBalanceTransaction({
        id,
        charge: idFor('ch', index),
        amount: f.amount,
        currency,
        created: f.chargeCreated,
      });
    }
    return disputeFor(index).balance_transactions.find((txn) => txn.id === id);
  });
  partition.disputes.insertLazy(
    (function* () {
      for (let index = 0; index < count; index++) {
        yield { id: idFor('du', index), created: facts(index).created, build: () => disputeFor(index) };
      }
    })(),
  );
  // Seeded disputes are addressed by id through the partition scan in `home`, not one map entry each.
}

/** The charge's own fields, beside the payment's (`insertCardPayment`). */
export type CardPaymentCharge = Omit<
  ChargeInput,
  | 'id'
  | 'balanceTransaction'
  | 'amount'
  | 'currency'
  | 'created'
  | 'livemode'
  | 'customer'
  | 'paymentIntent'
  | 'paymentMethod'
  | 'description'
>;

/** A card payment as Stripe stores one: its balance transaction, payment intent and charge, in the partition. */
/** A customer with a saved card (its payment method and the card's fingerprint), as a payment starts from. */
export function insertCardholder(
  partition: Partition,
  input: {
    person: { email: string; name: string };
    address: Stripe.Address;
    brand: CardBrand;
    livemode: boolean;
    created: number;
    cardCountry?: string;
  },
): { customer: Stripe.Customer; paymentMethod: string; fingerprint: string } {
  const { person, address, brand, livemode } = input;
  const fingerprint = base62(16);
  const paymentMethod = newId('pm');
  const customer = customerObject({
    email: person.email,
    name: person.name,
    created: input.created,
    livemode,
    address,
  });
  partition.customers.insert(customer);
  partition.paymentMethods.insert(
    paymentMethodObject({
      id: paymentMethod,
      created: customer.created,
      livemode,
      customer: customer.id,
      brand,
      fingerprint,
      ...(input.cardCountry ? { cardCountry: input.cardCountry } : {}),
      billingName: person.name,
      billingEmail: person.email,
      billingAddress: address,
    }),
  );
  return { customer, paymentMethod, fingerprint };
}

export function insertCardPayment(
  partition: Partition,
  payment: {
    at: number;
    amount: number;
    currency: string;
    livemode: boolean;
    customer: string;
    paymentMethod: string;
    description: string;
  },
  chargeFields: CardPaymentCharge,
): { charge: Stripe.Charge; paymentIntent: Stripe.PaymentIntent } {
  const { at, amount, currency, livemode, customer, paymentMethod, description } = payment;
  const chargeId = newId('ch');
  const balance = chargeBalanceTransaction({ charge: chargeId, amount, currency, created: at });
  partition.balanceTransactions.insert(balance);
  const paymentIntent = paymentIntentObject({
    amount,
    currency,
    created: at,
    livemode,
    customer,
    latestCharge: chargeId,
    paymentMethod,
    description,
  });
  const charge = chargeObject({
    ...chargeFields,
    id: chargeId,
    balanceTransaction: balance.id,
    amount,
    currency,
    created: at,
    livemode,
    customer,
    paymentIntent: paymentIntent.id,
    paymentMethod,
    description,
  });
  partition.paymentIntents.insert(paymentIntent);
  partition.charges.insert(charge);
  return { charge, paymentIntent };
}
