import { PACKET_MESSAGES, type PacketMessages } from '../../i18n/packet.js';
import { formatMoney as formatMoneyInWords, formatMoneyWithCode } from '../../money.js';

/** How amounts, times and reasons read in the evidence files: plain, unambiguous, UTC. */

/**
 * `4900, 'usd'` → `$49.00 USD`: the symbol people read and the code nobody can misread. Decimals are Stripe's
 * (money.ts), not Intl's: Intl gives HUF and ISK none where Stripe counts two, which would print 100× the amount.
 */
export function formatMoney(amount: number, currency: string, say: PacketMessages = PACKET_MESSAGES.en): string {
  // Another language's reader sees its own number format with the code: `49,00 USD`, no symbol to misread.
  if (say !== PACKET_MESSAGES.en) return formatMoneyWithCode(amount, currency, say.locale);
  const code = currency.toUpperCase();
  const text = formatMoneyInWords(amount, currency);
  return text.includes(code) ? text : `${text} ${code}`;
}

/** `2026-11-24T13:45:07Z` → `2026-11-24 13:45 UTC`; anything unparseable is shown as given. */
export function formatTime(
  at: string | null | undefined,
  seconds = false,
  say: PacketMessages = PACKET_MESSAGES.en,
): string {
  if (!at) return say.timeUnknown;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, seconds ? 19 : 16)} UTC`;
}

export function formatCardBrand(brand: string | null, say: PacketMessages = PACKET_MESSAGES.en): string {
  if (!brand) return say.cardUnknown;
  const names: Record<string, string> = { amex: 'American Express', mastercard: 'Mastercard', visa: 'Visa' };
  return names[brand] ?? brand.charAt(0).toUpperCase() + brand.slice(1).replace(/_/g, ' ');
}
