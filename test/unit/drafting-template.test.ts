import { describe, expect, it } from 'vitest';
import { buildFactSheet } from '../../src/drafting/fact-sheet.js';
import { checkGrounding } from '../../src/drafting/grounding.js';
import { DEFAULT_REBUTTAL_MAX_CHARS } from '../../src/drafting/limits.js';
import { injectionFact, sampleContext, sampleFact, sampleFacts } from '../../src/drafting/sample-case.js';
import { draftFromTemplate, REASON_STRATEGIES, strategyFor } from '../../src/drafting/template.js';
import type { Fact, FactKind } from '../../src/evidence/types.js';

/** Every reason Stripe can report. */
const STRIPE_REASONS = [
  'bank_cannot_process',
  'check_returned',
  'credit_not_processed',
  'customer_initiated',
  'debit_not_authorized',
  'duplicate',
  'fraudulent',
  'general',
  'incorrect_account_details',
  'insufficient_funds',
  'noncompliant',
  'product_not_received',
  'product_unacceptable',
  'subscription_canceled',
  'unrecognized',
];

/** A business with a lot of evidence: more than fits in one rebuttal. */
function manyFacts(): Fact[] {
  const kinds: FactKind[] = ['activity', 'deliverable', 'communication', 'policy', 'invoice', 'account'];
  const extra = Array.from({ length: 60 }, (_, index) =>
    sampleFact({
      id: `sql.extra.${index}`,
      kind: kinds[index % kinds.length] ?? 'activity',
      text: `Recorded event number ${index} for the account of jane.doe@example.com from IP 203.0.113.7, with a long description of what happened so that the line is realistic.`,
      at: `2026-03-${String(5 + (index % 20)).padStart(2, '0')}T${String(index % 24).padStart(2, '0')}:15:00Z`,
      source: 'sql',
    }),
  );
  return [...sampleFacts(), injectionFact(), ...extra];
}

