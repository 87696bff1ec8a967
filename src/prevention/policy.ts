/**
 * What to do about an early fraud warning (docs/architecture.md → "Early fraud warnings").
 *
 * An early fraud warning (EFW) is the issuer telling Stripe that the cardholder reported a payment as fraud. Most
 * become fraud disputes if nothing is done (Stripe: about 80%). A dispute costs the dispute fee F whatever happens,
 * takes the amount A back unless the business wins, and counts toward the card networks' monitoring programmes
 * (Visa's VAMP); a refund made before the dispute costs A and nothing else (the issuer then has nothing to dispute).
 *
 * With p the chance that a warning left alone becomes a dispute, and a fraud dispute on a charge that is not
 * liability-shifted taken as lost (issuers side with a cardholder who says the card was stolen; rebut's own fraud
 * win rate is the better figure once it has one, but a dispute is never cheaper than its fee):
 *
 *   leaving costs   p·(A + F)        refunding costs   A
 *   refunding is cheaper when  A < p·F / (1 − p)         (p = 0.8: A < 4·F; p = 0.5: A < F)
 *
 * The policy refunds without a person only far inside that line: a charge of at most `refundUpToFees` dispute fees
 * (default one fee: refunding is cheaper there for any p ≥ ½, so even a product whose warnings seldom become disputes
 * loses nothing by it). A larger charge is a person's call (`ask`), shown with both figures; nobody deciding leaves it.
 * Nothing is refunded where a refund cannot help: a charge already refunded or disputed (Stripe refuses a refund on
 * a charged-back charge), or one whose 3-D Secure authentication shifted the fraud liability to the issuer (a fraud
 * dispute on it is lost by the issuer, so leaving costs nothing). Nor without a person where the customer's record
 * says it is likely the cardholder (earlier good payments and use after this one, Radar not at its highest risk): the
 * dispute would be winnable, so a person weighs it.
 */

import { formatMoneyCode } from '../money.js';

/** Stripe's fraud types, as the networks report them. */
export const FRAUD_TYPES = [
  'card_never_received',
  'fraudulent_card_application',
  'made_with_counterfeit_card',
  'made_with_lost_card',
  'made_with_stolen_card',
  'misc',
  'unauthorized_use_of_card',
] as const;

/** Stripe's figure: about 80% of early fraud warnings become disputes when nothing is done (EFW_DISPUTE_RATE). */
export const DEFAULT_DISPUTE_RATE = 0.8;
/**
 * The product's own rate replaces the default once this many of its warnings were left alone long enough to know
 * (`SETTLED_AFTER_DAYS`): fewer, and one dispute more or less moves the rate by more than the default's error.
 */
export const MIN_OWN_HISTORY = 20;
/** Issuers raise a fraud dispute within weeks of the warning; a warning left alone this long is taken as settled. */
export const SETTLED_AFTER_DAYS = 60;
/**
 * `misc` is the networks' catch-all (not a lost, stolen or counterfeit card, nor an account opened in another's
 * name): its reports are less often followed by a dispute. Half the rate is an assumption, open to argument.
 */
export const MISC_RATE_FACTOR = 0.5;
/** Earlier good payments that make the customer look like the cardholder (a "friendly fraud" claim, winnable). */
export const GOOD_HISTORY_PAYMENTS = 2;

export type WarningAction = 'refund' | 'ask' | 'leave';

export interface WarningFacts {
  /** The charge's amount and what was refunded of it, in minor units of `currency`. */
  amount: number;
  amountRefunded: number;
  currency: string;
  fraudType: string;
  /** Stripe's own flag: false once the charge is disputed or fully refunded. */
  actionable: boolean;
  disputed: boolean;
  /** 3-D Secure authenticated the payment: the issuer bears a fraud dispute. */
  liabilityShifted: boolean;
  /** Radar's risk level of the payment (`normal`, `elevated`, `highest`, …) and score (0–99), when Stripe has them. */
  riskLevel: string | null;
  riskScore: number | null;
  /** Earlier paid, undisputed, unrefunded payments of the same customer. */
  priorGoodPayments: number;
  /** The customer used the product after the payment; null when rebut cannot tell. */
  usedAfterPayment: boolean | null;
}

export interface WarningHistory {
  /** The product's warnings left alone at least `SETTLED_AFTER_DAYS` ago, and how many of them became disputes. */
  settled: number;
  disputed: number;
}

export interface WarningPolicySettings {
  /** The dispute fee of the charge's currency (minor units); null when rebut knows none for it. */
  fee: number | null;
  /** EFW_REFUND_UP_TO_FEES: refund without a person up to this many fees. */
  refundUpToFees: number;
  /** EFW_DISPUTE_RATE: p until the product has `MIN_OWN_HISTORY` settled warnings. */
  disputeRate: number;
}

export interface WarningDecision {
  action: WarningAction;
  /** What happens when nobody decides before the review window ends: the policy's choice, `leave` for `ask`. */
  unattended: 'refund' | 'leave';
  /** The sentences a person reads, the decisive one first. */
  reasons: string[];
  /** What would be refunded (what is left of the charge). */
  refundable: number;
  /** The figures behind the decision, for the message and the stats. */
  figures: { disputeRate: number; rateSource: 'own' | 'default'; leaveCost: number | null; refundCost: number };
}

