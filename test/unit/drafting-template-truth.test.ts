// The template says only what its facts make true: for many random fact sets (facts removed, changed, contradicting
// each other), no sentence asserts a kind of evidence the rebuttal's own facts lack.
import { describe, expect, it } from 'vitest';
import { buildFactSheet, type SheetFact } from '../../src/drafting/fact-sheet.js';
import { checkStatements } from '../../src/drafting/grounding.js';
import { sampleContext, sampleFact } from '../../src/drafting/sample-case.js';
import { draftFromTemplate, OPENING_WORDS } from '../../src/drafting/template.js';
import { strongestPoints } from '../../src/evidence/playbook/strongest.js';
import type { Fact } from '../../src/evidence/types.js';

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
  'insufficient_funds',
  'noncompliant',
];
const PAID = Date.parse('2026-03-04T14:03:22Z');

/** A small seeded generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    chance: (p: number) => next() < p,
    int: (max: number) => Math.floor(next() * (max + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}

const at = (hoursFromPayment: number) => new Date(PAID + hoursFromPayment * 3_600_000).toISOString();

/** Facts as the sources write them: each text says what its data says, no more. */
function randomFacts(seed: number): Fact[] {
  const r = random(seed);
  const facts: Fact[] = [];
  if (r.chance(0.9)) {
    facts.push(
      sampleFact({
        id: 'stripe.charge',
        kind: 'charge',
        text: 'Payment of $49.00 succeeded on charge ch_3QsampleCharge00001.',
        at: at(0),
        data: { amount: 4900, currency: 'usd' },
      }),
    );
  }
  if (r.chance(0.5)) {
    const cvc = r.pick(['pass', 'fail', 'unavailable']);
    facts.push(
      sampleFact({
        id: 'stripe.charge.cvc',
        kind: 'payment_check',
        text: `CVC check: ${cvc}.`,
        at: at(0),
        data: { cvc_check: cvc },
      }),
    );
  }
  if (r.chance(0.4)) {
    const postal = r.pick(['pass', 'fail']);
    const street = r.chance(0.5) ? r.pick(['pass', 'fail']) : null;
    facts.push(
      sampleFact({
        id: 'stripe.charge.avs',
        kind: 'payment_check',
        text: `Address verification (AVS): street address ${street ?? 'not checked'}, postal code ${postal}.`,
        at: at(0),
        data: { address_line1_check: street, address_postal_code_check: postal },
      }),
    );
  }
  if (r.chance(0.3)) {
    const result = r.pick(['authenticated', 'failed', 'attempt_acknowledged']);
    facts.push(
      sampleFact({
        id: 'stripe.charge.3ds',
        kind: 'payment_check',
        text: `3-D Secure: ${result}.`,
        at: at(0),
        data: { result, liability_shift: result !== 'failed' },
      }),
    );
  }
  if (r.chance(0.4)) {
    facts.push(
      sampleFact({
        id: 'stripe.charge.risk',
        kind: 'payment_check',
        text: 'Stripe Radar rated the payment normal risk.',
        at: at(0),
        data: { risk_level: 'normal' },
      }),
    );
  }
  for (let i = 0; i < r.int(3); i++) {
    const same = r.chance(0.5);
    facts.push(
      sampleFact({
        id: `stripe.prior.${i}`,
        kind: 'prior_payment',
        text: `Earlier payment of $49.00 ${same ? 'with the same card (visa ending 4242)' : 'with a visa card ending 1881'}.`,
        at: at(-24 * (30 + i * 30)),
        data: { amount: 4900, currency: 'usd', same_card: same },
      }),
    );
  }
  for (let i = 0; i < r.int(4); i++) {
    const login = r.chance(0.5);
    const withIp = r.chance(0.5);
    facts.push(
      sampleFact({
        id: `sql.activity.${i}`,
        kind: 'activity',
        text: `${login ? 'login' : 'generated designs'}${withIp ? ' from IP 203.0.113.7' : ''}.`,
        at: r.chance(0.2) ? null : at(r.pick([-48, -2, 1, 30, 200])),
        source: 'sql',
        data: { event: login ? 'login' : 'generate', ip: withIp ? '203.0.113.7' : null },
      }),
    );
  }
  for (let i = 0; i < r.int(2); i++) {
    facts.push(
      sampleFact({
        id: `sql.deliverable.${i}`,
        kind: 'deliverable',
        text: `Design "Room ${i}" was produced.`,
        at: at(r.pick([-5, 3, 50])),
        source: 'sql',
      }),
    );
  }
  for (let i = 0; i < r.int(2); i++) {
    const shown = r.pick(['checkout_page', 'settings_page', null]);
    const policy = r.pick(['terms', 'refund', 'cancellation']);
    facts.push(
      sampleFact({
        id: `sql.policy_acceptance.${i}`,
        kind: 'policy_acceptance',
        text: `the customer accepted the ${policy} policy${shown ? ` shown on the ${shown.replace('_', ' ')}` : ''}.`,
        at: at(-1),
        source: 'sql',
        data: { policy, shown_at: shown },
      }),
    );
  }
  if (r.chance(0.3)) {
    const status = r.pick(['succeeded', 'failed', 'canceled', 'pending']);
    facts.push(
      sampleFact({
        id: 'stripe.refund',
        kind: 'refund',
        text: `Refund re_1 of $10.00 (${status}).`,
        at: at(5),
        data: { amount: 1000, currency: 'usd', status },
      }),
    );
  }
  if (r.chance(0.3)) {
    facts.push(
      sampleFact({
        id: 'stripe.subscription',
        kind: 'subscription',
        text: 'Subscription sub_1 is active.',
        at: at(-24 * 60),
      }),
    );
  }
  for (let i = 0; i < r.int(3); i++) {
    facts.push(
      sampleFact({
        id: `stripe.invoice.${i}`,
        kind: 'invoice',
        text: `Invoice in_${i} was paid.`,
        at: at(-24 * 30 * i),
      }),
    );
  }
  if (r.chance(0.3)) {
    const policy = r.pick(['refund', 'cancellation', 'terms']);
    facts.push(
      sampleFact({
        id: `config.policy.${policy}`,
        kind: 'policy',
        text: `The ${policy} text.`,
        source: 'config',
        data: { policy },
      }),
    );
  }
  if (r.chance(0.3)) {
    const hasEmail = r.chance(0.5);
    facts.push(
      sampleFact({
        id: 'sql.account',
        kind: 'account',
        text: hasEmail ? 'Account x@example.com was created.' : 'Account usr_1 was created.',
        at: at(-500),
        source: 'sql',
        data: { email: hasEmail ? 'x@example.com' : null },
      }),
    );
  }
  if (r.chance(0.2))
    facts.push(sampleFact({ id: 'sql.product', kind: 'product', text: 'Pixel Forge Pro.', source: 'config' }));
  return facts;
}

