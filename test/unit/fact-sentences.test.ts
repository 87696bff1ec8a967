// The facts' own sentences in the reader's language (src/i18n/facts.ts): every sentence a source writes exists in
// English, French, German and Spanish, says the same values, and keeps none of the English words around them.
import { describe, expect, it } from 'vitest';
import { FACT_IDS, type Fact, type FactIdPattern, kindOfFactId } from '../../src/dispute/facts.js';
import { LANGUAGES } from '../../src/dispute/language.js';
import { FACT_SENTENCES, FactValues, factSentence, localizeFact, localizeFacts } from '../../src/i18n/facts.js';
import { formatMoneyWithCode } from '../../src/money.js';

const AT = '2026-03-04T14:05:09.000Z';
/** A subscription as the Stripe source stores it, nobody having cancelled it. */
const SUBSCRIPTION = {
  subscription_id: 'sub_1',
  status: 'active',
  start_date: AT,
  canceled_at: null,
  cancel_at: null,
  cancel_at_period_end: false,
  ended_at: null,
  current_period_end: null,
  interval: 'month',
  cancellation_reason: null,
};

/** One fact of each pattern, with every value its sentence can say set (the longest form of each sentence). */
const RICH: Record<FactIdPattern, { id: string; data: Record<string, string | number | boolean | null> }> = {
  'stripe.dispute': {
    id: 'stripe.dispute',
    data: {
      dispute_id: 'du_1Rz',
      amount: 4900,
      created: '2026-03-20T09:00:00.000Z',
      currency: 'usd',
      reason: 'fraudulent',
      status: 'needs_response',
      network_reason_code: '10.4',
      brand: 'visa',
      due_by: '2026-03-29T23:59:59.000Z',
    },
  },
  'stripe.charge': {
    id: 'stripe.charge',
    data: {
      charge_id: 'ch_3Pq',
      amount: 4900,
      amount_refunded: 1000,
      currency: 'usd',
      status: 'succeeded',
      created: AT,
      description: 'Pro plan',
      statement_descriptor: 'PIXELFORGE',
    },
  },
  'stripe.charge.card': {
    id: 'stripe.charge.card',
    data: {
      brand: 'visa',
      last4: '4242',
      funding: 'credit',
      country: 'FR',
      fingerprint: 'KY4vu3iqd9C8',
      network: 'visa',
      wallet: 'apple_pay',
    },
  },
  'stripe.charge.purchase_ip': { id: 'stripe.charge.purchase_ip', data: { ip: '203.0.113.7' } },
  'stripe.charge.receipt': {
    id: 'stripe.charge.receipt',
    data: { receipt_number: '0829-0923', receipt_url: 'https://pay.stripe.com/r/1', receipt_email: 'jane@example.com' },
  },
  'stripe.charge.billing': {
    id: 'stripe.charge.billing',
    data: { name: 'Jane Doe', email: 'jane@example.com', address: '1 Rue de Rivoli, Paris, 75001, FR' },
  },
  'stripe.charge.shipping': { id: 'stripe.charge.shipping', data: { address: '1 Rue de Rivoli, Paris, 75001, FR' } },
  'stripe.charge.avs': {
    id: 'stripe.charge.avs',
    data: { address_line1_check: 'pass', address_postal_code_check: 'fail' },
  },
  'stripe.charge.cvc': { id: 'stripe.charge.cvc', data: { cvc_check: 'pass' } },
  'stripe.charge.3ds': {
    id: 'stripe.charge.3ds',
    data: { result: 'authenticated', version: '2.2.0', authentication_flow: 'challenge', liability_shift: true },
  },
  'stripe.charge.risk': {
    id: 'stripe.charge.risk',
    data: { risk_level: 'normal', risk_score: 23, network_status: 'approved_by_network' },
  },
  'stripe.payment_intent': {
    id: 'stripe.payment_intent',
    data: { payment_intent_id: 'pi_9Lm', status: 'succeeded', amount_received: 4900, currency: 'usd', created: AT },
  },
  'stripe.customer': {
    id: 'stripe.customer',
    data: { customer_id: 'cus_7Hk', email: 'jane@example.com', created: '2025-11-02T10:00:00.000Z' },
  },
  'stripe.customer.name': { id: 'stripe.customer.name', data: { customer_id: 'cus_7Hk', name: 'Jane Doe' } },
  'stripe.refund.{id}': {
    id: 'stripe.refund.re_5Tg',
    data: {
      refund_id: 're_5Tg',
      amount: 1000,
      currency: 'usd',
      status: 'succeeded',
      reason: 'requested_by_customer',
      created: '2026-03-06T08:00:00.000Z',
    },
  },
  'stripe.invoice.{id}': {
    id: 'stripe.invoice.in_2Xc',
    data: {
      invoice_id: 'in_2Xc',
      number: 'PF-0042',
      status: 'paid',
      paid_at: AT,
      amount_paid: 4900,
      currency: 'usd',
      billing_reason: 'subscription_cycle',
      period_start: '2026-03-04T00:00:00.000Z',
      period_end: '2026-04-04T00:00:00.000Z',
      subscription_id: 'sub_8Qw',
    },
  },
  'stripe.subscription': {
    id: 'stripe.subscription',
    data: {
      subscription_id: 'sub_8Qw',
      status: 'canceled',
      start_date: '2025-11-04T00:00:00.000Z',
      canceled_at: '2026-03-10T12:30:00.000Z',
      cancel_at: null,
      cancel_at_period_end: false,
      ended_at: '2026-04-04T00:00:00.000Z',
      current_period_end: '2026-04-04T00:00:00.000Z',
      interval: 'month',
      cancellation_reason: 'cancellation_requested',
    },
  },
  'stripe.subscription.cancellation_comment': {
    id: 'stripe.subscription.cancellation_comment',
    data: { comment: 'Too expensive' },
  },
  'stripe.prior.summary': {
    id: 'stripe.prior.summary',
    data: { count: 3, same_card_count: 2, first_at: '2025-11-04T00:00:00.000Z' },
  },
  'stripe.prior.{id}': {
    id: 'stripe.prior.ch_1Ab',
    data: {
      charge_id: 'ch_1Ab',
      amount: 4900,
      currency: 'usd',
      created: '2026-02-04T14:05:00.000Z',
      same_card: true,
      card_brand: 'visa',
      card_last4: '4242',
    },
  },
  'config.product': {
    id: 'config.product',
    data: {
      name: 'Pixel Forge',
      website: 'https://pixelforge.example',
      support_email: 'support@pixelforge.example',
      product_description: 'Pixel Forge génère des designs.',
    },
  },
  'config.policy.{policy}': {
    id: 'config.policy.refund',
    data: {
      policy: 'refund',
      shown_at: 'checkout_page,email',
      url: 'https://pixelforge.example/refunds',
      effective: '2026-01-01',
      versioned: true,
      paid_on: '2026-03-04',
    },
  },
  '{rows}.account': {
    id: 'sql.account',
    data: {
      account_id: 'acct-991',
      email: 'jane@example.com',
      created_at: '2025-11-02T10:00:00.000Z',
      plan: 'Pro',
      status: 'actif',
    },
  },
  '{rows}.account.name': {
    id: 'sql.account.name',
    data: { account_id: 'acct-991', name: 'Jane Doe', name_shown: '"Jane Doe"' },
  },
  '{rows}.activity.{n}': {
    id: 'sql.activity.1',
    data: {
      event: 'design_generated',
      ip: '203.0.113.7',
      device_id: 'dev-77',
      device_fingerprint: null,
      detail_shown: '"Salon bleu"',
    },
  },
  '{rows}.deliverable.{id}': {
    id: 'sql.deliverable.d1',
    data: {
      title_shown: 'Salon bleu',
      prompt_shown: '"un salon bleu"',
      description_shown: 'rendu 4K',
      image: 'https://cdn.example/d1.png',
    },
  },
  '{rows}.communication.{n}': {
    id: 'sql.communication.1',
    data: {
      direction: 'outbound',
      channel: 'chat',
      business_name: 'Pixel Forge',
      subject_shown: '"Votre design"',
      body_shown: '"Voici votre design."',
    },
  },
  '{rows}.policy_acceptance.{n}': {
    id: 'sql.policy_acceptance.1',
    data: { policy: 'refund', version: 'v3', shown_at: 'checkout_page', ip: '203.0.113.7' },
  },
};

