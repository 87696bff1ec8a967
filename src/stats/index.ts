import type { Pool } from '../db/pool.js';
import type { EvidenceItem } from '../evidence/playbook/plans.js';
import { mergeProducts, type ProductName, type StatsByProduct, type StatsScope } from './products.js';
import {
  caseEvidenceCells,
  evidenceCells,
  handlingCells,
  monthCells,
  type OfProduct,
  openCases,
  productsWithDisputes,
  statsCells,
} from './queries.js';
import { EFFECTIVENESS_MIN_SAMPLE, type Stats, type StatsWindow, summarise, WINDOW_DAYS } from './summarise.js';
import { summariseWarnings, warningCells } from './warnings.js';

export {
  type ProductChoice,
  type ProductName,
  type ProductStats,
  pickProduct,
  productGroup,
  productList,
  type StatsByProduct,
  type StatsScope,
} from './products.js';

/** The products stats can be asked about: the products file's (`configured`), then any other with disputes stored. */
export async function knownProducts(pool: Pool, configured?: readonly ProductName[]): Promise<ProductName[]> {
  return mergeProducts(configured, await productsWithDisputes(pool));
}

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

interface StatsOptions {
  window: StatsWindow;
  now?: Date;
  minSample?: number;
}

/** The aggregates of the disputes opened since `since`: one product's, or every product's when `product` is null. */
async function cellsOf(pool: Pool, since: Date | null, now: Date, product: string | null) {
  const [cells, months, handling, evidence, caseEvidence] = await Promise.all([
    statsCells(pool, since, product),
    monthCells(pool, since, now, product),
    handlingCells(pool, since, product),
    evidenceCells(pool, since, product),
    caseEvidenceCells(pool, since, product),
  ]);
  return { cells, months, handling, evidence, caseEvidence };
}

type Cells = Awaited<ReturnType<typeof cellsOf>>;

function summariseCells(
  options: StatsOptions,
  since: Date | null,
  now: Date,
  cells: Cells,
  open: Stats['openCases'],
): Stats {
  return summarise({
    window: options.window,
    since,
    now,
    ...cells,
    openCases: open,
    ...(options.minSample !== undefined ? { minSample: options.minSample } : {}),
  });
}

/**
 * Win rates (overall, by reason, network, month and how the case was handled, each with its 95%
 * Wilson interval), money by currency, open cases with their deadlines, and what evidence wins,
 * for the disputes opened in the window: of one product, or of all when none is given. An empty
 * database gives zeros and nulls, never NaN.
 */
export async function computeStats(pool: Pool, options: StatsOptions & { product?: string }): Promise<Stats> {
  const now = options.now ?? new Date();
  const since = windowStart(options.window, now);
  const product = options.product ?? null;
  const [cells, open, warnings] = await Promise.all([
    cellsOf(pool, since, now, product),
    openCases(pool, product),
    warningCells(pool, since, product),
  ]);
  return { ...summariseCells(options, since, now, cells, open), warnings: summariseWarnings(warnings) };
}

/**
 * The same for every product of `products` on its own, and for all of them together: one read of the aggregates,
 * split by product here.
 */
export async function computeStatsByProduct(
  pool: Pool,
  options: StatsOptions & { products: readonly ProductName[] },
): Promise<StatsByProduct> {
  const now = options.now ?? new Date();
  const since = windowStart(options.window, now);
  const [cells, open, warnings, ...opens] = await Promise.all([
    cellsOf(pool, since, now, null),
    openCases(pool),
    warningCells(pool, since, null),
    ...options.products.map((product) => openCases(pool, product.id)),
  ]);
  const only = (id: string) => {
    const of = <T>(rows: OfProduct<T>[]) => rows.filter((row) => row.product === id);
    return {
      cells: of(cells.cells),
      months: of(cells.months),
      handling: of(cells.handling),
      evidence: of(cells.evidence),
      caseEvidence: of(cells.caseEvidence),
    };
  };
  return {
    total: { ...summariseCells(options, since, now, cells, open), warnings: summariseWarnings(warnings) },
    products: options.products.map((product, index) => ({
      id: product.id,
      name: product.name,
      stats: {
        ...summariseCells(options, since, now, only(product.id), opens[index] ?? { total: 0, cases: [] }),
        warnings: summariseWarnings(warnings.filter((cell) => cell.product === product.id)),
      },
    })),
  };
}

/**
 * What a person asked for (`pickProduct`): one product's stats, or with several products known and none named, the
 * total with every product's own beside it; with one product, its stats as before products existed.
 */
export async function statsFor(
  pool: Pool,
  options: StatsOptions & { known: readonly ProductName[]; product: ProductName | null },
): Promise<{ stats: Stats; scope: StatsScope }> {
  const { known, product, ...rest } = options;
  if (product) return { stats: await computeStats(pool, { ...rest, product: product.id }), scope: { product } };
  if (known.length > 1) {
    const byProduct = await computeStatsByProduct(pool, { ...rest, products: known });
    return { stats: byProduct.total, scope: { products: byProduct.products } };
  }
  return { stats: await computeStats(pool, rest), scope: {} };
}

/**
 * For the playbooks: the measured lift in win rate (with minus without, −1…1) of each kind of
 * evidence for `reason` in `product`'s own disputes, over all time, where both sides have at least
 * `minSample` decided disputes. Undefined until some kind has that much history, so the playbook's
 * order stands.
 */
export async function effectivenessOrder(
  pool: Pool,
  product: string,
  reason: string,
  minSample = EFFECTIVENESS_MIN_SAMPLE,
): Promise<Partial<Record<EvidenceItem, number>> | undefined> {
  const [evidence, caseEvidence] = await Promise.all([
    evidenceCells(pool, null, product, reason),
    caseEvidenceCells(pool, null, product, reason),
  ]);
  const stats = summarise({
    window: 'all',
    since: null,
    now: new Date(),
    cells: [],
    months: [],
    handling: [],
    evidence,
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

/** `effectivenessOrder` measured at most once per `EFFECTIVENESS_CACHE_MS` for each product and reason. */
export function cachedEffectiveness(
  pool: Pool,
): (product: string, reason: string) => ReturnType<typeof effectivenessOrder> {
  const cache = new Map<string, { at: number; value: Awaited<ReturnType<typeof effectivenessOrder>> }>();
  return async (product, reason) => {
    const key = JSON.stringify([product, reason]);
    const cached = cache.get(key);
    if (cached && Date.now() - cached.at < EFFECTIVENESS_CACHE_MS) return cached.value;
    const value = await effectivenessOrder(pool, product, reason);
    cache.set(key, { at: Date.now(), value });
    return value;
  };
}
