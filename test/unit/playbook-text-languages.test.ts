// Stripe's text evidence fields in the reader's language: rebut's own sentences in French, German or Spanish, the
// values (amounts as the language writes them, ISO times and dates, IPs, ids, counts) and the business's own words as
// in English; English unchanged by default.
import { describe, expect, it } from 'vitest';
import { LANGUAGES, type Language, LOCALES } from '../../src/dispute/language.js';
import { MAX_LONG_TEXT_CHARS } from '../../src/dispute/limits.js';
import { parseEvidenceConfig } from '../../src/evidence/config.js';
import { applyPlaybook } from '../../src/evidence/playbook/index.js';
import type { PlaybookTextField, TextFields } from '../../src/evidence/playbook/plans.js';
import { MAX_ACTIVITY_LOG_LINES } from '../../src/evidence/playbook/text-fields.js';
import type { Fact } from '../../src/evidence/types.js';
import { TEXT_FIELD_WORDS } from '../../src/i18n/text-fields.js';
import { formatMoneyWithCode } from '../../src/money.js';
import { catalogueShape, catalogueStrings } from '../support/catalogue.js';
import { testFact as fact } from '../support/facts.js';

const FOREIGN = LANGUAGES.filter((language) => language !== 'en');

/** `count` activity rows a minute apart from 2026-03-04 15:00 UTC, the i-th with `data(i)`. */
const activityRows = (count: number, data: (i: number) => Fact['data']): Fact[] =>
  Array.from({ length: count }, (_, i) =>
    fact(
      `sql.activity.${i + 10}`,
      'activity',
      new Date(Date.parse('2026-03-04T15:00:00Z') + i * 60_000).toISOString(),
      data(i),
    ),
  );

describe('the text fields catalogue', () => {
  it.each(LANGUAGES)('%s has every key English has', (language) => {
    expect(catalogueShape(TEXT_FIELD_WORDS[language]).sort()).toEqual(catalogueShape(TEXT_FIELD_WORDS.en).sort());
  });

  it.each(FOREIGN)('%s translates every word English has', (language) => {
    const english = new Map(catalogueStrings(TEXT_FIELD_WORDS.en));
    for (const [path, text] of catalogueStrings(TEXT_FIELD_WORDS[language])) {
      expect(text.trim(), path).not.toBe('');
      expect(text, path).not.toBe(english.get(path));
    }
  });
});

const config = parseEvidenceConfig(`business:
  name: Pixel Forge
  product_description: Pixel Forge Pro, an AI design generator, yearly plan.
  support_email: help@pixelforge.example
  website: https://pixelforge.example
policies:
  refund:
    text: A refund is available within 14 days of purchase if no designs were downloaded.
    shown_at: [checkout_page, email]
  cancellation:
    text: Cancel any time before the renewal in Settings.
    shown_at: [signup_page, in_app, terms_link]
`);

/**
 * A yearly plan of 1,499.00 USD disputed after a month of use: the facts the sources emit for it, enough to fill
 * every text field a playbook writes (the config source's policies with their page and version, an acceptance, use
 * before and after paying from two IPs, two deliverables, a cancellation after the charge, the invoice, a partial
 * refund, an earlier charge of the same amount, a message from the customer).
 */
