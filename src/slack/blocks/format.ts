// Words and numbers as a person reads them in Slack: money by currency, networks in words, dates that Slack
// renders in each reader's own time zone, and text cut to Block Kit's limits.

import { plural } from '../../text.js';

export { currencyDecimals as minorUnitDigits, formatMoney as formatAmount } from '../../money.js';

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const CARD_NETWORKS: Record<string, string> = {
  amex: 'American Express',
  cartes_bancaires: 'Cartes Bancaires',
  diners: 'Diners Club',
  discover: 'Discover',
  eftpos_au: 'eftpos Australia',
  interac: 'Interac',
  jcb: 'JCB',
  mastercard: 'Mastercard',
  unionpay: 'UnionPay',
  visa: 'Visa',
};

export function cardNetworkInWords(network: string | null, brand: string | null): string {
  const name = network ?? brand;
  if (!name || name === 'unknown') return 'Unknown';
  return CARD_NETWORKS[name] ?? capitalise(name.replaceAll('_', ' '));
}

/**
 * A date Slack shows in the reader's own time zone (`<!date^…>`), with a UTC fallback for clients
 * and notifications that cannot render it.
 */
export function slackDate(at: Date, format = '{date_short_pretty} at {time}'): string {
  const unix = Math.floor(at.getTime() / 1000);
  const fallback = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${unix}^${format}|${fallback}>`;
}

/** "in 5 hours", "2 days ago", "in 40 minutes": how far `at` is from `now`, roughly. */
export function relativeTime(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const span =
    minutes < 1
      ? 'less than a minute'
      : minutes < 90
        ? plural(minutes, 'minute')
        : minutes < 36 * 60
          ? plural(Math.round(minutes / 60), 'hour')
          : plural(Math.round(minutes / 1440), 'day');
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

/** Who did it, as Slack shows it: `slack:U123` → a mention; `timer`, `autopilot` in words. */
export function actorInWords(actor: string): string {
  if (actor.startsWith('slack:')) return `<@${actor.slice('slack:'.length)}>`;
  if (actor === 'timer') return 'rebut (the review window ended)';
  if (actor === 'autopilot') return 'autopilot';
  return escapeMrkdwn(actor);
}

/** Slack's mrkdwn needs only these three escaped; everything else is shown as typed. */
/**
 * Customer-typed text as a reviewer should see it: without the invisible characters (controls, bidi overrides and
 * isolates, zero-width spaces) that can make a name read as something it is not. Joiners stay: emoji need them.
 */
export function visibleText(text: string): string {
  return text.replace(/[\p{Cc}\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu, '');
}

export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** At most `max` characters, ending in `…` when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/**
 * `raw` escaped for mrkdwn in at most `max` characters: cut before escaping, so an entity such as `&amp;`
 * is never split, and ends in `…` when cut.
 */
export function fitMrkdwn(raw: string, max: number): string {
  const escaped = escapeMrkdwn(raw);
  if (escaped.length <= max) return escaped;
  let length = 0;
  let end = 0;
  for (const char of raw) {
    const width = escapeMrkdwn(char).length;
    if (length + width > max - 1) break;
    length += width;
    end += char.length;
  }
  return `${escapeMrkdwn(raw.slice(0, end)).trimEnd()}…`;
}

/**
 * Characters of text in Block Kit blocks, summed the way Slack seems to total them for its undocumented
 * `msg_blocks_too_long` limit: every string `text` at any depth (sections, fields, context elements, headers,
 * buttons and their confirm dialogs). Block ids, values and URLs do not count.
 */
export function blocksTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + blocksTextLength(item), 0);
  if (typeof value !== 'object' || value === null) return 0;
  let sum = 0;
  for (const [key, item] of Object.entries(value)) {
    sum += key === 'text' && typeof item === 'string' ? item.length : blocksTextLength(item);
  }
  return sum;
}

/**
 * Bullet lines (already mrkdwn) within `max` characters: as many whole lines as fit, then "…and N more".
 * A line too long on its own is clipped.
 */
export function bulletList(lines: string[], max: number, bullet = '•'): string {
  let out = '';
  for (const [index, line] of lines.entries()) {
    const entry = `${out === '' ? '' : '\n'}${bullet ? `${bullet} ` : ''}${clip(line, Math.max(1, max - 40))}`;
    const left = lines.length - index - 1;
    const tail = left > 0 ? `\n…and ${left} more` : '';
    if (out.length + entry.length + tail.length > max) {
      // The previous line left room for this marker.
      return `${out}${out === '' ? '' : '\n'}…and ${lines.length - index} more`;
    }
    out += entry;
  }
  return out;
}
