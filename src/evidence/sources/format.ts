/** `49.00 USD` from minor units: the form the grounding check can find again in a draft. */
export { currencyDecimals, formatMoneyCode as formatAmount } from '../../money.js';

/** Unix seconds → ISO 8601. */
export function isoFromUnix(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** `2025-03-01`: the date alone, in UTC. */
export function formatDate(iso: string): string {
  return iso.slice(0, 10);
}
