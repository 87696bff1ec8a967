import { describe, expect, it } from 'vitest';
import { EVIDENCE_FILE_FIELDS, EVIDENCE_TEXT_FIELDS } from '../../src/dispute/evidence-fields.js';
import { MAX_LONG_TEXT_CHARS } from '../../src/dispute/limits.js';
import { DISPUTE_REASONS, playbookReason } from '../../src/dispute/reasons.js';
import { parseEvidenceConfig } from '../../src/evidence/config.js';
import { applyPlaybook } from '../../src/evidence/playbook/index.js';
import { PLAYBOOKS } from '../../src/evidence/playbook/plans.js';
import { MAX_ACTIVITY_LOG_LINES } from '../../src/evidence/playbook/text-fields.js';
import type { Fact } from '../../src/evidence/types.js';
import { testFact as fact } from '../support/facts.js';

const config = parseEvidenceConfig(`business:
  name: Roomcraft
  product_description: AI interior designs, delivered in the app.
  support_email: support@roomcraft.example
  website: https://roomcraft.example
policies:
  refund:
    text: Refunds within 7 days.
    shown_at: [checkout_page]
  cancellation:
    text: Cancel any time.
    shown_at: [checkout_page, email]
`);

const CHARGE_AT = '2026-03-01T12:00:00.000Z';
const hoursAfter = (hours: number) => new Date(Date.parse(CHARGE_AT) + hours * 3_600_000).toISOString();

/** Small factories for the facts sources produce. */
const charge = (data: Fact['data'] = {}) =>
  fact('stripe.charge', 'charge', CHARGE_AT, {
    charge_id: 'ch_now',
    amount: 2_900,
    currency: 'usd',
    created: CHARGE_AT,
    email: 'ada@example.com',
    ...data,
  });
const product = fact('config.product', 'product', null, { product_description: 'AI interior designs' });
const login = (n: number, hours: number) =>
  fact(`sql.activity.${n}`, 'activity', hoursAfter(hours), {
    event: 'login',
    ip: '203.0.113.5',
    device_id: 'rc-web-0123456789abcdef',
  });
const cancellationPolicy = fact('config.policy.cancellation', 'policy', null, {
  policy: 'cancellation',
  shown_at: 'checkout_page,email',
});
const dispute = (data: Fact['data'] = {}) =>
  fact('stripe.dispute', 'dispute', CHARGE_AT, { ce3_eligible: false, ...data });

