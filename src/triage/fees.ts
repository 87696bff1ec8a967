/**
 * What Stripe charges around a dispute, in minor units of the currency it is charged in.
 *
 * Two fees since 2025-06-17 (support.stripe.com/questions/june-2025-pricing-updates-for-disputes):
 * the dispute *received* fee, charged when the dispute opens whatever you do (returned on a win
 * only in Mexico), and the dispute *countered* fee, charged when you submit evidence and
 * returned if you win (docs.stripe.com/disputes/responding: "doesn't apply to businesses in
 * Mexico and Japan"; waived for Smart Disputes, which rebut does not use).
 *
 * Amounts are Stripe's standard pricing pages as read for this project (stripe.com/pricing per
 * country, 2025–2026). Stripe charges them in the account's settlement currency; rebut keys them
 * by the dispute's currency, which is the same for almost every business. A negotiated contract,
 * or a currency not listed, is passed to triage as `fees`.
 */
export interface DisputeFees {
  /** The dispute received fee; null where we have no published figure. */
  received: number | null;
  /** The dispute countered fee, charged on submitting evidence, returned on a win. */
  countered: number;
  /** Mexico: the received fee comes back too when the business wins. */
  receivedReturnedOnWin: boolean;
}

export const STRIPE_DISPUTE_FEES: Readonly<Record<string, DisputeFees>> = {
  // US pricing page: 15.00 USD per dispute, plus 15.00 USD when countered.
  usd: { received: 1_500, countered: 1_500, receivedReturnedOnWin: false },
  // EEA pricing pages: 20.00 EUR per dispute, plus 20.00 EUR per dispute responded to manually.
  eur: { received: 2_000, countered: 2_000, receivedReturnedOnWin: false },
  // UK pricing page: 20.00 GBP per dispute; the countered fee is taken as the same 20.00 GBP.
  gbp: { received: 2_000, countered: 2_000, receivedReturnedOnWin: false },
  // Australia: 25.00 AUD countered fee (received fee likewise 25.00 AUD).
  aud: { received: 2_500, countered: 2_500, receivedReturnedOnWin: false },
  // Canada: 15.00 CAD, as in the US.
  cad: { received: 1_500, countered: 1_500, receivedReturnedOnWin: false },
  // Mexico and Japan: no countered fee; Mexico returns the received fee on a win (amount not published here).
  mxn: { received: null, countered: 0, receivedReturnedOnWin: true },
  jpy: { received: null, countered: 0, receivedReturnedOnWin: false },
};

/** Disputes initiated before this moment carry no countered fee (Unix seconds, 2025-06-17 00:00 UTC). */
export const COUNTERED_FEE_SINCE = Date.UTC(2025, 5, 17) / 1000;

/**
 * The fees that apply to answering this dispute. Inquiries are not chargebacks and carry no
 * countered fee; neither do disputes opened before the fee existed.
 */
export function feesFor(
  currency: string,
  disputeCreated: number,
  inquiry: boolean,
  /** Countered fees the owner set (COUNTERED_FEES), by currency, in minor units: they replace Stripe's figures. */
  configured: Readonly<Record<string, number>> = {},
): DisputeFees | null {
  const code = currency.toLowerCase();
  const published = Object.hasOwn(STRIPE_DISPUTE_FEES, code) ? STRIPE_DISPUTE_FEES[code] : undefined;
  const set = Object.hasOwn(configured, code) ? configured[code] : undefined;
  const listed =
    set === undefined
      ? published
      : {
          received: published?.received ?? null,
          countered: set,
          receivedReturnedOnWin: published?.receivedReturnedOnWin ?? false,
        };
  if (!listed) return null;
  if (inquiry || disputeCreated < COUNTERED_FEE_SINCE) return { ...listed, countered: 0 };
  return listed;
}

/**
 * The win rate at which countering breaks even. Countering risks the countered fee F (lost
 * only on a loss) to recover the amount A (plus the received fee R where a win returns it):
 * p·(A + R) = (1 − p)·F, so p = F / (A + R + F). With R = 0, the familiar p = F / (A + F).
 */
export function breakEvenWinRate(
  amount: number,
  fees: Pick<DisputeFees, 'countered' | 'received' | 'receivedReturnedOnWin'>,
): number {
  const returned = fees.receivedReturnedOnWin ? (fees.received ?? 0) : 0;
  const total = amount + returned + fees.countered;
  return total > 0 ? fees.countered / total : 0;
}
