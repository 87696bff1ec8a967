import { describe, expect, it } from 'vitest';
import { parseEvidenceConfig } from '../../src/evidence/config.js';
import { applyPlaybook, type ChecklistItem } from '../../src/evidence/playbook/index.js';
import type { Fact } from '../../src/evidence/types.js';
import {
  breakEvenWinRate,
  COUNTERED_FEE_SINCE,
  feesFor,
  inquiryPaths,
  MIN_DECIDED_SAMPLE,
  PRIOR_WIN_RATE,
  pathCosts,
  SMART_DISPUTES_SHARE,
  type TriageDispute,
  type TriageInput,
  triage,
} from '../../src/triage/index.js';

const NOW = Date.UTC(2026, 2, 10) / 1000;
const EVIDENCE_CONFIG = parseEvidenceConfig(`business:
  name: Roomcraft
  product_description: AI interior designs.
  support_email: support@roomcraft.example
  website: https://roomcraft.example
`);
const DAY = 86_400;

function dispute(overrides: Partial<TriageDispute> = {}): TriageDispute {
  return {
    amount: 4_900,
    currency: 'usd',
    reason: 'fraudulent',
    status: 'needs_response',
    created: NOW - DAY,
    network_reason_code: '10.4',
    payment_method_details: { card: { brand: 'visa', network_reason_code: '10.4' } },
    evidence_details: { due_by: NOW + 8 * DAY },
    ...overrides,
  };
}

function item(id: ChecklistItem['id'], found: boolean, weight: number, core = false): ChecklistItem {
  return { id, item: `${id} evidence`, found, weight, core };
}

const strongChecklist = [
  item('post_payment_activity', true, 0.85, true),
  item('purchase_ip', true, 0.75, true),
  item('prior_payments', false, 0.65),
  item('card_checks', false, 0.5),
];

function run(overrides: Partial<TriageInput> = {}) {
  return triage({ dispute: dispute(), checklist: strongChecklist, now: NOW, ...overrides });
}

const chargeFact = (at: string): Fact => ({
  id: 'stripe.charge',
  kind: 'charge',
  text: 'charge',
  at,
  source: 'stripe',
  data: { amount: 4_900, currency: 'usd' },
});
const refundFact = (at: string, amount: number): Fact => ({
  id: `stripe.refund.${at}`,
  kind: 'refund',
  text: 'refund',
  at,
  source: 'stripe',
  data: { amount, currency: 'usd', status: 'succeeded' },
});
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

describe('triage: the countered-fee break-even', () => {
  it('is F / (A + F): a 49.00 USD dispute against a 15.00 USD countered fee breaks even at 23.4%', () => {
    expect(breakEvenWinRate(4_900, { countered: 1_500, received: 1_500, receivedReturnedOnWin: false })).toBeCloseTo(
      1_500 / 6_400,
      10,
    );
    expect(run().breakEven).toBeCloseTo(0.234375, 10);
  });

  it('a dispute smaller than the fee is still worth countering above its break-even (10 USD vs 15 USD → 60%)', () => {
    expect(breakEvenWinRate(1_000, { countered: 1_500, received: 1_500, receivedReturnedOnWin: false })).toBeCloseTo(
      0.6,
      10,
    );
  });

  it('adds the received fee to the prize where a win returns it (Mexico)', () => {
    expect(breakEvenWinRate(10_000, { countered: 500, received: 500, receivedReturnedOnWin: true })).toBeCloseTo(
      500 / 11_000,
      10,
    );
  });

  it('is zero where answering costs nothing: inquiries, Japan and Mexico, and disputes opened before the fee existed', () => {
    expect(feesFor('usd', NOW, true)?.countered).toBe(0);
    expect(feesFor('jpy', NOW, false)?.countered).toBe(0);
    expect(feesFor('mxn', NOW, false)?.countered).toBe(0);
    expect(feesFor('usd', COUNTERED_FEE_SINCE - 1, false)?.countered).toBe(0);
    expect(feesFor('usd', COUNTERED_FEE_SINCE, false)?.countered).toBe(1_500);
    expect(feesFor('eur', NOW, false)?.countered).toBe(2_000);
    expect(run({ dispute: dispute({ created: COUNTERED_FEE_SINCE - DAY }) }).breakEven).toBe(0);
  });

  it('an unknown fee is never free: no break-even, said so, and a person decides; a configured fee is used instead', () => {
    const unknown = run({ dispute: dispute({ currency: 'chf' }) });
    expect(unknown.fees).toBeNull();
    expect(unknown.breakEven).toBeNull();
    expect(unknown.decision).toBe('review');
    expect(unknown.reasons.join(' ')).toContain("Stripe's countered fee for CHF is not known to rebut");
    expect(unknown.reasons.join(' ')).toContain('COUNTERED_FEES=chf:25.00');
    expect(unknown.reasons.join(' ')).not.toContain('above the break-even');
    const configured = run({ dispute: dispute({ currency: 'chf' }), counteredFees: { chf: 2_500 } });
    expect(configured.decision).toBe('fight');
    expect(configured.breakEven).toBeCloseTo(2_500 / (4_900 + 2_500), 10);
    // A configured fee replaces Stripe's published one.
    expect(run({ counteredFees: { usd: 3_000 } }).fees?.countered).toBe(3_000);
    const given = run({
      dispute: dispute({ currency: 'chf' }),
      fees: { received: 1_500, countered: 1_000, receivedReturnedOnWin: false },
    });
    expect(given.breakEven).toBeCloseTo(1_000 / 5_900, 10);
  });
});