function yearlyPlanCase(): Fact[] {
  const activity = (n: number, at: string, data: Fact['data']) => fact(`sql.activity.${n}`, 'activity', at, data);
  return [
    fact('stripe.dispute', 'dispute', '2026-04-10T08:00:00Z', { ce3_eligible: false }),
    fact('stripe.charge', 'charge', '2026-03-04T14:03:22Z', {
      charge_id: 'ch_3QyearlyCharge0001',
      amount: 149_900,
      currency: 'usd',
      created: '2026-03-04T14:03:22Z',
      description: 'Pixel Forge Pro, yearly',
      email: 'jane.doe@example.com',
    }),
    fact('config.product', 'product', null, { product_description: 'Pixel Forge Pro' }),
    fact('config.policy.refund', 'policy', null, {
      policy: 'refund',
      shown_at: 'checkout_page,email',
      url: 'https://pixelforge.example/refunds',
      effective: '2026-01-01',
    }),
    fact('config.policy.cancellation', 'policy', null, {
      policy: 'cancellation',
      shown_at: 'signup_page,in_app,terms_link',
    }),
    fact('sql.policy_acceptance.1', 'policy_acceptance', '2026-03-04T14:02:50Z', {
      policy: 'refund',
      version: 'v3',
      shown_at: 'checkout_page',
      ip: '203.0.113.7',
    }),
    activity(1, '2026-02-20T09:00:00Z', { event: 'signed up', ip: '203.0.113.7' }),
    activity(2, '2026-02-21T10:15:00Z', { event: 'signed in', ip: '203.0.113.7' }),
    activity(3, '2026-03-04T14:05:10Z', {
      event: 'signed in',
      ip: '203.0.113.7',
      device_id: 'pf-web-7f3a',
      user_agent: 'Chrome on macOS',
    }),
    activity(4, '2026-03-05T09:30:00Z', { event: 'generated designs', ip: '203.0.113.7', device_id: 'pf-web-7f3a' }),
    activity(5, '2026-03-20T18:45:00Z', { ip: '198.51.100.23' }),
    fact('sql.deliverable.1', 'deliverable', '2026-03-05T09:41:00Z', { title: 'Spring banner' }),
    fact('sql.deliverable.2', 'deliverable', '2026-03-21T11:00:00Z', { title: 'Summer poster' }),
    fact('stripe.subscription', 'subscription', '2025-03-04T14:00:00Z', {
      subscription_id: 'sub_1QyearlySub0001',
      canceled_at: '2026-03-28T16:20:00Z',
      current_period_end: '2027-03-04T14:03:22Z',
    }),
    fact('stripe.invoice.in_1QyearlyInvoice01', 'invoice', '2026-03-04T14:03:22Z', {
      invoice_id: 'in_1QyearlyInvoice01',
      number: 'PF-2026-0042',
      period_start: '2026-03-04T14:03:22Z',
      period_end: '2027-03-04T14:03:22Z',
    }),
    fact('stripe.prior.ch_3QyearlyPrior00001', 'prior_payment', '2025-03-04T14:00:00Z', {
      charge_id: 'ch_3QyearlyPrior00001',
      amount: 149_900,
      currency: 'usd',
      same_card: true,
    }),
    fact('stripe.refund.re_1', 'refund', '2026-03-29T10:00:00Z', {
      amount: 25_000,
      currency: 'usd',
      status: 'succeeded',
    }),
    fact('sql.communication.1', 'communication', '2026-03-28T16:00:00Z', { direction: 'inbound', channel: 'email' }),
  ];
}

/** The text fields of three reasons together: between them every sentence text-fields.ts writes. */
function textFields(facts: Fact[], language?: Language): TextFields {
  const options = language ? { language } : {};
  return Object.assign(
    {},
    ...['fraudulent', 'credit_not_processed', 'duplicate'].map(
      (reason) => applyPlaybook(reason, facts, config, options).textFields,
    ),
  );
}

const WRITTEN: PlaybookTextField[] = [
  'access_activity_log',
  'product_description',
  'service_date',
  'cancellation_policy_disclosure',
  'refund_policy_disclosure',
  'cancellation_rebuttal',
  'refund_refusal_explanation',
  'duplicate_charge_explanation',
];

