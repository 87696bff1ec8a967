/** Dates as rebut writes them in facts and decisions: ISO 8601, UTC. */

/** Unix seconds (Stripe's timestamps) → ISO 8601. */
export function isoFromUnix(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** `2025-03-01T14:02:00.000Z` → `2025-03-01`: the date alone, in UTC, cut from an ISO time as rebut stores it. */
export function formatIsoDate(iso: string): string {
  return iso.slice(0, 10);
}

/** Days of the week by their JavaScript number (`getUTCDay()`: Sunday is 0), as settings spell them. */
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `2026-12-07` → `2026-W50`: the ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(at: Date): string {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const thursday = new Date(day + (3 - ((at.getUTCDay() + 6) % 7)) * 86_400_000);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / (7 * 86_400_000)) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
