import type Stripe from 'stripe';
import { formatIsoDate, isoFromUnix } from '../dates.js';
import type { ChecklistItem } from '../evidence/playbook/index.js';
import { formatAmount } from '../evidence/sources/format.js';
import type { Fact } from '../evidence/types.js';
import { breakEvenWinRate, type DisputeFees, feesFor } from './fees.js';
import { type InquiryPaths, inquiryPaths, type PathCosts, pathCosts } from './paths.js';

export { breakEvenWinRate, COUNTERED_FEE_SINCE, type DisputeFees, feesFor, STRIPE_DISPUTE_FEES } from './fees.js';
export {
  type DisputePath,
  type InquiryPaths,
  inquiryPaths,
  type PathCosts,
  pathCosts,
  SMART_DISPUTES_SHARE,
} from './paths.js';

/**
 * Fight, accept, or let it go? The evidence half comes first: a case the facts concede is not
 * rescued by arithmetic, and one Stripe gives no right to answer is not fought at all. Then
 * the money half: since 2025-06-17 answering a chargeback costs a countered fee F that comes
 * back only on a win, so countering pays off on average only above the win rate
 * p = F / (A + F) (see fees.ts). That is compared with this business's own win rate for this
 * reason — measured, and only trusted above a minimum sample.
 */

/**
 * Below this many decided disputes for a reason, a measured win rate is noise and never decides.
 * Ours, and arguable: at ten, one more outcome moves the rate by at most ten points.
 */
export const MIN_DECIDED_SAMPLE = 10;

/**
 * What is shown when the business has too little history: a neutral figure within the range
 * published for merchants who answer with evidence (roughly one in five to two in five wins).
 * It is reported, never used to concede.
 */
export const PRIOR_WIN_RATE = 0.3;

/** Network reason codes with no right to answer: Visa 10.5 (Visa Fraud Monitoring Program). */
export const NO_RECOURSE_REASON_CODES: Readonly<Record<string, readonly string[]>> = {
  visa: ['10.5'],
};

/**
 * `review`: the arithmetic or the facts cannot decide (an unknown fee, a cancelled subscription used afterwards): a
 * person does, and rebut never acts on it alone.
 */
export type TriageDecision = 'fight' | 'accept' | 'do_not_fight' | 'review';

export type TriageDispute = Pick<Stripe.Dispute, 'amount' | 'currency' | 'reason' | 'status' | 'created'> & {
  network_reason_code?: string | null;
  payment_method_details?: { card?: { brand?: string | null; network_reason_code?: string | null } | null } | null;
  evidence_details?: { due_by: number | null } | null;
};

export interface TriageInput {
  dispute: TriageDispute;
  /** The playbook's checklist for this dispute (what was found, what is missing). */
  checklist: ChecklistItem[];
  /** The playbook's word that evidence cannot win this reason (a payment the bank could not collect, a compliance case). */
  notFought?: string | null;
  /** The gathered facts: refunds, the charge and the subscription are read from them. */
  facts?: Fact[];
  /** This business's decided disputes for this reason. */
  history?: { decided: number; won: number };
  /** Replaces Stripe's standard fees (a contract, or a currency rebut has no figures for). */
  fees?: DisputeFees;
  /** Countered fees the owner set per currency (COUNTERED_FEES), minor units; over Stripe's published figures. */
  counteredFees?: Readonly<Record<string, number>>;
  /** Unix seconds; defaults to now. */
  now?: number;
}

export interface TriageVerdict {
  decision: TriageDecision;
  reasons: string[];
  /** What is missing, strongest first. */
  gaps: { item: string; weight: number }[];
  /** The win rate above which countering pays on average (0 when answering costs nothing); null when the fee is unknown. */
  breakEven: number | null;
  winRate: { value: number; sample: number; used: boolean };
  /** The fees the arithmetic used, in minor units of the dispute's currency; null when unknown. */
  fees: DisputeFees | null;
  /**
   * Expected money lost answering, leaving it to Stripe's Smart Disputes, or accepting (paths.ts); null for an
   * inquiry or an unknown fee.
   */
  paths: PathCosts | null;
  /** For an inquiry: refunding now against answering (paths.ts); null otherwise. */
  inquiry: InquiryPaths | null;
}

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

