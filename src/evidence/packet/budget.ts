/**
 * The evidence budget's decisions, as pure functions: how many pages a packet may have,
 * which deliverables and which rows stay when not everything fits.
 */
import { MAX_PAGES, MAX_PAGES_MASTERCARD } from '../../dispute/limits.js';

/**
 * Mastercard's 19 pages also apply when the brand is unknown (or not a card): a packet
 * refused for length loses the dispute, a shorter one rarely does.
 */
export function pageLimitFor(cardBrand: string | null): number {
  if (cardBrand === null || cardBrand === 'unknown' || cardBrand === 'mastercard') return MAX_PAGES_MASTERCARD;
  return MAX_PAGES;
}

export interface DocumentPageCaps {
  /** The receipt, and the refund receipt: each one page, laid out to fit it (receipts.ts). */
  receipt: number;
  /** Each policy file (refund, cancellation, terms). */
  policy: number;
  communications: number;
  /** Deliverable images kept before the activity table gives up rows (two per page). */
  imageFloor: number;
}

/**
 * Caps chosen so that the worst case still fits: summary 1 + receipt + refund receipt + three policies +
 * communications + image floor pages + one page each of timeline and activity ≤ the limit (19: 1 + 1 + 1 + 6 + 3 +
 * 4 + 2 = 18).
 */
export function documentPageCaps(pageLimit: number): DocumentPageCaps {
  if (pageLimit <= MAX_PAGES_MASTERCARD) return { receipt: 1, policy: 2, communications: 3, imageFloor: 4 };
  return { receipt: 1, policy: 4, communications: 8, imageFloor: 8 };
}

/**
 * Which k of n chronological deliverables to show: the first and the last always (what was
 * delivered first, and that delivery went on), the rest evenly spread so the whole period is seen.
 */
export function spreadSelection(n: number, k: number): number[] {
  if (k >= n) return range(0, n);
  if (k <= 0) return [];
  if (k === 1) return [n - 1];
  const picked = new Set<number>();
  for (let i = 0; i < k; i++) picked.add(Math.round((i * (n - 1)) / (k - 1)));
  return [...picked].sort((a, b) => a - b);
}

/**
 * Which k of n chronological rows to keep: half around the anchor (the charge: the use right
 * after paying is the strongest evidence, so it leans after it), a quarter from the start
 * (the account's history), a quarter from the end (use continued).
 */
export function keepAround(n: number, k: number, anchor: number): number[] {
  if (k >= n) return range(0, n);
  if (k <= 0) return [];
  const at = Math.min(Math.max(anchor, 0), n - 1);
  const kept = new Set<number>();
  const take = (i: number) => {
    if (i >= 0 && i < n && kept.size < k) kept.add(i);
  };
  let head = 0;
  let tail = n - 1;
  let after = at;
  let before = at - 1;
  // Each round: one from the start, two after and one before the anchor, one from the end (until k).
  while (kept.size < k) {
    take(head++);
    take(after++);
    take(after++);
    take(before--);
    take(tail--);
  }
  return [...kept].sort((a, b) => a - b);
}

/** Index of the first row at or after `at` (rows chronological); rows.length when all are earlier. */
export function anchorIndex(times: readonly (string | null)[], at: string | null): number {
  if (!at) return 0;
  const anchor = Date.parse(at);
  if (Number.isNaN(anchor)) return 0;
  const index = times.findIndex((t) => t !== null && Date.parse(t) >= anchor);
  return index === -1 ? Math.max(times.length - 1, 0) : index;
}

/** The runs of indices left out between kept ones, for "… 57 rows not shown …" markers. */
export function gaps(n: number, kept: readonly number[]): { after: number; from: number; to: number }[] {
  const result: { after: number; from: number; to: number }[] = [];
  let previous = -1;
  for (const index of [...kept, n]) {
    if (index > previous + 1) result.push({ after: previous, from: previous + 1, to: index - 1 });
    previous = index;
  }
  return result;
}

/** Largest k in [lo, hi] with fits(k), given fits is monotone (true up to some k); lo when none fits. */
export function largestFitting(lo: number, hi: number, fits: (k: number) => boolean): number {
  if (hi <= lo) return lo;
  if (fits(hi)) return hi;
  let good = lo;
  let bad = hi;
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    if (fits(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** `f` remembered per k: the searches for what fits ask for the same k more than once. */
export function memo<R>(f: (k: number) => R): (k: number) => R {
  const cache = new Map<number, R>();
  return (k) => {
    if (!cache.has(k)) cache.set(k, f(k));
    return cache.get(k) as R;
  };
}
