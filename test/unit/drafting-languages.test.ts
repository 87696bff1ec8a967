// The rebuttal in the reader's language: the template writes its own words in English, French, German or Spanish and
// still passes the grounding check; the check reads amounts, dates and counts as each language writes them, so a false
// one is refused in French exactly as in English.
import { describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../src/dispute/language.js';
import { checkClaims } from '../../src/drafting/claims.js';
import { checkEditedText } from '../../src/drafting/edit-check.js';
import { buildFactSheet, type DraftContext } from '../../src/drafting/fact-sheet.js';
import { checkGrounding, checkStatements } from '../../src/drafting/grounding.js';
import { injectionFact, sampleContext, sampleFact, sampleFacts } from '../../src/drafting/sample-case.js';
import { coverOpening, draftFromTemplate } from '../../src/drafting/template.js';
import type { Fact } from '../../src/evidence/types.js';
import { ACTIVITY_WORDS } from '../../src/i18n/activity.js';
import { factSentence } from '../../src/i18n/facts.js';
import { PACKET_MESSAGES } from '../../src/i18n/packet.js';
import { REBUTTAL_MESSAGES } from '../../src/i18n/rebuttal.js';
import { STRONGEST_MESSAGES } from '../../src/i18n/strongest.js';
import { catalogueShape, catalogueStrings } from '../support/catalogue.js';

const FOREIGN = LANGUAGES.filter((language) => language !== 'en');

const REASONS = [
  'fraudulent',
  'unrecognized',
  'product_not_received',
  'product_unacceptable',
  'subscription_canceled',
  'credit_not_processed',
  'duplicate',
  'general',
  'debit_not_authorized',
  'customer_initiated',
  'bank_cannot_process',
  'check_returned',
  'incorrect_account_details',
  'insufficient_funds',
  'noncompliant',
  'a_reason_stripe_adds_later',
];

describe('the rebuttal catalogue', () => {
  it.each(LANGUAGES)('%s has every key English has, sentences where English has sentences', (language) => {
    expect(catalogueShape(REBUTTAL_MESSAGES[language]).sort()).toEqual(catalogueShape(REBUTTAL_MESSAGES.en).sort());
  });

  it.each(LANGUAGES)('%s has every word of the activity summary English has', (language) => {
    expect(catalogueShape(ACTIVITY_WORDS[language]).sort()).toEqual(catalogueShape(ACTIVITY_WORDS.en).sort());
  });

  it.each(LANGUAGES.filter((language) => language !== 'en'))('%s translates every sentence', (language) => {
    const english = new Map(catalogueStrings(REBUTTAL_MESSAGES.en));
    // Names that stay as they are in every language.
    const same = new Set(['CVC', '3-D Secure']);
    for (const [path, text] of catalogueStrings(REBUTTAL_MESSAGES[language])) {
      expect(text.trim(), path).not.toBe('');
      if (!same.has(text)) expect(text, path).not.toBe(english.get(path));
    }
  });
});

/** Variations of the sample case: all of it, no activity summary, Stripe's records only, with a refund. */
function factSets(): Fact[][] {
  const all = [...sampleFacts(), injectionFact()];
  const refund = sampleFact({
    id: 'stripe.refund.re_1',
    kind: 'refund',
    text: 'Refund re_1 of $10.00 succeeded.',
    at: '2026-03-06T10:00:00Z',
    data: { amount: 1000, currency: 'usd', status: 'succeeded' },
  });
  return [
    all,
    all.filter((fact) => fact.source === 'stripe'),
    all.filter((fact) => fact.kind !== 'activity'),
    [...all, refund],
    [],
  ];
}

/** What the header says the amount and a date are, in each language. */
const WRITTEN: Record<Language, { amount: string; date: string }> = {
  en: { amount: '$49.00', date: 'March 4, 2026 at 14:03 UTC' },
  fr: { amount: '49,00 $US', date: '4 mars 2026 à 14:03 UTC' },
  de: { amount: '49,00 $', date: '4. März 2026 um 14:03 UTC' },
  es: { amount: '49,00 US$', date: '4 de marzo de 2026 a las 14:03 UTC' },
};

describe('the template in each language', () => {
  for (const language of LANGUAGES) {
    it(`${language}: every reason and fact set gives a draft that passes the grounding check`, () => {
      let drafts = 0;
      for (const facts of factSets()) {
        for (const reason of REASONS) {
          const sheet = buildFactSheet(facts, sampleContext({ reason, language }));
          const draft = draftFromTemplate(sheet);
          expect(checkGrounding(draft.text, draft.citedFacts, sheet), `${reason}\n${draft.text}`).toEqual({
            ok: true,
            findings: [],
          });
          drafts++;
        }
      }
      expect(drafts).toBe(REASONS.length * factSets().length);
    });

    it(`${language}: money and dates are written as the language writes them`, () => {
      const sheet = buildFactSheet(sampleFacts(), sampleContext({ reason: 'fraudulent', language }));
      const { text } = draftFromTemplate(sheet);
      expect(text).toContain(WRITTEN[language].amount);
      expect(text).toContain(WRITTEN[language].date);
      // The facts' own values stay as they are.
      expect(text).toContain('du_1QsampleDispute0001');
      expect(text).toContain('jane.doe@example.com');
    });
  }

  it.each(LANGUAGES.filter((language) => language !== 'en'))(
    '%s: none of the template’s English sentences is left in its own lines',
    (language) => {
      const english = catalogueStrings(REBUTTAL_MESSAGES.en)
        .map(([, text]) => text)
        .filter((text) => text.length > 20);
      for (const facts of factSets()) {
        for (const reason of REASONS) {
          const { text } = draftFromTemplate(buildFactSheet(facts, sampleContext({ reason, language })));
          const own = text
            .split('\n')
            .filter((line) => !line.startsWith('- '))
            .join('\n');
          for (const sentence of english) expect(own, reason).not.toContain(sentence);
          expect(own).not.toMatch(/\b(?:listed below|the customer|contests dispute)\b/i);
        }
      }
    },
  );
});

const CHARGE = {
  charge_id: 'ch_3QsampleCharge00001',
  amount: 4900,
  amount_refunded: 0,
  currency: 'usd',
  status: 'succeeded',
  created: '2026-11-16T14:03:00.000Z',
  description: null,
  statement_descriptor: null,
};

// A sheet whose values a rebuttal may state: $49.00 on November 16, 2026, 12 events, IP 203.0.113.7.
const context = (language: Language): DraftContext =>
  sampleContext({ reason: 'fraudulent', language, created: '2026-11-20T09:00:00Z', dueBy: '2026-11-30T23:59:59Z' });
const facts: Fact[] = [
  // Written as the Stripe source writes it, so the sheet states it in the rebuttal's language (i18n/facts.ts).
  sampleFact({
    id: 'stripe.charge',
    kind: 'charge',
    text: factSentence('stripe.charge', CHARGE, '2026-11-16T14:03:00Z'),
    at: '2026-11-16T14:03:00Z',
    data: CHARGE,
  }),
  sampleFact({
    id: 'sql.activity.summary',
    kind: 'activity',
    text: 'After the payment: 12 events, 1,500 designs generated, from IP 203.0.113.7.',
    at: '2026-11-17T08:00:00Z',
    source: 'sql',
    data: { ip: '203.0.113.7' },
  }),
  sampleFact({
    id: 'sql.account',
    kind: 'account',
    text: 'Account jane.doe@example.com was created.',
    at: '2026-11-01T10:00:00Z',
    source: 'sql',
  }),
];

/** The charge's timeline line in each language: its time once, in the line's own long form. */
const CHARGE_LINE: Record<Language, string> = {
  en: '- November 16, 2026 at 14:03 UTC: Charge ch_3QsampleCharge00001 of 49.00 USD succeeded.',
  fr: '- 16 novembre 2026 à 14:03 UTC : Paiement ch_3QsampleCharge00001 de 49,00 USD réussi.',
  de: '- 16. November 2026 um 14:03 UTC: Zahlung ch_3QsampleCharge00001 über 49,00 USD, Status: erfolgreich.',
  es: '- 16 de noviembre de 2026 a las 14:03 UTC: Cargo ch_3QsampleCharge00001 de 49,00 USD, estado: completado.',
};

describe('the timeline states each time once', () => {
  it.each(LANGUAGES)('%s: the charge’s line does not repeat the time it opens with', (language) => {
    const sheet = buildFactSheet(facts, { ...context(language), reason: 'product_not_received' });
    const { text } = draftFromTemplate(sheet);
    expect(text.split('\n')).toContain(CHARGE_LINE[language]);
    expect(text).not.toContain('2026-11-16 14:03 UTC');
    expect(checkGrounding(text, draftFromTemplate(sheet).citedFacts, sheet).ok).toBe(true);
  });
});

describe('the timeline states each date once', () => {
  const started = '2026-09-14T10:00:00Z';
  const data = {
    subscription_id: 'sub_1',
    status: 'canceled',
    start_date: started,
    canceled_at: '2026-09-14T12:30:00Z',
    cancel_at: null,
    cancel_at_period_end: false,
    ended_at: '2026-09-14T12:30:00Z',
    current_period_end: null,
    interval: 'month',
    cancellation_reason: null,
  };
  const subscription = sampleFact({
    id: 'stripe.subscription',
    kind: 'subscription',
    text: factSentence('stripe.subscription', data, started),
    at: started,
    data,
  });
  it.each(LANGUAGES)(
    '%s: a subscription’s line says its start once, and a later time of that day stays',
    (language) => {
      const sheet = buildFactSheet([...facts, subscription], {
        ...context(language),
        reason: 'subscription_canceled',
      });
      const { text, citedFacts } = draftFromTemplate(sheet);
      const line = text.split('\n').find((each) => each.includes('sub_1')) ?? '';
      const stated = sheet.facts.find((fact) => fact.kind === 'subscription')?.text ?? '';
      const days = (said: string) => said.split('2026-09-14').length - 1;
      // Opens with the start in the line's long form, so the sentence's own start date goes …
      expect(days(stated)).toBe(3);
      expect(days(line)).toBe(2);
      // … and the cancellation's time and the end, later that day, are other events' and stay.
      expect(line).toContain('2026-09-14 12:30 UTC');
      expect(line).toMatch(/2026-09-14\.$/);
      expect(checkGrounding(text, citedFacts, sheet).ok).toBe(true);
    },
  );
  it.each(LANGUAGES)(
    '%s: a date the sentence needs stays, though it is the fact’s own day (“customer since”)',
    (language) => {
      const since = '2025-02-03T08:00:00Z';
      const data = { customer_id: 'cus_1', email: 'jane.doe@example.com', created: since };
      const customer = sampleFact({
        id: 'stripe.customer',
        kind: 'customer',
        text: factSentence('stripe.customer', data, since),
        at: since,
        data,
      });
      const sheet = buildFactSheet([...facts, customer], context(language));
      const { text } = draftFromTemplate(sheet);
      const line = text.split('\n').find((each) => each.includes('cus_1'));
      // "est client depuis le 2025-02-03", "es cliente desde el 2025-02-03": without the date the sentence breaks.
      expect(line).toContain('2025-02-03');
    },
  );
});

/** Each language's true statement of the sheet's values, and the same statement with one value false. */
const VALUES: Record<Language, { honest: string; lies: Record<'amount' | 'date' | 'count', string> }> = {
  en: {
    honest: 'On November 16, 2026 the customer paid $49.00, then 12 events and 1,500 designs followed.',
    lies: {
      amount: 'On November 16, 2026 the customer paid $59.00.',
      date: 'On November 18, 2026 the customer paid $49.00.',
      count: 'After the payment there were 13 events.',
    },
  },
  fr: {
    honest:
      'Le 16 novembre 2026, le client a payé 49,00 $US ; 12 événements et 1 500 créations ont suivi, le lundi 16 novembre 2026 à 14h03 UTC.',
    lies: {
      amount: 'Le 16 novembre 2026, le client a payé 59,00 $US.',
      date: 'Le 18 novembre 2026, le client a payé 49,00 $US.',
      count: 'Après le paiement, on compte 13 événements.',
    },
  },
  de: {
    honest:
      'Am Montag, 16. November 2026 zahlte der Kunde 49,00 $; danach folgten 12 Ereignisse und 1.500 Dateien um 14:03 UTC.',
    lies: {
      amount: 'Am 16. November 2026 zahlte der Kunde 59,00 $.',
      date: 'Am 18. November 2026 zahlte der Kunde 49,00 $.',
      count: 'Nach der Zahlung folgten 13 Ereignisse.',
    },
  },
  es: {
    honest:
      'El lunes, 16 de noviembre de 2026 el cliente pagó 49,00 US$; después hubo 12 eventos y 1500 archivos, a las 14:03 UTC.',
    lies: {
      amount: 'El 16 de noviembre de 2026 el cliente pagó 59,00 US$.',
      date: 'El 18 de noviembre de 2026 el cliente pagó 49,00 US$.',
      count: 'Después del pago hubo 13 eventos.',
    },
  },
};

describe('the grounding check reads each language’s values', () => {
  for (const language of LANGUAGES) {
    const sheet = buildFactSheet(facts, context(language));

    it(`${language}: the true amount, date, time and counts pass`, () => {
      expect(checkStatements(VALUES[language].honest, sheet)).toEqual([]);
    });

    for (const [kind, lie] of Object.entries(VALUES[language].lies)) {
      it(`${language}: a false ${kind} is refused: "${lie}"`, () => {
        const findings = checkStatements(lie, sheet);
        expect(findings.map((finding) => finding.kind)).toContain(kind);
        // As a model's statement citing every fact, too.
        const refs = sheet.facts.map((fact) => fact.ref);
        expect(checkClaims([{ text: lie, facts: refs }], sheet).map((finding) => finding.kind)).toContain(kind);
      });
    }
  }

  it('a wrong weekday is refused in French, German and Spanish', () => {
    const sheet = buildFactSheet(facts, context('fr'));
    for (const text of [
      'le mardi 16 novembre 2026',
      'am Dienstag, 16. November 2026',
      'el martes, 16 de noviembre de 2026',
    ]) {
      expect(
        checkStatements(text, sheet)
          .map((finding) => finding.message)
          .join(),
      ).toMatch(/that day was a Monday/);
    }
  });
});

describe('a refund no fact records is refused in every language', () => {
  const REFUNDS: Record<Language, { claims: string[]; denials: string[] }> = {
    en: { claims: ['We refunded the customer.'], denials: ['The customer was not refunded.'] },
    fr: {
      claims: [
        'Nous avons remboursé le client.',
        'Le client a été remboursé de 49,00 $US.',
        'Un remboursement a été effectué le 16 novembre 2026.',
      ],
      denials: ["Le client n'a pas été remboursé.", 'Le client demande à être remboursé.'],
    },
    de: {
      claims: ['Wir haben dem Kunden den Betrag erstattet.', 'Die Erstattung wurde am 16. November 2026 veranlasst.'],
      denials: ['Der Betrag wurde nicht erstattet.'],
    },
    es: {
      claims: ['Hemos reembolsado al cliente.', 'El reembolso fue emitido el 16 de noviembre de 2026.'],
      denials: ['El cliente no fue reembolsado.'],
    },
  };
  for (const language of LANGUAGES) {
    const sheet = buildFactSheet(facts, context(language));
    it.each(REFUNDS[language].claims)(`${language}: "%s" is refused`, (text) => {
      expect(checkStatements(text, sheet).map((finding) => finding.kind)).toContain('refund_claim');
    });
    it.each(REFUNDS[language].denials)(`${language}: "%s" claims no refund`, (text) => {
      expect(checkStatements(text, sheet).filter((finding) => finding.kind === 'refund_claim')).toEqual([]);
    });
  }
});

describe("a model's statements in French, German and Spanish", () => {
  const STATEMENTS: Record<
    Exclude<Language, 'en'>,
    {
      honest: string;
      intro: string;
      uncited: string;
      contact: string;
      denial: string;
      after: string;
      /** A claim in words no fact has and no event list names: refused because the facts do not say it. */
      praise: string;
    }
  > = {
    fr: {
      honest: 'Le client a payé 49,00 $US le 16 novembre 2026, puis a utilisé le produit depuis l’IP 203.0.113.7.',
      intro: 'Nous contestons ce litige.',
      uncited: 'Le client a utilisé le produit 12 fois.',
      contact: 'Le client nous a contactés par téléphone et a confirmé l’achat.',
      denial: "Le client n'a jamais demandé d'aide.",
      after: 'Après le paiement, le client a payé 49,00 $US.',
      praise: "Le client a adoré le produit et l'a recommandé à ses amis.",
    },
    de: {
      honest: 'Der Kunde zahlte am 16. November 2026 49,00 $ und nutzte das Produkt danach von der IP 203.0.113.7.',
      intro: 'Wir widersprechen dieser Rückbuchung.',
      uncited: 'Der Kunde hat das Produkt 12 Mal genutzt.',
      contact: 'Der Kunde hat uns angerufen und den Kauf bestätigt.',
      denial: 'Der Kunde hat nie um Hilfe gebeten.',
      after: 'Nach der Zahlung zahlte der Kunde 49,00 $.',
      praise: 'Der Kunde war mit dem Produkt sehr zufrieden und empfahl es weiter.',
    },
    es: {
      honest:
        'El cliente pagó 49,00 US$ el 16 de noviembre de 2026 y después utilizó el producto desde la IP 203.0.113.7.',
      intro: 'Impugnamos esta disputa.',
      uncited: 'El cliente utilizó el producto 12 veces.',
      contact: 'El cliente nos llamó por teléfono y confirmó la compra.',
      denial: 'El cliente nunca pidió ayuda.',
      after: 'Después del pago, el cliente pagó 49,00 US$.',
      praise: 'El cliente quedó muy satisfecho con el producto y lo recomendó.',
    },
  };
  for (const [language, said] of Object.entries(STATEMENTS) as [Exclude<Language, 'en'>, (typeof STATEMENTS)['fr']][]) {
    const sheet = buildFactSheet(facts, context(language));
    const ref = (id: string) => sheet.facts.find((fact) => fact.id === id)?.ref;
    const [charge, activity, account] = [ref('stripe.charge'), ref('sql.activity.summary'), ref('sql.account')];
    const check = (text: string, cited: (string | undefined)[]) =>
      checkClaims([{ text, facts: cited.filter((ref): ref is string => ref !== undefined) }], sheet);

    it(`${language}: an honest statement citing its facts passes, and so does an introduction citing none`, () => {
      expect(check(said.honest, [charge, activity]).map((f) => f.message)).toEqual([]);
      expect(check(said.intro, [])).toEqual([]);
    });
    it(`${language}: a claim citing no facts is refused`, () => {
      expect(check(said.uncited, []).map((finding) => finding.kind)).toContain('uncited');
    });
    it(`${language}: a contact and a verification no cited fact records are refused`, () => {
      const events = check(said.contact, [charge, activity]).map((finding) => finding.value);
      expect(events).toContain('a contact with the customer');
      expect(events).toContain('a verification');
    });
    it(`${language}: a denial no fact states is refused`, () => {
      expect(check(said.denial, [charge, activity]).map((finding) => finding.kind)).toContain('unsupported');
    });
    it(`${language}: a claim in words its facts do not have is refused, whatever the words`, () => {
      const findings = check(said.praise, [charge, activity]);
      expect(findings.map((finding) => finding.kind)).toEqual(['unsupported']);
    });
    it(`${language}: a fact's own sentence, as the sheet states it in ${language}, passes as it is`, () => {
      const stated = sheet.facts.find((fact) => fact.id === 'stripe.charge')?.text ?? '';
      expect(stated).not.toContain('Charge ch_');
      expect(check(stated, [charge])).toEqual([]);
    });
    it(`${language}: "after the payment" needs a cited fact dated after it`, () => {
      expect(check(said.after, [account]).map((finding) => finding.value)).toContain('something after the payment');
      expect(check(said.after, [charge, activity]).map((f) => f.message)).toEqual([]);
    });
  }
});

describe('a model told to write French that writes English anyway', () => {
  const sheet = buildFactSheet(facts, context('fr'));
  const charge = sheet.facts.find((fact) => fact.id === 'stripe.charge')?.ref ?? '';
  it('is still refused an event and a denial no cited fact records', () => {
    const said = (text: string) => checkClaims([{ text, facts: [charge] }], sheet).map((finding) => finding.value);
    expect(said('We called the customer, who confirmed the purchase.')).toContain('a contact with the customer');
    expect(checkClaims([{ text: 'The customer never disputed before.', facts: [charge] }], sheet)).not.toEqual([]);
  });
});

describe("a person's edit of a French rebuttal", () => {
  const sheet = buildFactSheet(sampleFacts(), sampleContext({ reason: 'fraudulent', language: 'fr' }));
  const { text } = draftFromTemplate(sheet);

  it('the template’s own French sentences stand as they are', () => {
    expect(checkEditedText(text, sheet).map((f) => f.message)).toEqual([]);
  });

  it('a refund, a false amount or a denial added in French is listed', () => {
    const kinds = (added: string) => checkEditedText(`${text}\n\n${added}`, sheet).map((finding) => finding.kind);
    expect(kinds('Nous avons remboursé le client.')).toContain('refund_claim');
    expect(kinds('Le client a payé 59,00 $US.')).toContain('amount');
    expect(kinds("Le client n'a jamais utilisé d'autre carte.")).toContain('unsupported');
  });
});

describe('the activity summary in the rebuttal’s language', () => {
  const PAID = Date.parse('2026-11-16T14:03:00Z');
  /** A charge and `count` sign-ins after it, one a minute, from one IP address. */
  const activity = (count: number): Fact[] => [
    sampleFact({
      id: 'stripe.charge',
      kind: 'charge',
      text: 'Payment of $49.00 succeeded on charge ch_3QsampleCharge00001.',
      at: new Date(PAID).toISOString(),
      data: { amount: 4900, currency: 'usd' },
    }),
    ...Array.from({ length: count }, (_, i) =>
      sampleFact({
        id: `sql.activity.${i}`,
        kind: 'activity',
        text: `Signed in from IP 203.0.113.7.`,
        at: new Date(PAID + (i + 1) * 60_000).toISOString(),
        source: 'sql',
        data: { event: 'signed in', ip: '203.0.113.7' },
      }),
    ),
  ];
  const SAID: Record<Language, { summary: string; lie: string }> = {
    en: { summary: 'After the payment: 1,500 events from', lie: 'After the payment there were 1,501 events.' },
    fr: { summary: 'Après le paiement : 1 500 événements du', lie: 'Après le paiement, 1 501 événements.' },
    de: { summary: 'Nach der Zahlung: 1.500 Ereignisse von', lie: 'Nach der Zahlung folgten 1.501 Ereignisse.' },
    es: { summary: 'Después del pago: 1500 eventos del', lie: 'Después del pago hubo 1501 eventos.' },
  };
  const facts = activity(1_500);

  for (const language of LANGUAGES) {
    it(`${language}: the summary is written in it, passes the check, and a count it does not make true is refused`, () => {
      const sheet = buildFactSheet(
        facts,
        sampleContext({ reason: 'fraudulent', language, created: '2026-11-20T09:00:00Z' }),
      );
      const draft = draftFromTemplate(sheet);
      expect(draft.text.replace(/\u00a0/g, ' ')).toContain(SAID[language].summary);
      expect(checkGrounding(draft.text, draft.citedFacts, sheet)).toEqual({ ok: true, findings: [] });
      expect(checkStatements(SAID[language].lie, sheet).map((finding) => finding.kind)).toContain('count');
    });
  }
});

describe('the cover’s points and the rebuttal’s opening in each language', () => {
  it.each(LANGUAGES)('%s has every point sentence English has', (language) => {
    expect(catalogueShape(STRONGEST_MESSAGES[language]).sort()).toEqual(catalogueShape(STRONGEST_MESSAGES.en).sort());
  });

  it.each(FOREIGN)('%s translates every point sentence and answer', (language) => {
    const english = new Map(catalogueStrings(STRONGEST_MESSAGES.en));
    for (const [path, text] of catalogueStrings(STRONGEST_MESSAGES[language])) {
      if (text !== 'CVC') expect(text, path).not.toBe(english.get(path));
    }
    for (const [strategy, answer] of Object.entries(STRONGEST_MESSAGES[language].answers)) {
      for (const has of [() => true, () => false]) {
        const said = answer(has);
        const inEnglish = STRONGEST_MESSAGES.en.answers[strategy as keyof typeof STRONGEST_MESSAGES.en.answers](has);
        expect(said === null, strategy).toBe(inEnglish === null);
        if (said !== null) expect(said, strategy).not.toBe(inEnglish);
      }
    }
  });

  /** The sample case with what Stripe adds (the receipt, earlier payments by the same card, a policy accepted). */
  const richFacts = (): Fact[] => [
    ...sampleFacts(),
    sampleFact({
      id: 'stripe.charge.receipt',
      kind: 'charge',
      text: 'A receipt (number 2848-0885) was issued and emailed to jane.doe@example.com.',
      at: '2026-03-04T14:03:22Z',
      data: { receipt_number: '2848-0885', receipt_email: 'jane.doe@example.com' },
    }),
    sampleFact({
      id: 'stripe.prior.summary',
      kind: 'prior_payment',
      text: 'The customer made 2 earlier payments since 2025-12-04 (2 with the same card), none of them disputed or refunded.',
      at: '2025-12-04T10:12:00Z',
      data: { count: 2, same_card_count: 2, first_at: '2025-12-04T10:12:00Z' },
    }),
    sampleFact({
      id: 'stripe.prior.ch_1',
      kind: 'prior_payment',
      text: 'Earlier payment ch_1 of $49.00 on 2025-12-04 with the same card, not disputed.',
      at: '2025-12-04T10:12:00Z',
      data: { charge_id: 'ch_1', same_card: true },
    }),
  ];
  /** Where a packet in the language proved each point (cases.triage.cover), its files named in that language. */
  const coverIn = (language: Language): NonNullable<DraftContext['cover']> => {
    const titles = PACKET_MESSAGES[language].titles;
    return [
      { item: 'three_d_secure', file: titles.serviceDocumentation, pages: [2, 2] },
      { item: 'post_payment_activity', file: titles.serviceDocumentation, pages: [5, 6] },
      { item: 'customer_communication', file: titles.communications, pages: null },
      { item: 'deliverables', file: titles.serviceDocumentation, pages: [7, 8] },
      { item: 'receipt', file: titles.receipt, pages: null },
    ];
  };
  /** Words of the English cover and opening a translated one must not carry. */
  const ENGLISH =
    /The strongest evidence|The cardholder|The customer|delivered to|Used after|authenticated|A message|Messages with|earlier|never disputed|purchase was made|passed|emailed|accepted the|service documentation|\bfile\b|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}/;

  for (const language of FOREIGN) {
    it(`${language}: every reason and fact set opens with the cover’s answer and points, each line grounded and in ${language}`, () => {
      const say = REBUTTAL_MESSAGES[language].opening;
      let opened = 0;
      for (const facts of [...factSets(), richFacts()]) {
        for (const reason of REASONS) {
          for (const cover of [undefined, coverIn(language)]) {
            const sheet = buildFactSheet(facts, sampleContext({ reason, language, cover }));
            const draft = draftFromTemplate(sheet);
            const where = `${reason}, ${cover ? 'with' : 'without'} a packet\n${draft.text}`;
            expect(checkGrounding(draft.text, draft.citedFacts, sheet), where).toEqual({ ok: true, findings: [] });
            const { answer, points } = coverOpening(sheet);
            if (answer) {
              expect(draft.text.split('\n')[0], where).toContain(answer);
              expect(answer, where).not.toMatch(ENGLISH);
            }
            if (points.length === 0) continue;
            opened++;
            // The opening is the section after the header: its heading, then one line per point.
            const [heading, ...lines] = draft.text.split('\n\n')[1]?.split('\n') ?? [];
            expect(heading, where).toBe(say.heading);
            expect(lines.length, where).toBeGreaterThan(0);
            for (const line of lines) {
              expect(checkStatements(line, sheet), `${where}\n${line}`).toEqual([]);
              expect(line, where).not.toMatch(ENGLISH);
            }
          }
        }
      }
      expect(opened).toBeGreaterThan(REASONS.length * 2);
    });
  }

  it.each(FOREIGN)('%s: the opening names each point’s file and pages in the language', (language) => {
    const sheet = buildFactSheet(
      richFacts(),
      sampleContext({ reason: 'fraudulent', language, cover: coverIn(language) }),
    );
    const { text } = draftFromTemplate(sheet);
    const say = REBUTTAL_MESSAGES[language].opening;
    const titles = PACKET_MESSAGES[language].titles;
    expect(text).toContain(`\n\n${say.heading}\n- `);
    expect(text).toContain(`(${say.pages(titles.serviceDocumentation, 2, 2)}).`);
    expect(text).toContain(`(${say.pages(titles.serviceDocumentation, 5, 6)}).`);
    expect(text).toContain(`(${say.file(titles.communications)}).`);
    expect(text).toContain(STRONGEST_MESSAGES[language].threeDSecure);
  });
});
