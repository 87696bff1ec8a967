import { isIPv4, isIPv6 } from 'node:net';
import { currencyDecimals } from './format.js';

/**
 * Finds the checkable values in a piece of text (amounts, dates, times, IPs, emails, card
 * details, ids, URLs, counts) and writes each in one canonical form, so `$49.00`, `49.00 USD`,
 * `USD 49` and `4900 cents` all become `usd:4900`. Pure; used on the fact sheet and on drafts.
 */

export type ValueKind = 'amount' | 'date' | 'time' | 'ip' | 'email' | 'card' | 'id' | 'url' | 'count';

export interface Mention {
  kind: ValueKind;
  /** As written in the text. */
  raw: string;
  /** Canonical forms; the mention is grounded when one of them (or every one, with `all`) is in the sheet. */
  keys: string[];
  all?: boolean;
  /** Set when the value is wrong whatever the sheet says (a date that does not exist, a wrong weekday). */
  problem?: string;
  /** Ids and order numbers are looked up among the sheet's words, not among canonical keys. */
  token?: 'exact' | 'upper';
}

/** Canonicalises look-alikes (full-width digits, `＄`), drops invisible characters, flattens odd spaces. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]/g, '')
    .replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' ');
}

/**
 * Month and weekday names in the rebuttal's languages (English, French, German, Spanish: src/dispute/language.ts),
 * full and in their usual abbreviations, each with what it means. Spanish "ago" (agosto) is left out: it is an
 * English word.
 */
const MONTH_WORDS: Record<string, number> = {
  ...Object.fromEntries(
    [
      'january',
      'february',
      'march',
      'april',
      'may',
      'june',
      'july',
      'august',
      'september',
      'october',
      'november',
      'december',
    ].flatMap((name, index) => [
      [name, index],
      [name.slice(0, 3), index],
    ]),
  ),
  sept: 8,
  // French
  janvier: 0,
  janv: 0,
  février: 1,
  févr: 1,
  fevrier: 1,
  mars: 2,
  avril: 3,
  avr: 3,
  mai: 4,
  juin: 5,
  juillet: 6,
  juil: 6,
  août: 7,
  aout: 7,
  septembre: 8,
  octobre: 9,
  novembre: 10,
  décembre: 11,
  déc: 11,
  decembre: 11,
  // German
  januar: 0,
  jänner: 0,
  februar: 1,
  märz: 2,
  mär: 2,
  juni: 5,
  juli: 6,
  oktober: 9,
  okt: 9,
  dezember: 11,
  dez: 11,
  // Spanish
  enero: 0,
  ene: 0,
  febrero: 1,
  marzo: 2,
  abril: 3,
  abr: 3,
  mayo: 4,
  junio: 5,
  julio: 6,
  agosto: 7,
  septiembre: 8,
  setiembre: 8,
  octubre: 9,
  noviembre: 10,
  diciembre: 11,
  dic: 11,
};
const alternation = (names: readonly string[]) => [...names].sort((a, b) => b.length - a.length).join('|');
const MONTH_NAMES = alternation(Object.keys(MONTH_WORDS));
const WEEKDAY_WORDS: Record<string, number> = {
  lundi: 1,
  mardi: 2,
  mercredi: 3,
  jeudi: 4,
  vendredi: 5,
  samedi: 6,
  dimanche: 0,
  montag: 1,
  dienstag: 2,
  mittwoch: 3,
  donnerstag: 4,
  freitag: 5,
  samstag: 6,
  sonnabend: 6,
  sonntag: 0,
  lunes: 1,
  martes: 2,
  miércoles: 3,
  miercoles: 3,
  jueves: 4,
  viernes: 5,
  sábado: 6,
  sabado: 6,
  domingo: 0,
};
const WEEKDAY_NAMES = `(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?|${alternation(Object.keys(WEEKDAY_WORDS))})`;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const WEEKDAY_TITLES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** Words between a day and its month or year: "4th of March", "16 de noviembre de 2026", "le 16", "den 16.". */
const DAY_SUFFIX = '(?:st|nd|rd|th|er|\\.|º)?';
const ARTICLE = '(?:(?:the|le|el|den|am)[^\\S\\n]+)?';