function refundTotals(facts: Fact[], disputeCreatedIso: string) {
  let before = 0;
  let after = 0;
  let lastBefore: string | null = null;
  for (const fact of facts) {
    if (fact.kind !== 'refund' || typeof fact.data?.amount !== 'number') continue;
    if (fact.data.status === 'failed' || fact.data.status === 'canceled') continue;
    if (fact.at && fact.at >= disputeCreatedIso) after += fact.data.amount;
    else {
      before += fact.data.amount;
      lastBefore = fact.at ?? lastBefore;
    }
  }
  return { before, after, lastBefore };
}

export function triage(input: TriageInput): TriageVerdict {
  const { dispute } = input;
  const facts = input.facts ?? [];
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const money = (minor: number) => formatAmount(minor, dispute.currency);
  const inquiry = dispute.status.startsWith('warning_');
  const gaps = input.checklist
    .filter((item) => !item.found)
    .sort((a, b) => b.weight - a.weight)
    .map((item) => ({ item: item.item, weight: item.weight }));

  const fees = input.fees ?? feesFor(dispute.currency, dispute.created, inquiry, input.counteredFees);
  // An unknown fee is never free: without it there is no break-even, and no arithmetic decides.
  const breakEven = fees ? breakEvenWinRate(dispute.amount, fees) : inquiry ? 0 : null;
  const decided = input.history?.decided ?? 0;
  const measured = decided > 0 ? (input.history?.won ?? 0) / decided : 0;
  const used = decided >= MIN_DECIDED_SAMPLE;
  const winRate = { value: used ? measured : PRIOR_WIN_RATE, sample: decided, used };
  const paths = fees && !inquiry ? pathCosts({ amount: dispute.amount, fees, winRate: winRate.value }) : null;
  const inquiryFigures = inquiry
    ? inquiryPaths({
        amount: dispute.amount,
        receivedFee: feesFor(dispute.currency, dispute.created, false, input.counteredFees)?.received ?? null,
        winRate: winRate.value,
      })
    : null;
  const verdict = (decision: TriageDecision, reasons: string[]): TriageVerdict => ({
    decision,
    reasons,
    gaps,
    breakEven,
    winRate,
    fees,
    paths,
    inquiry: inquiryFigures,
  });

  // ── No right to answer ──────────────────────────────────────────────────────────────────
  const brand = dispute.payment_method_details?.card?.brand ?? null;
  const code = dispute.network_reason_code ?? dispute.payment_method_details?.card?.network_reason_code ?? null;
  if (brand && code && NO_RECOURSE_REASON_CODES[brand]?.includes(code)) {
    return verdict('accept', [
      `${brand === 'visa' ? 'Visa' : brand} reason code ${code} gives the business no right to answer (Visa Fraud Monitoring Program); evidence cannot change the outcome.`,
    ]);
  }
  if (dispute.evidence_details?.due_by === 0) {
    return verdict('accept', [
      'The card network allows no response to this dispute (Stripe shows no evidence deadline).',
    ]);
  }
  const dueBy = dispute.evidence_details?.due_by ?? null;
  if (dueBy && dueBy < now) {
    return verdict('do_not_fight', [`The evidence deadline passed on ${formatIsoDate(isoFromUnix(dueBy))}.`]);
  }

  // ── Refunds already made ────────────────────────────────────────────────────────────────
  const charge = facts.find((fact) => fact.id === 'stripe.charge');
  const chargeAmount = typeof charge?.data?.amount === 'number' ? charge.data.amount : dispute.amount;
  const disputeAt = new Date(dispute.created * 1000).toISOString();
  const refunds = refundTotals(facts, disputeAt);
  if (refunds.after > 0 && refunds.before + refunds.after >= chargeAmount) {
    return verdict('accept', [
      `The payment was refunded in full (${money(refunds.before + refunds.after)}) after the dispute opened; the customer has their money back, so contesting would only ask the issuer to undo our own refund.`,
    ]);
  }
  const reasons: string[] = [];
  if (refunds.before >= chargeAmount) {
    // Accepting here would pay the customer twice: the refund is the evidence.
    return verdict('fight', [
      `The payment was already refunded in full (${money(refunds.before)}${refunds.lastBefore ? ` on ${formatIsoDate(refunds.lastBefore)}` : ''}) before the dispute; submit the refund as evidence, since accepting would pay the customer twice.`,
    ]);
  }
  if (refunds.before > 0) {
    reasons.push(
      `${money(refunds.before)} was refunded before the dispute; ${money(dispute.amount)} is still disputed.`,
    );
  }

  // ── Evidence cannot win this reason ─────────────────────────────────────────────────────
  if (input.notFought) return verdict('do_not_fight', [input.notFought, ...reasons]);

  // ── The facts concede it ────────────────────────────────────────────────────────────────
  if (dispute.reason === 'subscription_canceled') {
    const subscriptionVerdict = subscriptionCase(facts, charge?.at ?? null);
    if (subscriptionVerdict) return verdict(subscriptionVerdict.decision, [...subscriptionVerdict.reasons, ...reasons]);
  }
  const core = input.checklist.filter((item) => item.core);
  if (core.length > 0 && core.every((item) => !item.found)) {
    return verdict('do_not_fight', [
      `None of the evidence this reason stands on was found (${core.map((item) => item.item.toLowerCase()).join('; ')}); a submission would have nothing to show.`,
      ...reasons,
    ]);
  }
  const missingCore = core.filter((item) => !item.found);
  if (missingCore.length > 0) {
    reasons.push(`Missing core evidence: ${missingCore.map((item) => item.item.toLowerCase()).join('; ')}.`);
  }

  // ── The money ───────────────────────────────────────────────────────────────────────────
  if (inquiry && inquiryFigures) {
    const basis = used ? "this business's" : 'an assumed';
    const rate = `${basis} ${percent(inquiryFigures.winRate)} win rate`;
    reasons.unshift(
      inquiryFigures.cheaper === 'refund'
        ? `This is an inquiry, not yet a chargeback. Refunding ${money(inquiryFigures.refund)} now is cheaper than answering (expected loss ${money(inquiryFigures.answer)} at ${rate}: a lost inquiry becomes a chargeback and its fee), and no chargeback counts against the account: consider Refund.`
        : `This is an inquiry, not yet a chargeback: answering costs no fee and, at ${rate}, is cheaper than refunding (expected loss ${money(inquiryFigures.answer)} against ${money(inquiryFigures.refund)}).`,
    );
    return verdict('fight', reasons);
  }
  if (!fees || breakEven === null) {
    return verdict('review', [
      `Stripe's countered fee for ${dispute.currency.toUpperCase()} is not known to rebut, so whether fighting pays cannot be worked out: a person decides (set COUNTERED_FEES, for example COUNTERED_FEES=${dispute.currency.toLowerCase()}:25.00).`,
      ...reasons,
    ]);
  }
  if (fees.countered > 0) {
    const rate = `${percent(breakEven)} win rate`;
    reasons.push(
      `Countering costs ${money(fees.countered)}, returned only on a win, so this ${money(dispute.amount)} dispute needs a ${rate} to be worth it on average.`,
    );
  }
  if (paths) reasons.push(pathsReason(paths, money, used));
  if (used && measured < breakEven) {
    return verdict('do_not_fight', [
      ...reasons,
      `This business has won ${input.history?.won ?? 0} of ${decided} ${dispute.reason} disputes (${percent(measured)}), below the ${percent(breakEven)} break-even: on its own record this one loses money on average.`,
    ]);
  }
  if (used) {
    reasons.push(
      breakEven > 0
        ? `This business wins ${percent(measured)} of ${dispute.reason} disputes (${decided} decided), above the ${percent(breakEven)} break-even.`
        : `This business wins ${percent(measured)} of ${dispute.reason} disputes (${decided} decided); answering costs no countered fee.`,
    );
  } else if (breakEven > 0) {
    reasons.push(
      `Only ${decided} decided ${dispute.reason} dispute${decided === 1 ? '' : 's'} so far (fewer than ${MIN_DECIDED_SAMPLE}); the win rate is not used to decide.`,
    );
  }
  reasons.unshift(
    gaps.length > 0
      ? 'Worth contesting; the gaps below are what issuers ask for on this reason.'
      : 'Worth contesting, and the evidence covers what issuers ask for on this reason.',
  );
  return verdict('fight', reasons);
}