describe('triage: the business win rate and the minimum sample', () => {
  const small = dispute({ amount: 500 }); // 5.00 USD vs 15.00 USD: break-even 75%

  it(`below ${MIN_DECIDED_SAMPLE} decided disputes the win rate is a prior, reported but not used to concede`, () => {
    const verdict = run({ dispute: small, history: { decided: MIN_DECIDED_SAMPLE - 1, won: 0 } });
    expect(verdict.breakEven).toBeCloseTo(0.75, 10);
    expect(verdict.winRate).toEqual({ value: PRIOR_WIN_RATE, sample: MIN_DECIDED_SAMPLE - 1, used: false });
    expect(verdict.decision).toBe('fight');
  });

  it('at the minimum sample a measured rate below break-even means do not fight', () => {
    const verdict = run({ dispute: small, history: { decided: MIN_DECIDED_SAMPLE, won: 2 } });
    expect(verdict.winRate).toEqual({ value: 0.2, sample: MIN_DECIDED_SAMPLE, used: true });
    expect(verdict.decision).toBe('do_not_fight');
    expect(verdict.reasons.join(' ')).toContain('won 2 of 10 fraudulent disputes (20%), below the 75% break-even');
  });

  it('a measured rate above break-even fights', () => {
    const verdict = run({ history: { decided: 40, won: 12 } });
    expect(verdict.winRate.used).toBe(true);
    expect(verdict.decision).toBe('fight');
  });
});