const POLICY_TEXT = 'Remboursement sous 14 jours si aucun design n’a été téléchargé.';

function richFact(pattern: FactIdPattern): Fact {
  const { id, data } = RICH[pattern];
  const kind = kindOfFactId(id);
  if (!kind) throw new Error(`${id} is not in the vocabulary`);
  const text = factSentence(id, data, AT) + (pattern === 'config.policy.{policy}' ? POLICY_TEXT : '');
  return { id, kind, text, at: AT, source: id.split('.')[0] ?? 'stripe', data };
}

const PATTERNS = Object.keys(FACT_IDS) as FactIdPattern[];

/** The values a sentence states: ids, times, dates, IPs, emails, URLs, quotations, codes with digits. */
function valuesIn(text: string): string[] {
  const found = text.match(
    /\b\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2} UTC)?|\b(?:du|ch|cus|pi|re|in|sub)_\w+|\d{1,3}(?:\.\d{1,3}){3}|[\w.+-]+@[\w.-]+\.\w+|https?:\/\/[^\s)"]+?(?=[;,.]?(?:[\s)]|$))|"[^"]+"|\b[\w-]*\d[\w-]*\b/g,
  );
  return [...new Set(found ?? [])].filter((value) => !/^\d+\.\d{2}$/.test(value));
}

