import { describe, expect, it } from 'vitest';
import {
  buildVisaCe3Evidence,
  type Ce3Identifiers,
  type Ce3Transaction,
  calendarDaysBetween,
  identifiersQualify,
  visaCe3FromFacts,
} from '../../src/evidence/ce3.js';
import type { Fact } from '../../src/evidence/types.js';

const DAY = 86_400;
const DISPUTED_AT = Date.UTC(2026, 5, 15, 12) / 1000;
const ELIGIBLE = { enhanced_eligibility_types: ['visa_compelling_evidence_3' as const] };
const CARD = 'fpCardAAAA1111';

const full: Required<Ce3Identifiers> = {
  customerPurchaseIp: '203.0.113.7',
  customerDeviceFingerprint: 'fp-7d3c9a1b2e4f5a6b7c8d',
  customerDeviceId: 'rc-web-0123456789abcdef',
  customerAccountId: 'usr_42',
  customerEmailAddress: 'jenny@example.com',
  shippingAddress: {
    line1: '1 Main St',
    line2: '',
    city: 'Springfield',
    state: 'IL',
    postal_code: '62701',
    country: 'US',
  },
};

function transaction(
  chargeId: string,
  daysBefore: number,
  identifiers: Ce3Identifiers,
  extra: Partial<Ce3Transaction> = {},
): Ce3Transaction {
  return { chargeId, created: DISPUTED_AT - daysBefore * DAY, cardFingerprint: CARD, identifiers, ...extra };
}

/** The disputed payment carries every identifier; the priors carry only those named. */
function only(...keys: (keyof Ce3Identifiers)[]): Ce3Identifiers {
  return Object.fromEntries(keys.map((key) => [key, full[key]]));
}

function ce3(priorIdentifiers: Ce3Identifiers, days: [number, number] = [150, 300], disputed: Ce3Identifiers = full) {
  return buildVisaCe3Evidence({
    dispute: ELIGIBLE,
    disputed: transaction('ch_disputed', 0, disputed),
    priors: [
      transaction('ch_prior_a', days[0], priorIdentifiers),
      transaction('ch_prior_b', days[1], priorIdentifiers),
    ],
    productDescription: 'Roomcraft Pro, AI interior designs',
  });
}

describe('Visa CE 3.0 matching rule', () => {
  it('purchase IP and customer account id (two main elements) qualify', () => {
    const result = ce3(only('customerPurchaseIp', 'customerAccountId'));
    expect(result?.matchedOn.sort()).toEqual(['customer_account_id', 'customer_purchase_ip']);
  });

  it('purchase IP and device fingerprint (two main elements) qualify', () => {
    expect(ce3(only('customerPurchaseIp', 'customerDeviceFingerprint'))).not.toBeNull();
  });

  it('device id and customer account id (two main elements) qualify', () => {
    expect(ce3(only('customerDeviceId', 'customerAccountId'))).not.toBeNull();
  });

  it('one main element plus the email (a secondary) qualifies', () => {
    const result = ce3(only('customerPurchaseIp', 'customerEmailAddress'));
    expect(result?.matchedOn.sort()).toEqual(['customer_email_address', 'customer_purchase_ip']);
  });

  it('one main element plus the shipping address (a secondary) qualifies', () => {
    expect(ce3(only('customerDeviceFingerprint', 'shippingAddress'))).not.toBeNull();
  });

  it('device fingerprint together with device id is one element, not a valid pair', () => {
    expect(identifiersQualify(['customer_device_fingerprint', 'customer_device_id'])).toBe(false);
    expect(ce3(only('customerDeviceFingerprint', 'customerDeviceId'))).toBeNull();
  });

  it('two secondary elements (email and shipping address) do not qualify', () => {
    expect(ce3(only('customerEmailAddress', 'shippingAddress'))).toBeNull();
  });

  it('a single main element does not qualify', () => {
    expect(ce3(only('customerPurchaseIp'))).toBeNull();
  });

  it('an identifier only counts when it is the same on all three payments', () => {
    const result = buildVisaCe3Evidence({
      dispute: ELIGIBLE,
      disputed: transaction('ch_disputed', 0, full),
      priors: [
        transaction('ch_a', 150, only('customerPurchaseIp', 'customerAccountId')),
        transaction('ch_b', 200, { ...only('customerAccountId'), customerPurchaseIp: '198.51.100.9' }),
      ],
      productDescription: 'Roomcraft Pro',
    });
    expect(result).toBeNull();
  });

  it('device identifiers shorter than Stripe accepts do not count', () => {
    const short = { customerDeviceFingerprint: 'short-fp', customerAccountId: 'usr_42' };
    expect(ce3(short, [150, 300], { ...full, customerDeviceFingerprint: 'short-fp' })).toBeNull();
  });

  it('an incomplete shipping address cannot be a match', () => {
    const partial = { ...full.shippingAddress, state: '' };
    expect(
      ce3({ customerPurchaseIp: full.customerPurchaseIp, shippingAddress: partial }, [150, 300], {
        ...full,
        shippingAddress: partial,
      }),
    ).toBeNull();
  });

  it('email matching ignores case and surrounding spaces', () => {
    const result = ce3({ customerPurchaseIp: full.customerPurchaseIp, customerEmailAddress: '  JENNY@example.COM ' });
    expect(result?.matchedOn).toContain('customer_email_address');
  });
});

