import { describe, expect, it } from 'vitest';
import { evidenceKinds } from '../../src/stats/evidence-kinds.js';
import { monthStarts } from '../../src/stats/queries.js';
import {
  type CaseEvidenceCell,
  type EvidenceCell,
  HANDLING_WORDS,
  monthsBetween,
  type StatsCell,
  type StatsInput,
  summarise,
} from '../../src/stats/summarise.js';

const NOW = new Date('2026-11-24T12:00:00Z');

function cell(overrides: Partial<StatsCell>): StatsCell {
  return {
    reason: 'fraudulent',
    network: 'visa',
    currency: 'usd',
    status: 'won',
    submitted: true,
    countered: true,
    disputes: 1,
    amount: 4900,
    ...overrides,
  };
}

function input(overrides: Partial<StatsInput>): StatsInput {
  return {
    window: 'all',
    since: null,
    now: NOW,
    cells: [],
    months: [],
    handling: [],
    evidence: [],
    caseEvidence: [],
    openCases: { total: 0, cases: [] },
    ...overrides,
  };
}

describe('stats arithmetic', () => {
  it('nothing stored gives zeros, empty lists and nulls — and no NaN anywhere in the JSON', () => {
    const stats = summarise(input({}));
    expect(stats).toMatchObject({
      disputes: 0,
      open: 0,
      inquiriesClosed: 0,
      winRate: { decided: 0, won: 0, lost: 0, rate: null, low: null, high: null },
      byReason: [],
      byNetwork: [],
      byMonth: [],
      byHandling: [],
      money: [],
      effectiveness: [],
    });
    expect(JSON.stringify(stats)).not.toMatch(/NaN|Infinity/);
  });

  it('win rate is won ÷ (won + lost); open disputes and closed inquiries are counted but not decided', () => {
    const stats = summarise(
      input({
        cells: [
          cell({ status: 'won', disputes: 3 }),
          cell({ status: 'lost', disputes: 1 }),
          cell({ status: 'needs_response', disputes: 2, submitted: false }),
          cell({ status: 'warning_closed', disputes: 5, submitted: false }),
        ],
      }),
    );
    expect(stats.disputes).toBe(11);
    expect(stats.open).toBe(2);
    expect(stats.inquiriesClosed).toBe(5);
    expect(stats.winRate).toMatchObject({ decided: 4, won: 3, lost: 1, rate: 0.75 });
    expect(stats.winRate.low).toBeCloseTo(0.3006, 4);
  });

  it('breaks the win rate down by reason, network and month, each with its own sample, months without gaps', () => {
    const stats = summarise(
      input({
        cells: [
          cell({ reason: 'fraudulent', network: 'visa', status: 'won' }),
          cell({ reason: 'fraudulent', network: 'mastercard', status: 'lost' }),
          cell({ reason: 'duplicate', network: 'visa', status: 'won', disputes: 4 }),
        ],
        months: [
          { month: '2026-07', status: 'won', disputes: 1 },
          { month: '2026-07', status: 'lost', disputes: 1 },
          { month: '2026-10', status: 'won', disputes: 4 },
          { month: '2026-10', status: 'needs_response', disputes: 0 },
        ],
      }),
    );
    expect(stats.byReason.map((group) => [group.key, group.decided, group.rate])).toEqual([
      ['duplicate', 4, 1],
      ['fraudulent', 2, 0.5],
    ]);
    expect(stats.byNetwork.map((group) => [group.key, group.won, group.lost])).toEqual([
      ['visa', 5, 0],
      ['mastercard', 0, 1],
    ]);
    expect(stats.byMonth.map((group) => [group.key, group.decided])).toEqual([
      ['2026-07', 2],
      ['2026-08', 0],
      ['2026-09', 0],
      ['2026-10', 4],
    ]);
    expect(stats.byMonth[1]).toMatchObject({ rate: null, low: null, high: null });
  });

  it('money is kept per currency: dollars and euros are never added together', () => {
    const stats = summarise(
      input({
        cells: [
          cell({ currency: 'usd', status: 'won', amount: 10_000, disputes: 2 }),
          cell({ currency: 'usd', status: 'lost', amount: 3_000 }),
          cell({ currency: 'eur', status: 'lost', amount: 7_000 }),
          cell({ currency: 'eur', status: 'under_review', amount: 2_500 }),
        ],
      }),
    );
    const usd = stats.money.find((money) => money.currency === 'usd');
    const eur = stats.money.find((money) => money.currency === 'eur');
    expect(usd).toMatchObject({ disputes: 3, disputed: 13_000, recovered: 10_000, lost: 3_000, atStake: 0 });
    expect(eur).toMatchObject({ disputes: 2, disputed: 9_500, recovered: 0, lost: 7_000, atStake: 2_500 });
    expect(stats.money).toHaveLength(2);
  });

  it("fees follow Stripe's pricing: the dispute fee on every chargeback, the countered fee kept only when a submitted dispute is not won", () => {
    const stats = summarise(
      input({
        cells: [
          // 15.00 USD received fee each (2 × 1,500); countered fee returned with the win.
          cell({ status: 'won', submitted: true, countered: true, disputes: 2 }),
          // 15.00 + 15.00 USD: submitted and lost.
          cell({ status: 'lost', submitted: true, countered: true }),
          // 15.00 USD: lost without an answer, so no countered fee.
          cell({ status: 'lost', submitted: false, countered: true }),
          // 15.00 USD: opened before the countered fee existed (2025-06-17).
          cell({ status: 'lost', submitted: true, countered: false }),
          // Inquiries carry no fee.
          cell({ status: 'warning_closed', submitted: true, countered: true, disputes: 3 }),
        ],
      }),
    );
    expect(stats.money[0]?.fees).toBe(2 * 1_500 + (1_500 + 1_500) + 1_500 + 1_500);
  });

  it('a currency rebut has no fee figures for reports its fees as unknown, not zero', () => {
    const stats = summarise(input({ cells: [cell({ currency: 'chf', status: 'lost' })] }));
    expect(stats.money[0]).toMatchObject({ currency: 'chf', fees: null });
  });

  it('by handling: rebut cases by who decided them, the rest outside rebut', () => {
    const stats = summarise(
      input({
        cells: [cell({ status: 'won', disputes: 6 }), cell({ status: 'lost', disputes: 4 })],
        handling: [
          { handling: 'approved', status: 'won', disputes: 2 },
          { handling: 'edited', status: 'lost', disputes: 1 },
          { handling: 'timer', status: 'won', disputes: 1 },
          { handling: 'smart_disputes', status: 'won', disputes: 1 },
          { handling: 'smart_disputes', status: 'lost', disputes: 1 },
        ],
      }),
    );
    expect(stats.byHandling.map((group) => [group.key, group.won, group.lost])).toEqual([
      ['approved', 2, 0],
      ['edited', 0, 1],
      ['timer', 1, 0],
      ['smart_disputes', 1, 1],
      ['outside', 2, 2],
    ]);
    expect(HANDLING_WORDS.smart_disputes).toBe("Left to Stripe's Smart Disputes");
  });

  it('evidence effectiveness: win rate with and without each kind, per reason, flagged when the sample is small', () => {
    const evidence: EvidenceCell[] = [
      { reason: 'fraudulent', won: true, fields: ['access_activity_log', 'receipt'], disputes: 40 },
      { reason: 'fraudulent', won: false, fields: ['access_activity_log'], disputes: 10 },
      { reason: 'fraudulent', won: true, fields: ['receipt'], disputes: 10 },
      { reason: 'fraudulent', won: false, fields: ['receipt'], disputes: 30 },
    ];
    const stats = summarise(input({ evidence, minSample: 30 }));
    const fraud = stats.effectiveness.find((entry) => entry.reason === 'fraudulent');
    expect(fraud?.answered).toMatchObject({ decided: 90, won: 50 });
    const activity = fraud?.kinds.find((kind) => kind.kind === 'post_payment_activity');
    expect(activity).toMatchObject({
      with: { decided: 50, won: 40, rate: 0.8 },
      without: { decided: 40, won: 10, rate: 0.25 },
      enough: true,
    });
    expect(activity?.lift).toBeCloseTo(0.55, 10);
    const receipt = fraud?.kinds.find((kind) => kind.kind === 'receipt');
    // 80 with a receipt, 10 without: too few without it to say anything.
    expect(receipt).toMatchObject({ with: { decided: 80 }, without: { decided: 10 }, enough: false });
    expect(fraud?.kinds[0]?.kind).toBe('post_payment_activity');
  });

  it("rebut's own cases count with what their packet held, not only the Stripe fields", () => {
    const evidence: EvidenceCell[] = [{ reason: 'fraudulent', won: true, fields: ['receipt'], disputes: 2 }];
    const caseEvidence: CaseEvidenceCell[] = [
      {
        reason: 'fraudulent',
        won: true,
        fields: ['receipt'],
        factKinds: ['activity', 'prior_payment', 'charge'],
        itemFields: ['uncategorized_text'],
        disputes: 1,
      },
    ];
    const stats = summarise(input({ evidence, caseEvidence, minSample: 1 }));
    const kinds = Object.fromEntries(
      (stats.effectiveness[0]?.kinds ?? []).map((effect) => [effect.kind, effect.with.decided]),
    );
    expect(kinds).toEqual({ receipt: 2, post_payment_activity: 1, prior_payments: 1 });
    expect(stats.effectiveness[0]?.answered.decided).toBe(2);
  });

  it('months run across the year end, in UTC', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthStarts(new Date('2025-11-30T23:30:00-05:00'), new Date('2026-01-15T00:00:00Z'))).toEqual([
      new Date('2025-12-01T00:00:00Z'),
      new Date('2026-01-01T00:00:00Z'),
    ]);
  });
});

describe('kinds of evidence', () => {
  it('map Stripe fields and fact kinds onto the playbooks’ evidence items', () => {
    expect([
      ...evidenceKinds(['access_activity_log', 'customer_name', 'enhanced_evidence.visa_compelling_evidence_3']),
    ]).toEqual(['post_payment_activity', 'customer_identity', 'visa_ce3']);
    expect([...evidenceKinds([], ['deliverable', 'communication', 'dispute'])]).toEqual([
      'deliverables',
      'customer_communication',
    ]);
    expect(evidenceKinds(['uncategorized_text', 'shipping_carrier']).size).toBe(0);
  });
});
