// The Stripe stand-in's early fraud warnings and refunds, through the official SDK, as the real API answers them.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';

let sandbox: StripeSandbox;
let stripe: Stripe;

beforeAll(async () => {
  sandbox = await startStripeSandbox();
  stripe = sandbox.stripe();
});
afterAll(async () => {
  await sandbox.close();
});

async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the Stripe call to fail');
}

async function listedEvents(type: string, objectId: string): Promise<Stripe.Event[]> {
  const page = await stripe.events.list({ type, limit: 100 });
  return page.data.filter((event) => (event.data.object as { id?: string }).id === objectId);
}

describe('early fraud warnings', () => {
  it('are retrieved and listed by charge, with Stripe shape, and the created event is emitted', async () => {
    const scenario = sandbox.createEarlyFraudWarning({ amount: 1200, fraudType: 'unauthorized_use_of_card' });
    const warning = await stripe.radar.earlyFraudWarnings.retrieve(scenario.warning.id, { expand: ['charge'] });
    expect(warning).toMatchObject({
      object: 'radar.early_fraud_warning',
      actionable: true,
      fraud_type: 'unauthorized_use_of_card',
      livemode: false,
      payment_intent: scenario.paymentIntent.id,
    });
    expect(warning.id).toMatch(/^issfr_/);
    if (typeof warning.charge === 'string') throw new Error('charge not expanded');
    expect(warning.charge).toMatchObject({ id: scenario.charge.id, amount: 1200, refunded: false });

    const listed = await stripe.radar.earlyFraudWarnings.list({ charge: scenario.charge.id });
    expect(listed.data.map((item) => item.id)).toEqual([scenario.warning.id]);
    expect((await listedEvents('radar.early_fraud_warning.created', scenario.warning.id)).length).toBe(1);
  });

  it('answers an unknown warning with 404 resource_missing', async () => {
    const error = await rejection(stripe.radar.earlyFraudWarnings.retrieve('issfr_nope'));
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('resource_missing');
  });

  it('a warning on a charge already disputed is not actionable', async () => {
    const scenario = sandbox.createEarlyFraudWarning({ disputed: true });
    expect(scenario.dispute?.charge).toBe(scenario.charge.id);
    const warning = await stripe.radar.earlyFraudWarnings.retrieve(scenario.warning.id);
    expect(warning.actionable).toBe(false);
    expect((await stripe.charges.retrieve(scenario.charge.id)).disputed).toBe(true);
  });

  it('a dispute on a warned charge makes the warning not actionable, with its update event', async () => {
    const scenario = sandbox.createEarlyFraudWarning();
    const dispute = sandbox.disputeCharge(scenario.charge.id);
    expect(dispute.charge).toBe(scenario.charge.id);
    expect((await stripe.radar.earlyFraudWarnings.retrieve(scenario.warning.id)).actionable).toBe(false);
    const updates = await listedEvents('radar.early_fraud_warning.updated', scenario.warning.id);
    expect(updates[0]?.data.previous_attributes).toEqual({ actionable: true });
    expect((await listedEvents('charge.dispute.created', dispute.id)).length).toBe(1);
  });
});

