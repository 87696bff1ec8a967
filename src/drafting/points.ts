import type { FactKind } from '../dispute/facts.js';
import { isActivitySummary } from '../evidence/activity-summary.js';
import type { SheetFact } from './fact-sheet.js';

/**
 * The template's sentences about a kind of evidence, each built from the facts that make it true. A point looks at
 * the facts the rebuttal includes and says exactly what they show, or nothing: "the same card" only when a
 * fingerprint matched, "3-D Secure" only when there is a 3-D Secure result, "after the payment" only when something
 * happened after it. docs/architecture.md → "Decisions" (the drafter).
 */
export type Point = (facts: readonly SheetFact[], paidAt: number | undefined) => string | null;

const ofKind = (facts: readonly SheetFact[], ...kinds: FactKind[]) =>
  facts.filter((fact) => kinds.includes(fact.kind) && !fact.untrusted);
const text = (value: unknown) => (typeof value === 'string' ? value : '');
const isAfter = (fact: SheetFact, paidAt: number | undefined) =>
  paidAt !== undefined && fact.at !== null && Date.parse(fact.at) >= paidAt;
/** The activity's summary facts (evidence/activity-summary.ts) among `facts`: each stands for many events. */
const summaries = (facts: readonly SheetFact[]) => facts.filter((fact) => isActivitySummary(fact));

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The card checks there are: CVC, street address, postal code, 3-D Secure, each named only when recorded. */
export const cardChecks: Point = (facts) => {
  const checks = ofKind(facts, 'payment_check');
  const names: string[] = [];
  if (checks.some((fact) => fact.data.cvc_check)) names.push('CVC');
  if (checks.some((fact) => fact.data.address_line1_check)) names.push('street address');
  if (checks.some((fact) => fact.data.address_postal_code_check)) names.push('postal code');
  if (checks.some((fact) => typeof fact.data.result === 'string' && 'liability_shift' in fact.data)) {
    names.push('3-D Secure');
  }
  if (names.length === 0) return checks.length > 0 ? "Stripe's risk assessment of the payment is listed below." : null;
  return `The card ${names.length === 1 ? 'check' : 'checks'} recorded for the payment (${list(names)}) ${names.length === 1 ? 'is' : 'are'} listed below.`;
};

/** Earlier payments: "the same card" only when a fingerprint matched the disputed charge's. */
export const earlierPayments: Point = (facts) => {
  const prior = ofKind(facts, 'prior_payment');
  if (prior.length === 0) return null;
  const sameCard = prior.some((fact) => fact.data.same_card === true || Number(fact.data.same_card_count) > 0);
  return sameCard
    ? 'The same card was used for earlier payments to us that were not disputed.'
    : 'Earlier payments from this customer are listed below.';
};

/** Use of the product: "with times" and "IP addresses" only when the facts carry them. */
export const usage: Point = (facts, paidAt) => {
  const used = ofKind(facts, 'activity', 'deliverable');
  if (used.length === 0) return null;
  if (summaries(used).length > 0) {
    const after = summaries(used).some((fact) => isAfter(fact, paidAt));
    return `The customer's use of the product${after ? ' after the payment' : ''} is summarised below.`;
  }
  const timed = used.some((fact) => fact.at);
  const withIps = used.some((fact) => text(fact.data.ip) !== '');
  const details = [timed ? 'times' : '', withIps ? 'IP addresses' : ''].filter(Boolean);
  return `The customer's use of the product${details.length > 0 ? `, with ${list(details)},` : ''} is listed below${timed ? ' in order' : ''}.`;
};

/** Policy acceptance: "at checkout" only when the acceptance records the checkout page. */
export const policyAccepted: Point = (facts) => {
  const accepted = ofKind(facts, 'policy_acceptance');
  if (accepted.length === 0) return null;
  const atCheckout = accepted.filter((fact) => /checkout/i.test(text(fact.data.shown_at)));
  const names = [...new Set(atCheckout.map((fact) => text(fact.data.policy)).filter(Boolean))];
  if (names.length === 0) return "The customer's acceptance of our policies is recorded below.";
  const named = names.map((name) => (name === 'terms' ? 'terms' : `${name} policy`));
  return `The customer accepted our ${list(named)} at checkout, as recorded below.`;
};

