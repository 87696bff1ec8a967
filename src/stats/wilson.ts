/** The normal quantile for a two-sided 95% interval. */
const Z_95 = 1.959963984540054;

export interface WinRate {
  /** Won plus lost: disputes the issuer decided. */
  decided: number;
  won: number;
  lost: number;
  /** won ÷ decided; null when nothing was decided yet. */
  rate: number | null;
  /** 95% Wilson score interval around `rate`; null when nothing was decided yet. */
  low: number | null;
  high: number | null;
}

/**
 * The Wilson score interval for `won` successes in `decided` trials. Unlike the textbook
 * p ± z·√(p(1−p)/n), it stays inside [0, 1] and is honest for small samples and rates near 0 or 1,
 * which is where a young business's dispute history lives (Wilson 1927; Newcombe 1998, method 3).
 */
export function wilsonInterval(won: number, decided: number, z = Z_95): { low: number; high: number } | null {
  if (decided <= 0) return null;
  const p = won / decided;
  const z2 = z * z;
  const denominator = 1 + z2 / decided;
  const centre = (p + z2 / (2 * decided)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / decided + z2 / (4 * decided * decided));
  // At 0 or all won the bound is exactly 0 or 1; floating point would leave 0.9999999999999999.
  return {
    low: won <= 0 ? 0 : Math.max(0, centre - half),
    high: won >= decided ? 1 : Math.min(1, centre + half),
  };
}

export function winRate(won: number, lost: number): WinRate {
  const decided = won + lost;
  const interval = wilsonInterval(won, decided);
  return {
    decided,
    won,
    lost,
    rate: decided > 0 ? won / decided : null,
    low: interval?.low ?? null,
    high: interval?.high ?? null,
  };
}
