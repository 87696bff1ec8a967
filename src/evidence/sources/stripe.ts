import { isIP } from 'node:net';
import type Stripe from 'stripe';
import { isoFromUnix } from '../../dates.js';
import { writtenFact as written } from '../../i18n/facts.js';
import type { Fact, SourceResult } from '../types.js';
import { type EvidenceContext, errorMessage } from './context.js';
import { cleanText, MAX_VALUE_CHARS } from './rows.js';

/**
 * Stripe's own records of the disputed payment: the charge (billing details, AVS/CVC, 3-D Secure,
 * Radar, receipt, card), the customer, the payment intent, refunds, the invoice and subscription
 * behind it, and the customer's earlier good payments (for Visa CE 3.0 and "a history of good
 * payments"). Each part that fails is reported; the others still count.
 */

/** Earlier charges looked at; CE 3.0 reaches back 365 days, and a customer with more has history enough. */
export const MAX_PRIOR_CHARGES_SCANNED = 300;

/**
 * Metadata keys businesses commonly use for the purchase's identifiers (on the charge or its
 * payment intent). Stripe does not record the buyer's IP or device on a charge itself.
 */
export const METADATA_IDENTIFIER_KEYS = {
  ip: ['customer_ip', 'purchase_ip', 'ip_address', 'client_ip', 'ip'],
  device_id: ['device_id', 'customer_device_id'],
  device_fingerprint: ['device_fingerprint', 'customer_device_fingerprint'],
  account_id: ['customer_account_id', 'account_id', 'user_id'],
} as const;

type Data = Record<string, string | number | boolean | null>;

function identifiersFromMetadata(...sources: (Stripe.Metadata | null | undefined)[]): Data {
  const lookup = new Map<string, string>();
  for (const metadata of sources) {
    for (const [key, value] of Object.entries(metadata ?? {})) {
      if (!lookup.has(key.toLowerCase())) lookup.set(key.toLowerCase(), value);
    }
  }
  const data: Data = {};
  for (const [field, keys] of Object.entries(METADATA_IDENTIFIER_KEYS)) {
    const found = keys.map((key) => lookup.get(key)).find((value) => value?.trim());
    if (!found) continue;
    if (field === 'ip') {
      if (isIP(found.trim())) data.ip = found.trim();
    } else {
      data[field] = cleanText(found, MAX_VALUE_CHARS);
    }
  }
  return data;
}

function addressData(prefix: string, address: Stripe.Address | null | undefined): Data {
  if (!address) return {};
  return {
    [`${prefix}_line1`]: address.line1,
    [`${prefix}_line2`]: address.line2,
    [`${prefix}_city`]: address.city,
    [`${prefix}_state`]: address.state,
    [`${prefix}_postal_code`]: address.postal_code,
    [`${prefix}_country`]: address.country,
  };
}

export function formatAddress(address: Stripe.Address | null | undefined): string | null {
  if (!address) return null;
  const parts = [address.line1, address.line2, address.city, address.state, address.postal_code, address.country]
    .map((part) => part?.trim())
    .filter((part): part is string => Boolean(part));
  return parts.length > 0 ? cleanText(parts.join(', '), MAX_VALUE_CHARS) : null;
}

function cardFacts(charge: Stripe.Charge): Fact[] {
  const card = charge.payment_method_details?.card;
  if (!card) return [];
  const at = isoFromUnix(charge.created);
  const facts: Fact[] = [];
  facts.push(
    written({
      id: 'stripe.charge.card',
      kind: 'charge',
      at,
      source: 'stripe',
      data: {
        brand: card.brand,
        last4: card.last4 ?? null,
        funding: card.funding,
        country: card.country,
        fingerprint: card.fingerprint ?? null,
        network: card.network,
        network_transaction_id: card.network_transaction_id,
        exp: `${String(card.exp_month).padStart(2, '0')}/${card.exp_year}`,
        wallet: card.wallet?.type ?? null,
      },
    }),
  );
  const checks = card.checks;
  if (checks && (checks.address_line1_check || checks.address_postal_code_check)) {
    facts.push(
      written({
        id: 'stripe.charge.avs',
        kind: 'payment_check',
        at,
        source: 'stripe',
        data: {
          address_line1_check: checks.address_line1_check,
          address_postal_code_check: checks.address_postal_code_check,
        },
      }),
    );
  }
  if (checks?.cvc_check) {
    facts.push(
      written({
        id: 'stripe.charge.cvc',
        kind: 'payment_check',
        at,
        source: 'stripe',
        data: { cvc_check: checks.cvc_check },
      }),
    );
  }
  const secure = card.three_d_secure;
  if (secure) {
    const authenticated = secure.result === 'authenticated' || secure.result === 'attempt_acknowledged';
    facts.push(
      written({
        id: 'stripe.charge.3ds',
        kind: 'payment_check',
        at,
        source: 'stripe',
        data: {
          result: secure.result,
          version: secure.version,
          authentication_flow: secure.authentication_flow,
          result_reason: secure.result_reason,
          liability_shift: authenticated,
        },
      }),
    );
  }
  return facts;
}

