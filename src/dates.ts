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