describe('Visa CE 3.0 window and candidates', () => {
  it('counts whole UTC calendar days', () => {
    expect(calendarDaysBetween(DISPUTED_AT - 120 * DAY, DISPUTED_AT)).toBe(120);
    expect(calendarDaysBetween(Date.UTC(2026, 0, 1, 23, 59) / 1000, Date.UTC(2026, 0, 2, 0, 1) / 1000)).toBe(1);
  });

  it('prior payments exactly 120 and 365 days before qualify', () => {
    expect(ce3(only('customerPurchaseIp', 'customerAccountId'), [120, 365])).not.toBeNull();
  });

  it('a prior payment 119 or 366 days before does not', () => {
    expect(ce3(only('customerPurchaseIp', 'customerAccountId'), [119, 200])).toBeNull();
    expect(ce3(only('customerPurchaseIp', 'customerAccountId'), [200, 366])).toBeNull();
  });

  it('a prior payment on another card, or one that was disputed, does not count', () => {
    const identifiers = only('customerPurchaseIp', 'customerAccountId');
    const base = {
      dispute: ELIGIBLE,
      disputed: transaction('ch_disputed', 0, full),
      productDescription: 'Roomcraft Pro',
    };
    expect(
      buildVisaCe3Evidence({
        ...base,
        priors: [
          transaction('ch_a', 150, identifiers),
          transaction('ch_b', 200, identifiers, { cardFingerprint: 'other' }),
        ],
      }),
    ).toBeNull();
    expect(
      buildVisaCe3Evidence({
        ...base,
        priors: [transaction('ch_a', 150, identifiers), transaction('ch_b', 200, identifiers, { undisputed: false })],
      }),
    ).toBeNull();
  });

  it('never produces CE 3.0 evidence for a dispute Stripe did not mark eligible', () => {
    const identifiers = only('customerPurchaseIp', 'customerAccountId');
    const input = {
      disputed: transaction('ch_disputed', 0, full),
      priors: [transaction('ch_a', 150, identifiers), transaction('ch_b', 200, identifiers)],
      productDescription: 'Roomcraft Pro',
    };
    expect(buildVisaCe3Evidence({ ...input, dispute: { enhanced_eligibility_types: [] } })).toBeNull();
    expect(buildVisaCe3Evidence({ ...input, dispute: { enhanced_eligibility_types: ['visa_compliance'] } })).toBeNull();
    expect(buildVisaCe3Evidence({ ...input, dispute: ELIGIBLE })).not.toBeNull();
  });

  it('builds exactly two prior transactions, the strongest pair, sending only the shared identifiers', () => {
    const result = buildVisaCe3Evidence({
      dispute: ELIGIBLE,
      disputed: transaction('ch_disputed', 0, full, { productDescription: 'Roomcraft Pro, June' }),
      priors: [
        transaction('ch_weak_recent', 130, only('customerPurchaseIp', 'customerEmailAddress')),
        transaction('ch_strong_1', 200, only('customerPurchaseIp', 'customerAccountId', 'customerEmailAddress')),
        transaction('ch_strong_2', 250, only('customerPurchaseIp', 'customerAccountId', 'customerEmailAddress')),
        transaction('ch_too_old', 400, full),
      ],
      productDescription: 'Roomcraft Pro, AI interior designs',
    });
    expect(result?.priorChargeIds).toEqual(['ch_strong_1', 'ch_strong_2']);
    expect(result?.evidence).toEqual({
      disputed_transaction: {
        merchandise_or_services: 'services',
        product_description: 'Roomcraft Pro, June',
        customer_purchase_ip: '203.0.113.7',
        customer_account_id: 'usr_42',
        customer_email_address: 'jenny@example.com',
      },
      prior_undisputed_transactions: [
        {
          charge: 'ch_strong_1',
          product_description: 'Roomcraft Pro, AI interior designs',
          customer_purchase_ip: '203.0.113.7',
          customer_account_id: 'usr_42',
          customer_email_address: 'jenny@example.com',
        },
        {
          charge: 'ch_strong_2',
          product_description: 'Roomcraft Pro, AI interior designs',
          customer_purchase_ip: '203.0.113.7',
          customer_account_id: 'usr_42',
          customer_email_address: 'jenny@example.com',
        },
      ],
    });
  });
});

