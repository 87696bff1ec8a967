/**
 * Money as Stripe keeps it: integer minor units of a currency. One place knows how many decimals
 * each currency has, so the drafter, the grounding check, the evidence files, Slack and the stats
 * all write the same amount the same way.
 */

/** Stripe's zero-decimal currencies: `amount` 5000 in JPY is ¥5,000, not ¥50.00 (docs.stripe.com/currencies). */
export const ZERO_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

/** Stripe's three-decimal currencies: minor units are thousandths. */
export const THREE_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

export function currencyDecimals(currency: string): number {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL_CURRENCIES.has(code)) return 0;
  if (THREE_DECIMAL_CURRENCIES.has(code)) return 3;
  return 2;
}

/**
 * One formatter per locale and currency, made once: building an `Intl.NumberFormat` costs far more than using one, and
 * a packet and its grounding check format thousands of amounts (profiled: 0.2 s of CPU per 100 cases). null: Intl does
 * not know the code.
 */
const formatters = new Map<string, Intl.NumberFormat | null>();

function formatterFor(locale: string, code: string, decimals: number): Intl.NumberFormat | null {
  const key = `${locale}|${code}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    try {
      formatter = new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: code,
        minimumFractionDigits: decimals,
        maximumFractionDigits: decimals,
      });
    } catch {
      formatter = null;
    }
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * `4900, 'usd'` → `$49.00`; `5000, 'jpy'` → `¥5,000`; `4900, 'cad'` → `CA$49.00`; an unknown code → `49.00 XYZ`.
 * In another locale as that locale writes it: `49,00 $US` (fr-FR), `49,00 €` (de-DE), `49,00 US$` (es-ES).
 */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  const decimals = currencyDecimals(currency);
  const major = minor / 10 ** decimals;
  const code = currency.toUpperCase();
  const formatter = formatterFor(locale, code, decimals);
  // An unknown ISO code: Intl refuses it, the plain form is still unambiguous.
  if (!formatter) return `${major.toFixed(decimals)} ${code}`;
  return formatter.format(major).replace(/[\u00a0\u202f]/g, ' ');
}

/** `4900, 'usd'` → `49.00 USD`: the unambiguous form evidence sentences use. */
export function formatMoneyCode(minor: number, currency: string): string {
  const decimals = currencyDecimals(currency);
  return `${(minor / 10 ** decimals).toFixed(decimals)} ${currency.toUpperCase()}`;
}

/**
 * `4900, 'usd', 'fr-FR'` → `49,00 USD`: the locale's number with the ISO code, as an evidence file in another
 * language shows money. Decimals are Stripe's, as in `formatMoney`.
 */
export function formatMoneyWithCode(minor: number, currency: string, locale: string): string {
  const decimals = currencyDecimals(currency);
  const major = minor / 10 ** decimals;
  const number = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
    .format(major)
    .replace(/[\u00a0\u202f]/g, ' ');
  return `${number} ${currency.toUpperCase()}`;
}
