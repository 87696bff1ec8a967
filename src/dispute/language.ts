/**
 * The language of what rebut sends to the bank: the rebuttal and the evidence files (docs/architecture.md → "The
 * reader's language"). Slack stays in English: it is for the business. A product sets it (`language` in the products
 * file, REBUT_LANGUAGE without one); `auto` reads it from the country of the card's issuer.
 */

export const LANGUAGES = ['en', 'fr', 'de', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** What a product may set: a language, or `auto` for the issuer's. */
export const LANGUAGE_SETTINGS = [...LANGUAGES, 'auto'] as const;
export type LanguageSetting = (typeof LANGUAGE_SETTINGS)[number];
/** How a setting's refusal reads: `REBUT_LANGUAGE: expected …`, `products.0.language: expected …`. */
export const LANGUAGE_EXPECTED = "expected en, fr, de, es, or auto (the language of the card issuer's country)";

/** The locale each language formats dates and money with: one per language, so a rebuttal reads one way. */
export const LOCALES: Record<Language, string> = { en: 'en-US', fr: 'fr-FR', de: 'de-DE', es: 'es-ES' };

/** How a reviewer in Slack reads the language's name. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'French', de: 'German', es: 'Spanish' };

/**
 * Issuer countries (ISO 3166-1 alpha-2, Stripe's `payment_method_details.card.country`) whose banks work in French,
 * German or Spanish: where that language is the country's main or only official one. A country with several (Belgium,
 * Switzerland, Luxembourg, Canada) or where another language leads (Puerto Rico's banks are under US rules) gets
 * English: the card does not say which region's bank issued it, and every issuer's analyst reads English, while a
 * wrong guess would be read by no one.
 */
export const COUNTRY_LANGUAGES: Readonly<Record<string, Exclude<Language, 'en'>>> = {
  // France, Monaco, France's overseas departments and territories, and the countries whose only official language is
  // French.
  ...Object.fromEntries(
    [
      'FR',
      'MC',
      'GP',
      'MQ',
      'GF',
      'RE',
      'YT',
      'PM',
      'BL',
      'MF',
      'NC',
      'PF',
      'WF',
      'SN',
      'CI',
      'ML',
      'BF',
      'NE',
      'TG',
      'BJ',
      'GA',
      'CG',
      'CD',
      'GN',
    ].map((country) => [country, 'fr' as const]),
  ),
  ...Object.fromEntries(['DE', 'AT', 'LI'].map((country) => [country, 'de' as const])),
  ...Object.fromEntries(
    [
      'ES',
      'MX',
      'AR',
      'CO',
      'CL',
      'PE',
      'VE',
      'EC',
      'GT',
      'CU',
      'BO',
      'DO',
      'HN',
      'PY',
      'SV',
      'NI',
      'CR',
      'PA',
      'UY',
      'GQ',
    ].map((country) => [country, 'es' as const]),
  ),
};

/** The language of a card issued in `country`: its entry in the table, else English. */
export function languageForCountry(country: string | null | undefined): Language {
  return (country && COUNTRY_LANGUAGES[country.toUpperCase()]) || 'en';
}

/** What a product's setting means for one dispute: the language itself, or for `auto` the issuer country's. */
export function resolveLanguage(
  setting: LanguageSetting | undefined,
  cardCountry: string | null | undefined,
): Language {
  if (setting === undefined) return 'en';
  return setting === 'auto' ? languageForCountry(cardCountry) : setting;
}

export function isLanguageSetting(value: unknown): value is LanguageSetting {
  return typeof value === 'string' && (LANGUAGE_SETTINGS as readonly string[]).includes(value);
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}
