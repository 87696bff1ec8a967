import type { DisputeFees } from './fees.js';

/**
 * The cheapest way through a chargeback, in expected money lost (minor units; the received fee is paid whatever
 * is done, so it is left out, except in Mexico, where a win returns it):
 *
 *   accept             A                               the amount is gone
 *   rebut answers      (1 − p) · (A + F)               a win returns the amount and the countered fee F
 *   Smart Disputes     (1 − p) · A  +  p · 0.30 · A    Stripe keeps 30% of the amount on a win; no countered fee
 *
 * with p the win rate triage uses (the product's own for the reason once it has enough decided disputes, else the
 * prior). Smart Disputes' own win rate is not published: the same p is used for both, so the comparison turns only on
 * the fees. Answering beats Smart Disputes exactly when (1 − p) · F < 0.30 · p · A. Inquiries move no money yet and
 * carry no countered fee; they are not compared.
 */
export const SMART_DISPUTES_SHARE = 0.3;

export type DisputePath = 'answer' | 'smart_disputes' | 'accept';

export interface PathCosts {
  /** Expected money lost on each path, minor units of the dispute's currency, rounded. */
  answer: number;
  smartDisputes: number;
  accept: number;
  /** The path with the least expected loss; a tie goes to rebut's own answer, then to Smart Disputes. */
  cheapest: DisputePath;
  /** The win rate the figures assume. */
  winRate: number;
}

export function pathCosts(input: {
  amount: number;
  fees: Pick<DisputeFees, 'countered' | 'received' | 'receivedReturnedOnWin'>;
  winRate: number;
}): PathCosts {
  const { amount, fees } = input;
  const p = Math.min(1, Math.max(0, input.winRate));
  const returned = fees.receivedReturnedOnWin ? (fees.received ?? 0) : 0;
  const answer = (1 - p) * (amount + fees.countered) - p * returned;
  const smartDisputes = (1 - p) * amount + p * SMART_DISPUTES_SHARE * amount - p * returned;
  const accept = amount;
  const ranked: [DisputePath, number][] = [
    ['answer', answer],
    ['smart_disputes', smartDisputes],
    ['accept', accept],
  ];
  const cheapest = ranked.reduce((best, next) => (next[1] < best[1] ? next : best))[0];
  return {
    answer: Math.round(answer),
    smartDisputes: Math.round(smartDisputes),
    accept: Math.round(accept),
    cheapest,
    winRate: p,
  };
}

/**
 * An inquiry (`warning_needs_response`) has moved no money and costs no fee yet. Refunding it now gives up the amount
 * and ends it; answering keeps the amount on a win and, on a loss, lets it become a chargeback, which costs the
 * received fee R on top (and counts toward the card networks' dispute monitoring):
 *
 *   refund   A
 *   answer   (1 − p) · (A + R)
 *
 * so refunding is cheaper exactly when p · A < (1 − p) · R. An unknown received fee counts as zero: the refund is then
 * never said to be cheaper on the fee's account.
 */
export interface InquiryPaths {
  answer: number;
  refund: number;
  cheaper: 'answer' | 'refund';
  winRate: number;
}

export function inquiryPaths(input: { amount: number; receivedFee: number | null; winRate: number }): InquiryPaths {
  const p = Math.min(1, Math.max(0, input.winRate));
  const answer = (1 - p) * (input.amount + (input.receivedFee ?? 0));
  const refund = input.amount;
  return { answer: Math.round(answer), refund, cheaper: refund < answer ? 'refund' : 'answer', winRate: p };
}