/** p for this warning: the product's own rate once it has enough history, else the setting; `misc` at a discount. */
export function disputeRateOf(
  fraudType: string,
  history: WarningHistory,
  fallback: number,
): { rate: number; source: 'own' | 'default' } {
  const own = history.settled >= MIN_OWN_HISTORY;
  const base = own ? history.disputed / history.settled : fallback;
  const rate = fraudType === 'misc' ? base * MISC_RATE_FACTOR : base;
  return { rate: Math.min(Math.max(rate, 0), 0.99), source: own ? 'own' : 'default' };
}

/** The policy: refund now, ask a person, or leave, with the reasons a person reads. No I/O. */
export function decideWarning(
  facts: WarningFacts,
  history: WarningHistory,
  settings: WarningPolicySettings,
): WarningDecision {
  const refundable = Math.max(0, facts.amount - facts.amountRefunded);
  const { rate, source } = disputeRateOf(facts.fraudType, history, settings.disputeRate);
  const fee = settings.fee;
  const leaveCost = fee === null ? null : Math.round(rate * (refundable + fee));
  const figures = { disputeRate: rate, rateSource: source, leaveCost, refundCost: refundable };
  const decision = (action: WarningAction, reasons: string[]): WarningDecision => ({
    action,
    unattended: action === 'refund' ? 'refund' : 'leave',
    reasons: [...reasons, ...context(facts, history, source)],
    refundable,
    figures,
  });

  if (facts.disputed) {
    return decision('leave', [
      'The charge is already disputed: a refund cannot stop the dispute (Stripe refuses refunds on charged-back charges); the dispute is answered as a case.',
    ]);
  }
  if (refundable === 0)
    return decision('leave', ['The charge is already refunded in full: there is nothing to refund.']);
  if (!facts.actionable) {
    return decision('leave', [
      'Stripe marks the warning as no longer actionable (the charge was disputed or refunded).',
    ]);
  }
  if (facts.liabilityShifted) {
    return decision('leave', [
      '3-D Secure authenticated the payment, so the fraud liability is the issuer’s: a fraud dispute on it rarely costs the business anything.',
    ]);
  }
  if (fee === null || leaveCost === null) {
    return decision('ask', [
      `rebut knows no dispute fee for ${facts.currency.toUpperCase()}, so it cannot weigh a refund against a dispute.`,
    ]);
  }
  const cheaper = refundable < leaveCost;
  const money = (minor: number) => formatMoneyCode(minor, facts.currency);
  const arithmetic = `Leaving it is expected to cost ${percent(rate)} × (${money(refundable)} + the ${money(fee)} fee) = ${money(leaveCost)}; refunding costs ${money(refundable)}.`;
  // The customer's own record decides too: a customer who paid before without trouble and used the product after this
  // payment looks like the cardholder (a "friendly fraud" report), and the dispute it may become is one the business
  // can win with exactly that evidence. Refunding would give it up, so a person decides, unless Radar rated the
  // payment highest risk.
  const looksLikeCardholder =
    facts.priorGoodPayments >= GOOD_HISTORY_PAYMENTS &&
    facts.usedAfterPayment === true &&
    facts.riskLevel !== 'highest';
  if (refundable <= settings.refundUpToFees * fee && cheaper && looksLikeCardholder) {
    return decision('ask', [
      `The customer paid ${facts.priorGoodPayments} times before without a dispute or refund and used the product after this payment: this looks like the cardholder, and the dispute it may become could be won with that record, so rebut does not refund it on its own.`,
      arithmetic,
    ]);
  }
  if (refundable <= settings.refundUpToFees * fee && cheaper) {
    return decision('refund', [
      `The charge is at most ${settings.refundUpToFees === 1 ? 'the dispute fee' : `${settings.refundUpToFees} dispute fees`}: refunding it costs less than the dispute it would likely become.`,
      arithmetic,
    ]);
  }
  return decision('ask', [
    cheaper
      ? 'The charge is larger than rebut refunds on its own, though refunding is expected to cost less than a dispute.'
      : 'Refunding is expected to cost more than the dispute it might become: a person decides.',
    arithmetic,
  ]);
}

/** What else a person weighs: how the charge looked to Radar and what the customer did before and after. */
function context(facts: WarningFacts, history: WarningHistory, source: 'own' | 'default'): string[] {
  const lines: string[] = [];
  if (facts.riskLevel === 'elevated' || facts.riskLevel === 'highest') {
    lines.push(
      `Radar rated the payment ${facts.riskLevel} risk${facts.riskScore !== null ? ` (score ${facts.riskScore})` : ''}.`,
    );
  }
  if (facts.priorGoodPayments >= GOOD_HISTORY_PAYMENTS) {
    lines.push(
      `The customer paid ${facts.priorGoodPayments} times before without a dispute or refund: this may be the cardholder, and a dispute could be won.`,
    );
  }
  if (facts.usedAfterPayment === true) {
    lines.push('The business’s records show the customer using the product after the payment.');
  } else if (facts.usedAfterPayment === false) {
    lines.push('The business’s records show no use of the product after the payment.');
  }
  lines.push(
    source === 'own'
      ? `This product's warnings: ${history.disputed} of ${history.settled} left alone became disputes.`
      : `Fewer than ${MIN_OWN_HISTORY} of this product's warnings are settled, so Stripe's figure is used for how many become disputes.`,
  );
  return lines;
}

function percent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}
