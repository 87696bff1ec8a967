// Early fraud warnings as Stripe raises them: an issuer reports a card payment as fraud (Radar's
// `radar.early_fraud_warning.created`), and the same charge may be disputed later (or was already).
import type Stripe from 'stripe';
import { previousAttributes } from './changes.js';
import type { SandboxCore } from './core.js';
import {
  type Address,
  type CardBrand,
  disputeObject,
  earlyFraudWarningObject,
  type FraudType,
  refundObject,
  subscriptionObject,
} from './objects.js';
import { insertCardholder, insertCardPayment } from './scenarios.js';
import type { Partition } from './store.js';

const DAY = 86_400;

const ADDRESS: Address = {
  line1: '500 Market Street',
  line2: null,
  city: 'San Francisco',
  state: 'CA',
  postal_code: '94105',
  country: 'US',
};

export interface CreateWarningInput {
  amount?: number;
  currency?: string;
  brand?: CardBrand;
  fraudType?: FraudType;
  account?: string;
  livemode?: boolean;
  /** Days between the payment and the warning; default 3. */
  chargeDaysBeforeWarning?: number;
  customer?: { email: string; name: string };
  /** Earlier paid, undisputed payments of the same customer, `daysAgo` counted back from the warned one. */
  priorCharges?: { daysAgo: number; amount?: number }[];
  threeDSecure?: boolean;
  riskLevel?: 'normal' | 'elevated' | 'highest';
  riskScore?: number;
  /** Refunded before the warning arrives (in full when equal to the amount: the warning is not actionable). */
  refundedAmount?: number;
  /** Disputed before the warning arrives (the warning is not actionable). */
  disputed?: boolean;
  /** The customer pays for a monthly subscription (active), of which the warned payment is one. */
  subscription?: boolean;
  /** Emit no event. */
  silent?: boolean;
}

export interface WarningScenario {
  warning: Stripe.Radar.EarlyFraudWarning;
  charge: Stripe.Charge;
  customer: Stripe.Customer;
  paymentIntent: Stripe.PaymentIntent;
  priorCharges: Stripe.Charge[];
  dispute?: Stripe.Dispute;
  subscription?: Stripe.Subscription;
  events: Stripe.Event[];
}

/** A card payment of a customer, and Radar's early fraud warning on it. */
export function createEarlyFraudWarning(core: SandboxCore, input: CreateWarningInput = {}): WarningScenario {
  const livemode = input.livemode ?? false;
  const partition = core.store.partition(input.account, livemode);
  const now = Math.floor(Date.now() / 1000);
  const chargeCreated = now - (input.chargeDaysBeforeWarning ?? 3) * DAY;
  const amount = input.amount ?? 1200;
  const currency = input.currency ?? 'usd';
  const brand = input.brand ?? 'visa';
  const person = input.customer ?? { email: 'sam.taylor@example.com', name: 'Sam Taylor' };
  const oldest = Math.max(0, ...(input.priorCharges ?? []).map((prior) => prior.daysAgo));
  const { customer, paymentMethod, fingerprint } = insertCardholder(partition, {
    person,
    address: ADDRESS,
    brand,
    livemode,
    created: chargeCreated - oldest * DAY - DAY,
  });

  const pay = (at: number, payAmount: number, refunded: number) =>
    insertCardPayment(
      partition,
      { at, amount: payAmount, currency, livemode, customer: customer.id, paymentMethod, description: 'Pro plan' },
      {
        brand,
        fingerprint,
        billingName: person.name,
        billingEmail: person.email,
        billingAddress: ADDRESS,
        threeDSecure: input.threeDSecure ?? false,
        ...(input.riskLevel ? { riskLevel: input.riskLevel } : {}),
        ...(input.riskScore !== undefined ? { riskScore: input.riskScore } : {}),
        amountRefunded: refunded,
      },
    );

  const priorCharges = (input.priorCharges ?? []).map(
    (prior) => pay(chargeCreated - prior.daysAgo * DAY, prior.amount ?? amount, 0).charge,
  );
  const refundedAmount = Math.min(input.refundedAmount ?? 0, amount);
  const warned = pay(chargeCreated, amount, refundedAmount);
  if (refundedAmount > 0) {
    partition.refunds.insert(
      refundObject({
        amount: refundedAmount,
        currency,
        created: chargeCreated + DAY,
        charge: warned.charge.id,
        paymentIntent: warned.paymentIntent.id,
      }),
    );
  }
  const subscription = input.subscription
    ? subscriptionObject({
        customer: customer.id,
        created: customer.created,
        livemode,
        amount,
        currency,
        interval: 'month',
        productName: 'Pro plan',
        latestInvoice: null,
        paymentMethod,
        periodStart: chargeCreated,
        periodEnd: chargeCreated + 30 * DAY,
      })
    : undefined;
  if (subscription) partition.subscriptions.insert(subscription);
  const events: Stripe.Event[] = [];
  const dispute = input.disputed
    ? openDispute(core, partition, warned.charge.id, 'fraudulent', input.silent ? undefined : events)
    : undefined;
  const charge = partition.charges.get(warned.charge.id) ?? warned.charge;
  const warning = earlyFraudWarningObject({
    charge: charge.id,
    paymentIntent: warned.paymentIntent.id,
    fraudType: input.fraudType ?? 'made_with_stolen_card',
    created: now,
    livemode,
    actionable: !charge.disputed && !charge.refunded,
  });
  partition.earlyFraudWarnings.insert(warning);
  if (!input.silent) {
    events.push(core.emit('radar.early_fraud_warning.created', warning, { account: partition.account, livemode }));
  }
  return structuredClone({
    warning,
    charge,
    customer,
    paymentIntent: warned.paymentIntent,
    priorCharges,
    ...(dispute ? { dispute } : {}),
    ...(subscription ? { subscription } : {}),
    events,
  });
}

