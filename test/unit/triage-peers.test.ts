// rebut's triage beside a peer's: the cases clawnify/OpenDisputes' triage tests describe (src/server/triage.test.ts,
// read, not copied), as they apply to a digital product, each with rebut's verdict. Where rebut decides differently
// the test says why. Physical-goods cases (carriers, proof of delivery) have no digital counterpart and are left out.
import { describe, expect, it } from 'vitest';
import type { ChecklistItem } from '../../src/evidence/playbook/index.js';
import type { Fact } from '../../src/evidence/types.js';
import { MIN_DECIDED_SAMPLE, type TriageDispute, type TriageInput, triage } from '../../src/triage/index.js';

const NOW = Date.UTC(2026, 8, 10) / 1000;
const DAY = 86_400;
const iso = (unix: number) => new Date(unix * 1000).toISOString();

function dispute(overrides: Partial<TriageDispute> = {}): TriageDispute {
  return {
    amount: 12_000,
    currency: 'usd',
    reason: 'fraudulent',
    status: 'needs_response',
    created: NOW - DAY,
    evidence_details: { due_by: NOW + 8 * DAY },
    ...overrides,
  };
}
const item = (id: ChecklistItem['id'], found: boolean, core = true): ChecklistItem => ({
  id,
  item: `${id} evidence`,
  found,
  weight: 0.8,
  core,
});
const run = (overrides: Partial<TriageInput>) => triage({ dispute: dispute(), checklist: [], now: NOW, ...overrides });
const strong = [item('post_payment_activity', true), item('purchase_ip', true)];
const charge: Fact = { id: 'stripe.charge', kind: 'charge', text: 'charge', at: iso(NOW - 10 * DAY), source: 'stripe' };

describe('triage beside OpenDisputes', () => {
  it('a fraud claim with no identity or usage evidence is not fought (agrees)', () => {
    const verdict = run({ checklist: [item('post_payment_activity', false), item('purchase_ip', false)] });
    expect(verdict.decision).toBe('do_not_fight');
    expect(verdict.gaps.length).toBeGreaterThan(0);
  });

  it('a fraud claim with the purchase IP and later use on file is fought (agrees)', () => {
    expect(run({ checklist: strong }).decision).toBe('fight');
  });

  it('a free counter never concedes on the amount alone (agrees)', () => {
    const verdict = run({
      checklist: strong,
      dispute: dispute({ amount: 300, currency: 'jpy' }),
      history: { decided: 50, won: 0 },
    });
    expect(verdict.breakEven).toBe(0);
    expect(verdict.decision).toBe('fight');
  });

  it('a dispute smaller than the fee is still fought when the win rate carries it (agrees: a win returns the fee)', () => {
    const verdict = run({ checklist: strong, dispute: dispute({ amount: 1_000 }), history: { decided: 100, won: 70 } });
    expect(verdict.breakEven).toBeCloseTo(0.6, 5);
    expect(verdict.decision).toBe('fight');
  });

  it("the business's own record below the break-even concedes it (agrees)", () => {
    const verdict = run({ checklist: strong, dispute: dispute({ amount: 1_000 }), history: { decided: 100, won: 20 } });
    expect(verdict.decision).toBe('do_not_fight');
    expect(verdict.reasons.join(' ')).toMatch(/20 of 100/);
  });

  it('a sample too small to mean anything never concedes (agrees)', () => {
    const verdict = run({
      checklist: strong,
      dispute: dispute({ amount: 1_000 }),
      history: { decided: MIN_DECIDED_SAMPLE - 1, won: 0 },
    });
    expect(verdict.decision).toBe('fight');
  });

  it('an unknown fee is unknown, never free (agrees); rebut then leaves the case to a person (differs)', () => {
    // OpenDisputes still recommends fighting and lists the fee as a gap. rebut may act alone at auto_submit_at, and
    // an action priced on a fee nobody knows is arithmetic that does not exist: a person decides instead.
    const verdict = run({
      checklist: strong,
      dispute: dispute({ currency: 'chf' }),
      history: { decided: 100, won: 0 },
    });
    expect(verdict.breakEven).toBeNull();
    expect(verdict.decision).toBe('review');
  });

  it('a cancelled subscription with nothing showing later use is not fought (agrees, as do_not_fight, not accept)', () => {
    // OpenDisputes accepts it. rebut does not fight it either, but leaves conceding to UNWINNABLE_ACTION (accept by
    // default), so an owner who holds such cases can.
    const verdict = run({ dispute: dispute({ reason: 'subscription_canceled' }), facts: [charge] });
    expect(verdict.decision).toBe('do_not_fight');
  });

  it('a subscription cancelled before the charge but used afterwards goes to a person (differs)', () => {
    // OpenDisputes fights when activity follows the cancellation. rebut has the cancellation date from Stripe, which
    // the issuer sees too: use afterwards argues for the business, the cancellation against it, so a person weighs it.
    const verdict = run({
      dispute: dispute({ reason: 'subscription_canceled' }),
      facts: [
        charge,
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
  });
});