/** The three paths' expected losses in one line: "Expected loss at a 30% win rate (…): answering $22.30, …". */
function pathsReason(paths: PathCosts, money: (minor: number) => string, measured: boolean): string {
  const basis = measured ? "this business's" : 'an assumed';
  const cheapest = {
    answer: 'answering is cheapest',
    smart_disputes: "Stripe's Smart Disputes is cheapest (30% of the amount on a win, no countered fee)",
    accept: 'accepting is cheapest',
  }[paths.cheapest];
  return (
    `Expected loss at ${basis} ${percent(paths.winRate)} win rate: answering ${money(paths.answer)}, ` +
    `Smart Disputes ${money(paths.smartDisputes)}, accepting ${money(paths.accept)}; ${cheapest}.`
  );
}

/**
 * A cancelled subscription, read from the facts. Cancelled before this charge and not used since: the claim is
 * right. Cancelled before it but used afterwards: the facts pull both ways, so a person decides. Neither a
 * cancellation policy the customer was shown nor any use after the renewal: there is nothing to show the issuer.
 */
function subscriptionCase(
  facts: Fact[],
  chargeAt: string | null,
): { decision: TriageDecision; reasons: string[] } | undefined {
  const subscription = facts.find((fact) => fact.id === 'stripe.subscription');
  const canceledAt = typeof subscription?.data?.canceled_at === 'string' ? subscription.data.canceled_at : null;
  const usedAfter = chargeAt
    ? facts.some(
        (fact) => (fact.kind === 'activity' || fact.kind === 'deliverable') && fact.at !== null && fact.at >= chargeAt,
      )
    : false;
  if (canceledAt && chargeAt && canceledAt < chargeAt) {
    if (usedAfter) {
      return {
        decision: 'review',
        reasons: [
          `The customer cancelled on ${formatIsoDate(canceledAt)}, before this charge on ${formatIsoDate(chargeAt)}, yet used the product after it: a person should weigh the use against the cancellation.`,
        ],
      };
    }
    return {
      decision: 'accept',
      reasons: [
        `The customer cancelled on ${formatIsoDate(canceledAt)}, before this charge on ${formatIsoDate(chargeAt)}, and did not use the product after it; the issuer can see the same dates, so the claim is right.`,
      ],
    };
  }
  const disclosed = facts.some(
    (fact) =>
      (fact.kind === 'policy' || fact.kind === 'policy_acceptance') &&
      (fact.data?.policy === 'cancellation' || /cancel/i.test(fact.text)),
  );
  if (!disclosed && !usedAfter) {
    return {
      decision: 'do_not_fight',
      reasons: [
        'Weak: no cancellation policy shown to the customer and no use of the product after the renewal are on record; issuers side with the cardholder without either.',
      ],
    };
  }
  return undefined;
}
