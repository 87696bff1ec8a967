// Which language the bank reads: the product's, or for `auto` the card issuer country's, English where a country has no
// one language of ours.
import { describe, expect, it } from 'vitest';
import { COUNTRY_LANGUAGES, languageForCountry, resolveLanguage } from '../../src/dispute/language.js';

describe('the language of the card issuer’s country', () => {
  it.each([
    ['FR', 'fr'],
    ['MC', 'fr'],
    ['SN', 'fr'],
    ['DE', 'de'],
    ['AT', 'de'],
    ['ES', 'es'],
    ['MX', 'es'],
    ['AR', 'es'],
    ['mx', 'es'],
  ])('%s reads %s', (country, language) => {
    expect(languageForCountry(country)).toBe(language);
  });

  it.each(['BE', 'CH', 'LU', 'CA', 'PR', 'US', 'GB', 'BR', '', null, undefined])(
    '%s reads English: several languages, another one, or none known',
    (country) => {
      expect(languageForCountry(country)).toBe('en');
    },
  );

  it('names only French, German and Spanish countries', () => {
    expect(new Set(Object.values(COUNTRY_LANGUAGES))).toEqual(new Set(['fr', 'de', 'es']));
  });
});

describe("a product's setting", () => {
  it('a language is used whatever the card; auto follows the card; no setting is English', () => {
    expect(resolveLanguage('de', 'FR')).toBe('de');
    expect(resolveLanguage('en', 'ES')).toBe('en');
    expect(resolveLanguage('auto', 'ES')).toBe('es');
    expect(resolveLanguage('auto', null)).toBe('en');
    expect(resolveLanguage(undefined, 'FR')).toBe('en');
  });
});