/** English words that stay the same in the other languages: names, abbreviations, codes. */
const SHARED = new Set(
  'stripe radar utc avs cvc secure ip visa normal pro plan status support version apple pay d e mail pixel forge chat code postal via score image name person'.split(
    ' ',
  ),
);

describe("the facts' sentences", () => {
  it('exist for every fact a source writes, in every language (the types hold the keys; this holds the values)', () => {
    for (const language of LANGUAGES) {
      expect(Object.keys(FACT_SENTENCES[language]).sort()).toEqual([...PATTERNS].sort());
    }
  });

  for (const language of LANGUAGES.filter((l) => l !== 'en')) {
    describe(`in ${language}`, () => {
      for (const pattern of PATTERNS) {
        it(`${pattern}: the same values as the English, none of its English words`, () => {
          const english = richFact(pattern);
          const localized = localizeFact(english, language);
          expect(localized.text).not.toBe(english.text);
          // Every value of the English sentence is in the translation, amounts as the language writes them.
          for (const value of valuesIn(english.text)) expect(localized.text, value).toContain(value);
          for (const [key, currency] of [
            ['amount', 'currency'],
            ['amount_refunded', 'currency'],
            ['amount_paid', 'currency'],
            ['amount_received', 'currency'],
          ] as const) {
            const minor = english.data?.[key];
            const code = english.data?.[currency];
            if (typeof minor === 'number' && minor > 0 && typeof code === 'string') {
              const locale = { fr: 'fr-FR', de: 'de-DE', es: 'es-ES' }[language];
              expect(localized.text).toContain(formatMoneyWithCode(minor, code, locale));
            }
          }
          // No English word of the sentence's own is left (values and shared names aside).
          const valueWords = new Set(
            Object.values(english.data ?? {})
              .filter((value): value is string => typeof value === 'string')
              .flatMap((value) => value.toLowerCase().split(/[^\p{L}]+/u)),
          );
          const englishWords = english.text
            .replace(POLICY_TEXT, '')
            .toLowerCase()
            .split(/[^\p{L}]+/u)
            .filter((word) => word.length > 1 && !SHARED.has(word) && !valueWords.has(word))
            // German's own "in" ("in Kraft", "in der App").
            .filter((word) => !(language === 'de' && word === 'in'));
          const localizedWords = new Set(localized.text.toLowerCase().split(/[^\p{L}]+/u));
          expect(englishWords.filter((word) => localizedWords.has(word))).toEqual([]);
        });
      }
    });
  }

  it("a policy keeps the business's own words after its translated frame", () => {
    const fact = richFact('config.policy.{policy}');
    expect(localizeFact(fact, 'de').text).toBe(
      'Erstattungsrichtlinie (die Fassung, die galt, als der Kunde am 2026-03-04 bezahlte, in Kraft seit 2026-01-01), den ' +
        'Kunden angezeigt: auf der Bezahlseite, per E-Mail; veröffentlicht unter https://pixelforge.example/refunds. ' +
        `Wortlaut: ${POLICY_TEXT}`,
    );
  });

  it("reads as English where it names Stripe's status code", () => {
    const data = {
      payment_intent_id: 'pi_9Lm',
      status: 'succeeded',
      amount_received: 4900,
      currency: 'usd',
      created: AT,
    };
    expect(factSentence('stripe.payment_intent', data, AT)).toBe(
      `Payment intent pi_9Lm was created on 2026-03-04 14:05 UTC and its status is succeeded, 49.00 USD received.`,
    );
    expect(
      factSentence('stripe.payment_intent', { ...data, status: 'requires_payment_method', amount_received: 0 }, AT),
    ).toBe('Payment intent pi_9Lm was created on 2026-03-04 14:05 UTC and its status is requires payment method.');
  });

  it("says Stripe's other codes in English words, not as codes (billing reason, subscription status, 3-D Secure, refund)", () => {
    const invoice = (reason: string) =>
      factSentence(
        'stripe.invoice.{id}',
        {
          invoice_id: 'in_1',
          number: 'PKDX-0001',
          amount_paid: 2900,
          currency: 'usd',
          paid_at: AT,
          billing_reason: reason,
          period_start: AT,
          period_end: '2026-04-04T14:05:09.000Z',
          subscription_id: 'sub_1',
        },
        AT,
      );
    expect(invoice('subscription_cycle')).toBe(
      'Invoice PKDX-0001 for 29.00 USD paid on 2026-03-04, a renewal of the subscription, covering 2026-03-04 to 2026-04-04 of subscription sub_1.',
    );
    // A reason with no English words of its own is named as Stripe's, spaced: never a bare code after a comma.
    expect(invoice('quote_accept')).toContain('paid on 2026-03-04, billing reason: quote accept, covering');

    const subscription = (status: string) => factSentence('stripe.subscription', { ...SUBSCRIPTION, status }, AT);
    expect(subscription('past_due')).toContain('started on 2026-03-04 and is past due;');
    expect(subscription('trialing')).toContain('and is in its trial period;');
    expect(subscription('active')).toContain('and is active;');
    expect(
      factSentence(
        'stripe.charge.3ds',
        { result: 'attempt_acknowledged', version: null, authentication_flow: 'frictionless', liability_shift: false },
        AT,
      ),
    ).toBe('3-D Secure: attempt acknowledged (frictionless flow).');
    expect(
      factSentence(
        'stripe.refund.{id}',
        {
          refund_id: 're_1',
          amount: 500,
          currency: 'usd',
          status: 'requires_action',
          reason: 'requested_by_customer',
          created: AT,
        },
        AT,
      ),
    ).toBe('Refund re_1 of 5.00 USD (requires action) on 2026-03-04 14:05 UTC, reason: requested by customer.');
  });

  it('English is the stored sentence itself: localizing to English changes nothing', () => {
    const facts = PATTERNS.map(richFact);
    expect(localizeFacts(facts, 'en')).toEqual(facts);
  });

  it('a fact stored before a value its sentence reads was kept keeps its English sentence', () => {
    // An older rebut stored the payment intent without its currency, the customer's name without the customer's id.
    const intent = richFact('stripe.payment_intent');
    const { currency: _currency, ...older } = intent.data ?? {};
    const stored = { ...intent, data: older };
    expect(localizeFact(stored, 'fr')).toBe(stored);
    const name = { ...richFact('stripe.customer.name'), data: { name: 'Jane Doe' } };
    expect(localizeFact(name, 'es')).toBe(name);
    // A fact no source writes a sentence for (an unknown id) is left as it is.
    const unknown: Fact = { id: 'custom.note', kind: 'product', text: 'A note.', at: null, source: 'custom' };
    expect(localizeFact(unknown, 'de')).toBe(unknown);
  });

  it('writing a sentence from data without a value it needs is an error, never a sentence with a hole', () => {
    expect(() => factSentence('stripe.charge.purchase_ip', {}, null)).toThrow();
    expect(() => factSentence('not.a.fact', {}, null)).toThrow(/not in the fact vocabulary/);
    expect(() => FACT_SENTENCES.fr['{rows}.activity.{n}'](new FactValues({ event: 'login' }, null))).toThrow();
  });
});