/** An opening line that is a fact's own text (the activity summary's), with where to find it. */
const isOwnWords = (line: string, text: string) => line.startsWith(`- ${text.replace(/\.$/, '')}`);

/** What each claim needs among the facts the rebuttal cites. */
const CLAIMS: { says: RegExp; needs: (facts: SheetFact[]) => boolean }[] = [
  { says: /same card/i, needs: (facts) => facts.some((fact) => fact.data.same_card === true) },
  { says: /3-D Secure/, needs: (facts) => facts.some((fact) => 'liability_shift' in fact.data) },
  { says: /\bCVC\b/, needs: (facts) => facts.some((fact) => fact.data.cvc_check) },
  { says: /postal code/i, needs: (facts) => facts.some((fact) => fact.data.address_postal_code_check) },
  { says: /street address/i, needs: (facts) => facts.some((fact) => fact.data.address_line1_check) },
  { says: /at checkout/i, needs: (facts) => facts.some((fact) => String(fact.data.shown_at).includes('checkout')) },
  {
    says: /after (the|this) payment/i,
    needs: (facts) =>
      facts.some((fact) => ['activity', 'deliverable'].includes(fact.kind) && fact.at && Date.parse(fact.at) >= PAID),
  },
  { says: /IP address/, needs: (facts) => facts.some((fact) => typeof fact.data.ip === 'string') },
  { says: /\blogins\b/i, needs: (facts) => facts.some((fact) => fact.data.event === 'login') },
  {
    says: /refunds already issued/i,
    needs: (facts) =>
      facts.some((fact) => fact.kind === 'refund' && !['failed', 'canceled'].includes(String(fact.data.status))),
  },
  { says: /renewals/i, needs: (facts) => facts.filter((fact) => fact.kind === 'invoice').length > 1 },
  { says: /account and email/i, needs: (facts) => facts.some((fact) => typeof fact.data.email === 'string') },
  { says: /delivered/i, needs: (facts) => facts.some((fact) => fact.kind === 'deliverable') },
];

