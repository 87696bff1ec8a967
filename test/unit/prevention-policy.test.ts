import { describe, expect, it } from 'vitest';
import {
  decideWarning,
  disputeRateOf,
  MIN_OWN_HISTORY,
  type WarningFacts,
  type WarningHistory,
  type WarningPolicySettings,
} from '../../src/prevention/policy.js';

function facts(overrides: Partial<WarningFacts> = {}): WarningFacts {
  return {
    amount: 1200,
    amountRefunded: 0,
    currency: 'usd',
    fraudType: 'made_with_stolen_card',
    actionable: true,
    disputed: false,
    liabilityShifted: false,
    riskLevel: 'normal',
    riskScore: 20,
    priorGoodPayments: 0,
    usedAfterPayment: null,
    ...overrides,
  };
}

const NO_HISTORY: WarningHistory = { settled: 0, disputed: 0 };
const USD: WarningPolicySettings = { fee: 1500, refundUpToFees: 1, disputeRate: 0.8 };

describe('the early fraud warning policy', () => {
  it("asks a person instead of refunding where the customer's record says it is the cardholder (unless Radar says highest risk)", () => {
    const known = { amount: 1500, priorGoodPayments: 3, usedAfterPayment: true } as const;
    const decision = decideWarning(facts(known), NO_HISTORY, USD);
    expect(decision.action).toBe('ask');
    expect(decision.unattended).toBe('leave');
    expect(decision.reasons[0]).toContain('paid 3 times before without a dispute or refund and used the product');
    // Either half alone does not stop the refund; Radar's highest risk overrides the record.
    expect(decideWarning(facts({ ...known, usedAfterPayment: false }), NO_HISTORY, USD).action).toBe('refund');
    expect(decideWarning(facts({ ...known, priorGoodPayments: 1 }), NO_HISTORY, USD).action).toBe('refund');
    expect(decideWarning(facts({ ...known, riskLevel: 'highest' }), NO_HISTORY, USD).action).toBe('refund');
  });

  it('refunds a charge of at most the dispute fee that is not shifted, refunded or disputed', () => {
    const decision = decideWarning(facts({ amount: 1500 }), NO_HISTORY, USD);
    expect(decision.action).toBe('refund');
    expect(decision.unattended).toBe('refund');
    expect(decision.refundable).toBe(1500);
    // p·(A + F) = 0.8 × (15 + 15) = 24.00 USD against 15.00 USD.
    expect(decision.figures).toMatchObject({
      disputeRate: 0.8,
      rateSource: 'default',
      leaveCost: 2400,
      refundCost: 1500,
    });
    expect(decision.reasons.join(' ')).toContain('80% × (15.00 USD + the 15.00 USD fee) = 24.00 USD');
  });

  it('asks a person about a charge larger than the fee, and leaves it when nobody decides', () => {
    const decision = decideWarning(facts({ amount: 1501 }), NO_HISTORY, USD);
    expect(decision.action).toBe('ask');
    expect(decision.unattended).toBe('leave');
    // Refunding 15.01 is still cheaper than 0.8 × 30.01: the message says so.
    expect(decision.reasons[0]).toContain('though refunding is expected to cost less');
  });

  it('says when refunding costs more than the likely dispute', () => {
    // A < p·F/(1 − p) = 4 × 15.00 fails at 60.00 USD and above.
    const decision = decideWarning(facts({ amount: 6000 }), NO_HISTORY, USD);
    expect(decision.action).toBe('ask');
    expect(decision.reasons[0]).toContain('cost more than the dispute');
  });

  it('never refunds a charge already disputed, and says why', () => {
    const decision = decideWarning(facts({ disputed: true, actionable: false }), NO_HISTORY, USD);
    expect(decision.action).toBe('leave');
    expect(decision.reasons[0]).toContain('already disputed');
  });

  it('never refunds a charge already refunded in full, and says why', () => {
    const decision = decideWarning(facts({ amountRefunded: 1200, actionable: false }), NO_HISTORY, USD);
    expect(decision.action).toBe('leave');
    expect(decision.refundable).toBe(0);
    expect(decision.reasons[0]).toContain('already refunded');
  });

  it('refunds only what is left of a partly refunded charge', () => {
    const decision = decideWarning(facts({ amount: 3000, amountRefunded: 2000 }), NO_HISTORY, USD);
    expect(decision).toMatchObject({ action: 'refund', refundable: 1000 });
  });

  it('leaves a charge whose 3-D Secure authentication shifted the liability to the issuer', () => {
    const decision = decideWarning(facts({ liabilityShifted: true }), NO_HISTORY, USD);
    expect(decision.action).toBe('leave');
    expect(decision.reasons[0]).toContain('3-D Secure');
  });

  it('asks when the currency has no known dispute fee', () => {
    const decision = decideWarning(facts({ currency: 'chf' }), NO_HISTORY, { ...USD, fee: null });
    expect(decision.action).toBe('ask');
    expect(decision.reasons[0]).toContain('no dispute fee for CHF');
  });

  it('with EFW_REFUND_UP_TO_FEES=0 never refunds without a person', () => {
    expect(decideWarning(facts({ amount: 100 }), NO_HISTORY, { ...USD, refundUpToFees: 0 }).action).toBe('ask');
  });

  it('refunds up to several fees when the owner sets it, while refunding stays cheaper', () => {
    const settings = { ...USD, refundUpToFees: 3 };
    expect(decideWarning(facts({ amount: 4500 }), NO_HISTORY, settings).action).toBe('refund');
    expect(decideWarning(facts({ amount: 4501 }), NO_HISTORY, settings).action).toBe('ask');
  });

  it("uses the product's own record once it has enough settled warnings", () => {
    const fewDisputes: WarningHistory = { settled: MIN_OWN_HISTORY, disputed: 4 };
    // p = 0.2: leaving 15.00 costs 0.2 × 30.00 = 6.00 USD, less than refunding: a person decides.
    const decision = decideWarning(facts({ amount: 1500 }), fewDisputes, USD);
    expect(decision.figures).toMatchObject({ disputeRate: 0.2, rateSource: 'own', leaveCost: 600 });
    expect(decision.action).toBe('ask');
    expect(decision.reasons.join(' ')).toContain('4 of 20 left alone became disputes');
    // Too little history: Stripe's figure.
    expect(disputeRateOf('made_with_stolen_card', { settled: MIN_OWN_HISTORY - 1, disputed: 0 }, 0.8)).toEqual({
      rate: 0.8,
      source: 'default',
    });
  });

  it('takes a misc fraud type as less likely to become a dispute', () => {
    expect(disputeRateOf('misc', NO_HISTORY, 0.8).rate).toBeCloseTo(0.4);
    // p = 0.4: 15.00 USD against 0.4 × 30.00 = 12.00 USD, so not refunded without a person.
    expect(decideWarning(facts({ amount: 1500, fraudType: 'misc' }), NO_HISTORY, USD).action).toBe('ask');
    expect(decideWarning(facts({ amount: 500, fraudType: 'misc' }), NO_HISTORY, USD).action).toBe('refund');
  });

  it("names Radar's risk and the customer's good history for the person deciding", () => {
    const decision = decideWarning(
      facts({ amount: 9000, riskLevel: 'elevated', riskScore: 71, priorGoodPayments: 3, usedAfterPayment: true }),
      NO_HISTORY,
      USD,
    );
    const text = decision.reasons.join('\n');
    expect(text).toContain('Radar rated the payment elevated risk (score 71)');
    expect(text).toContain('paid 3 times before');
    expect(text).toContain('using the product after the payment');
    const unused = decideWarning(facts({ amount: 9000, usedAfterPayment: false }), NO_HISTORY, USD).reasons.join('\n');
    expect(unused).toContain('show no use of the product after the payment');
    expect(decideWarning(facts(), NO_HISTORY, USD).reasons.join('\n')).not.toContain('use of the product');
  });
});