function chargeFacts(charge: Stripe.Charge, paymentIntent: Stripe.PaymentIntent | null): Fact[] {
  const at = isoFromUnix(charge.created);
  const card = charge.payment_method_details?.card;
  const customerId = typeof charge.customer === 'string' ? charge.customer : (charge.customer?.id ?? null);
  const identifiers = identifiersFromMetadata(charge.metadata, paymentIntent?.metadata);
  const description = charge.description ?? paymentIntent?.description ?? null;
  const facts: Fact[] = [
    written({
      id: 'stripe.charge',
      kind: 'charge',
      at,
      source: 'stripe',
      data: {
        charge_id: charge.id,
        amount: charge.amount,
        amount_refunded: charge.amount_refunded,
        currency: charge.currency,
        status: charge.status,
        paid: charge.paid,
        created: at,
        description: description ? cleanText(description, MAX_VALUE_CHARS) : null,
        statement_descriptor: charge.calculated_statement_descriptor,
        customer_id: customerId,
        payment_intent_id:
          paymentIntent?.id ?? (typeof charge.payment_intent === 'string' ? charge.payment_intent : null),
        card_fingerprint: card?.fingerprint ?? null,
        card_brand: card?.brand ?? null,
        card_last4: card?.last4 ?? null,
        email: charge.billing_details?.email ?? charge.receipt_email ?? null,
        ...identifiers,
        ...addressData('shipping', charge.shipping?.address),
        shipping_name: charge.shipping?.name ?? null,
      },
    }),
  ];
  if (identifiers.ip) {
    facts.push(
      written({
        id: 'stripe.charge.purchase_ip',
        kind: 'charge',
        at,
        source: 'stripe',
        data: { ip: identifiers.ip },
      }),
    );
  }
  if (charge.receipt_url || charge.receipt_number || charge.receipt_email) {
    facts.push(
      written({
        id: 'stripe.charge.receipt',
        kind: 'charge',
        at,
        source: 'stripe',
        data: {
          receipt_number: charge.receipt_number,
          receipt_url: charge.receipt_url,
          receipt_email: charge.receipt_email,
        },
      }),
    );
  }
  const billing = charge.billing_details;
  const billingAddress = formatAddress(billing?.address);
  if (billing && (billing.name || billing.email || billingAddress)) {
    // The cardholder typed these at checkout: quoted, and flagged as customer text.
    facts.push(
      written({
        id: 'stripe.charge.billing',
        kind: 'charge',
        at,
        source: 'stripe',
        untrusted: Boolean(billing.name || billingAddress) || undefined,
        data: {
          name: billing.name ? cleanText(billing.name, MAX_VALUE_CHARS) : null,
          email: billing.email ? cleanText(billing.email, MAX_VALUE_CHARS) : null,
          address: billingAddress,
          ...addressData('address', billing.address),
        },
      }),
    );
  }
  const shipping = formatAddress(charge.shipping?.address);
  if (shipping) {
    facts.push(
      written({
        id: 'stripe.charge.shipping',
        kind: 'charge',
        at,
        source: 'stripe',
        untrusted: true,
        data: { address: shipping, ...addressData('shipping', charge.shipping?.address) },
      }),
    );
  }
  facts.push(...cardFacts(charge));
  const outcome = charge.outcome;
  if (outcome && (outcome.risk_level || outcome.network_status)) {
    facts.push(
      written({
        id: 'stripe.charge.risk',
        kind: 'payment_check',
        at,
        source: 'stripe',
        data: {
          risk_level: outcome.risk_level ?? null,
          risk_score: outcome.risk_score ?? null,
          network_status: outcome.network_status,
          outcome_type: outcome.type,
          seller_message: outcome.seller_message,
        },
      }),
    );
  }
  if (paymentIntent) {
    facts.push(
      written({
        id: 'stripe.payment_intent',
        kind: 'charge',
        at: isoFromUnix(paymentIntent.created),
        source: 'stripe',
        data: {
          payment_intent_id: paymentIntent.id,
          status: paymentIntent.status,
          amount_received: paymentIntent.amount_received,
          currency: paymentIntent.currency,
          created: isoFromUnix(paymentIntent.created),
          ...identifiersFromMetadata(paymentIntent.metadata),
        },
      }),
    );
  }
  return facts;
}

