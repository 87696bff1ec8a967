import type { EvidenceItem } from '../evidence/playbook/plans.js';
import { STRIPE_DISPUTE_FEES } from '../triage/fees.js';
import { evidenceKinds } from './evidence-kinds.js';
import type { WarningStats } from './warnings.js';
import { type WinRate, winRate } from './wilson.js';

/**
 * Stats from aggregated rows: pure, so the same arithmetic serves the running totals (`all`) and a
 * live window (`30d`, `90d`), and every figure can be checked by hand in a unit test.
 */

export const STATS_WINDOWS = ['30d', '90d', 'all'] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

export const WINDOW_DAYS: Readonly<Record<Exclude<StatsWindow, 'all'>, number>> = { '30d': 30, '90d': 90 };

/**
 * Below this many decided disputes on either side (with the evidence, without it), a difference in
 * win rate is mostly noise: at 30 the 95% interval is still about ±17 points wide.
 */
export const EFFECTIVENESS_MIN_SAMPLE = 30;

/** How a dispute was answered: by rebut (and who decided), or outside it. */
export const HANDLINGS = [
  'approved',
  'edited',
  'autopilot',
  'timer',
  'smart_disputes',
  'accepted',
  'unanswered',
  'outside',
] as const;
export type Handling = (typeof HANDLINGS)[number];

export const HANDLING_WORDS: Readonly<Record<Handling, string>> = {
  approved: 'Approved as drafted',
  edited: 'Edited, then approved',
  autopilot: 'Autopilot',
  timer: 'Submitted by the timer',
  smart_disputes: "Left to Stripe's Smart Disputes",
  accepted: 'Accepted (not fought)',
  unanswered: 'rebut case, not submitted',
  outside: 'Outside rebut',
};

// ─── What the queries return ─────────────────────────────────────────────────────────────────

/** Disputes and their amount for one reason × network × currency × status × evidence submitted × countered-fee era. */
export interface StatsCell {
  reason: string;
  network: string;
  currency: string;
  status: string;
  submitted: boolean;
  /** Opened when Stripe charged a countered fee for submitting evidence (from 2025-06-17). */
  countered: boolean;
  disputes: number;
  amount: number;
}

/** Disputes opened in one month (`YYYY-MM`, UTC) with one status. */
export interface MonthCell {
  month: string;
  status: string;
  disputes: number;
}

/** rebut's cases by how they were handled and their dispute's status. */
export interface HandlingCell {
  handling: string;
  status: string;
  disputes: number;
}

/** Decided, answered disputes by the Stripe evidence fields they carried. */
export interface EvidenceCell {
  reason: string;
  won: boolean;
  fields: string[];
  disputes: number;
}

/** The same for rebut's cases, with the kinds and fields of the facts that went into the packet. */
export interface CaseEvidenceCell extends EvidenceCell {
  factKinds: string[];
  itemFields: string[];
}

export interface OpenCase {
  caseId: number;
  disputeId: string;
  state: string;
  reason: string;
  amount: number;
  currency: string;
  dueBy: Date | null;
  autoSubmitAt: Date | null;
}

export interface StatsInput {
  window: StatsWindow;
  since: Date | null;
  now: Date;
  cells: StatsCell[];
  months: MonthCell[];
  handling: HandlingCell[];
  evidence: EvidenceCell[];
  caseEvidence: CaseEvidenceCell[];
  openCases: { total: number; cases: OpenCase[] };
  minSample?: number;
}

// ─── What stats are ──────────────────────────────────────────────────────────────────────────

export interface Group extends WinRate {
  key: string;
  /** Every dispute in the group, decided or not. */
  disputes: number;
}

/** Money in one currency, in its minor units; currencies are never added together. */
export interface Money {
  currency: string;
  disputes: number;
  /** Everything disputed. */
  disputed: number;
  /** Won back. */
  recovered: number;
  lost: number;
  /** Still open. */
  atStake: number;
  /** Stripe's dispute fees paid and not returned; null where rebut has no fee figures for the currency. */
  fees: number | null;
}

export interface EvidenceEffect {
  kind: EvidenceItem;
  with: WinRate;
  without: WinRate;
  /** Win rate with it minus without it; null while either side has nothing decided. */
  lift: number | null;
  /** Both sides have at least `minSample` decided disputes. */
  enough: boolean;
}

export interface ReasonEffectiveness {
  reason: string;
  /** Decided disputes of this reason that were answered with evidence. */
  answered: WinRate;
  kinds: EvidenceEffect[];
}

export interface Stats {
  window: StatsWindow;
  /** Disputes opened from this moment on are counted; null for all time. */
  since: Date | null;
  now: Date;
  disputes: number;
  open: number;
  /** Inquiries that closed without becoming a chargeback. */
  inquiriesClosed: number;
  winRate: WinRate;
  byReason: Group[];
  byNetwork: Group[];
  /** Month by month (`YYYY-MM`), oldest first, without gaps. */
  byMonth: Group[];
  byHandling: Group[];
  money: Money[];
  openCases: { total: number; cases: OpenCase[] };
  effectiveness: ReasonEffectiveness[];
  minSample: number;
  /** Early fraud warnings raised in the window (stats/warnings.ts); absent where they were not read. */
  warnings?: WarningStats;
}

