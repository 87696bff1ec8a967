import type { FactKind } from '../dispute/facts.js';
import { isActivitySummary } from '../evidence/activity-summary.js';
import { listIn, type RebuttalMessages } from '../i18n/rebuttal.js';
import type { SheetFact } from './fact-sheet.js';

/**
 * The template's sentences about a kind of evidence, each built from the facts that make it true. A point looks at
 * the facts the rebuttal includes and says exactly what they show, or nothing: "the same card" only when a
 * fingerprint matched, "3-D Secure" only when there is a 3-D Secure result, "after the payment" only when something
 * happened after it. docs/architecture.md → "Decisions" (the drafter). The words are the rebuttal's language's
 * (src/i18n/rebuttal.ts); what each point may say is decided here, once for every language.
 */
export type Point = (facts: readonly SheetFact[], paidAt: number | undefined, say: RebuttalMessages) => string | null;

const ofKind = (facts: readonly SheetFact[], ...kinds: FactKind[]) =>
  facts.filter((fact) => kinds.includes(fact.kind) && !fact.untrusted);
const text = (value: unknown) => (typeof value === 'string' ? value : '');
const isAfter = (fact: SheetFact, paidAt: number | undefined) =>
  paidAt !== undefined && fact.at !== null && Date.parse(fact.at) >= paidAt;
/** The activity's summary facts (evidence/activity-summary.ts) among `facts`: each stands for many events. */
const summaries = (facts: readonly SheetFact[]) => facts.filter((fact) => isActivitySummary(fact));

/** The card checks there are: CVC, street address, postal code, 3-D Secure, each named only when recorded. */
export const cardChecks: Point = (facts, _paidAt, say) => {
  const checks = ofKind(facts, 'payment_check');
  const names: string[] = [];
  const { checkNames } = say.points;
  if (checks.some((fact) => fact.data.cvc_check)) names.push(checkNames.cvc);
  if (checks.some((fact) => fact.data.address_line1_check)) names.push(checkNames.street);
  if (checks.some((fact) => fact.data.address_postal_code_check)) names.push(checkNames.postal);
  if (checks.some((fact) => typeof fact.data.result === 'string' && 'liability_shift' in fact.data)) {
    names.push(checkNames.threeDSecure);
  }
  if (names.length === 0) return checks.length > 0 ? say.points.riskListed : null;
  return say.points.checksListed(listIn(say, names), names.length);
};

/** Earlier payments: "the same card" only when a fingerprint matched the disputed charge's. */
export const earlierPayments: Point = (facts, _paidAt, say) => {
  const prior = ofKind(facts, 'prior_payment');
  if (prior.length === 0) return null;
  const sameCard = prior.some((fact) => fact.data.same_card === true || Number(fact.data.same_card_count) > 0);
  return sameCard ? say.points.sameCardEarlier : say.points.earlierPayments;
};

/** Use of the product: "with times" and "IP addresses" only when the facts carry them. */
export const usage: Point = (facts, paidAt, say) => {
  const used = ofKind(facts, 'activity', 'deliverable');
  if (used.length === 0) return null;
  if (summaries(used).length > 0)
    return say.points.useSummarised(summaries(used).some((fact) => isAfter(fact, paidAt)));
  return say.points.useListed({
    times: used.some((fact) => fact.at),
    ips: used.some((fact) => text(fact.data.ip) !== ''),
  });
};

/** Policy acceptance: "at checkout" only when the acceptance records the checkout page. */
export const policyAccepted: Point = (facts, _paidAt, say) => {
  const accepted = ofKind(facts, 'policy_acceptance');
  if (accepted.length === 0) return null;
  const atCheckout = accepted.filter((fact) => /checkout/i.test(text(fact.data.shown_at)));
  const names = [...new Set(atCheckout.map((fact) => text(fact.data.policy)).filter(Boolean))];
  if (names.length === 0) return say.points.acceptanceRecorded;
  return say.points.acceptedAtCheckout(listIn(say, names.map(say.policyName)));
};

export const correspondence: Point = (facts, _paidAt, say) =>
  facts.some((fact) => fact.kind === 'communication') ? say.points.correspondence : null;

/** Refunds: "issued" only for refunds that went through. */
export const refunds: Point = (facts, _paidAt, say) => {
  const recorded = ofKind(facts, 'refund');
  if (recorded.length === 0) return null;
  const issued = recorded.some((fact) => !['failed', 'canceled'].includes(text(fact.data.status)));
  return issued ? say.points.refundsIssued : say.points.refundsFailed;
};

export const whatWasPaid: Point = (facts, _paidAt, say) => {
  if (ofKind(facts, 'product').length > 0) return say.points.whatAndWhen;
  return ofKind(facts, 'charge').length > 0 ? say.points.when : null;
};

/** The account behind the purchase: "and email" only when an email is on record. */
export const accountUsed: Point = (facts, _paidAt, say) => {
  const accounts = ofKind(facts, 'customer', 'account');
  if (accounts.length === 0) return null;
  return accounts.some((fact) => text(fact.data.email) !== '') ? say.points.accountWithEmail : say.points.account;
};

export const delivered: Point = (facts, _paidAt, say) =>
  ofKind(facts, 'deliverable').length > 0 ? say.points.delivered : null;

/** Activity: "after the payment" only for activity after it; "logins" only when one is a login. */
export const activityAfterPayment: Point = (facts, paidAt, say) => {
  const activity = ofKind(facts, 'activity');
  if (activity.length === 0) return null;
  const summarised = summaries(activity);
  if (summarised.length > 0) {
    return say.points.activitySummarised(summarised.some((fact) => isAfter(fact, paidAt)));
  }
  const after = activity.filter((fact) => isAfter(fact, paidAt));
  if (after.length === 0) return say.points.activityListed;
  // The timeline below lists all of it: "after the payment" alone would say the earlier entries came after it.
  if (after.length < activity.length) return say.points.activityBeforeAndAfter;
  const logins = after.some((fact) => /\b(log ?in|sign ?in|signed in|logged in)\b/i.test(text(fact.data.event)));
  return say.points.activityAfter(logins);
};

export const productDescribed: Point = (facts, _paidAt, say) =>
  ofKind(facts, 'product').length > 0 ? say.points.productDescribed : null;

/** The subscription: "renewals" only when there is more than one invoice. */
export const subscriptionHistory: Point = (facts, _paidAt, say) => {
  const subscriptions = ofKind(facts, 'subscription');
  const invoices = ofKind(facts, 'invoice');
  if (invoices.length > 1) return say.points.subscriptionRenewals;
  if (subscriptions.length + invoices.length === 0) return null;
  return invoices.length === 1 ? say.points.subscriptionAndInvoice : say.points.subscription;
};

export const usedAfterPayment: Point = (facts, paidAt, say) => {
  const after = ofKind(facts, 'activity', 'deliverable').filter((fact) => isAfter(fact, paidAt));
  if (after.length === 0) return null;
  return summaries(after).length > 0 ? say.points.usedAfterSummarised : say.points.usedAfterListed;
};

/** The policies quoted, by name. */
export const policiesQuoted: Point = (facts, _paidAt, say) => {
  const names = [
    ...new Set(
      ofKind(facts, 'policy')
        .map((fact) => text(fact.data.policy))
        .filter(Boolean),
    ),
  ];
  if (names.length === 0) return null;
  return say.points.policiesQuoted(listIn(say, names.map(say.policyName)), names.length);
};

export const eachPayment: Point = (facts, _paidAt, say) =>
  ofKind(facts, 'charge', 'invoice', 'prior_payment').length > 0 ? say.points.eachPayment : null;
