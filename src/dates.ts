/** Dates as rebut writes them in facts and decisions: ISO 8601, UTC. */

/** Unix seconds (Stripe's timestamps) → ISO 8601. */
export function isoFromUnix(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** `2025-03-01T14:02:00.000Z` → `2025-03-01`: the date alone, in UTC, cut from an ISO time as rebut stores it. */
export function formatIsoDate(iso: string): string {
  return iso.slice(0, 10);
}