describe('the template says only what its facts make true', () => {
  it('for 400 random fact sets and every reason, each claim rests on a cited fact that makes it true', () => {
    let claimsChecked = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const facts = randomFacts(seed);
      for (const reason of REASONS) {
        const sheet = buildFactSheet(facts, sampleContext({ reason, customerEmail: null }));
        const draft = draftFromTemplate(sheet);
        const cited = sheet.facts.filter((fact) => draft.citedFacts.includes(fact.ref));
        // The template's own sentences, the opening's points among them; the timeline lines are the facts' own
        // words, as their sources wrote them.
        const own = draft.text
          .split('\n\n')
          .flatMap((section) =>
            section.startsWith(OPENING_WORDS.heading)
              ? section.split('\n').filter((line) => !sheet.facts.some((fact) => isOwnWords(line, fact.text)))
              : section.split('\n').filter((line) => !line.startsWith('- ')),
          )
          .join('\n');
        for (const claim of CLAIMS) {
          if (!claim.says.test(own)) continue;
          claimsChecked++;
          expect(claim.needs(cited), `seed ${seed}, ${reason}: "${claim.says}" in\n${draft.text}`).toBe(true);
        }
      }
    }
    // The generator reaches the claims: the check above is not vacuous.
    expect(claimsChecked).toBeGreaterThan(500);
  });

  it('an earlier payment on another card is not called the same card', () => {
    const sheet = buildFactSheet(
      [
        sampleFact({
          id: 'stripe.charge',
          kind: 'charge',
          text: 'Payment of $49.00 succeeded.',
          at: at(0),
          data: { amount: 4900 },
        }),
        sampleFact({
          id: 'stripe.prior.0',
          kind: 'prior_payment',
          text: 'Earlier payment of $49.00 with a visa card ending 1881.',
          at: at(-720),
          data: { amount: 4900, same_card: false },
        }),
      ],
      sampleContext({ reason: 'fraudulent' }),
    );
    const draft = draftFromTemplate(sheet);
    expect(draft.text).not.toMatch(/same card/i);
    expect(draft.text).toContain('Earlier payments from this customer are listed below.');
  });

  it('a payment with only a CVC check names only the CVC check', () => {
    const sheet = buildFactSheet(
      [
        sampleFact({
          id: 'stripe.charge.cvc',
          kind: 'payment_check',
          text: 'CVC check: pass.',
          at: at(0),
          data: { cvc_check: 'pass' },
        }),
      ],
      sampleContext({ reason: 'fraudulent' }),
    );
    const draft = draftFromTemplate(sheet);
    expect(draft.text).toContain(`${OPENING_WORDS.heading}\n- The CVC check passed.`);
    expect(draft.text).not.toMatch(/3-D Secure|postal code/);
  });
});

describe("the cover's points say only what their own facts make true", () => {
  it('for 400 random fact sets and every reason, each point rests on facts it names, with their values', () => {
    let points = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const facts = randomFacts(seed);
      for (const reason of REASONS) {
        const context = sampleContext({ reason, customerEmail: null, customerName: null });
        const sheet = buildFactSheet(facts, context);
        for (const point of strongestPoints(reason, sheet.facts, undefined, 19).points) {
          points++;
          const where = `seed ${seed}, ${reason}: "${point.text}"`;
          const cited = sheet.facts.filter((fact) => point.cites.includes(fact.id));
          // No point without its facts, and every fact it names is on the sheet the grounding check reads.
          expect(cited.length, where).toBe(point.cites.length);
          expect(cited.length, where).toBeGreaterThan(0);
          // Its values (dates, counts, IPs, amounts) are in the facts it names, not merely somewhere in the case.
          const own = buildFactSheet(cited, context);
          expect(checkStatements(point.text, own), where).toEqual([]);
          for (const claim of CLAIMS) {
            if (claim.says.test(point.text)) expect(claim.needs(cited), `${where} says ${claim.says}`).toBe(true);
          }
        }
      }
    }
    expect(points).toBeGreaterThan(2_000);
  });

  it('in French, German and Spanish, for 100 random fact sets and every reason, each point’s values rest on its own facts', () => {
    let points = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const facts = randomFacts(seed);
      for (const reason of REASONS) {
        for (const language of ['fr', 'de', 'es'] as const) {
          const context = sampleContext({ reason, language, customerEmail: null, customerName: null });
          const sheet = buildFactSheet(facts, context);
          for (const point of strongestPoints(reason, sheet.facts, undefined, 19, language).points) {
            points++;
            const where = `seed ${seed}, ${reason}, ${language}: "${point.text}"`;
            const cited = sheet.facts.filter((fact) => point.cites.includes(fact.id));
            expect(cited.length, where).toBe(point.cites.length);
            // Dates, counts, amounts and IPs as the language writes them, read back by the check as those facts' own.
            expect(checkStatements(point.text, buildFactSheet(cited, context)), where).toEqual([]);
          }
        }
      }
    }
    expect(points).toBeGreaterThan(1_500);
  });
});