// ─── Arithmetic ──────────────────────────────────────────────────────────────────────────────

export type Outcome = 'won' | 'lost' | 'inquiry_closed' | 'open' | 'other';

const OPEN_STATUSES = new Set([
  'needs_response',
  'warning_needs_response',
  'under_review',
  'warning_under_review',
  'appeal_needs_response',
  'appeal_under_review',
]);

export function outcomeOf(status: string): Outcome {
  if (status === 'won') return 'won';
  if (status === 'lost') return 'lost';
  if (status === 'warning_closed') return 'inquiry_closed';
  return OPEN_STATUSES.has(status) ? 'open' : 'other';
}

/** A chargeback, not an inquiry (`warning_*`) nor a dispute prevented before it started: Stripe's fee applies. */
function isChargeback(status: string): boolean {
  return !status.startsWith('warning_') && status !== 'prevented';
}

interface Tally {
  disputes: number;
  won: number;
  lost: number;
}

const emptyTally = (): Tally => ({ disputes: 0, won: 0, lost: 0 });

function addTo(map: Map<string, Tally>, key: string, status: string, disputes: number): void {
  let tally = map.get(key);
  if (!tally) {
    tally = emptyTally();
    map.set(key, tally);
  }
  tally.disputes += disputes;
  const outcome = outcomeOf(status);
  if (outcome === 'won') tally.won += disputes;
  else if (outcome === 'lost') tally.lost += disputes;
}

function group(key: string, tally: Tally): Group {
  return { key, disputes: tally.disputes, ...winRate(tally.won, tally.lost) };
}

function groups(map: Map<string, Tally>): Group[] {
  return [...map.entries()]
    .map(([key, tally]) => group(key, tally))
    .sort((a, b) => b.disputes - a.disputes || a.key.localeCompare(b.key));
}

/** `YYYY-MM` months from `first` to `last`, inclusive. */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let [year, month] = first.split('-').map(Number) as [number, number];
  const [endYear, endMonth] = last.split('-').map(Number) as [number, number];
  while (year < endYear || (year === endYear && month <= endMonth)) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

function money(cells: StatsCell[]): Money[] {
  const byCurrency = new Map<string, Money & { received: number; countered: number; returned: number }>();
  for (const cell of cells) {
    let entry = byCurrency.get(cell.currency);
    if (!entry) {
      entry = {
        currency: cell.currency,
        disputes: 0,
        disputed: 0,
        recovered: 0,
        lost: 0,
        atStake: 0,
        fees: null,
        received: 0,
        countered: 0,
        returned: 0,
      };
      byCurrency.set(cell.currency, entry);
    }
    entry.disputes += cell.disputes;
    entry.disputed += cell.amount;
    const outcome = outcomeOf(cell.status);
    if (outcome === 'won') entry.recovered += cell.amount;
    if (outcome === 'lost') entry.lost += cell.amount;
    if (outcome === 'open') entry.atStake += cell.amount;
    if (isChargeback(cell.status)) {
      entry.received += cell.disputes;
      if (outcome === 'won') entry.returned += cell.disputes;
      // The countered fee is charged on submitting evidence and returned with a win.
      if (cell.submitted && cell.countered && outcome !== 'won') entry.countered += cell.disputes;
    }
  }
  return [...byCurrency.values()]
    .map(({ received, countered, returned, ...entry }) => {
      const fees = STRIPE_DISPUTE_FEES[entry.currency.toLowerCase()];
      if (!fees || fees.received === null) return entry;
      const receivedKept = received - (fees.receivedReturnedOnWin ? returned : 0);
      return { ...entry, fees: receivedKept * fees.received + countered * fees.countered };
    })
    .sort((a, b) => b.disputes - a.disputes || a.currency.localeCompare(b.currency));
}