export function disputeFact(dispute: Stripe.Dispute): Fact {
  const card = dispute.payment_method_details?.card;
  const code = dispute.network_reason_code ?? card?.network_reason_code ?? null;
  const due = dispute.evidence_details?.due_by ? isoFromUnix(dispute.evidence_details.due_by) : null;
  return written({
    id: 'stripe.dispute',
    kind: 'dispute',
    at: isoFromUnix(dispute.created),
    source: 'stripe',
    data: {
      dispute_id: dispute.id,
      amount: dispute.amount,
      created: isoFromUnix(dispute.created),
      currency: dispute.currency,
      reason: dispute.reason,
      status: dispute.status,
      network_reason_code: code,
      brand: card?.brand ?? null,
      case_type: card?.case_type ?? null,
      due_by: due,
      is_charge_refundable: dispute.is_charge_refundable,
      ce3_eligible: dispute.enhanced_eligibility_types?.includes('visa_compelling_evidence_3') ?? false,
    },
  });
}

function customerFacts(customer: Stripe.Customer): Fact[] {
  const since = isoFromUnix(customer.created);
  const facts: Fact[] = [
    written({
      id: 'stripe.customer',
      kind: 'customer',
      at: since,
      source: 'stripe',
      data: {
        customer_id: customer.id,
        email: customer.email,
        created: since,
        ...identifiersFromMetadata(customer.metadata),
      },
    }),
  ];
  if (customer.name) {
    facts.push(
      written({
        id: 'stripe.customer.name',
        kind: 'customer',
        at: since,
        source: 'stripe',
        untrusted: true,
        data: { customer_id: customer.id, name: cleanText(customer.name, MAX_VALUE_CHARS) },
      }),
    );
  }
  return facts;
}

function refundFact(refund: Stripe.Refund): Fact {
  const at = isoFromUnix(refund.created);
  return written({
    id: `stripe.refund.${refund.id}`,
    kind: 'refund',
    at,
    source: 'stripe',
    data: {
      refund_id: refund.id,
      amount: refund.amount,
      currency: refund.currency,
      status: refund.status,
      reason: refund.reason,
      created: at,
      // Where the money went back to (`card`, …) and the network's reference for it (for a card, the acquirer
      // reference number the issuer can trace the credit by), when Stripe has them.
      destination: refund.destination_details?.type ?? null,
      reference: refund.destination_details?.card?.reference ?? null,
      reference_type: refund.destination_details?.card?.reference_type ?? null,
      receipt_number: refund.receipt_number ?? null,
    },
  });
}

function invoiceFact(invoice: Stripe.Invoice, subscriptionId: string | null): Fact {
  const paidAt = invoice.status_transitions?.paid_at ? isoFromUnix(invoice.status_transitions.paid_at) : null;
  const line = invoice.lines?.data?.[0];
  const periodStart = line?.period?.start ?? invoice.period_start;
  const periodEnd = line?.period?.end ?? invoice.period_end;
  return written({
    id: `stripe.invoice.${invoice.id}`,
    kind: 'invoice',
    at: paidAt ?? isoFromUnix(invoice.created),
    source: 'stripe',
    data: {
      invoice_id: invoice.id ?? null,
      number: invoice.number,
      status: invoice.status,
      paid_at: paidAt,
      amount_paid: invoice.amount_paid,
      currency: invoice.currency,
      billing_reason: invoice.billing_reason,
      period_start: isoFromUnix(periodStart),
      period_end: isoFromUnix(periodEnd),
      hosted_invoice_url: invoice.hosted_invoice_url ?? null,
      subscription_id: subscriptionId,
      ...invoiceTax(invoice),
      ...invoiceLines(invoice),
    },
  });
}

/** Invoice lines kept for the receipt; a longer invoice says how many lines it has (`line_count`). */
export const MAX_INVOICE_LINES = 20;