/** What the English fields say of the yearly plan, as they said it before they had other languages. */
const ENGLISH: Partial<Record<PlaybookTextField, string>> = {
  access_activity_log: [
    'Pixel Forge account activity after the payment of 2026-03-04 (times in UTC):',
    '2026-03-04 14:05 UTC — signed in from IP 203.0.113.7 device pf-web-7f3a (Chrome on macOS)',
    '2026-03-05 09:30 UTC — generated designs from IP 203.0.113.7 device pf-web-7f3a',
    '2026-03-20 18:45 UTC — activity from IP 198.51.100.23',
    'Summary: 3 events between 2026-03-04 14:05 UTC and 2026-03-20 18:45 UTC from 2 IP addresses (203.0.113.7, 198.51.100.23).',
    'Before the payment the same IP addresses were used for 2 earlier events on this account, the first on 2026-02-20.',
  ].join('\n'),
  product_description: [
    'Pixel Forge Pro, an AI design generator, yearly plan.',
    'The payment was for: Pixel Forge Pro, yearly.',
    'Website: https://pixelforge.example. Support: help@pixelforge.example.',
  ].join('\n'),
  service_date: '2026-03-04 to 2027-03-04 (the billing period this payment covers)',
  refund_policy_disclosure:
    'The refund policy was shown to the customer on the checkout page, by email and is published at https://pixelforge.example/refunds (the version in force when the customer paid, in effect since 2026-01-01). The customer accepted the refund policy (version v3) on 2026-03-04 14:02 UTC on the checkout page from IP 203.0.113.7.',
  cancellation_policy_disclosure:
    'The cancellation policy was shown to the customer on the sign-up page, in the app, through the terms link.',
  cancellation_rebuttal:
    'Subscription sub_1QyearlySub0001 had no cancellation request before this charge on 2026-03-04 14:03 UTC; the customer asked to cancel on 2026-03-28 16:20 UTC, after the charge, and kept access until 2027-03-04. After the payment the customer kept using the service: 3 recorded sessions or actions and 2 deliverables produced, the last on 2026-03-21 11:00 UTC. The cancellation policy shown before purchase explains how to cancel before a renewal.',
  refund_refusal_explanation:
    'Refunds are governed by the refund policy shown before purchase, which the customer accepted on 2026-03-04. After the payment the customer kept using the service: 3 recorded sessions or actions and 2 deliverables produced, the last on 2026-03-21 11:00 UTC. A refund of 250.00 USD was issued on 2026-03-29. The customer contacted support on 2026-03-28; the conversation is attached.',
  duplicate_charge_explanation:
    'The disputed charge ch_3QyearlyCharge0001 of 1499.00 USD on 2026-03-04 14:03 UTC and charge ch_3QyearlyPrior00001 on 2025-03-04 14:00 UTC are separate payments, made 365 days apart. The disputed charge paid invoice PF-2026-0042 for the period 2026-03-04 to 2027-03-04, a period the other charge did not cover.',
};

/** Words of the English fields a translated one must not carry. */
const ENGLISH_FRAME =
  /after the payment|After the payment|shown to the customer|Summary:|from IP|The payment was for|Website:|Support:|billing period|The customer|customer accepted|Subscription |Refunds are|A refund of|was issued|separate payments|apart\b|more events|recorded session|produced|kept using|before purchase|checkout page|sign-up page|by email|in the app|terms link|times in UTC|account activity|delivered|earlier event|IP address|\bthe (?:first|last) on\b|\bbetween\b|\bpolicy\b|\bcharge\b/;

/** The business's own words in the case: they stay as recorded in every language. */
const OWN_WORDS = [
  'Pixel Forge Pro, an AI design generator, yearly plan.',
  'Pixel Forge Pro, yearly',
  'https://pixelforge.example',
  'help@pixelforge.example',
  'https://pixelforge.example/refunds',
  'signed in',
  'generated designs',
  'Chrome on macOS',
  'pf-web-7f3a',
  'Spring banner',
  'Summer poster',
];

/**
 * The values of an English field, each as `language` writes it: times, dates, IPs and ids as they are, amounts in the
 * language's money, and every other number (a count) alone, grouped as the language groups thousands.
 */
function valuesOf(english: string, language: Language): string[] {
  const values: string[] = [];
  let rest = english;
  const take = (pattern: RegExp, written: (match: RegExpExecArray) => string) => {
    for (const match of rest.matchAll(pattern)) values.push(written(match));
    rest = rest.replace(pattern, ' ');
  };
  take(/(\d+)\.(\d{2}) ([A-Z]{3})/g, ([, major, minor, currency]) =>
    formatMoneyWithCode(Number(major) * 100 + Number(minor), String(currency), LOCALES[language]),
  );
  take(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/g, ([time]) => String(time));
  take(/\d{4}-\d{2}-\d{2}/g, ([date]) => String(date));
  take(/\d{1,3}(?:\.\d{1,3}){3}/g, ([ip]) => String(ip));
  take(/\b(?:ch|sub|in|re)_\w+|PF-[\d-]+|pf-web-\w+|\bv\d+\b/g, ([id]) => String(id));
  take(/https?:\/\/\S+?(?=[\s)]|\.(?:\s|$))|[\w.]+@[\w.]+\w/g, ([address]) => String(address));
  take(/\b\d+\b/g, ([count]) =>
    Number(count)
      .toLocaleString(LOCALES[language])
      .replace(/\u202f/g, '\u00a0'),
  );
  return values;
}

