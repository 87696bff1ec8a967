import type { Pool } from '../db/pool.js';
import type { EvidenceItem } from '../evidence/playbook/plans.js';
import { caseEvidenceCells, evidenceCells, handlingCells, monthCells, openCases, statsCells } from './queries.js';
import { EFFECTIVENESS_MIN_SAMPLE, type Stats, type StatsWindow, summarise, WINDOW_DAYS } from './summarise.js';

export {
  EFFECTIVENESS_MIN_SAMPLE,
  type EvidenceEffect,
  type Group,
  HANDLING_WORDS,
  HANDLINGS,
  type Handling,
  type Money,
  type OpenCase,
  type ReasonEffectiveness,
  STATS_WINDOWS,
  type Stats,
  type StatsWindow,
} from './summarise.js';
export { type WinRate, wilsonInterval } from './wilson.js';

/** The first moment a window counts from: disputes opened since then; null for all time. */
export function windowStart(window: StatsWindow, now: Date): Date | null {
  if (window === 'all') return null;
  return new Date(now.getTime() - WINDOW_DAYS[window] * 86_400_000);
}

/**
 * Win rates (overall, by reason, network, month and how the case was handled, each with its 95%
 * Wilson interval), money by currency, open cases with their deadlines, and what evidence wins,
 * for the disputes opened in the window. An empty database gives zeros and nulls, never NaN.
 */
export async function computeStats(
  pool: Pool,
  options: { window: StatsWindow; now?: Date; minSample?: number },
): Promise<Stats> {
  const now = options.now ?? new Date();
  const since = windowStart(options.window, now);
  const [cells, months, handling, evidence, caseEvidence, open] = await Promise.all([
    statsCells(pool, since),
    monthCells(pool, since, now),
    handlingCells(pool, since),
    evidenceCells(pool, since),
    caseEvidenceCells(pool, since),
    openCases(pool),
  ]);
  return summarise({
    window: options.window,
    since,
    now,
    cells,
    months,
    handling,
    evidence,
    caseEvidence,
    openCases: open,
    ...(options.minSample !== undefined ? { minSample: options.minSample } : {}),
  });
}

/**
 * For the playbooks: the measured lift in win rate (with minus without, −1…1) of each kind of
 * evidence for `reason`, over all time, where both sides have at least `minSample` decided
 * disputes. Undefined until some kind has that much history, so the playbook's order stands.
 */
export async function effectivenessOrder(
  pool: Pool,
  reason: string,
  minSample = EFFECTIVENESS_MIN_SAMPLE,
): Promise<Partial<Record<EvidenceItem, number>> | undefined> {
  const [evidence, caseEvidence] = await Promise.all([
    evidenceCells(pool, null),
    caseEvidenceCells(pool, null, reason),
  ]);
  const stats = summarise({
    window: 'all',
    since: null,
    now: new Date(),
    cells: [],
    months: [],
    handling: [],
    evidence: evidence.filter((cell) => cell.reason === reason),
    caseEvidence,
    openCases: { total: 0, cases: [] },
    minSample,
  });
  const measured = stats.effectiveness.find((entry) => entry.reason === reason)?.kinds ?? [];
  const lifts: Partial<Record<EvidenceItem, number>> = {};
  for (const effect of measured) {
    if (effect.enough && effect.lift !== null) lifts[effect.kind] = effect.lift;
  }
  return Object.keys(lifts).length > 0 ? lifts : undefined;
}

/** How long a measured effectiveness is reused: it changes slowly, with each decided dispute. */
export const EFFECTIVENESS_CACHE_MS = 600_000;

/** `effectivenessOrder` measured at most once per `EFFECTIVENESS_CACHE_MS` for each reason. */
export function cachedEffectiveness(pool: Pool): (reason: string) => ReturnType<typeof effectivenessOrder> {
  const cache = new Map<string, { at: number; value: Awaited<ReturnType<typeof effectivenessOrder>> }>();
  return async (reason) => {
    const cached = cache.get(reason);
    if (cached && Date.now() - cached.at < EFFECTIVENESS_CACHE_MS) return cached.value;
    const value = await effectivenessOrder(pool, reason);
    cache.set(reason, { at: Date.now(), value });
    return value;
  };
}