/** Symbols and the currencies they can mean; a bare `$` is any dollar. */
const SYMBOLS: Record<string, string[]> = {
  US$: ['usd'],
  CA$: ['cad'],
  C$: ['cad'],
  AU$: ['aud'],
  A$: ['aud'],
  NZ$: ['nzd'],
  HK$: ['hkd'],
  MX$: ['mxn'],
  SG$: ['sgd'],
  S$: ['sgd'],
  NT$: ['twd'],
  R$: ['brl'],
  'CN¥': ['cny'],
  // How French writes dollars and pounds after the amount: `49,00 $US`, `49,00 $CA`, `49,00 £GB`.
  $US: ['usd'],
  $CA: ['cad'],
  $AU: ['aud'],
  $NZ: ['nzd'],
  $HK: ['hkd'],
  $MX: ['mxn'],
  $SG: ['sgd'],
  '£GB': ['gbp'],
  'JP¥': ['jpy'],
  $: ['usd', 'cad', 'aud', 'nzd', 'hkd', 'mxn', 'sgd', 'twd'],
  '¥': ['jpy', 'cny'],
  '€': ['eur'],
  '£': ['gbp'],
  '₹': ['inr'],
  '₩': ['krw'],
  '₽': ['rub'],
  '₺': ['try'],
  '₪': ['ils'],
  '₫': ['vnd'],
  '₱': ['php'],
  '฿': ['thb'],
};
const SYMBOL_PATTERN = Object.keys(SYMBOLS)
  .sort((a, b) => b.length - a.length)
  .map((symbol) => symbol.replace(/[$]/g, '\\$'))
  .join('|');

/** Upper-case ISO codes only: `TRY 5` is lira, `try 5 times` is not. */
const CODES = [
  'USD',
  'EUR',
  'GBP',
  'CAD',
  'AUD',
  'NZD',
  'JPY',
  'CNY',
  'HKD',
  'SGD',
  'CHF',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'HUF',
  'RON',
  'BGN',
  'INR',
  'BRL',
  'MXN',
  'KRW',
  'TWD',
  'THB',
  'IDR',
  'MYR',
  'PHP',
  'VND',
  'ZAR',
  'AED',
  'SAR',
  'ILS',
  'TRY',
  'CLP',
  'COP',
  'PEN',
  'ARS',
  'ISK',
  'BHD',
  'KWD',
  'JOD',
  'OMR',
  'TND',
  'XOF',
  'XAF',
  'UGX',
  'RWF',
];
const CODE_PATTERN = `(?:${CODES.join('|')}|usd|eur|gbp|cad|aud|jpy)`;
const WORD_CURRENCIES: Record<string, string[]> = {
  dollar: SYMBOLS.$ ?? ['usd'],
  euro: ['eur'],
  pound: ['gbp'],
  yen: ['jpy'],
  rupee: ['inr'],
};
// `1,234.56`, `1.234,56` (German, Spanish), `1 234,56` (French groups with a narrow space, flattened by normaliseText).
const NUMBER_PATTERN =
  '(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d{1,3}(?:\\.\\d{3})+,\\d+|\\d{1,3}(?: \\d{3})+(?:,\\d+)?|\\d+(?:[.,]\\d+)?)';

const CARD_BRANDS =
  'visa|master\\s?card|amex|american\\s+express|discover|diners(?:\\s+club)?|jcb|union\\s?pay|maestro|cartes\\s+bancaires';

/** The Stripe object prefixes a rebuttal might mention (charges, payment intents, disputes, invoices…). */
const STRIPE_ID =
  /\b(?:ch|py|pi|du|dp|in|cus|sub|re|pm|card|src|evt|txn|prod|price|cs|seti|si|ii|il|cn|po|tr|acct|pyr|ipi|inpay)_[A-Za-z0-9]{3,}(?:_[A-Za-z0-9]+)*\b/g;