describe('Stripe text evidence fields in the reader’s language', () => {
  it('English, the default, says what the fields always said', () => {
    const fields = textFields(yearlyPlanCase());
    expect(Object.keys(fields).sort()).toEqual(expect.arrayContaining([...WRITTEN].sort()));
    for (const field of WRITTEN) expect(fields[field], field).toBe(ENGLISH[field]);
    expect(textFields(yearlyPlanCase(), 'en')).toEqual(fields);
  });

  it.each(FOREIGN)(
    '%s: every field is in the language, with every value and word of the business the English one has',
    (language) => {
      const english = textFields(yearlyPlanCase());
      const translated = textFields(yearlyPlanCase(), language);
      expect(Object.keys(translated).sort()).toEqual(Object.keys(english).sort());
      for (const field of WRITTEN) {
        const text = translated[field] ?? '';
        const where = `${language} ${field}\n${text}`;
        expect(text, where).not.toMatch(ENGLISH_FRAME);
        expect(text, where).not.toBe(english[field]);
        for (const value of valuesOf(english[field] ?? '', language)) expect(text, where).toContain(value);
        for (const word of OWN_WORDS) if (english[field]?.includes(word)) expect(text, where).toContain(word);
      }
      // The fields that are values only stay the values.
      for (const field of ['customer_email_address', 'duplicate_charge_id'] as const) {
        expect(translated[field], field).toBe(english[field]);
      }
    },
  );

  it('French, German and Spanish write the amounts as they write money, each count before the noun it counts', () => {
    const fr = textFields(yearlyPlanCase(), 'fr');
    expect(fr.duplicate_charge_explanation).toContain('Le paiement contesté ch_3QyearlyCharge0001 de 1 499,00 USD du');
    expect(fr.duplicate_charge_explanation).toContain('à 365 jours d’intervalle');
    expect(fr.refund_refusal_explanation).toContain('Un remboursement de 250,00 USD a été effectué le 2026-03-29.');
    expect(fr.access_activity_log).toContain(
      'Récapitulatif : 3 événements entre le 2026-03-04 14:05 UTC et le 2026-03-20 18:45 UTC depuis 2 adresses IP (203.0.113.7, 198.51.100.23).',
    );
    expect(fr.refund_policy_disclosure).toContain(
      'La politique de remboursement a été présentée au client sur la page de paiement, par e-mail',
    );
    // The policy the customer accepted, as the business's record names it.
    expect(fr.refund_policy_disclosure).toContain('Le client a accepté la politique « refund » (version v3)');
    const de = textFields(yearlyPlanCase(), 'de');
    expect(de.duplicate_charge_explanation).toContain('über 1.499,00 USD vom 2026-03-04 14:03 UTC');
    expect(de.duplicate_charge_explanation).toContain('im Abstand von 365 Tagen');
    expect(de.access_activity_log).toContain('Zusammenfassung: 3 Ereignisse zwischen');
    expect(de.access_activity_log).toContain('für 2 Ereignisse verwendet, das erste am 2026-02-20.');
    expect(de.cancellation_rebuttal).toContain('3 Sitzungen oder Aktionen aufgezeichnet und 2 Ergebnisse geliefert');
    const es = textFields(yearlyPlanCase(), 'es');
    expect(es.duplicate_charge_explanation).toContain('de 1499,00 USD del 2026-03-04 14:03 UTC');
    expect(es.refund_refusal_explanation).toContain('Se emitió un reembolso de 250,00 USD el 2026-03-29.');
    expect(es.access_activity_log).toContain('desde 2 direcciones IP (203.0.113.7, 198.51.100.23)');
    expect(es.cancellation_policy_disclosure).toBe(
      'La política de cancelación se mostró al cliente en la página de registro, en la aplicación, mediante el enlace a las condiciones.',
    );
  });

  it.each(FOREIGN)('%s: one of a thing is said in the singular', (language) => {
    // One session, one deliverable, one IP, one earlier event, one day apart: each count's own form.
    const facts = yearlyPlanCase()
      .filter((fact) => !['sql.activity.1', 'sql.activity.4', 'sql.activity.5', 'sql.deliverable.2'].includes(fact.id))
      .map((fact) => (fact.id.startsWith('stripe.prior.') ? { ...fact, at: '2026-03-03T14:00:00Z' } : fact));
    const fields = textFields(facts, language);
    const one = {
      fr: [
        '1 événement entre',
        'depuis 1 adresse IP',
        '1 session ou action enregistrée',
        '1 livrable produit',
        '1 jour',
      ],
      de: ['1 Ereignis zwischen', 'von 1 IP-Adresse', '1 Sitzung oder Aktion', '1 Ergebnis geliefert', '1 Tag'],
      es: ['1 evento entre', 'desde 1 dirección IP', '1 sesión o acción registrada', '1 entregable producido', '1 día'],
    }[language];
    const all = WRITTEN.map((field) => fields[field] ?? '').join('\n');
    for (const words of one) expect(all, language).toContain(words);
    expect(all, language).not.toMatch(ENGLISH_FRAME);
  });

  it.each(LANGUAGES)('%s: a place rebut has no words for is named by the business’s own word', (language) => {
    const facts = yearlyPlanCase().map((fact) =>
      fact.id === 'config.policy.cancellation'
        ? { ...fact, data: { ...fact.data, shown_at: 'in_app,kiosk_screen' } }
        : fact,
    );
    const disclosure = textFields(facts, language).cancellation_policy_disclosure;
    const expected = {
      en: 'in the app, on the kiosk screen.',
      fr: 'dans l’application, via kiosk screen.',
      de: 'in der App, über kiosk screen angezeigt.',
      es: 'en la aplicación, a través de kiosk screen.',
    };
    expect(disclosure).toContain(expected[language]);
  });

  it.each(FOREIGN)('%s: a log of what was delivered, when there is no activity after the payment', (language) => {
    const facts = yearlyPlanCase().filter((fact) => fact.kind !== 'activity');
    const english = textFields(facts).access_activity_log ?? '';
    const log = textFields(facts, language).access_activity_log ?? '';
    expect(english).toContain('Pixel Forge account deliverables after the payment');
    expect(log).not.toMatch(ENGLISH_FRAME);
    expect(log.split('\n')).toHaveLength(english.split('\n').length);
    expect(log).toContain('2026-03-05 09:41 UTC — ');
    expect(log).toContain('Spring banner');
    expect(log).toContain('Summer poster');
    for (const value of valuesOf(english, language)) expect(log).toContain(value);
  });

  it.each(LANGUAGES)(
    '%s: 5,000 activity rows fit in Stripe’s 20,000 characters, the rows left out counted and the summary whole',
    (language) => {
      const rows = activityRows(5_000, (i) => ({
        event: 'signed in',
        ip: i % 2 ? '203.0.113.7' : '198.51.100.23',
        device_id: 'pf-web-7f3a',
      }));
      const facts = [...yearlyPlanCase().filter((fact) => fact.kind !== 'activity'), ...rows];
      const log = applyPlaybook('fraudulent', facts, config, { language }).textFields.access_activity_log ?? '';
      expect(log.length).toBeLessThanOrEqual(MAX_LONG_TEXT_CHARS);
      const lines = log.split('\n');
      // The header, the rows shown, the count of the rest, the summary.
      expect(lines).toHaveLength(1 + MAX_ACTIVITY_LOG_LINES + 2);
      // English writes counts as it always did; the others group thousands as they do.
      const left = {
        en: '… and 4800 more',
        fr: '… et 4\u00a0800 autres',
        de: '… und 4.800 weitere',
        es: '… y 4800 eventos',
      };
      expect(lines.at(-2)).toContain(left[language]);
      expect(lines.at(-1)).toContain({ en: '5000', fr: '5\u00a0000', de: '5.000', es: '5000' }[language]);
      expect(lines.at(-1)).toMatch(/\(198\.51\.100\.23, 203\.0\.113\.7\)\.$/);
    },
  );

  it.each(LANGUAGES)('%s: rows too long for the field are cut within Stripe’s 20,000 characters', (language) => {
    const agent =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
    const rows = activityRows(5_000, (i) => ({
      event: 'generated a design in the project named Spring launch',
      ip: '203.0.113.7',
      device_id: `pf-web-${i}`,
      user_agent: agent,
    }));
    const log =
      applyPlaybook('fraudulent', [...yearlyPlanCase(), ...rows], config, { language }).textFields
        .access_activity_log ?? '';
    expect(log.length).toBe(MAX_LONG_TEXT_CHARS);
    expect(log.endsWith('…')).toBe(true);
    const after = { en: 'after the payment', fr: 'après le paiement', de: 'nach der Zahlung', es: 'después del pago' };
    expect(log.split('\n')[0]).toContain(after[language]);
  });
});