describe('refunds', () => {
  it('a refund changes its charge, emits refund.created and charge.refunded, and ends the warning', async () => {
    const scenario = sandbox.createEarlyFraudWarning({ amount: 1500 });
    const refund = await stripe.refunds.create({
      charge: scenario.charge.id,
      reason: 'fraudulent',
      metadata: { early_fraud_warning: scenario.warning.id },
    });
    expect(refund).toMatchObject({
      object: 'refund',
      amount: 1500,
      currency: 'usd',
      charge: scenario.charge.id,
      reason: 'fraudulent',
      status: 'succeeded',
      metadata: { early_fraud_warning: scenario.warning.id },
    });
    const charge = await stripe.charges.retrieve(scenario.charge.id);
    expect(charge).toMatchObject({ amount_refunded: 1500, refunded: true });
    expect((await stripe.radar.earlyFraudWarnings.retrieve(scenario.warning.id)).actionable).toBe(false);
    expect((await listedEvents('refund.created', refund.id)).length).toBe(1);
    expect((await listedEvents('charge.refunded', scenario.charge.id))[0]?.data.previous_attributes).toMatchObject({
      amount_refunded: 0,
      refunded: false,
    });
    const listed = await stripe.refunds.list({ charge: scenario.charge.id });
    expect(listed.data.map((item) => item.id)).toEqual([refund.id]);
  });

  it('a partial refund leaves the rest refundable and the warning actionable', async () => {
    const scenario = sandbox.createEarlyFraudWarning({ amount: 5000 });
    await stripe.refunds.create({ charge: scenario.charge.id, amount: 2000 });
    expect(await stripe.charges.retrieve(scenario.charge.id)).toMatchObject({ amount_refunded: 2000, refunded: false });
    expect((await stripe.radar.earlyFraudWarnings.retrieve(scenario.warning.id)).actionable).toBe(true);
    const tooMuch = await rejection(stripe.refunds.create({ charge: scenario.charge.id, amount: 3001 }));
    expect(tooMuch).toMatchObject({ statusCode: 400, code: 'amount_too_large', param: 'amount' });
  });

  it('refuses a charge already refunded (charge_already_refunded) and a charged-back one (charge_disputed)', async () => {
    const refunded = sandbox.createEarlyFraudWarning({ amount: 900, refundedAmount: 900 });
    const again = await rejection(stripe.refunds.create({ charge: refunded.charge.id }));
    expect(again).toMatchObject({ statusCode: 400, code: 'charge_already_refunded' });
    const disputed = sandbox.createEarlyFraudWarning({ disputed: true });
    const chargedBack = await rejection(stripe.refunds.create({ charge: disputed.charge.id }));
    expect(chargedBack).toMatchObject({ statusCode: 400, code: 'charge_disputed' });
    const neither = await rejection(stripe.refunds.create({}));
    expect(neither).toMatchObject({ statusCode: 400, code: 'parameter_missing' });
  });

  it('refunds by payment intent, its latest charge', async () => {
    const scenario = sandbox.createEarlyFraudWarning({ amount: 700 });
    const refund = await stripe.refunds.create({ payment_intent: scenario.paymentIntent.id });
    expect(refund.charge).toBe(scenario.charge.id);
  });

  it('one idempotency key: the same request is replayed (one refund), different parameters are an idempotency_error', async () => {
    const scenario = sandbox.createEarlyFraudWarning({ amount: 1000 });
    const key = `efw-refund:${scenario.warning.id}`;
    const params = { charge: scenario.charge.id, reason: 'fraudulent' as const };
    const first = await stripe.refunds.create(params, { idempotencyKey: key });
    const second = await stripe.refunds.create(params, { idempotencyKey: key });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.refunds.list({ charge: scenario.charge.id })).data.length).toBe(1);
    const conflict = await rejection(stripe.refunds.create({ ...params, amount: 500 }, { idempotencyKey: key }));
    expect(conflict).toMatchObject({ statusCode: 400, type: 'StripeIdempotencyError' });
  });

  it('a refund that failed validation saves nothing under its key: the key may be used again', async () => {
    const scenario = sandbox.createEarlyFraudWarning({ amount: 1000 });
    const key = `efw-refund-retry:${scenario.warning.id}`;
    const refused = await rejection(stripe.refunds.create({ charge: 'ch_missing' }, { idempotencyKey: key }));
    expect(refused.statusCode).toBe(404);
    const refund = await stripe.refunds.create({ charge: scenario.charge.id }, { idempotencyKey: `${key}:b` });
    expect(refund.amount).toBe(1000);
  });

  it('a restricted key without refund write may not refund', async () => {
    const scenario = sandbox.createEarlyFraudWarning();
    sandbox.restrictKey('rk_test_efw_read_only', ['radar_early_fraud_warning_read', 'charge_read']);
    const reader = sandbox.stripe('rk_test_efw_read_only');
    expect((await reader.radar.earlyFraudWarnings.retrieve(scenario.warning.id)).id).toBe(scenario.warning.id);
    const refused = await rejection(reader.refunds.create({ charge: scenario.charge.id }));
    expect(refused.statusCode).toBe(403);
    expect(refused.message).toContain('rak_refund_write');
  });
});

describe('subscriptions', () => {
  it("lists a customer's subscriptions that are not canceled, and cancels one at once; a second cancel is 404", async () => {
    const scenario = sandbox.createEarlyFraudWarning({ subscription: true });
    const subscription = scenario.subscription;
    if (!subscription) throw new Error('no subscription');
    const listed = await stripe.subscriptions.list({ customer: scenario.customer.id });
    expect(listed.data.map((item) => item.id)).toEqual([subscription.id]);
    const canceled = await stripe.subscriptions.cancel(subscription.id);
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_details: { reason: 'cancellation_requested' } });
    expect(canceled.canceled_at).not.toBeNull();
    expect((await stripe.subscriptions.list({ customer: scenario.customer.id })).data).toEqual([]);
    expect((await stripe.subscriptions.list({ customer: scenario.customer.id, status: 'all' })).data).toHaveLength(1);
    const again = await rejection(stripe.subscriptions.cancel(subscription.id));
    expect(again).toMatchObject({ statusCode: 404, code: 'resource_missing' });
    const events = await stripe.events.list({ type: 'customer.subscription.deleted' });
    expect(events.data.some((event) => (event.data.object as { id: string }).id === subscription.id)).toBe(true);
  });
});