describe('triage: cases decided by the facts, not the money', () => {
  it('Visa 10.5 has no recourse: accept', () => {
    const verdict = run({
      dispute: dispute({ network_reason_code: '10.5', payment_method_details: { card: { brand: 'visa' } } }),
    });
    expect(verdict.decision).toBe('accept');
    expect(verdict.reasons[0]).toContain('10.5');
  });

  it('a dispute the network allows no response to (due_by 0) is accepted', () => {
    expect(run({ dispute: dispute({ evidence_details: { due_by: 0 } }) }).decision).toBe('accept');
  });

  it('a passed deadline is not fought', () => {
    expect(run({ dispute: dispute({ evidence_details: { due_by: NOW - 60 } }) }).decision).toBe('do_not_fight');
  });

  it('a charge refunded in full after the dispute opened is accepted', () => {
    const created = NOW - DAY;
    const verdict = run({
      dispute: dispute({ created }),
      facts: [chargeFact(iso(created - 20 * DAY)), refundFact(iso(created + 3_600), 4_900)],
    });
    expect(verdict.decision).toBe('accept');
  });

  it('a charge refunded in full before the dispute is answered with the refund, never accepted (that pays twice)', () => {
    const created = NOW - DAY;
    const verdict = run({
      dispute: dispute({ created, reason: 'credit_not_processed' }),
      facts: [chargeFact(iso(created - 20 * DAY)), refundFact(iso(created - 5 * DAY), 4_900)],
    });
    expect(verdict.decision).toBe('fight');
    expect(verdict.reasons[0]).toContain('already refunded in full (49.00 USD');
  });

  it('a partial refund is reported and the rest is triaged as usual', () => {
    const created = NOW - DAY;
    const verdict = run({
      dispute: dispute({ created, amount: 2_900 }),
      facts: [chargeFact(iso(created - 20 * DAY)), refundFact(iso(created - 5 * DAY), 2_000)],
    });
    expect(verdict.decision).toBe('fight');
    expect(verdict.reasons.join(' ')).toContain(
      '20.00 USD was refunded before the dispute; 29.00 USD is still disputed',
    );
  });

  it('a subscription cancelled before the charge is accepted', () => {
    const chargeAt = iso(NOW - 10 * DAY);
    const verdict = run({
      dispute: dispute({ reason: 'subscription_canceled' }),
      facts: [
        chargeFact(chargeAt),
        {
          id: 'stripe.subscription',
          kind: 'subscription',
          text: 'sub',
          at: iso(NOW - 100 * DAY),
          source: 'stripe',
          data: { canceled_at: iso(NOW - 15 * DAY) },
        },
      ],
    });
    expect(verdict.decision).toBe('accept');
  });

  it('a subscription cancelled before the charge but used afterwards goes to a person, not accepted', () => {
    const chargeAt = iso(NOW - 10 * DAY);
    const verdict = run({
      dispute: dispute({ reason: 'subscription_canceled' }),
      facts: [
        chargeFact(chargeAt),
        {
          id: 'stripe.subscription',
          kind: 'subscription',
          text: 'sub',
          at: iso(NOW - 100 * DAY),
          source: 'stripe',
          data: { canceled_at: iso(NOW - 15 * DAY) },
        },
        { id: 'sql.activity.1', kind: 'activity', text: 'login', at: iso(NOW - 5 * DAY), source: 'sql' },
      ],
    });
    expect(verdict.decision).toBe('review');
    expect(verdict.reasons[0]).toContain('yet used the product after it');
  });

  it('a cancelled-subscription dispute with neither a cancellation policy nor use after the renewal is weak, and says so', () => {
    const verdict = run({
      dispute: dispute({ reason: 'subscription_canceled' }),
      facts: [chargeFact(iso(NOW - 10 * DAY))],
    });
    expect(verdict.decision).toBe('do_not_fight');
    expect(verdict.reasons[0]).toMatch(/^Weak: no cancellation policy shown to the customer and no use/);
  });

  it('with a measured win rate and no countered fee, it does not speak of a break-even', () => {
    const verdict = run({ dispute: dispute({ currency: 'jpy', amount: 5_000 }), history: { decided: 20, won: 10 } });
    expect(verdict.reasons.join(' ')).toContain('answering costs no countered fee');
    expect(verdict.reasons.join(' ')).not.toContain('break-even');
  });

  it('a reason the playbook says evidence cannot win is not fought, whatever the evidence and the money say', () => {
    const insufficientFunds = applyPlaybook('insufficient_funds', [], EVIDENCE_CONFIG);
    const verdict = run({
      dispute: dispute({ reason: 'insufficient_funds', payment_method_details: null, network_reason_code: null }),
      notFought: insufficientFunds.notFought,
      history: { decided: 50, won: 45 },
    });
    expect(verdict.decision).toBe('do_not_fight');
    expect(verdict.reasons[0]).toContain('Ask the customer to pay another way.');
    const compliance = applyPlaybook('noncompliant', [], EVIDENCE_CONFIG);
    expect(run({ dispute: dispute({ reason: 'noncompliant' }), notFought: compliance.notFought }).decision).toBe(
      'do_not_fight',
    );
    // A bank debit the customer says they never authorised is answered like any other dispute.
    expect(applyPlaybook('debit_not_authorized', [], EVIDENCE_CONFIG).notFought).toBeNull();
  });

  it('with none of the core evidence found, do not fight, whatever the money says', () => {
    const verdict = run({
      checklist: [
        item('post_payment_activity', false, 0.85, true),
        item('purchase_ip', false, 0.75, true),
        item('card_checks', true, 0.5),
      ],
      history: { decided: 50, won: 45 },
    });
    expect(verdict.decision).toBe('do_not_fight');
  });

  it('with some core evidence missing, fight and say what is missing', () => {
    const verdict = run({
      checklist: [item('post_payment_activity', true, 0.85, true), item('purchase_ip', false, 0.75, true)],
    });
    expect(verdict.decision).toBe('fight');
    expect(verdict.reasons.join(' ')).toContain('Missing core evidence: purchase_ip evidence');
  });

  it('an inquiry is answered and costs no countered fee', () => {
    const verdict = run({
      dispute: dispute({ status: 'warning_needs_response', amount: 300 }),
      history: { decided: 30, won: 0 },
    });
    expect(verdict.decision).toBe('fight');
    expect(verdict.breakEven).toBe(0);
    expect(verdict.reasons[0]).toContain('inquiry');
  });

  it('lists the gaps strongest first', () => {
    const verdict = run({
      checklist: [
        item('card_checks', false, 0.5),
        item('post_payment_activity', true, 0.85, true),
        item('prior_payments', false, 0.65),
        item('customer_communication', false, 0.2),
      ],
    });
    expect(verdict.gaps.map((gap) => gap.weight)).toEqual([0.65, 0.5, 0.2]);
    expect(verdict.gaps[0]?.item).toBe('prior_payments evidence');
  });
});

