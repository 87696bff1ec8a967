import { describe, expect, it } from 'vitest';
import { moneyMoved } from '../../src/cases/outcome.js';
import { outcomeText } from '../../src/slack/blocks/outcome.js';

const withdrawal = { amount: -4900, fee: 1500, currency: 'usd' };

describe('the outcome reply', () => {
  it('sums a dispute’s balance transactions, and states nothing for none or for mixed currencies', () => {
    expect(moneyMoved([withdrawal, { amount: 4900, fee: -1500, currency: 'usd' }])).toEqual({
      currency: 'usd',
      withdrawn: 4900,
      reinstated: 4900,
      feesCharged: 1500,
      feesReturned: 1500,
    });
    expect(moneyMoved([])).toBeNull();
    expect(moneyMoved(['txn_unexpanded'])).toBeNull();
    expect(moneyMoved([withdrawal, { amount: 4500, fee: 0, currency: 'eur' }])).toBeNull();
  });

  it('a win says what came back, and that the fee came back only when the transactions show it', () => {
    const view = { outcome: 'won', amount: 4900, currency: 'usd' } as const;
    expect(outcomeText({ ...view, money: moneyMoved([withdrawal, { amount: 4900, fee: 0, currency: 'usd' }]) })).toBe(
      ':white_check_mark: *Won.* The issuer decided this dispute for you. $49.00 came back to your Stripe balance; Stripe has not given back the $15.00 dispute fee.',
    );
    expect(
      outcomeText({ ...view, money: moneyMoved([withdrawal, { amount: 4900, fee: -1500, currency: 'usd' }]) }),
    ).toBe(
      ':white_check_mark: *Won.* The issuer decided this dispute for you. $49.00 came back to your Stripe balance, and the $15.00 in dispute fees with it.',
    );
    expect(outcomeText({ ...view, money: moneyMoved([withdrawal]) })).toContain(
      'Stripe has not yet given back the $49.00 it withdrew',
    );
    expect(outcomeText({ ...view, money: null })).toBe(
      ':white_check_mark: *Won.* The issuer decided this dispute for you. The $49.00 is yours.',
    );
  });

  it('a loss says the amount and the fee lost, in the balance’s currency', () => {
    expect(outcomeText({ outcome: 'lost', amount: 4900, currency: 'usd', money: moneyMoved([withdrawal]) })).toBe(
      ':x: *Lost.* The issuer decided this dispute for the customer. Lost in all: $64.00 ($49.00 disputed and $15.00 in dispute fees).',
    );
    expect(
      outcomeText({
        outcome: 'lost',
        amount: 5000,
        currency: 'jpy',
        money: moneyMoved([{ amount: -5000, fee: 0, currency: 'jpy' }]),
      }),
    ).toBe(':x: *Lost.* The issuer decided this dispute for the customer. Lost in all: ¥5,000.');
    expect(outcomeText({ outcome: 'lost', amount: 4900, currency: 'usd', money: null })).toContain(
      'The $49.00 goes to the customer.',
    );
  });
});