/** What French, German and Spanish count, singular and plural; an English noun is matched by the pattern above. */
const COUNT_NOUNS = [
  // French
  'événements?',
  'evenements?',
  'connexions?',
  'téléchargements?',
  'paiements?',
  'fois',
  'appareils?',
  'adresses? IP',
  'fichiers?',
  'commandes?',
  'factures?',
  'courriels?',
  'e-mails?',
  'visites?',
  'utilisations?',
  'rendus?',
  'créations?',
  'prélèvements?',
  // German
  'Ereignisse?',
  'Ereignissen',
  'Anmeldungen',
  'Anmeldung',
  'Logins?',
  'Zahlungen',
  'Zahlung',
  'Mal',
  'Geräte?n?',
  'IP-Adressen',
  'IP-Adresse',
  'Sitzungen',
  'Dateien',
  'Datei',
  'Bilder',
  'Bild',
  'Bestellungen',
  'Rechnungen',
  'Rechnung',
  'Nachrichten',
  'Nachricht',
  'Besuche',
  'Aktivitäten',
  'Abbuchungen',
  // Spanish
  'eventos?',
  'inicios? de sesión',
  'descargas?',
  'pagos?',
  'veces',
  'vez',
  'dispositivos?',
  'direcci(?:ón|ones) IP',
  'sesi(?:ón|ones)',
  'archivos?',
  'imágen(?:es)?',
  'imagen',
  'pedidos?',
  'facturas?',
  'mensajes?',
  'correos?',
  'visitas?',
  'usos?',
  'cargos?',
].join('|');
/** Words that may stand between a number and what it counts: "3 autres paiements", "3 frühere Zahlungen". */
const COUNT_ADJECTIVES = [
  'autres',
  'anciens',
  'précédents',
  'andere',
  'weitere',
  'frühere',
  'erfolgreiche',
  'verschiedene',
  'unterschiedliche',
  'otros',
  'otras',
].join('|');

export interface ExtractOptions {
  /** Currencies an amount written without one (`49.00`, `4900 cents`) may be in. */
  currencies: readonly string[];
}

// Built once: the patterns below do not depend on the text, and compiling the long alternations on every call cost
// a third of a short line's check.
const DAY_MONTH_DATE = new RegExp(
  `(?<![\\p{L}\\d:.,])(?:(${WEEKDAY_NAMES}),?[^\\S\\n]+)?${ARTICLE}(\\d{1,2})${DAY_SUFFIX}(?:[^\\S\\n]+(?:of|de))?[^\\S\\n]+(${MONTH_NAMES})(?![\\p{L}])\\.?(?:,?[^\\S\\n]+(?:de(?:l)?[^\\S\\n]+)?(\\d{4})(?!\\d))?`,
  'giu',
);
const MONTH_DAY_DATE = new RegExp(
  `(?<![\\p{L}\\d:.,])(?:(${WEEKDAY_NAMES}),?[^\\S\\n]+)?(${MONTH_NAMES})(?![\\p{L}])\\.?[^\\S\\n]+(?:the[^\\S\\n]+)?(\\d{1,2})(?:st|nd|rd|th)?(?!\\d)(?:,?[^\\S\\n]+(\\d{4})(?!\\d))?`,
  'giu',
);
const BRAND_AND_DIGITS = new RegExp(
  `\\b(${CARD_BRANDS})\\b(?:\\s+(?:credit|debit|prepaid))?(?:\\s+card)?(?:\\s+(?:ending(?:\\s+(?:in|with))?|number|no\\.?))?\\s*[:#]?\\s*(?:[•*xX…]+\\s?)?(\\d{4})(?!\\d)`,
  'gi',
);
const FOREIGN_COUNT = new RegExp(
  `(?<![\\d.,])(\\d{1,3}(?:[ .,]\\d{3})+|\\d+)\\s+(?:(?:${COUNT_ADJECTIVES})\\s+)?(?:${COUNT_NOUNS})(?![\\p{L}])`,
  'giu',
);
const SYMBOL_AMOUNT = new RegExp(
  `(?<![A-Za-z0-9])(?<!\\d\\s?)(${SYMBOL_PATTERN})\\s?-?${NUMBER_PATTERN}(?:\\s?(${CODE_PATTERN})\\b)?`,
  'g',
);
const CODE_AMOUNT = new RegExp(`(?<![A-Za-z])(?<!\\d\\s?)(${CODE_PATTERN})\\s?-?${NUMBER_PATTERN}(?![\\d])`, 'g');
const AMOUNT_CODE = new RegExp(`(?<![\\d.,])${NUMBER_PATTERN}\\s?(${CODE_PATTERN})\\b`, 'g');
const AMOUNT_SYMBOL = new RegExp(`(?<![\\d.,])${NUMBER_PATTERN}\\s?(${SYMBOL_PATTERN})`, 'g');
const AMOUNT_WORD = new RegExp(`(?<![\\d.,])${NUMBER_PATTERN}\\s?(dollar|euro|pound|yen|rupee)s?\\b`, 'gi');
const AMOUNT_MINOR_UNITS = new RegExp(`(?<![\\d.,])${NUMBER_PATTERN}\\s?(?:cents?|pence|minor units?)\\b`, 'gi');
const BRAND_NAME = new RegExp(`\\b(${CARD_BRANDS})\\b`, 'gi');

