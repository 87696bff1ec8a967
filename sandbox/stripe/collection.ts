import { invalidRequest } from './errors.js';
import type { CreatedRange } from './params.js';

interface Entry<T> {
  id: string;
  created: number;
  /** Insertion order, so objects created in the same second still list newest first. */
  seq: number;
  value?: T;
  /** Seeded objects are built on read and only kept once something changes them (memory stays small). */
  lazy?: () => T;
}

export interface PageRequest<T> {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
  created?: CreatedRange;
  filter?: (value: T) => boolean;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

let nextSeq = 0;

/** Objects of one kind in one account, kept in Stripe's list order: newest `created` first. */
export class Collection<T extends { id: string; created: number }> {
  private readonly byId = new Map<string, Entry<T>>();
  /** Sorted by (created desc, seq desc). */
  private order: Entry<T>[] = [];
  /** Lookups for seeded objects that exist without being listed (charges behind seeded disputes). */
  private readonly fallbacks: Array<(id: string) => T | undefined> = [];

  constructor(private readonly resource: string) {}

  get size(): number {
    return this.order.length;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): T | undefined {
    const entry = this.byId.get(id);
    if (entry) return this.read(entry);
    for (const fallback of this.fallbacks) {
      const value = fallback(id);
      if (value) return value;
    }
    return undefined;
  }

  addFallback(lookup: (id: string) => T | undefined): void {
    this.fallbacks.push(lookup);
  }

  insert(value: T): void {
    this.insertEntry({ id: value.id, created: value.created, seq: nextSeq++, value });
  }

  /** Bulk insert of lazily built objects, sorted once at the end. */
  insertLazy(items: Iterable<{ id: string; created: number; build: () => T }>): void {
    for (const item of items) {
      const entry: Entry<T> = { id: item.id, created: item.created, seq: nextSeq++, lazy: item.build };
      this.byId.set(item.id, entry);
      this.order.push(entry);
    }
    this.order.sort(compareEntries);
  }

  /** Stores a changed object; `created` never changes, so the list position stays. */
  replace(value: T): void {
    const entry = this.byId.get(value.id);
    if (!entry) throw new Error(`${this.resource} ${value.id} is not stored`);
    entry.value = value;
    entry.lazy = undefined;
  }

  values(): T[] {
    return this.order.map((entry) => this.read(entry));
  }

  page(request: PageRequest<T>): Page<T> {
    const { lo, hi } = this.createdWindow(request.created);
    const matches = (entry: Entry<T>): boolean => !request.filter || request.filter(this.read(entry));

    if (request.endingBefore !== undefined) {
      // The page just newer than the cursor, still listed newest first.
      const cursor = this.cursorIndex(request.endingBefore, 'ending_before');
      const data: T[] = [];
      let index = Math.min(cursor, hi) - 1;
      for (; index >= lo && data.length < request.limit; index--) {
        const entry = this.order[index];
        if (entry && matches(entry)) data.unshift(this.read(entry));
      }
      let hasMore = false;
      for (; index >= lo; index--) {
        const entry = this.order[index];
        if (entry && matches(entry)) {
          hasMore = true;
          break;
        }
      }
      return { data, hasMore };
    }

    const start =
      request.startingAfter === undefined
        ? lo
        : Math.max(lo, this.cursorIndex(request.startingAfter, 'starting_after') + 1);
    const data: T[] = [];
    let index = start;
    for (; index < hi && data.length < request.limit; index++) {
      const entry = this.order[index];
      if (entry && matches(entry)) data.push(this.read(entry));
    }
    let hasMore = false;
    for (; index < hi; index++) {
      const entry = this.order[index];
      if (entry && matches(entry)) {
        hasMore = true;
        break;
      }
    }
    return { data, hasMore };
  }

  private read(entry: Entry<T>): T {
    if (entry.value) return entry.value;
    if (entry.lazy) return entry.lazy();
    throw new Error(`${this.resource} ${entry.id} has no value`);
  }

  private insertEntry(entry: Entry<T>): void {
    this.byId.set(entry.id, entry);
    // New objects are usually the newest: search from the front.
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.order[mid];
      if (other && compareEntries(other, entry) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.order.splice(lo, 0, entry);
  }

  private cursorIndex(id: string, param: string): number {
    const entry = this.byId.get(id);
    if (!entry) {
      throw invalidRequest(`No such ${this.resource}: '${id}'`, { code: 'resource_missing', param });
    }
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.order[mid];
      if (other && compareEntries(other, entry) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index range [lo, hi) whose `created` lies within the filter; the order is by created desc. */
  private createdWindow(created: CreatedRange | undefined): { lo: number; hi: number } {
    if (!created) return { lo: 0, hi: this.order.length };
    const upper = Math.min(created.lte ?? Number.POSITIVE_INFINITY, (created.lt ?? Number.POSITIVE_INFINITY) - 1);
    const lower = Math.max(created.gte ?? Number.NEGATIVE_INFINITY, (created.gt ?? Number.NEGATIVE_INFINITY) + 1);
    // First index with created <= upper, first index with created < lower.
    return { lo: this.firstIndex((c) => c <= upper), hi: this.firstIndex((c) => c < lower) };
  }

  private firstIndex(predicate: (created: number) => boolean): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const entry = this.order[mid];
      if (entry && predicate(entry.created)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function compareEntries(a: { created: number; seq: number }, b: { created: number; seq: number }): number {
  return b.created - a.created || b.seq - a.seq;
}
