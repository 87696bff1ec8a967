// Early fraud warnings in the stats: how many came, what was done about them, how many still became disputes, the
// money refunded and the dispute fees those refunds are expected to have saved (README → Early fraud warnings).
import type { Pool } from '../db/pool.js';
import { formatMoneyCode } from '../money.js';
import { disputeFeeOf } from '../prevention/warning.js';

export interface WarningOutcomes {
  warnings: number;
  /** Of them, how many charges became disputes anyway. */
  disputed: number;
}

export interface WarningStats {
  received: number;
  refunded: WarningOutcomes;
  left: WarningOutcomes;
  /** Waiting for a person or the timer, being refunded, or a refund that failed. */
  undecided: WarningOutcomes;
  /** Per currency: money refunded, and the expected dispute fees avoided. */
  money: { currency: string; refunded: number; feesAvoided: number | null }[];
}

export interface WarningCell {
  product: string;
  currency: string;
  state: string;
  disputed: boolean;
  warnings: number;
  refunded: number;
  /** Σ of each warning's p (the policy's dispute rate when it decided). */
  expectedDisputes: number;
}

/** The warnings raised since `since` (all when null), of one product or all, counted by what became of them. */
export async function warningCells(pool: Pool, since: Date | null, product: string | null): Promise<WarningCell[]> {
  const { rows } = await pool.query<{
    product: string;
    currency: string;
    state: string;
    disputed: boolean;
    warnings: number;
    refunded: string;
    expected: number;
  }>(
    `SELECT product, currency, state, dispute_id IS NOT NULL AS disputed, count(*)::int AS warnings,
            coalesce(sum(refunded_amount), 0) AS refunded,
            coalesce(sum((figures->>'disputeRate')::float8), 0)::float8 AS expected
       FROM early_fraud_warnings
      WHERE ($1::timestamptz IS NULL OR created >= $1) AND ($2::text IS NULL OR product = $2)
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    [since, product],
  );
  return rows.map((row) => ({
    product: row.product,
    currency: row.currency,
    state: row.state,
    disputed: row.disputed,
    warnings: row.warnings,
    refunded: Number(row.refunded),
    expectedDisputes: row.expected,
  }));
}

/**
 * The figures from the cells. A refunded warning whose charge never became a dispute saved, in expectation, p × the
 * dispute fee (p as the policy took it when it decided): not every warning left alone would have been disputed.
 */
export function summariseWarnings(cells: readonly WarningCell[]): WarningStats {
  const empty = (): WarningOutcomes => ({ warnings: 0, disputed: 0 });
  const stats: WarningStats = { received: 0, refunded: empty(), left: empty(), undecided: empty(), money: [] };
  const money = new Map<string, { refunded: number; feesAvoided: number | null }>();
  for (const cell of cells) {
    stats.received += cell.warnings;
    const group = cell.state === 'refunded' ? stats.refunded : cell.state === 'left' ? stats.left : stats.undecided;
    group.warnings += cell.warnings;
    if (cell.disputed) group.disputed += cell.warnings;
    if (cell.state !== 'refunded') continue;
    const entry = money.get(cell.currency) ?? { refunded: 0, feesAvoided: 0 };
    entry.refunded += cell.refunded;
    const fee = disputeFeeOf(cell.currency);
    if (!cell.disputed)
      entry.feesAvoided =
        fee === null || entry.feesAvoided === null ? null : entry.feesAvoided + Math.round(cell.expectedDisputes * fee);
    money.set(cell.currency, entry);
  }
  stats.money = [...money.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, entry]) => ({ currency, ...entry }));
  return stats;
}

export async function computeWarningStats(
  pool: Pool,
  since: Date | null,
  product: string | null,
): Promise<WarningStats> {
  return summariseWarnings(await warningCells(pool, since, product));
}

/** The lines a person reads (terminal and Slack alike). */
export function warningLines(stats: WarningStats): string[] {
  if (stats.received === 0) return [];
  const became = (outcome: WarningOutcomes) =>
    `${outcome.warnings} (${outcome.disputed} became ${outcome.disputed === 1 ? 'a dispute' : 'disputes'})`;
  const lines = [
    `${stats.received} early fraud ${stats.received === 1 ? 'warning' : 'warnings'}: refunded ${became(stats.refunded)}, left ${became(stats.left)}, undecided ${became(stats.undecided)}.`,
  ];
  for (const entry of stats.money) {
    lines.push(
      `${entry.currency.toUpperCase()}: refunded ${formatMoneyCode(entry.refunded, entry.currency)}; dispute fees avoided (expected) ${entry.feesAvoided === null ? 'unknown' : formatMoneyCode(entry.feesAvoided, entry.currency)}.`,
    );
  }
  return lines;
}