/** Every value mention in `text`. Each pattern masks what it matched, so `2026-03-04` is one date, not an amount too. */
export function extractMentions(text: string, options: ExtractOptions): Mention[] {
  const scan = new Scanner(normaliseText(text));
  const mentions: Mention[] = [];
  const add = (found: Mention | Mention[] | null) => {
    if (found === null) return;
    if (Array.isArray(found)) mentions.push(...found);
    else mentions.push(found);
  };

  scan.each(/\b(?:https?:\/\/|www\.)[^\s<>"'‹›]+/gi, (match) => {
    const raw = match[0].replace(/[.,;:!?)\]}'"]+$/, '');
    add({ kind: 'url', raw, keys: [normaliseUrl(raw)] });
    return raw.length;
  });
  scan.each(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, (match) => {
    add({ kind: 'email', raw: match[0], keys: [match[0].toLowerCase()] });
  });
  scan.each(
    /\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|net|org|io|co|app|dev|ai|shop|store|biz|info|me|xyz|site|online|tech|cloud)\b(?:\/[^\s<>"'‹›]*)?/gi,
    (match) => {
      const raw = match[0].replace(/[.,;:!?)\]}'"]+$/, '');
      add({ kind: 'url', raw, keys: [normaliseUrl(raw)] });
      return raw.length;
    },
  );
  scan.each(STRIPE_ID, (match) => {
    add({ kind: 'id', raw: match[0], keys: [match[0]], token: 'exact' });
  });

  // ISO 8601 date-times carry a date and, often, a time with an offset.
  scan.each(
    /\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:\s?(Z|UTC|GMT|[+-]\d{2}:?\d{2})\b)?)?(?![\d-])/g,
    (match) => {
      const [raw, year, month, day, hour, minute, , zone] = match;
      const date = dateKey(Number(year), Number(month), Number(day));
      if (hour === undefined || minute === undefined) {
        add(date ? dateMention(raw, [date]) : invalidDate(raw));
        return;
      }
      const utc = toUtc(Number(year), Number(month), Number(day), Number(hour), Number(minute), zone);
      const dates = date ? [date] : [];
      if (utc) dates.push(utc.date);
      add(date ? dateMention(raw, unique(dates)) : invalidDate(raw));
      add(timeMention(raw, Number(hour), Number(minute), zone));
    },
  );

  scan.each(
    /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\d|\.\d)/g,
    (match) => {
      if (isIPv4(match[0])) add({ kind: 'ip', raw: match[0], keys: [match[0]] });
    },
  );
  scan.each(/(?<![0-9a-z:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![0-9a-z:])/gi, (match) => {
    const raw = match[0];
    // `14:03:22` is a time; an IPv6 address has more groups or a `::`.
    if (!isIPv6(raw) || ((raw.match(/:/g)?.length ?? 0) < 3 && !raw.includes('::'))) return 0;
    add({ kind: 'ip', raw, keys: [expandIPv6(raw)] });
  });

  // Named dates: `4 March 2026`, `4th of March`, then `March 4, 2026`, `Wed, Mar 4`.
  scan.each(DAY_MONTH_DATE, (match) => add(namedDate(match[0], match[1], match[3], match[2], match[4])));
  scan.each(MONTH_DAY_DATE, (match) => add(namedDate(match[0], match[1], match[2], match[3], match[4])));
  // Numeric dates: year first is unambiguous; `03/04/2026` could be March 4 or April 3.
  scan.each(/(?<![\d/.-])(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?![\d/-]|\.\d)/g, (match) => {
    const key = dateKey(Number(match[1]), Number(match[3]), Number(match[4]));
    add(key ? dateMention(match[0], [key]) : invalidDate(match[0]));
  });
  scan.each(/(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/-]|\.\d)/g, (match) => {
    add(numericDate(match[0], Number(match[1]), Number(match[3]), match[4] ?? ''));
  });

  scan.each(
    /(?<![\d:.])([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?(?:\s?([ap])(?:m\b|\.m\.))?(?:\s?(Z|UTC|GMT|[+-]\d{2}:?\d{2})\b)?(?![\d:])/gi,
    (match) => {
      const hour = twentyFourHour(Number(match[1]), match[4]);
      add(timeMention(match[0], hour, Number(match[2]), match[5]));
    },
  );
  // French hours: `14h03`, `14 h 03`.
  scan.each(/(?<![\d:.])([01]?\d|2[0-3])\s?h\s?([0-5]\d)(?:\s?(Z|UTC|GMT|[+-]\d{2}:?\d{2})\b)?(?![\d:])/g, (match) => {
    add(timeMention(match[0], Number(match[1]), Number(match[2]), match[3]));
  });
  scan.each(/\b(1[0-2]|0?[1-9])\s?([ap])(?:m\b|\.m\.)(?:\s?(Z|UTC|GMT|[+-]\d{2}:?\d{2})\b)?/gi, (match) => {
    add(timeMention(match[0], twentyFourHour(Number(match[1]), match[2]), 0, match[3]));
  });

  // Card details: brand with digits, "ending in 4242", masked numbers, and whole card numbers.
  scan.each(BRAND_AND_DIGITS, (match) => {
    add({
      kind: 'card',
      raw: match[0],
      keys: [`brand:${normaliseBrand(match[1] ?? '')}`, `last4:${match[2]}`],
      all: true,
    });
  });
  scan.each(
    /(?:\bending(?:\s+(?:in|with))?|\blast\s+(?:4|four)(?:\s+digits)?(?:\s+(?:of|are|is))?|[•*…]{2,}|\b[xX]{2,})\s*[:#-]?\s*(\d{4})(?!\d)/g,
    (match) => {
      add({ kind: 'card', raw: match[0], keys: [`last4:${match[1]}`] });
    },
  );
  scan.each(/(?<!\d)[2-6](?:[ -]?\d){12,18}(?!\d)/g, (match) => {
    const digits = match[0].replace(/\D/g, '');
    if (!passesLuhn(digits)) return 0;
    add({ kind: 'card', raw: match[0], keys: [`pan:${digits}`] });
  });

  // Order, invoice and receipt numbers: `#1234`, `order 1234`, `invoice INV-0042`.
  scan.each(/#\s?([A-Za-z0-9-]*\d[A-Za-z0-9-]*)/g, (match) => {
    const token = (match[1] ?? '').replace(/-+$/, '');
    if (token.length < 2) return 0;
    add({ kind: 'id', raw: match[0], keys: [token.toUpperCase()], token: 'upper' });
  });
  scan.each(
    /\b(?:order|invoice|receipt|ticket|transaction|booking|reference|ref|confirmation)\s*(?:(?:no|num|number|id)\.?\s*)?[:#]?\s*([A-Za-z]{0,6}[-_]?\d[A-Za-z0-9_-]*)/gi,
    (match) => {
      const token = (match[1] ?? '').replace(/-+$/, '');
      if (token.length < 3) return 0;
      add({ kind: 'id', raw: match[0], keys: [token.toUpperCase()], token: 'upper' });
    },
  );

  extractAmounts(scan, options, add);

  scan.each(
    /(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)\s+(?:(?:successful|separate|different|unique|failed|prior|earlier|previous|total|more)\s+)?(?:logins?|log-ins?|sign-ins?|sessions?|downloads?|visits?|messages?|emails?|requests?|times|uses|exports?|files?|designs?|images?|projects?|payments?|charges?|orders?|invoices?|devices?|renders?|generations?|events?|(?:IP\s+)?addresses)\b/gi,
    (match) => {
      add({ kind: 'count', raw: match[0], keys: [(match[1] ?? '').replace(/[ ,]/g, '')] });
    },
  );
  // The same counts in French, German and Spanish: "12 événements", "1 500 connexions", "12 Ereignisse", "3 frühere
  // Zahlungen", "12 eventos", "2 direcciones IP". Thousands grouped with a space, a dot or a comma.
  scan.each(FOREIGN_COUNT, (match) => {
    add({ kind: 'count', raw: match[0], keys: [(match[1] ?? '').replace(/[ .,]/g, '')] });
  });
  // "1,500 × generated a design": how the activity summary counts events by name (evidence/activity-summary.ts).
  scan.each(/(?<![\d.,])(\d{1,3}(?:[ .,]\d{3})+|\d+)\s?×(?=\s)/g, (match) => {
    add({ kind: 'count', raw: match[0], keys: [(match[1] ?? '').replace(/[ .,]/g, '')] });
  });
  return mentions;
}

function extractAmounts(scan: Scanner, options: ExtractOptions, add: (found: Mention | null) => void): void {
  const amount = (raw: string, number: string, currencies: readonly string[], minorUnits = false): Mention => {
    const keys = unique(
      currencies.flatMap((currency) => {
        const minor = minorUnits ? toMinor(number, 0) : toMinor(number, currencyDecimals(currency));
        return minor === null ? [] : [`${currency.toLowerCase()}:${minor}`];
      }),
    );
    return { kind: 'amount', raw: raw.trim(), keys };
  };
  const symbol = (text: string): readonly string[] => SYMBOLS[text] ?? options.currencies;
  const code = (text: string): string[] => [text.toLowerCase()];

  scan.each(
    // Not the symbol of an amount written before it (`49,00 $ 12 fois`): that one is read below, symbol after.
    SYMBOL_AMOUNT,
    (match) => add(amount(match[0], match[2] ?? '', match[3] ? code(match[3]) : symbol(match[1] ?? ''))),
  );
  scan.each(CODE_AMOUNT, (match) => add(amount(match[0], match[2] ?? '', code(match[1] ?? ''))));
  scan.each(AMOUNT_CODE, (match) => add(amount(match[0], match[1] ?? '', code(match[2] ?? ''))));
  scan.each(AMOUNT_SYMBOL, (match) => add(amount(match[0], match[1] ?? '', symbol(match[2] ?? ''))));
  scan.each(AMOUNT_WORD, (match) =>
    add(amount(match[0], match[1] ?? '', WORD_CURRENCIES[(match[2] ?? '').toLowerCase()] ?? options.currencies)),
  );
  scan.each(AMOUNT_MINOR_UNITS, (match) => add(amount(match[0], match[1] ?? '', options.currencies, true)));
  // A bare `49.00` in a rebuttal is money: checked against the sheet's currencies.
  scan.each(/(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)\.\d{2}(?![\d%]|\.\d|\s?%)/g, (match) =>
    add(amount(match[0], match[0], options.currencies)),
  );
}

/** `1,234.56` / `1.234,56` / `1 234,56` / `49,00` / `5,000` → minor units in a currency with `decimals` digits; null if it has more. */
export function toMinor(number: string, decimals: number): number | null {
  let text = number.replace(/ /g, '');
  const comma = text.lastIndexOf(',');
  const dot = text.lastIndexOf('.');
  if (comma >= 0 && dot >= 0) {
    text = comma > dot ? text.replace(/\./g, '').replace(',', '.') : text.replace(/,/g, '');
  } else if (comma >= 0) {
    text = /^\d{1,3}(,\d{3})+$/.test(text) ? text.replace(/,/g, '') : text.replace(',', '.');
  } else if (dot >= 0 && /^\d{1,3}(\.\d{3}){2,}$/.test(text)) {
    text = text.replace(/\./g, '');
  }
  const [whole = '', fraction = ''] = text.split('.');
  if (!/^\d+$/.test(whole) || !/^\d*$/.test(fraction)) return null;
  if (/[1-9]/.test(fraction.slice(decimals))) return null;
  const minor = Number(whole) * 10 ** decimals + Number(fraction.slice(0, decimals).padEnd(decimals, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : null;
}

export function normaliseUrl(url: string): string {
  return url
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[/?#]+$/, '');
}

export function normaliseBrand(brand: string): string {
  const name = brand.toLowerCase().replace(/\s+/g, ' ');
  if (name.startsWith('master')) return 'mastercard';
  if (name === 'american express') return 'amex';
  if (name.startsWith('diners')) return 'diners';
  if (name.startsWith('union')) return 'unionpay';
  return name.replace(/ /g, '_');
}

/** Brand names anywhere in a text (the sheet's `Card brand: visa`, a fact's "Visa card"). */
export function brandsIn(text: string): string[] {
  return allMatches(BRAND_NAME, normaliseText(text)).map((match) => normaliseBrand(match[1] ?? ''));
}

function dateMention(raw: string, keys: string[]): Mention {
  return { kind: 'date', raw, keys };
}

function invalidDate(raw: string): Mention {
  return { kind: 'date', raw, keys: [], problem: `"${raw}" is not a real date` };
}

function namedDate(
  raw: string,
  weekday: string | undefined,
  monthName: string | undefined,
  dayText: string | undefined,
  yearText: string | undefined,
): Mention {
  const month = monthIndex(monthName ?? '') + 1;
  const day = Number(dayText);
  if (!yearText) {
    const valid = dateKey(2024, month, day) !== null; // a leap year, so February 29 passes
    return valid ? dateMention(raw, [`md:${pad(month)}-${pad(day)}`]) : invalidDate(raw);
  }
  const year = Number(yearText);
  const key = dateKey(year, month, day);
  if (!key) return invalidDate(raw);
  if (weekday) {
    const actual = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
    if (weekdayIndex(weekday) !== actual) {
      return { ...dateMention(raw, [key]), problem: `"${raw}": that day was a ${WEEKDAY_TITLES[actual]}` };
    }
  }
  return dateMention(raw, [key]);
}

function numericDate(raw: string, first: number, second: number, yearText: string): Mention {
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  const monthFirst = dateKey(year, first, second);
  const dayFirst = dateKey(year, second, first);
  const readings = unique([monthFirst, dayFirst].filter((key): key is string => key !== null));
  if (readings.length === 0) return invalidDate(raw);
  // Both readings valid and different: only acceptable if the sheet has both, so no reading can be wrong.
  return { kind: 'date', raw, keys: readings, all: readings.length > 1 };
}

function timeMention(raw: string, hour: number, minute: number, zone: string | undefined): Mention {
  const keys = [`${pad(hour)}:${pad(minute)}`];
  const offset = zoneOffsetMinutes(zone);
  if (offset !== null && offset !== 0) {
    const total = (((hour * 60 + minute - offset) % 1440) + 1440) % 1440;
    keys.push(`${pad(Math.floor(total / 60))}:${pad(total % 60)}`);
  }
  return { kind: 'time', raw, keys };
}

function toUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  zone: string | undefined,
): { date: string } | null {
  const offset = zoneOffsetMinutes(zone);
  if (offset === null || offset === 0) return null;
  const time = new Date(Date.UTC(year, month - 1, day, hour, minute) - offset * 60_000);
  return { date: time.toISOString().slice(0, 10) };
}

function zoneOffsetMinutes(zone: string | undefined): number | null {
  if (!zone) return null;
  if (/^(Z|UTC|GMT)$/i.test(zone)) return 0;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!match) return null;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

function twentyFourHour(hour: number, meridiem: string | undefined): number {
  if (!meridiem || hour > 12) return hour;
  const pm = meridiem.toLowerCase() === 'p';
  if (hour === 12) return pm ? 12 : 0;
  return pm ? hour + 12 : hour;
}

export function dateKey(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `d:${year}-${pad(month)}-${pad(day)}`;
}

function monthIndex(name: string): number {
  return MONTH_WORDS[name.toLowerCase().replace(/\.$/, '')] ?? -1;
}

/** `Mon`, `Monday`, `lundi`, `Montag`, `lunes` → 1. */
function weekdayIndex(name: string): number {
  const word = name.toLowerCase();
  return WEEKDAY_WORDS[word] ?? WEEKDAYS.findIndex((prefix) => word.startsWith(prefix));
}

function expandIPv6(address: string): string {
  const [head = '', tail] = address.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array.from({ length: missing }, () => '0'), ...tailGroups];
  return groups.map((group) => group.replace(/^0+(?=.)/, '')).join(':');
}

/** Card numbers carry a Luhn check digit; most other long numbers do not. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Runs patterns in turn over one text, blanking what each one matched so later patterns do not see it again. */
class Scanner {
  constructor(private text: string) {}

  /** `visit` may return how many characters of the match to mask (0: leave it for later patterns). */
  each(pattern: RegExp, visit: (match: RegExpExecArray) => unknown): void {
    const masks: [number, number][] = [];
    for (const match of allMatches(pattern, this.text)) {
      const result = visit(match);
      const length = typeof result === 'number' ? result : match[0].length;
      if (length > 0) masks.push([match.index, match.index + length]);
    }
    if (masks.length === 0) return;
    // One pass over the text (matches come in order and never overlap): masking match by match copied the
    // whole text each time, which grew with the square of a long fact sheet.
    let masked = '';
    let from = 0;
    for (const [start, end] of masks) {
      masked += `${this.text.slice(from, start)}${' '.repeat(end - start)}`;
      from = end;
    }
    this.text = masked + this.text.slice(from);
  }
}

/**
 * What `text.matchAll(pattern)` gives, from the pattern itself: matchAll makes a copy of the pattern for every text,
 * and on short texts the copy costs more than the matching (a fact sheet's many short texts took three times the CPU:
 * 19 against 6 µs a text). All matches are taken before any is read, so a caller may use the pattern again meanwhile.
 */
export function allMatches(pattern: RegExp, text: string): RegExpExecArray[] {
  if (!pattern.global) throw new TypeError(`allMatches needs a global pattern: ${pattern}`);
  const matches: RegExpExecArray[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    // An empty match moves on by one character (a whole surrogate pair in a Unicode pattern), as matchAll does.
    if (match[0] === '')
      pattern.lastIndex = match.index + (pattern.unicode && (text.codePointAt(match.index) ?? 0) > 0xffff ? 2 : 1);
    matches.push(match);
  }
  return matches;
}
