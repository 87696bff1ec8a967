// The rebuttal opens as page 1 of the service documentation does: the business's answer, then the strongest points in
// the cover's order, each saying where the analyst finds its proof; every line grounded in the sheet's facts.
import { describe, expect, it } from 'vitest';
import { buildFactSheet, type DraftContext } from '../../src/drafting/fact-sheet.js';
import { checkGrounding } from '../../src/drafting/grounding.js';
import { buildPrompt } from '../../src/drafting/prompt.js';
import { sampleContext, sampleFacts } from '../../src/drafting/sample-case.js';
import { strategyFor } from '../../src/drafting/strategies.js';
import { draftFromTemplate, OPENING_WORDS } from '../../src/drafting/template.js';
import { STRONGEST_WORDS } from '../../src/evidence/playbook/strongest.js';
import { STRONGEST_MESSAGES } from '../../src/i18n/strongest.js';

/** Where the packet proved each point, as prepare-case stores it (cases.triage.cover). */
const COVER: NonNullable<DraftContext['cover']> = [
  { item: 'three_d_secure', file: 'Service documentation', pages: [2, 2] },
  { item: 'post_payment_activity', file: 'Service documentation', pages: [5, 6] },
  { item: 'customer_communication', file: 'Communication with the customer', pages: null },
];

const openingOf = (text: string) => {
  const section = text.split('\n\n').find((part) => part.startsWith(OPENING_WORDS.heading)) ?? '';
  return section.split('\n').slice(1);
};

describe("the rebuttal's opening", () => {
  it('states the answer, then the cover’s points with the file and pages proving each, and passes the grounding check', () => {
    const sheet = buildFactSheet(sampleFacts(), sampleContext({ reason: 'fraudulent', cover: COVER }));
    const draft = draftFromTemplate(sheet);
    const [first] = draft.text.split('\n');
    expect(first).toContain(
      'The cardholder says they did not authorise this payment. The cardholder made this purchase and kept using what they paid for.',
    );
    const lines = openingOf(draft.text);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      '- The card issuer authenticated the cardholder with 3-D Secure, shifting fraud liability to the issuer ' +
        '(service documentation, page 2).',
    );
    // The use after the payment in its summary's own words, once: not repeated under "Account activity".
    expect(lines[1]).toMatch(/^- After the payment: 2 events from .* \(service documentation, pages 5–6\)\.$/);
    expect(draft.text.match(/After the payment:/g)).toHaveLength(1);
    expect(lines[2]).toBe('- A message with the customer on 5 Mar 2026 (communication with the customer file).');
    // Each line's facts are cited: the 3-D Secure result and the activity summary.
    const refOf = (id: string) => sheet.facts.find((fact) => fact.id === id)?.ref ?? '';
    expect(draft.citedFacts).toEqual(
      expect.arrayContaining([refOf('stripe.charge.3ds'), refOf('activity.summary.after')]),
    );
    expect(checkGrounding(draft.text, draft.citedFacts, sheet)).toEqual({ ok: true, findings: [] });
    expect(draft.text.length).toBeLessThanOrEqual(1_500);
  });

  it('follows the cover’s order (measured effectiveness), not the playbook’s', () => {
    const reversed = [...COVER].reverse();
    const draft = draftFromTemplate(
      buildFactSheet(sampleFacts(), sampleContext({ reason: 'fraudulent', cover: reversed })),
    );
    const lines = openingOf(draft.text);
    expect(lines[0]).toMatch(/^- A message with the customer/);
    expect(lines[2]).toMatch(/^- The card issuer authenticated the cardholder with 3-D Secure/);
  });

  it('without a packet names no place, in the playbook’s order for the reason', () => {
    const fraud = openingOf(
      draftFromTemplate(buildFactSheet(sampleFacts(), sampleContext({ reason: 'fraudulent' }))).text,
    );
    expect(fraud[0]).toMatch(/^- The card issuer authenticated the cardholder with 3-D Secure/);
    for (const line of fraud) expect(line).not.toMatch(/\(.*(file|page).*\)\.$/);
    const notReceived = openingOf(
      draftFromTemplate(buildFactSheet(sampleFacts(), sampleContext({ reason: 'product_not_received' }))).text,
    );
    expect(notReceived[0]).toBe('- 1 item delivered to the customer after paying, on 5 Mar 2026.');
    expect(notReceived.join('\n')).not.toMatch(/3-D Secure|CVC/);
  });

  it('states no point the facts do not hold, wherever the cover says it is', () => {
    // A cover that lists a receipt: the sheet has no receipt fact, so the rebuttal says nothing of one.
    const cover = [{ item: 'receipt', file: 'Receipt', pages: null }, ...COVER] as const;
    const draft = draftFromTemplate(buildFactSheet(sampleFacts(), sampleContext({ reason: 'fraudulent', cover })));
    expect(draft.text).not.toMatch(/receipt/i);
    expect(openingOf(draft.text)[0]).toMatch(/3-D Secure/);
  });

  it('with only Stripe’s records, says so rather than answering for the business', () => {
    const stripeOnly = sampleFacts().filter((fact) => fact.source === 'stripe');
    const sheet = buildFactSheet(stripeOnly, sampleContext({ reason: 'product_not_received' }));
    const draft = draftFromTemplate(sheet);
    expect(draft.text.split('\n')[0]).toContain(STRONGEST_WORDS.stripeOnly);
    expect(draft.text).not.toMatch(/delivered|used it/i);
    expect(checkGrounding(draft.text, draft.citedFacts, sheet)).toEqual({ ok: true, findings: [] });
  });

  it('asks the model for the same opening, each point with its facts and place', () => {
    const sheet = buildFactSheet(sampleFacts(), sampleContext({ reason: 'fraudulent', cover: COVER }));
    const [system] = buildPrompt(sheet, strategyFor('fraudulent'), []);
    const refOf = (id: string) => sheet.facts.find((fact) => fact.id === id)?.ref ?? '';
    expect(system?.content).toContain('as in: "The cardholder made this purchase and kept using what they paid for."');
    expect(system?.content).toContain(
      `• The card issuer authenticated the cardholder with 3-D Secure, shifting fraud liability to the issuer [${refOf('stripe.charge.3ds')}] (service documentation, page 2)`,
    );
    expect(system?.content).toContain('(communication with the customer file)');
  });

  it('asks the model for the opening in the rebuttal’s language: the answer and points as the French cover states them', () => {
    const cover: NonNullable<DraftContext['cover']> = [
      { item: 'three_d_secure', file: 'Documentation du service', pages: [2, 2] },
      { item: 'customer_communication', file: 'Échanges avec le client', pages: null },
    ];
    const sheet = buildFactSheet(sampleFacts(), sampleContext({ reason: 'fraudulent', language: 'fr', cover }));
    const [system] = buildPrompt(sheet, strategyFor('fraudulent'), []);
    const refOf = (id: string) => sheet.facts.find((fact) => fact.id === id)?.ref ?? '';
    expect(system?.content).toContain(
      'as in: "Le titulaire de la carte a effectué cet achat et a continué à utiliser ce qu’il a payé."',
    );
    expect(system?.content).toContain(
      `• ${STRONGEST_MESSAGES.fr.threeDSecure} [${refOf('stripe.charge.3ds')}] (documentation du service, page 2)`,
    );
    expect(system?.content).toContain('(fichier « Échanges avec le client »)');
    expect(system?.content).not.toContain('The card issuer authenticated');
  });
});