describe('the template drafter', () => {
  it.each(STRIPE_REASONS)('writes a grounded draft within 1,500 characters for a %s dispute', (reason) => {
    for (const facts of [sampleFacts(), manyFacts(), []]) {
      const sheet = buildFactSheet(facts, sampleContext({ reason }));
      const draft = draftFromTemplate(sheet);
      expect(checkGrounding(draft.text, draft.citedFacts, sheet)).toEqual({ ok: true, findings: [] });
      expect(draft.text.length).toBeLessThanOrEqual(DEFAULT_REBUTTAL_MAX_CHARS);
      expect(draft.text).toContain(strategyFor(reason).claim);
    }
  });

  it('answers a reason evidence cannot win without asking for it to be decided in the business’s favour', () => {
    const sheetFor = (reason: string) => buildFactSheet(sampleFacts(), sampleContext({ reason }));
    for (const reason of ['bank_cannot_process', 'check_returned', 'incorrect_account_details', 'insufficient_funds']) {
      const { text } = draftFromTemplate(sheetFor(reason));
      expect(text, reason).toMatch(/^Pixel Forge answers dispute /);
      expect(text, reason).toContain(
        'Pixel Forge does not dispute that this payment could not be collected; these records show the purchase it was for.',
      );
      expect(text, reason).not.toContain('decided in its favour');
    }
    const compliance = draftFromTemplate(sheetFor('noncompliant')).text;
    expect(compliance).toContain('Pixel Forge does not contest this compliance dispute.');
    expect(compliance).not.toContain('decided in its favour');
    expect(draftFromTemplate(sheetFor('debit_not_authorized')).text).toContain('decided in its favour');
  });

  it('has its own strategy for every reason Stripe documents and a fallback for a reason it adds later', () => {
    for (const reason of STRIPE_REASONS) expect(strategyFor(reason).reason).toBe(reason);
    expect(strategyFor('a_reason_stripe_adds_later')).toBe(REASON_STRATEGIES.fallback);
    expect(strategyFor('constructor')).toBe(REASON_STRATEGIES.fallback);
  });

  it('states the dispute, tells the facts in time order, and cites each fact it uses', () => {
    const sheet = buildFactSheet(sampleFacts(), sampleContext());
    const draft = draftFromTemplate(sheet, 2_500);
    expect(
      draft.text.startsWith(
        'Pixel Forge contests dispute du_1QsampleDispute0001 on charge ch_3QsampleCharge00001 for $49.00.',
      ),
    ).toBe(true);
    const timeline = draft.text.split('\n').filter((line) => /^- \w+ \d+, \d{4}/.test(line));
    const times = timeline.map((line) => Date.parse(line.slice(2, line.indexOf(' UTC')).replace(' at ', ' ')));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const ref of draft.citedFacts) {
      const fact = sheet.facts.find((candidate) => candidate.ref === ref);
      if (fact && !fact.untrusted) expect(draft.text).toContain(fact.text);
    }
    // Every fact it may state is cited (text the customer typed, such as a billing name, is never repeated, only
    // their messages noted), or is a dated activity event its cited summary counts.
    const statable = (fact: (typeof sheet.facts)[number]) => !fact.untrusted || fact.kind === 'communication';
    const summaryCited = sheet.facts.some(
      (fact) => fact.id.startsWith('activity.summary.') && draft.citedFacts.includes(fact.ref),
    );
    const counted = (fact: (typeof sheet.facts)[number]) =>
      summaryCited && fact.kind === 'activity' && fact.at !== null;
    expect(
      sheet.facts.filter((fact) => statable(fact) && !draft.citedFacts.includes(fact.ref) && !counted(fact)),
    ).toEqual([]);
  });

  it('never repeats customer-written text, so an injected instruction cannot reach the bank', () => {
    const sheet = buildFactSheet([...sampleFacts(), injectionFact()], sampleContext());
    const draft = draftFromTemplate(sheet, 2_500);
    expect(draft.text).not.toMatch(/ignore previous|refunded|banners look great/i);
    expect(draft.text).toContain('March 6, 2026 at 08:00 UTC: The customer wrote to us.');
  });

  it('keeps the most important facts for the reason when it must trim', () => {
    const sheet = buildFactSheet(manyFacts(), sampleContext({ reason: 'fraudulent' }));
    const draft = draftFromTemplate(sheet);
    expect(draft.omittedFacts.length).toBeGreaterThan(0);
    const kindOf = (ref: string) => sheet.facts.find((fact) => fact.ref === ref)?.kind;
    // Card checks and the payment lead a fraud rebuttal; policies and communication go first when space runs out.
    expect(draft.citedFacts.map(kindOf)).toEqual(expect.arrayContaining(['payment_check', 'charge']));
    expect(draft.omittedFacts.map(kindOf)).not.toContain('payment_check');
    expect(draft.omittedFacts.map(kindOf)).not.toContain('charge');
  });

  it('writes no links and never asks anyone to call', () => {
    const facts = [
      ...sampleFacts(),
      sampleFact({
        id: 'sql.deliverable.2',
        kind: 'deliverable',
        text: 'Downloaded https://cdn.pixelforge.io/designs/17.png from IP 203.0.113.7.',
        at: '2026-03-05T11:00:00Z',
        source: 'sql',
      }),
    ];
    for (const reason of STRIPE_REASONS) {
      const draft = draftFromTemplate(buildFactSheet(facts, sampleContext({ reason })), 2_500);
      expect(draft.text).not.toMatch(/https?:|www\.|call us|contact us/i);
      expect(draft.text).toContain('Downloaded (link on file) from IP 203.0.113.7.');
    }
  });

  it('is deterministic', () => {
    const first = draftFromTemplate(buildFactSheet(manyFacts(), sampleContext()));
    const second = draftFromTemplate(buildFactSheet(manyFacts(), sampleContext()));
    expect(second).toEqual(first);
  });

  it('names the gaps in the evidence for a reviewer', () => {
    const onlyCharge = sampleFacts().filter((fact) => fact.kind === 'charge');
    const draft = draftFromTemplate(buildFactSheet(onlyCharge, sampleContext({ reason: 'product_not_received' })));
    expect(draft.weaknesses).toEqual([
      'No delivery record (files produced or downloaded) is on record.',
      'No logins or usage after the payment are on record.',
    ]);
    expect(draftFromTemplate(buildFactSheet([], sampleContext())).weaknesses).toEqual([
      'No evidence was found; the rebuttal states only the dispute details.',
    ]);
  });

  it('writes a zero-decimal amount in whole yen', () => {
    const facts = [
      sampleFact({ id: 'c', kind: 'charge', text: 'Payment of ¥5,000 succeeded.', at: '2026-03-04T14:03:22Z' }),
    ];
    const sheet = buildFactSheet(facts, sampleContext({ amount: 5000, currency: 'jpy' }));
    const draft = draftFromTemplate(sheet);
    expect(draft.text).toContain('for ¥5,000.');
    expect(checkGrounding(draft.text, draft.citedFacts, sheet).ok).toBe(true);
  });

  it('cuts a long fact at a word, so no number is split into a different one', () => {
    const long = `Signed in from ${'203.0.113.7 '.repeat(40)}over the month.`;
    const sheet = buildFactSheet(
      [sampleFact({ id: 'a', kind: 'activity', text: long, at: '2026-03-05T10:00:00Z', source: 'sql' })],
      sampleContext(),
    );
    const draft = draftFromTemplate(sheet);
    const line = draft.text.split('\n').find((text) => text.includes('Signed in from')) ?? '';
    expect(line.endsWith('203.0.113.7…')).toBe(true);
    expect(line.length).toBeLessThan(400);
    expect(checkGrounding(draft.text, draft.citedFacts, sheet).ok).toBe(true);
  });
});