describe('Visa CE 3.0 from gathered facts', () => {
  const iso = (daysBefore: number) => new Date((DISPUTED_AT - daysBefore * DAY) * 1000).toISOString();
  const charge = (id: string, factId: string, daysBefore: number, kind: Fact['kind']): Fact => ({
    id: factId,
    kind,
    text: `Charge ${id}`,
    at: iso(daysBefore),
    source: 'stripe',
    data: { charge_id: id, created: iso(daysBefore), card_fingerprint: CARD, email: 'jenny@example.com' },
  });
  const checkout = (id: string, daysBefore: number, ip: string): Fact => ({
    id: `sql.activity.${id}`,
    kind: 'activity',
    text: 'checkout',
    at: iso(daysBefore),
    source: 'sql',
    data: { event: 'checkout', ip, device_id: 'rc-web-0123456789abcdef', charge_id: id },
  });

  it('links each charge to its checkout event and the business account, then qualifies', () => {
    const facts: Fact[] = [
      charge('ch_now', 'stripe.charge', 0, 'charge'),
      charge('ch_a', 'stripe.prior.ch_a', 150, 'prior_payment'),
      charge('ch_b', 'stripe.prior.ch_b', 280, 'prior_payment'),
      checkout('ch_now', 0, '203.0.113.7'),
      checkout('ch_a', 150, '203.0.113.7'),
      checkout('ch_b', 280, '198.51.100.20'),
      {
        id: 'sql.account',
        kind: 'account',
        text: 'Account usr_42',
        at: null,
        source: 'sql',
        data: { account_id: 'usr_42' },
      },
    ];
    const result = visaCe3FromFacts(ELIGIBLE, facts, 'Roomcraft Pro');
    // The IP differs on ch_b, so the match rests on device id + account id + email.
    expect(result?.matchedOn.sort()).toEqual(['customer_account_id', 'customer_device_id', 'customer_email_address']);
    expect(visaCe3FromFacts({ enhanced_eligibility_types: [] }, facts, 'Roomcraft Pro')).toBeNull();
  });
});