/** The tax Stripe calculated on the invoice; nothing when it has no tax amounts (not zero: unknown is not none). */
function invoiceTax(invoice: Stripe.Invoice): Data {
  const taxes = invoice.total_taxes ?? [];
  if (taxes.length === 0) return {};
  return { tax_amount: taxes.reduce((sum, tax) => sum + tax.amount, 0) };
}

/** Fact data is flat: line n is `line_{n}_description`, `_amount`, `_quantity`, `_period_start`, `_period_end`. */
function invoiceLines(invoice: Stripe.Invoice): Data {
  const lines = invoice.lines?.data ?? [];
  const data: Data = { line_count: lines.length };
  lines.slice(0, MAX_INVOICE_LINES).forEach((line, index) => {
    const n = index + 1;
    data[`line_${n}_description`] = line.description ? cleanText(line.description, MAX_VALUE_CHARS) : null;
    data[`line_${n}_amount`] = line.amount;
    data[`line_${n}_quantity`] = line.quantity ?? null;
    data[`line_${n}_period_start`] = line.period ? isoFromUnix(line.period.start) : null;
    data[`line_${n}_period_end`] = line.period ? isoFromUnix(line.period.end) : null;
  });
  return data;
}

function subscriptionFacts(subscription: Stripe.Subscription): Fact[] {
  const started = isoFromUnix(subscription.start_date);
  const canceledAt = subscription.canceled_at ? isoFromUnix(subscription.canceled_at) : null;
  const cancelAt = subscription.cancel_at ? isoFromUnix(subscription.cancel_at) : null;
  const endedAt = subscription.ended_at ? isoFromUnix(subscription.ended_at) : null;
  const item = subscription.items?.data?.[0];
  const periodStart = item?.current_period_start ? isoFromUnix(item.current_period_start) : null;
  const periodEnd = item?.current_period_end ? isoFromUnix(item.current_period_end) : null;
  const interval = item?.price?.recurring?.interval ?? null;
  const details = subscription.cancellation_details;
  const facts: Fact[] = [
    written({
      id: 'stripe.subscription',
      kind: 'subscription',
      at: started,
      source: 'stripe',
      data: {
        subscription_id: subscription.id,
        status: subscription.status,
        start_date: started,
        canceled_at: canceledAt,
        cancel_at: cancelAt,
        cancel_at_period_end: subscription.cancel_at_period_end,
        ended_at: endedAt,
        current_period_start: periodStart,
        current_period_end: periodEnd,
        interval,
        cancellation_reason: details?.reason ?? null,
        cancellation_feedback: details?.feedback ?? null,
      },
    }),
  ];
  if (details?.comment) {
    facts.push(
      written({
        id: 'stripe.subscription.cancellation_comment',
        kind: 'subscription',
        at: canceledAt,
        source: 'stripe',
        untrusted: true,
        data: { comment: cleanText(details.comment, 2_000) },
      }),
    );
  }
  return facts;
}

function priorChargeFact(prior: Stripe.Charge, disputedFingerprint: string | null): Fact {
  const at = isoFromUnix(prior.created);
  const card = prior.payment_method_details?.card;
  const sameCard = Boolean(disputedFingerprint && card?.fingerprint === disputedFingerprint);
  return written({
    id: `stripe.prior.${prior.id}`,
    kind: 'prior_payment',
    at,
    source: 'stripe',
    data: {
      charge_id: prior.id,
      amount: prior.amount,
      currency: prior.currency,
      created: at,
      card_fingerprint: card?.fingerprint ?? null,
      same_card: sameCard,
      card_brand: card?.brand ?? null,
      card_last4: card?.last4 ?? null,
      description: prior.description ? cleanText(prior.description, MAX_VALUE_CHARS) : null,
      email: prior.billing_details?.email ?? prior.receipt_email ?? null,
      ...identifiersFromMetadata(prior.metadata),
      ...addressData('shipping', prior.shipping?.address),
      shipping_name: prior.shipping?.name ?? null,
    },
  });
}

/** A payment that counts as "good history": paid, kept, and never disputed. */
export function isUndisputedPaidCharge(charge: Stripe.Charge): boolean {
  return (
    charge.status === 'succeeded' &&
    charge.paid &&
    !charge.disputed &&
    !charge.refunded &&
    charge.amount_refunded === 0 &&
    charge.amount > 0
  );
}