describe('the cheapest path: answering, Smart Disputes or accepting', () => {
  const usd = feesFor('usd', NOW, false);
  if (!usd) throw new Error('USD fees are published');

  it('works out each expected loss from the amount, the countered fee and the win rate', () => {
    // 29.00 USD at 30%: answering 0.7 × (29 + 15) = 30.80; Smart Disputes 0.7 × 29 + 0.3 × 0.3 × 29 = 22.91.
    expect(pathCosts({ amount: 2_900, fees: usd, winRate: 0.3 })).toEqual({
      answer: 3_080,
      smartDisputes: 2_291,
      accept: 2_900,
      cheapest: 'smart_disputes',
      winRate: 0.3,
    });
    // 490.00 USD at 60%: answering 0.4 × 505 = 202.00 beats Smart Disputes 0.4 × 490 + 0.18 × 490 = 284.20.
    expect(pathCosts({ amount: 49_000, fees: usd, winRate: 0.6 })).toMatchObject({
      answer: 20_200,
      smartDisputes: 28_420,
      cheapest: 'answer',
    });
    // No win at all: accepting is cheapest (answering only adds the fee; Smart Disputes ties with accepting).
    expect(pathCosts({ amount: 2_900, fees: usd, winRate: 0 }).cheapest).toBe('smart_disputes');
    expect(pathCosts({ amount: 2_900, fees: { ...usd, countered: 0 }, winRate: 0.5 }).cheapest).toBe('answer');
  });

  it('answering beats Smart Disputes exactly where (1 − p) · F < 0.30 · p · A', () => {
    for (const amount of [500, 2_900, 10_000, 49_000]) {
      for (const p of [0.1, 0.3, 0.5, 0.8]) {
        const paths = pathCosts({ amount, fees: usd, winRate: p });
        const answerWins = (1 - p) * usd.countered < SMART_DISPUTES_SHARE * p * amount;
        if (answerWins) expect(paths.cheapest).toBe('answer');
        else expect(paths.cheapest).not.toBe('answer');
      }
    }
  });

  it('is on the verdict and said in its reasons for a chargeback, not for an inquiry', () => {
    const verdict = run({ dispute: dispute({ amount: 2_900 }) });
    expect(verdict.paths).toMatchObject({ cheapest: 'smart_disputes', answer: 3_080, smartDisputes: 2_291 });
    expect(verdict.reasons).toContain(
      'Expected loss at an assumed 30% win rate: answering 30.80 USD, Smart Disputes 22.91 USD, accepting 29.00 USD; ' +
        "Stripe's Smart Disputes is cheapest (30% of the amount on a win, no countered fee).",
    );
    const measured = run({ history: { decided: 20, won: 16 } });
    expect(measured.reasons.join('\n')).toContain("Expected loss at this business's 80% win rate:");
    const inquiry = run({ dispute: dispute({ status: 'warning_needs_response' }) });
    expect(inquiry.paths).toBeNull();
    expect(inquiry.reasons.join('\n')).not.toContain('Expected loss');
  });
});

describe('an inquiry: refund now, or answer', () => {
  it('refunding is cheaper exactly when p · A < (1 − p) · R, R the chargeback it becomes when lost', () => {
    // 29.00 USD at 30%: answering 0.7 × (29 + 15) = 30.80 > 29.00: refund.
    expect(inquiryPaths({ amount: 2_900, receivedFee: 1_500, winRate: 0.3 })).toEqual({
      answer: 3_080,
      refund: 2_900,
      cheaper: 'refund',
      winRate: 0.3,
    });
    // 49.00 USD at 30%: answering 0.7 × 64 = 44.80 < 49.00: answer.
    expect(inquiryPaths({ amount: 4_900, receivedFee: 1_500, winRate: 0.3 }).cheaper).toBe('answer');
    // An unknown fee never makes the refund look cheaper.
    expect(inquiryPaths({ amount: 100, receivedFee: null, winRate: 0.01 }).cheaper).toBe('answer');
  });

  it('triage says which on the inquiry, and still recommends answering (a person may refund)', () => {
    const small = run({ dispute: dispute({ amount: 2_900, status: 'warning_needs_response' }) });
    expect(small.decision).toBe('fight');
    expect(small.inquiry).toMatchObject({ cheaper: 'refund' });
    expect(small.reasons[0]).toContain('Refunding 29.00 USD now is cheaper than answering (expected loss 30.80 USD');
    const larger = run({ dispute: dispute({ amount: 4_900, status: 'warning_needs_response' }) });
    expect(larger.inquiry).toMatchObject({ cheaper: 'answer' });
    expect(larger.reasons[0]).toContain('is cheaper than refunding (expected loss 44.80 USD against 49.00 USD)');
    expect(run().inquiry).toBeNull();
  });
});