describe('what the template keeps when it must cut', () => {
  const charge = sampleFact({
    id: 'stripe.charge',
    kind: 'charge',
    text: 'Charge ch_3QsampleCharge00001 of 49.00 USD succeeded.',
    at: '2026-03-01T12:00:00Z',
  });
  const login = (day: number, id: string) =>
    sampleFact({
      id,
      kind: 'activity',
      source: 'sql',
      text: `2026-03-${String(day).padStart(2, '0')} 09:00 UTC: login from IP 203.0.113.7 on device rc-web-1234567890abcdef.`,
      at: `2026-03-${String(day).padStart(2, '0')}T09:00:00Z`,
    });

  it('states the use after the payment first, earlier use only as labelled prior use, and no event one by one', () => {
    const before = Array.from({ length: 25 }, (_, i) => login(1, `before.${i}`)).map((fact, i) => ({
      ...fact,
      at: `2026-02-${String(i + 1).padStart(2, '0')}T09:00:00Z`,
    }));
    const after = [login(2, 'after.1'), login(5, 'after.2'), login(9, 'after.3')];
    const sheet = buildFactSheet([charge, ...before, ...after], sampleContext());
    const draft = draftFromTemplate(sheet, 1_200);
    const afterLine = draft.text.indexOf(
      '- After the payment: 3 events from 2026-03-02 09:00 UTC to 2026-03-09 09:00 UTC.',
    );
    const priorLine = draft.text.indexOf(
      '- Before the payment (prior use, not the use disputed): 25 events from 2026-02-01',
    );
    expect(afterLine).toBeGreaterThan(0);
    expect(priorLine).toBeGreaterThan(afterLine);
    expect(draft.text).not.toMatch(/login from IP/i);
    expect(checkGrounding(draft.text, draft.citedFacts, sheet).ok).toBe(true);
    // A reason that does not turn on who the customer is leaves the prior use out.
    const notReceived = buildFactSheet(
      [charge, ...before, ...after],
      sampleContext({ reason: 'product_not_received' }),
    );
    expect(draftFromTemplate(notReceived, 1_200).text).not.toContain('Before the payment');
  });
});