export async function gatherStripeEvidence(ctx: EvidenceContext): Promise<SourceResult> {
  const { stripe, dispute } = ctx;
  // Connect direct charges: the dispute and everything around it live on the connected account.
  const options: Stripe.RequestOptions = ctx.stripeAccount ? { stripeAccount: ctx.stripeAccount } : {};
  const facts: Fact[] = [disputeFact(dispute)];
  const problems: string[] = [];
  const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T | null> => {
    try {
      return await work();
    } catch (error) {
      problems.push(`${what}: ${errorMessage(error)}`);
      return null;
    }
  };

  const chargeId = typeof dispute.charge === 'string' ? dispute.charge : dispute.charge.id;
  const charge =
    typeof dispute.charge === 'string'
      ? await attempt('charge', () => stripe.charges.retrieve(chargeId, {}, options))
      : dispute.charge;
  if (!charge) return { source: 'stripe', facts, artefacts: [], problem: problems.join('; ') };

  const paymentIntentId =
    typeof dispute.payment_intent === 'string'
      ? dispute.payment_intent
      : (dispute.payment_intent?.id ??
        (typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? null)));
  const expandedIntent =
    dispute.payment_intent && typeof dispute.payment_intent !== 'string'
      ? dispute.payment_intent
      : charge.payment_intent && typeof charge.payment_intent !== 'string'
        ? charge.payment_intent
        : null;

  const customerRef = charge.customer;
  const [paymentIntent, customer, refunds, invoicePayments] = await Promise.all([
    expandedIntent ??
      (paymentIntentId
        ? attempt('payment intent', () => stripe.paymentIntents.retrieve(paymentIntentId, {}, options))
        : null),
    typeof customerRef === 'string'
      ? attempt('customer', () => stripe.customers.retrieve(customerRef, {}, options))
      : Promise.resolve(customerRef),
    attempt('refunds', () => stripe.refunds.list({ charge: charge.id, limit: 100 }, options)),
    // Charge.invoice is gone from current API versions: the invoice is found through its payments.
    paymentIntentId
      ? attempt('invoice payments', () =>
          stripe.invoicePayments.list(
            { payment: { type: 'payment_intent', payment_intent: paymentIntentId }, expand: ['data.invoice'] },
            options,
          ),
        )
      : null,
  ]);

  facts.push(...chargeFacts(charge, paymentIntent));
  if (customer && !customer.deleted) facts.push(...customerFacts(customer));
  for (const refund of refunds?.data ?? []) facts.push(refundFact(refund));

  let subscriptionId: string | null = null;
  for (const payment of invoicePayments?.data ?? []) {
    const invoice = payment.invoice;
    if (typeof invoice === 'string' || invoice.deleted) continue;
    const subscription = invoice.parent?.subscription_details?.subscription ?? null;
    const id = typeof subscription === 'string' ? subscription : (subscription?.id ?? null);
    subscriptionId ??= id;
    facts.push(invoiceFact(invoice, id));
  }
  if (subscriptionId) {
    const id = subscriptionId;
    const subscription = await attempt('subscription', () => stripe.subscriptions.retrieve(id, {}, options));
    if (subscription) facts.push(...subscriptionFacts(subscription));
  }

  const customerId = typeof customerRef === 'string' ? customerRef : (customerRef?.id ?? null);
  if (customerId) {
    const fingerprint = charge.payment_method_details?.card?.fingerprint ?? null;
    const priors = await attempt('earlier charges', async () => {
      const found: Stripe.Charge[] = [];
      let scanned = 0;
      for await (const earlier of stripe.charges.list(
        { customer: customerId, created: { lt: charge.created }, limit: 100 },
        options,
      )) {
        if (++scanned > MAX_PRIOR_CHARGES_SCANNED) break;
        if (earlier.id === charge.id || earlier.created >= charge.created) continue;
        if (isUndisputedPaidCharge(earlier)) found.push(earlier);
      }
      return found;
    });
    if (priors && priors.length > 0) {
      const priorFacts = priors
        .sort((a, b) => a.created - b.created)
        .map((prior) => priorChargeFact(prior, fingerprint));
      const sameCard = priorFacts.filter((fact) => fact.data?.same_card === true).length;
      const first = priorFacts[0]?.at ?? null;
      facts.push(
        written({
          id: 'stripe.prior.summary',
          kind: 'prior_payment',
          at: first,
          source: 'stripe',
          data: { count: priorFacts.length, same_card_count: sameCard, first_at: first },
        }),
      );
      facts.push(...priorFacts);
    }
  }

  return { source: 'stripe', facts, artefacts: [], ...(problems.length > 0 ? { problem: problems.join('; ') } : {}) };
}
