/**
 * How the drafting code writes money, dates and customer text. The fact sheet, the template
 * and the grounding check all go through these, so a value written here is always one the
 * check recognises.
 */

import { type Language, LOCALES } from '../dispute/language.js';
import { REBUTTAL_MESSAGES } from '../i18n/rebuttal.js';
import { formatMoney } from '../money.js';

/** `4900, 'usd'` → `$49.00`; `5000, 'jpy'` → `¥5,000`; `4900, 'cad'` → `CA$49.00`. */
export {
  currencyDecimals,
  formatMoney as formatAmount,
  THREE_DECIMAL_CURRENCIES,
  ZERO_DECIMAL_CURRENCIES,
} from '../money.js';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * `2026-03-04T14:03:22Z` → `March 4, 2026` (UTC), the form a bank analyst cannot misread; in another language as its
 * locale writes a long date: `4 mars 2026`, `4. März 2026`, `4 de marzo de 2026`.
 */
export function formatLongDate(iso: string, language: Language = 'en'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (language !== 'en') {
    return new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  }
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

/** `2026-03-04T14:03:22Z` → `2026-03-04 14:03 UTC`. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)} UTC`;
}

/**
 * `2026-03-04T14:03:22Z` → `March 4, 2026 at 14:03 UTC` (`4 mars 2026 à 14:03 UTC` …), or just the date when the time
 * is midnight exactly.
 */
export function formatDateTime(iso: string, language: Language = 'en'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = date.toISOString().slice(11, 16);
  const day = formatLongDate(iso, language);
  return time === '00:00' && date.getUTCSeconds() === 0 ? day : REBUTTAL_MESSAGES[language].dateAt(day, time);
}

/** An amount as the language writes it: `$49.00`, `49,00 $US`, `49,00 $`, `49,00 US$`. */
export function formatAmountIn(minor: number, currency: string, language: Language): string {
  return formatMoney(minor, currency, LOCALES[language]);
}

// C0/C1 controls, bidi overrides and zero-width characters: invisible to a reviewer, not to a model.
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const LINE_BREAKS = /[\t\n\r\u2028\u2029\u0085]+/g;

/** One line of plain text: no control or invisible characters, whitespace collapsed, at most `max` characters. */
export function plainText(text: string, max: number): string {
  const flat = text.replace(LINE_BREAKS, ' ').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  return truncate(flat, max);
}

/** Cuts at a word boundary and marks the cut, so a half number never looks like a whole one. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max - 1));
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * Customer-controlled text as a quoted string literal for the prompt: it cannot close its quotes,
 * start a new line that looks like a fact, or open and close the sheet's tags.
 */
export function quoteUntrusted(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/["\u201c\u201d\u201e\u00ab\u00bb]/g, '\\"')
    .replace(/</g, '‹')
    .replace(/>/g, '›');
  return `"${escaped}"`;
}

/** `20000` → `20 s`, `1500` → `1.5 s`: how timeouts read in a fallback reason. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** Text that keeps its paragraphs: control and invisible characters removed, blank runs collapsed, cut at `max`. */
export function plainParagraphs(text: string, max: number): string {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) =>
      line
        .replace(/[\t\u2028\u2029\u0085]/g, ' ')
        .replace(INVISIBLE, '')
        .replace(/[ ]+/g, ' ')
        .trim(),
    );
  return truncate(
    lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
    max,
  );
}