/**
 * The issuer disputes a charge that exists already (a warned one, say): the dispute opens, the charge is marked
 * disputed, and a warning on it is no longer actionable. Emits what Stripe emits.
 */
export function disputeCharge(
  core: SandboxCore,
  chargeId: string,
  options: { reason?: string; account?: string; livemode?: boolean } = {},
): Stripe.Dispute {
  const partition = core.store.partition(options.account, options.livemode ?? false);
  return structuredClone(openDispute(core, partition, chargeId, options.reason ?? 'fraudulent', []));
}

function openDispute(
  core: SandboxCore,
  partition: Partition,
  chargeId: string,
  reason: string,
  events: Stripe.Event[] | undefined,
): Stripe.Dispute {
  const charge = partition.charges.get(chargeId);
  if (!charge) throw new Error(`No charge ${chargeId} in the sandbox`);
  const now = Math.floor(Date.now() / 1000);
  const brand = (charge.payment_method_details?.card?.brand ?? 'visa') as CardBrand;
  const dispute = disputeObject({
    amount: charge.amount,
    currency: charge.currency,
    created: now,
    livemode: partition.livemode,
    charge: charge.id,
    paymentIntent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    reason,
    status: 'needs_response',
    brand,
    inquiry: false,
    dueBy: now + 9 * DAY,
    ce3Eligible: false,
  });
  partition.disputes.insert(dispute);
  for (const txn of dispute.balance_transactions) partition.balanceTransactions.insert(txn);
  core.store.disputeHome.set(dispute.id, partition);
  partition.charges.replace({ ...structuredClone(charge), disputed: true });
  const options = { account: partition.account, livemode: partition.livemode };
  const emit = (type: string, object: { object: string }, extra: { previousAttributes?: Record<string, unknown> }) => {
    const event = core.emit(type, object, { ...options, ...extra });
    events?.push(event);
  };
  if (events) {
    emit('charge.dispute.created', dispute, {});
    emit('charge.dispute.funds_withdrawn', dispute, {});
  }
  for (const warning of partition.earlyFraudWarnings.values()) {
    if (warning.charge !== charge.id || !warning.actionable) continue;
    const updated = { ...structuredClone(warning), actionable: false };
    partition.earlyFraudWarnings.replace(updated);
    if (events)
      emit('radar.early_fraud_warning.updated', updated, { previousAttributes: previousAttributes(warning, updated) });
  }
  return dispute;
}

/** The stored warning, wherever it lives. */
export function getWarning(core: SandboxCore, id: string): Stripe.Radar.EarlyFraudWarning {
  for (const partition of core.store.all()) {
    const warning = partition.earlyFraudWarnings.get(id);
    if (warning) return structuredClone(warning);
  }
  throw new Error(`No early fraud warning ${id} in the sandbox`);
}
