import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/evidence/packet/format.js';
import { formatMoney as slackMoney } from '../../src/money.js';

describe('amounts in the evidence files', () => {
  it("use Stripe's decimals, as the rebuttal and Slack do, with the currency code", () => {
    expect(formatMoney(4900, 'usd')).toBe('$49.00 USD');
    expect(formatMoney(5000, 'jpy')).toBe('¥5,000 JPY');
    // Intl alone gives HUF no decimals, which would print 10,000 for what Stripe calls 100.00.
    expect(formatMoney(10_000, 'huf')).toBe('HUF 100.00');
    expect(formatMoney(10_000, 'huf')).toContain(slackMoney(10_000, 'huf'));
    expect(formatMoney(1_234, 'kwd')).toContain('1.234');
  });
});