function effectiveness(
  evidence: EvidenceCell[],
  caseEvidence: CaseEvidenceCell[],
  minSample: number,
): ReasonEffectiveness[] {
  interface ReasonTally {
    won: number;
    lost: number;
    kinds: Map<EvidenceItem, { won: number; lost: number }>;
  }
  const reasons = new Map<string, ReasonTally>();
  const tallyOf = (reason: string): ReasonTally => {
    let tally = reasons.get(reason);
    if (!tally) {
      tally = { won: 0, lost: 0, kinds: new Map() };
      reasons.set(reason, tally);
    }
    return tally;
  };
  const count = (tally: ReasonTally, kinds: Set<EvidenceItem>, won: boolean, disputes: number) => {
    for (const kind of kinds) {
      let entry = tally.kinds.get(kind);
      if (!entry) {
        entry = { won: 0, lost: 0 };
        tally.kinds.set(kind, entry);
      }
      if (won) entry.won += disputes;
      else entry.lost += disputes;
    }
  };

  for (const cell of evidence) {
    const tally = tallyOf(cell.reason);
    if (cell.won) tally.won += cell.disputes;
    else tally.lost += cell.disputes;
    count(tally, evidenceKinds(cell.fields), cell.won, cell.disputes);
  }
  // rebut's cases are already counted above by their Stripe fields; their facts say more, so swap
  // what the fields showed for what the packet held.
  for (const cell of caseEvidence) {
    const tally = tallyOf(cell.reason);
    count(tally, evidenceKinds(cell.fields), cell.won, -cell.disputes);
    count(tally, evidenceKinds([...cell.fields, ...cell.itemFields], cell.factKinds), cell.won, cell.disputes);
  }

  return [...reasons.entries()]
    .map(([reason, tally]) => {
      const kinds = [...tally.kinds.entries()]
        .filter(([, withIt]) => withIt.won + withIt.lost > 0)
        .map(([kind, withIt]): EvidenceEffect => {
          const withRate = winRate(withIt.won, withIt.lost);
          const without = winRate(tally.won - withIt.won, tally.lost - withIt.lost);
          const lift = withRate.rate !== null && without.rate !== null ? withRate.rate - without.rate : null;
          return {
            kind,
            with: withRate,
            without,
            lift,
            enough: withRate.decided >= minSample && without.decided >= minSample,
          };
        })
        .sort(
          (a, b) =>
            Number(b.enough) - Number(a.enough) ||
            (b.lift ?? Number.NEGATIVE_INFINITY) - (a.lift ?? Number.NEGATIVE_INFINITY) ||
            b.with.decided - a.with.decided,
        );
      return { reason, answered: winRate(tally.won, tally.lost), kinds };
    })
    .filter((entry) => entry.answered.decided > 0)
    .sort((a, b) => b.answered.decided - a.answered.decided || a.reason.localeCompare(b.reason));
}

export function summarise(input: StatsInput): Stats {
  const minSample = input.minSample ?? EFFECTIVENESS_MIN_SAMPLE;
  const total = emptyTally();
  let open = 0;
  let inquiriesClosed = 0;
  const byReason = new Map<string, Tally>();
  const byNetwork = new Map<string, Tally>();
  const byMonth = new Map<string, Tally>();
  for (const cell of input.cells) {
    if (cell.disputes === 0) continue;
    total.disputes += cell.disputes;
    const outcome = outcomeOf(cell.status);
    if (outcome === 'won') total.won += cell.disputes;
    if (outcome === 'lost') total.lost += cell.disputes;
    if (outcome === 'open') open += cell.disputes;
    if (outcome === 'inquiry_closed') inquiriesClosed += cell.disputes;
    addTo(byReason, cell.reason, cell.status, cell.disputes);
    addTo(byNetwork, cell.network, cell.status, cell.disputes);
  }

  for (const cell of input.months) {
    if (cell.disputes !== 0) addTo(byMonth, cell.month, cell.status, cell.disputes);
  }
  const months = [...byMonth.keys()].sort();
  const first = months[0];
  const last = months[months.length - 1];
  const monthly =
    first && last ? monthsBetween(first, last).map((month) => group(month, byMonth.get(month) ?? emptyTally())) : [];

  const handled = new Map<string, Tally>();
  for (const cell of input.handling) addTo(handled, cell.handling, cell.status, cell.disputes);
  const inRebut = [...handled.values()].reduce(
    (sum, tally) => ({
      disputes: sum.disputes + tally.disputes,
      won: sum.won + tally.won,
      lost: sum.lost + tally.lost,
    }),
    emptyTally(),
  );
  handled.set('outside', {
    disputes: Math.max(0, total.disputes - inRebut.disputes),
    won: Math.max(0, total.won - inRebut.won),
    lost: Math.max(0, total.lost - inRebut.lost),
  });
  const order = (key: string) => {
    const index = (HANDLINGS as readonly string[]).indexOf(key);
    return index < 0 ? HANDLINGS.length : index;
  };
  const byHandling = [...handled.entries()]
    .filter(([, tally]) => tally.disputes > 0)
    .map(([key, tally]) => group(key, tally))
    .sort((a, b) => order(a.key) - order(b.key) || a.key.localeCompare(b.key));

  return {
    window: input.window,
    since: input.since,
    now: input.now,
    disputes: total.disputes,
    open,
    inquiriesClosed,
    winRate: winRate(total.won, total.lost),
    byReason: groups(byReason),
    byNetwork: groups(byNetwork),
    byMonth: monthly,
    byHandling,
    money: money(input.cells),
    openCases: input.openCases,
    effectiveness: effectiveness(input.evidence, input.caseEvidence, minSample),
    minSample,
  };
}