export const correspondence: Point = (facts) =>
  facts.some((fact) => fact.kind === 'communication') ? 'Correspondence with the customer is listed below.' : null;

/** Refunds: "issued" only for refunds that went through. */
export const refunds: Point = (facts) => {
  const recorded = ofKind(facts, 'refund');
  if (recorded.length === 0) return null;
  const issued = recorded.some((fact) => !['failed', 'canceled'].includes(text(fact.data.status)));
  return issued
    ? 'Refunds already issued on this payment are listed below.'
    : 'Refund attempts on this payment, none of which went through, are listed below.';
};

export const whatWasPaid: Point = (facts) => {
  if (ofKind(facts, 'product').length > 0)
    return 'The records below show what the payment was for and when it was made.';
  return ofKind(facts, 'charge').length > 0 ? 'The payment record below shows when it was made.' : null;
};

/** The account behind the purchase: "and email" only when an email is on record. */
export const accountUsed: Point = (facts) => {
  const accounts = ofKind(facts, 'customer', 'account');
  if (accounts.length === 0) return null;
  return accounts.some((fact) => text(fact.data.email) !== '')
    ? 'The purchase was made with the account and email listed below.'
    : 'The account behind the purchase is listed below.';
};

export const delivered: Point = (facts) =>
  ofKind(facts, 'deliverable').length > 0 ? 'What was delivered to the customer is listed below.' : null;

/** Activity: "after the payment" only for activity after it; "logins" only when one is a login. */
export const activityAfterPayment: Point = (facts, paidAt) => {
  const activity = ofKind(facts, 'activity');
  if (activity.length === 0) return null;
  const summarised = summaries(activity);
  if (summarised.length > 0) {
    const when = summarised.some((fact) => isAfter(fact, paidAt)) ? 'after the payment' : 'before the payment';
    return `The customer's account activity ${when} is summarised below.`;
  }
  const after = activity.filter((fact) => isAfter(fact, paidAt));
  if (after.length === 0) return "The customer's account activity is listed below.";
  // The timeline below lists all of it: "after the payment" alone would say the earlier entries came after it.
  if (after.length < activity.length)
    return "The customer's account activity, before and after the payment, is listed below.";
  const logins = after.some((fact) => /\b(log ?in|sign ?in|signed in|logged in)\b/i.test(text(fact.data.event)));
  return `The customer's ${logins ? 'logins and use' : 'use of the product'} after the payment ${logins ? 'are' : 'is'} listed below.`;
};

export const productDescribed: Point = (facts) =>
  ofKind(facts, 'product').length > 0 ? 'What the product is, as we describe it, is set out below.' : null;

/** The subscription: "renewals" only when there is more than one invoice. */
export const subscriptionHistory: Point = (facts) => {
  const subscriptions = ofKind(facts, 'subscription');
  const invoices = ofKind(facts, 'invoice');
  if (invoices.length > 1) return "The subscription's history and renewals are listed below.";
  if (subscriptions.length + invoices.length === 0) return null;
  return invoices.length === 1
    ? 'The subscription and its invoice are listed below.'
    : 'The subscription is listed below.';
};

export const usedAfterPayment: Point = (facts, paidAt) => {
  const after = ofKind(facts, 'activity', 'deliverable').filter((fact) => isAfter(fact, paidAt));
  if (after.length === 0) return null;
  return summaries(after).length > 0
    ? 'The customer used the product after this payment, as summarised below.'
    : 'The customer used the product after this payment, as listed below.';
};

/** The policies quoted, by name. */
export const policiesQuoted: Point = (facts) => {
  const names = [
    ...new Set(
      ofKind(facts, 'policy')
        .map((fact) => text(fact.data.policy))
        .filter(Boolean),
    ),
  ];
  if (names.length === 0) return null;
  const named = names.map((name) => (name === 'terms' ? 'terms' : `${name} policy`));
  return `Our ${list(named)} ${named.length === 1 ? 'is' : 'are'} quoted below.`;
};

export const eachPayment: Point = (facts) =>
  ofKind(facts, 'charge', 'invoice', 'prior_payment').length > 0 ? 'Each payment is listed below.' : null;