describe('playbooks', () => {
  it('every Stripe reason has a playbook of its own; a reason Stripe adds later falls back to general', () => {
    for (const reason of DISPUTE_REASONS) expect(playbookReason(reason)).toBe(reason);
    expect(playbookReason('whatever')).toBe('general');
  });

  it('no playbook names a field twice or wants a file that is not a Stripe file field', () => {
    for (const plan of Object.values(PLAYBOOKS)) {
      expect(new Set(plan.text).size).toBe(plan.text.length);
      expect(new Set(plan.files).size).toBe(plan.files.length);
      for (const field of plan.text) expect(EVIDENCE_TEXT_FIELDS).toContain(field);
      for (const file of plan.files) expect(EVIDENCE_FILE_FIELDS).toContain(file);
    }
  });

  it('orders the checklist strongest first, and by measured effectiveness when it is given', () => {
    const facts = [dispute(), charge(), product, login(1, 5)];
    const byWeight = applyPlaybook('fraudulent', facts, config).checklist.map((item) => item.id);
    expect(byWeight.slice(0, 3)).toEqual(['post_payment_activity', 'customer_communication', 'purchase_ip']);
    const measured = applyPlaybook('fraudulent', facts, config, {
      effectiveness: { customer_communication: 0.99, card_checks: 0.9 },
    }).checklist;
    expect(measured.slice(0, 2).map((item) => [item.id, item.weight])).toEqual([
      ['customer_communication', 0.99],
      ['card_checks', 0.9],
    ]);
  });

  it('on a fraud dispute, conversation with the customer ranks among the strongest evidence, as published win data has it', () => {
    const ranked = applyPlaybook('fraudulent', [dispute(), charge(), product], config).checklist.map((item) => item.id);
    expect(ranked.indexOf('customer_communication')).toBeLessThan(ranked.indexOf('purchase_ip'));
    expect(ranked.indexOf('customer_communication')).toBeLessThan(ranked.indexOf('card_checks'));
    // Measured effectiveness still decides where the business has its own outcomes.
    const measured = applyPlaybook('fraudulent', [dispute(), charge(), product], config, {
      effectiveness: { customer_communication: 0.1 },
    }).checklist.map((item) => item.id);
    expect(measured.at(-1)).toBe('customer_communication');
  });

  it('lists 3-D Secure only when it was used, and Visa CE 3.0 only on an eligible dispute', () => {
    const plain = applyPlaybook('fraudulent', [dispute(), charge(), product], config).checklist.map((item) => item.id);
    expect(plain).not.toContain('three_d_secure');
    expect(plain).not.toContain('visa_ce3');
    const secured = applyPlaybook(
      'fraudulent',
      [
        dispute({ ce3_eligible: true }),
        charge(),
        product,
        fact('stripe.charge.3ds', 'payment_check', CHARGE_AT, { result: 'authenticated', liability_shift: true }),
      ],
      config,
    ).checklist;
    expect(secured.find((item) => item.id === 'three_d_secure')?.found).toBe(true);
    expect(secured.find((item) => item.id === 'visa_ce3')?.found).toBe(false);
  });

  it('does not argue a subscription that was cancelled before the charge', () => {
    const subscription = fact('stripe.subscription', 'subscription', '2025-01-01T00:00:00.000Z', {
      subscription_id: 'sub_1',
      canceled_at: hoursAfter(-48),
    });
    const facts = [dispute(), charge(), product, cancellationPolicy, subscription, login(1, 5)];
    const result = applyPlaybook('subscription_canceled', facts, config);
    expect(result.textFields.cancellation_rebuttal).toBeUndefined();
    expect(result.checklist.find((item) => item.id === 'no_cancellation_before_charge')?.found).toBe(false);
    // The policy itself is still disclosed: it is true whatever the customer did.
    expect(result.textFields.cancellation_policy_disclosure).toContain('on the checkout page, by email');
  });

  it('a cancellation after the charge is stated, with the access the customer kept', () => {
    const subscription = fact('stripe.subscription', 'subscription', '2025-01-01T00:00:00.000Z', {
      subscription_id: 'sub_1',
      canceled_at: hoursAfter(72),
      current_period_end: hoursAfter(24 * 30),
    });
    const result = applyPlaybook(
      'subscription_canceled',
      [dispute(), charge(), product, subscription, login(1, 5)],
      config,
    );
    expect(result.textFields.cancellation_rebuttal).toContain(
      'Subscription sub_1 had no cancellation request before this charge on 2026-03-01 12:00 UTC; the customer asked to cancel on 2026-03-04 12:00 UTC, after the charge, and kept access until 2026-03-31.',
    );
  });

  it('two equal charges an hour apart with no invoice are not called separate (they may be a real duplicate)', () => {
    const prior = fact('stripe.prior.ch_before', 'prior_payment', hoursAfter(-1), {
      charge_id: 'ch_before',
      amount: 2_900,
      created: hoursAfter(-1),
    });
    const result = applyPlaybook('duplicate', [dispute(), charge(), product, prior], config);
    expect(result.textFields.duplicate_charge_id).toBeUndefined();
    expect(result.textFields.duplicate_charge_explanation).toBeUndefined();
    expect(result.fileFields.map((file) => file.field)).not.toContain('duplicate_charge_documentation');
    expect(result.checklist.find((item) => item.id === 'distinct_charge')?.found).toBe(false);
  });

  it('keeps the activity log within Stripe’s 20,000 characters and says how much was left out', () => {
    const facts = [dispute(), charge(), product, ...Array.from({ length: 600 }, (_, i) => login(i + 1, i + 1))];
    const log = applyPlaybook('fraudulent', facts, config).textFields.access_activity_log ?? '';
    expect(log.length).toBeLessThanOrEqual(MAX_LONG_TEXT_CHARS);
    expect(log).toContain(`… and ${600 - MAX_ACTIVITY_LOG_LINES} more events.`);
    expect(log).toContain('Summary: 600 events');
  });

  it('the checkout that made the payment is not counted as use after it', () => {
    const checkout = fact('sql.activity.1', 'activity', CHARGE_AT, {
      event: 'checkout',
      ip: '203.0.113.5',
      charge_id: 'ch_now',
    });
    const result = applyPlaybook('product_not_received', [dispute(), charge(), product, checkout], config);
    expect(result.checklist.find((item) => item.id === 'post_payment_activity')?.found).toBe(false);
    expect(result.textFields.customer_purchase_ip).toBe('203.0.113.5');
    expect(result.fieldFacts.customer_purchase_ip).toEqual(['sql.activity.1']);
  });

  it('a refund already issued leads a credit claim and is the uncategorised evidence', () => {
    const refund = fact('stripe.refund.re_1', 'refund', hoursAfter(24), {
      amount: 2_900,
      currency: 'usd',
      status: 'succeeded',
    });
    // The dispute opened after the refund: a refund made before it is the uncategorised evidence, as its receipt.
    const opened = { ...dispute(), at: hoursAfter(48) };
    const result = applyPlaybook('credit_not_processed', [opened, charge(), product, refund], config);
    expect(result.checklist[0]).toMatchObject({ id: 'refund_issued', found: true });
    expect(result.textFields.refund_refusal_explanation).toContain('A refund of 29.00 USD was issued on 2026-03-02.');
    expect(result.fileFields.find((file) => file.field === 'uncategorized_file')?.factIds).toEqual([
      'stripe.refund.re_1',
    ]);
  });

  it('a bank debit stands on the mandate the account holder accepted, and the terms alone are not one', () => {
    const accepted = (n: number, policy: string) =>
      fact(`sql.policy_acceptance.${n}`, 'policy_acceptance', hoursAfter(-1), { policy });
    const withMandate = applyPlaybook(
      'debit_not_authorized',
      [dispute(), charge(), product, accepted(1, 'terms'), accepted(2, 'SEPA mandate'), login(1, 5)],
      config,
    );
    expect(withMandate.checklist[0]).toMatchObject({ id: 'debit_mandate', found: true, core: true });
    expect(withMandate.notFought).toBeNull();
    const termsOnly = applyPlaybook(
      'debit_not_authorized',
      [dispute(), charge(), product, accepted(1, 'terms')],
      config,
    );
    expect(termsOnly.checklist.find((item) => item.id === 'debit_mandate')?.found).toBe(false);
  });

  it('a payment the bank could not collect is not fought: the customer pays another way, the purchase stays on record', () => {
    for (const reason of ['bank_cannot_process', 'check_returned', 'incorrect_account_details', 'insufficient_funds']) {
      const result = applyPlaybook(reason, [dispute(), charge(), product, login(1, 5)], config);
      expect(result.strategy, reason).toBe('pay_another_way');
      expect(result.notFought, reason).toContain('pay another way');
      expect(
        result.checklist.some((item) => item.core),
        reason,
      ).toBe(false);
      expect(result.textFields.product_description, reason).toContain('AI interior designs');
    }
  });

  it('a network compliance dispute fills no field and is not fought', () => {
    const result = applyPlaybook('noncompliant', [dispute(), charge(), product, login(1, 5)], config);
    expect(result.textFields).toEqual({});
    expect(result.fileFields).toEqual([]);
    expect(result.checklist).toEqual([]);
    expect(result.notFought).toContain('compliance dispute');
  });

  it('every text field traces back to the facts it was made from', () => {
    const result = applyPlaybook('fraudulent', [dispute(), charge(), product, login(1, 5)], config);
    for (const field of Object.keys(result.textFields)) {
      const ids = result.fieldFacts[field as keyof typeof result.fieldFacts] ?? [];
      expect(ids.length, field).toBeGreaterThan(0);
    }
  });
});
