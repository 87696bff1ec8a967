import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeSandbox, startStripeSandbox, stripeClient } from '../../sandbox/stripe/index.js';

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

describe('retrieving', () => {
  it('returns a dispute with its charge, customer and payment intent expanded, and a request id', async () => {
    const scenario = sandbox.createDispute({
      reason: 'fraudulent',
      customer: { email: 'ada@example.com', name: 'Ada' },
    });
    const dispute = await stripe.disputes.retrieve(scenario.dispute.id, {
      expand: ['charge.customer', 'payment_intent'],
    });
    expect(dispute.object).toBe('dispute');
    expect(dispute.id).toMatch(/^du_[A-Za-z0-9]{24}$/);
    expect(dispute.status).toBe('needs_response');
    expect(dispute.lastResponse.requestId).toMatch(/^req_/);
    if (typeof dispute.charge === 'string') throw new Error('charge not expanded');
    expect(dispute.charge.id).toBe(scenario.charge.id);
    expect(dispute.charge.payment_method_details?.card?.checks?.cvc_check).toBe('pass');
    if (typeof dispute.charge.customer !== 'object' || dispute.charge.customer === null) throw new Error('customer');
    expect(dispute.charge.customer).toMatchObject({ id: scenario.customer.id, email: 'ada@example.com' });
    expect(dispute.payment_intent).toMatchObject({ id: scenario.paymentIntent.id, object: 'payment_intent' });
  });

  it('expands the fee-bearing balance transaction and the card payment method', async () => {
    const scenario = sandbox.createDispute({ reason: 'fraudulent', amount: 10_000, silent: true });
    const dispute = await stripe.disputes.retrieve(scenario.dispute.id, {
      expand: ['charge.balance_transaction', 'payment_intent.payment_method'],
    });
    expect(dispute.charge).toMatchObject({
      balance_transaction: { object: 'balance_transaction', fee: 320, net: 9680 },
    });
    const card = scenario.charge.payment_method_details?.card;
    expect(dispute.payment_intent).toMatchObject({
      payment_method: { object: 'payment_method', card: { fingerprint: card?.fingerprint, last4: card?.last4 } },
    });
    expect(dispute.balance_transactions[0]).toMatchObject({
      amount: -10_000,
      fee: 1500,
      reporting_category: 'dispute',
    });
  });

  it('serves the charge, customer, payment intent, subscription, invoice and refunds behind a dispute', async () => {
    const scenario = sandbox.createDispute({
      reason: 'subscription_canceled',
      subscription: true,
      refundedAmount: 1000,
      priorCharges: [{ daysAgo: 30 }, { daysAgo: 60 }],
    });
    const charge = await stripe.charges.retrieve(scenario.charge.id);
    expect(charge.amount_refunded).toBe(1000);
    expect(charge).not.toHaveProperty('invoice');
    expect((await stripe.customers.retrieve(scenario.customer.id)).id).toBe(scenario.customer.id);
    expect((await stripe.paymentIntents.retrieve(scenario.paymentIntent.id)).latest_charge).toBe(scenario.charge.id);
    const refunds = await stripe.refunds.list({ charge: scenario.charge.id });
    expect(refunds.data.map((refund) => refund.amount)).toEqual([1000]);
    const payments = await stripe.invoicePayments.list({
      payment: { type: 'payment_intent', payment_intent: scenario.paymentIntent.id },
      expand: ['data.invoice'],
    });
    expect(payments.data).toHaveLength(1);
    const invoice = payments.data[0]?.invoice;
    if (typeof invoice !== 'object' || invoice === null || 'deleted' in invoice)
      throw new Error('invoice not expanded');
    const subscriptionId = invoice.parent?.subscription_details?.subscription;
    expect(subscriptionId).toBe(scenario.subscription?.id);
    const subscription = await stripe.subscriptions.retrieve(String(subscriptionId));
    expect(subscription.status).toBe('active');
    expect((await stripe.invoices.retrieve(invoice.id ?? '')).status).toBe('paid');
    const history = await stripe.charges.list({ customer: scenario.customer.id });
    expect(history.data.map((item) => item.id)).toEqual([
      scenario.charge.id,
      ...scenario.priorCharges.map((c) => c.id),
    ]);
    const fingerprints = new Set(history.data.map((item) => item.payment_method_details?.card?.fingerprint));
    expect(fingerprints.size).toBe(1);
  });

  it('answers an unknown dispute with 404 resource_missing as StripeInvalidRequestError', async () => {
    const error = await rejection(stripe.disputes.retrieve('du_doesnotexist'));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('resource_missing');
    expect(error.message).toBe("No such dispute: 'du_doesnotexist'");
    expect(error.requestId).toMatch(/^req_/);
  });

  it('refuses to expand a property that is not expandable', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'general', silent: true });
    const error = await rejection(stripe.disputes.retrieve(dispute.id, { expand: ['reason'] }));
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('cannot be expanded (reason)');
  });
});

describe('wire format', () => {
  const headers = { authorization: 'Bearer sk_test_raw', 'content-type': 'application/x-www-form-urlencoded' };

  it('reads bracket syntax in query strings and form bodies, encoded or not', async () => {
    const { dispute, charge } = sandbox.createDispute({ reason: 'general', silent: true });
    const retrieved = await fetch(`${sandbox.url}/v1/disputes/${dispute.id}?expand%5B%5D=charge`, { headers });
    expect(((await retrieved.json()) as { charge: { id: string } }).charge.id).toBe(charge.id);
    const indexed = await fetch(`${sandbox.url}/v1/disputes/${dispute.id}?expand[0]=charge&expand[1]=payment_intent`, {
      headers,
    });
    expect(await indexed.json()).toMatchObject({
      charge: { object: 'charge' },
      payment_intent: { object: 'payment_intent' },
    });
    const updated = await fetch(`${sandbox.url}/v1/disputes/${dispute.id}`, {
      method: 'POST',
      headers,
      body: 'evidence%5Buncategorized_text%5D=Used+it+daily&evidence[customer_name]=Jenny&submit=false&metadata[a]=1',
    });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({
      evidence: { uncategorized_text: 'Used it daily', customer_name: 'Jenny' },
      evidence_details: { submission_count: 0 },
      metadata: { a: '1' },
    });
  });

  it('answers errors in Stripe’s envelope with a request id and log url', async () => {
    const response = await fetch(`${sandbox.url}/v1/disputes?colour=blue`, { headers });
    expect(response.status).toBe(400);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const body = (await response.json()) as { error: Record<string, string> };
    expect(body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'parameter_unknown',
      param: 'colour',
      message: 'Received unknown parameter: colour',
      doc_url: 'https://stripe.com/docs/error-codes/parameter-unknown',
    });
    expect(body.error.request_log_url).toContain(response.headers.get('request-id'));
    const unknownRoute = await fetch(`${sandbox.url}/v1/nothing`, { headers });
    expect(unknownRoute.status).toBe(404);
    expect(((await unknownRoute.json()) as { error: { message: string } }).error.message).toContain(
      'Unrecognized request URL',
    );
  });
});

describe('listing', () => {
  let sandboxForList: StripeSandbox;
  let client: Stripe;
  const ids: string[] = [];
  const base = Math.floor(Date.now() / 1000) - 30 * 86_400;

  beforeAll(async () => {
    sandboxForList = await startStripeSandbox();
    client = sandboxForList.stripe();
    for (let i = 0; i < 25; i++) {
      ids.unshift(
        sandboxForList.createDispute({ reason: 'fraudulent', created: base + i * 3600, silent: true }).dispute.id,
      );
    }
  });
  afterAll(async () => {
    await sandboxForList.close();
  });

  it('pages newest first with limit, starting_after and has_more', async () => {
    const first = await client.disputes.list({ limit: 10 });
    expect(first.object).toBe('list');
    expect(first.url).toBe('/v1/disputes');
    expect(first.has_more).toBe(true);
    expect(first.data.map((d) => d.id)).toEqual(ids.slice(0, 10));
    const second = await client.disputes.list({ limit: 10, starting_after: first.data[9]?.id });
    expect(second.data.map((d) => d.id)).toEqual(ids.slice(10, 20));
    const third = await client.disputes.list({ limit: 10, starting_after: second.data[9]?.id });
    expect(third.data.map((d) => d.id)).toEqual(ids.slice(20));
    expect(third.has_more).toBe(false);
  });

  it('defaults to 10 and pages backwards with ending_before', async () => {
    expect((await client.disputes.list()).data).toHaveLength(10);
    const page = await client.disputes.list({ limit: 5, ending_before: ids[12] });
    expect(page.data.map((d) => d.id)).toEqual(ids.slice(7, 12));
    expect(page.has_more).toBe(true);
  });

  it('auto-pagination walks every dispute once', async () => {
    const all = await client.disputes.list({ limit: 7 }).autoPagingToArray({ limit: 1000 });
    expect(all.map((d) => d.id)).toEqual(ids);
    const seen: string[] = [];
    for await (const dispute of client.disputes.list({ limit: 100 })) seen.push(dispute.id);
    expect(seen).toEqual(ids);
  });

  it('filters by created range and by charge, and expands data.charge', async () => {
    const recent = await client.disputes.list({ created: { gte: base + 20 * 3600 }, limit: 100 });
    expect(recent.data.map((d) => d.id)).toEqual(ids.slice(0, 5));
    const window = await client.disputes.list({ created: { gt: base + 3600, lt: base + 4 * 3600 } });
    expect(window.data.map((d) => d.id)).toEqual(ids.slice(21, 23));
    const target = await client.disputes.retrieve(ids[3] ?? '');
    const byCharge = await client.disputes.list({ charge: String(target.charge), expand: ['data.charge'] });
    expect(byCharge.data.map((d) => d.id)).toEqual([ids[3]]);
    expect(byCharge.data[0]?.charge).toMatchObject({ object: 'charge', id: target.charge });
  });

  it('lists customers by exact, case-sensitive email, newest first, paged like every list', async () => {
    const email = 'shared.inbox@customers.example';
    const made = [1, 2, 3].map(() => sandbox.createDispute({ reason: 'general', customer: { email, name: 'Sam' } }));
    sandbox.createDispute({ reason: 'general', customer: { email: 'someone.else@customers.example', name: 'Kim' } });
    const first = await stripe.customers.list({ email, limit: 2 });
    expect(first.data.map((customer) => customer.id)).toEqual([made[2]?.customer.id, made[1]?.customer.id]);
    expect(first.has_more).toBe(true);
    const rest = await stripe.customers.list({ email, limit: 2, starting_after: first.data[1]?.id });
    expect(rest.data.map((customer) => customer.id)).toEqual([made[0]?.customer.id]);
    expect(rest.has_more).toBe(false);
    expect((await stripe.customers.list({ email: email.toUpperCase() })).data).toEqual([]);
    const unknown = await rejection(stripe.customers.list({ name: 'Sam' } as Stripe.CustomerListParams));
    expect(unknown.param).toBe('name');
    expect((await rejection(stripe.customers.list({ limit: 101 }))).param).toBe('limit');
  });

  it('rejects list expansions without data., unknown parameters and a limit over 100', async () => {
    const expand = await rejection(client.disputes.list({ expand: ['charge'] }));
    expect(expand.message).toContain("try expanding 'data.charge'");
    const unknown = await rejection(client.disputes.list({ status: 'won' } as Stripe.DisputeListParams));
    expect(unknown).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(unknown.code).toBe('parameter_unknown');
    expect(unknown.param).toBe('status');
    const limit = await rejection(client.disputes.list({ limit: 101 }));
    expect(limit.param).toBe('limit');
    const cursor = await rejection(client.disputes.list({ starting_after: 'du_missing' }));
    expect(cursor.statusCode).toBe(400);
  });

  it('seeded history: a won dispute is reinstated no later than now, and submissions can hold varied evidence', async () => {
    const history = await startStripeSandbox();
    try {
      const now = Math.floor(Date.now() / 1000);
      history.seedDisputes(200, {
        from: now - 90 * 86_400,
        to: now - 86_400,
        statuses: { won: 1, lost: 1 },
        variedEvidence: true,
        seed: 5,
      });
      const disputes = await history.stripe().disputes.list({ limit: 100 }).autoPagingToArray({ limit: 1_000 });
      const won = disputes.filter((dispute) => dispute.status === 'won');
      const lost = disputes.filter((dispute) => dispute.status === 'lost');
      expect(won.length).toBeGreaterThan(50);
      expect(lost.length).toBeGreaterThan(50);
      for (const dispute of won) {
        expect(dispute.balance_transactions).toHaveLength(2);
        for (const txn of dispute.balance_transactions) expect(txn.created).toBeLessThanOrEqual(now + 1);
      }
      // The strong kinds of evidence show up more often in the disputes that were won.
      const share = (list: Stripe.Dispute[]) =>
        list.filter((dispute) => dispute.evidence.access_activity_log).length / list.length;
      expect(share(won)).toBeGreaterThan(share(lost) + 0.2);
      expect(won.filter((dispute) => dispute.evidence.product_description).length / won.length).toBeGreaterThan(0.7);
    } finally {
      await history.close();
    }
  });

  it('lists 100,000 seeded disputes page by page without building them all up front', async () => {
    const big = await startStripeSandbox();
    try {
      const started = Date.now();
      big.seedDisputes(100_000, { seed: 7 });
      expect(Date.now() - started).toBeLessThan(5_000);
      const client100k = big.stripe();
      let count = 0;
      let last: Stripe.Dispute | undefined;
      const statuses = new Set<string>();
      for await (const dispute of client100k.disputes.list({ limit: 100 })) {
        if (last) expect(dispute.created).toBeLessThanOrEqual(last.created);
        last = dispute;
        statuses.add(dispute.status);
        count++;
      }
      expect(count).toBe(100_000);
      expect(statuses).toEqual(
        new Set(['won', 'lost', 'warning_closed', 'under_review', 'needs_response', 'warning_needs_response']),
      );
      // A seeded dispute's charge and customer resolve like any other.
      const expanded = await client100k.disputes.retrieve(last?.id ?? '', {
        expand: ['charge.customer', 'charge.balance_transaction'],
      });
      expect(expanded.charge).toMatchObject({
        object: 'charge',
        disputed: true,
        customer: { object: 'customer' },
        balance_transaction: { object: 'balance_transaction', type: 'charge' },
      });
      // Seeded objects are built on read, the same every time.
      const again = await client100k.disputes.retrieve(last?.id ?? '', {
        expand: ['charge.customer', 'charge.balance_transaction'],
      });
      expect(JSON.stringify(again)).toBe(JSON.stringify(expanded));
    } finally {
      await big.close();
    }
  }, 60_000);
});

describe('updating and closing', () => {
  it('stages evidence with submit: false and submits it with the default submit', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'product_not_received' });
    const staged = await stripe.disputes.update(dispute.id, {
      evidence: { uncategorized_text: 'The customer downloaded the report twice.' },
      submit: false,
      intended_submission_method: 'manual',
      metadata: { case: 'c1' },
    });
    expect(staged.status).toBe('needs_response');
    expect(staged.evidence.uncategorized_text).toBe('The customer downloaded the report twice.');
    expect(staged.evidence_details).toMatchObject({
      has_evidence: true,
      submission_count: 0,
      submission_method: 'not_submitted',
    });
    expect(staged.intended_submission_method).toBe('manual');
    expect(staged.metadata).toEqual({ case: 'c1' });

    const submitted = await stripe.disputes.update(dispute.id, { evidence: { customer_name: 'Jenny Rosen' } });
    expect(submitted.status).toBe('under_review');
    expect(submitted.evidence.uncategorized_text).toBe('The customer downloaded the report twice.');
    expect(submitted.evidence_details).toMatchObject({ submission_count: 1, submission_method: 'manual' });

    const again = await rejection(
      stripe.disputes.update(dispute.id, { evidence: { customer_name: 'x' }, submit: false }),
    );
    expect(again).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(again.message).toContain('already been submitted');
    // Metadata alone may still change after submission.
    const tagged = await stripe.disputes.update(dispute.id, { metadata: { case: '', outcome: 'pending' } });
    expect(tagged.metadata).toEqual({ outcome: 'pending' });
  });

  it('submitting an inquiry moves it to warning_under_review', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'general', inquiry: true });
    expect(dispute.status).toBe('warning_needs_response');
    const submitted = await stripe.disputes.update(dispute.id, {
      evidence: { uncategorized_text: 'Delivered.' },
      submit: true,
    });
    expect(submitted.status).toBe('warning_under_review');
  });

  it('close makes a chargeback lost and an inquiry warning_closed, once', async () => {
    const chargeback = sandbox.createDispute({ reason: 'fraudulent' }).dispute;
    const lost = await stripe.disputes.close(chargeback.id);
    expect(lost.status).toBe('lost');
    const inquiry = sandbox.createDispute({ reason: 'fraudulent', inquiry: true }).dispute;
    expect((await stripe.disputes.close(inquiry.id)).status).toBe('warning_closed');
    const twice = await rejection(stripe.disputes.close(chargeback.id));
    expect(twice.statusCode).toBe(400);
    const update = await rejection(stripe.disputes.update(chargeback.id, { evidence: { uncategorized_text: 'late' } }));
    expect(update.message).toContain('already closed');
  });

  it('refuses evidence after the due date', async () => {
    const { dispute } = sandbox.createDispute({
      reason: 'fraudulent',
      created: Math.floor(Date.now() / 1000) - 20 * 86_400,
      dueInDays: 9,
    });
    const error = await rejection(
      stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'x' }, submit: false }),
    );
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('due date');
  });
});

describe('idempotency', () => {
  it('replays the first response for the same key and parameters', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent' });
    const params = { evidence: { uncategorized_text: 'Once.' }, submit: true };
    const first = await stripe.disputes.update(dispute.id, params, { idempotencyKey: `submit:${dispute.id}:1` });
    const second = await stripe.disputes.update(dispute.id, params, { idempotencyKey: `submit:${dispute.id}:1` });
    expect(second.evidence_details.submission_count).toBe(1);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.disputes.retrieve(dispute.id)).evidence_details.submission_count).toBe(1);
  });

  it('answers the same key with different parameters with an idempotency error', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent' });
    await stripe.disputes.update(dispute.id, { metadata: { a: '1' } }, { idempotencyKey: 'key-conflict' });
    const error = await rejection(
      stripe.disputes.update(dispute.id, { metadata: { a: '2' } }, { idempotencyKey: 'key-conflict' }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.statusCode).toBe(400);
    expect(error.type).toBe('StripeIdempotencyError');
  });

  it('does not save a failed validation, so the key can be used again', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent' });
    const key = `stage:${dispute.id}`;
    await rejection(
      stripe.disputes.update(
        dispute.id,
        { evidence: { receipt: 'file_missing' }, submit: false },
        { idempotencyKey: key },
      ),
    );
    const staged = await stripe.disputes.update(
      dispute.id,
      { evidence: { uncategorized_text: 'ok' }, submit: false },
      { idempotencyKey: key },
    );
    expect(staged.evidence.uncategorized_text).toBe('ok');
  });
});

describe('authentication, accounts and faults', () => {
  it('answers a missing or garbled API key with 401', async () => {
    const garbled = stripeClient(sandbox.url, 'not-a-key');
    const error = await rejection(garbled.disputes.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
    const missing = await fetch(`${sandbox.url}/v1/disputes`);
    expect(missing.status).toBe(401);
    const body = (await missing.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('You did not provide an API key');
    expect(missing.headers.get('request-id')).toMatch(/^req_/);
  });

  it('keeps a connected account’s disputes behind its Stripe-Account header', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent', account: 'acct_1Connected' });
    const hidden = await rejection(stripe.disputes.retrieve(dispute.id));
    expect(hidden.statusCode).toBe(404);
    const seen = await stripe.disputes.retrieve(dispute.id, {}, { stripeAccount: 'acct_1Connected' });
    expect(seen.id).toBe(dispute.id);
    const list = await stripe.disputes.list({ limit: 100 }, { stripeAccount: 'acct_1Connected' });
    expect(list.data.map((d) => d.id)).toEqual([dispute.id]);
    const stranger = await rejection(stripe.disputes.list({}, { stripeAccount: 'acct_1Unknown' }));
    expect(stranger).toBeInstanceOf(Stripe.errors.StripePermissionError);
    const recorded = sandbox.requests.filter((request) => request.account === 'acct_1Connected');
    expect(recorded.length).toBeGreaterThanOrEqual(2);
  });

  it('lists the connected accounts to the platform, paged, and refuses the list to a connected account', async () => {
    const platform = await startStripeSandbox();
    try {
      const client = platform.stripe();
      const ids = ['acct_1ListA', 'acct_1ListB', 'acct_1ListC'];
      for (const id of ids) platform.addAccount(id);
      platform.createDispute({ reason: 'fraudulent', account: 'acct_1ListD', silent: true });
      const first = await client.accounts.list({ limit: 2 });
      expect(first).toMatchObject({ object: 'list', has_more: true, url: '/v1/accounts' });
      expect(first.data[0]).toMatchObject({ object: 'account', id: 'acct_1ListD', type: 'standard', country: 'US' });
      expect(typeof first.data[0]?.created).toBe('number');
      const all: string[] = [];
      for await (const account of client.accounts.list({ limit: 2 })) all.push(account.id);
      // Newest first, each once; a scenario's account is connected like one added by hand.
      expect(all).toEqual(['acct_1ListD', ...[...ids].reverse()]);
      const refused = await rejection(client.accounts.list({}, { stripeAccount: 'acct_1ListA' }));
      expect(refused).toBeInstanceOf(Stripe.errors.StripePermissionError);
      expect(refused.message).toContain('Only Stripe Connect platforms');
      const missing = await rejection(client.accounts.list({ starting_after: 'acct_1Nobody' }));
      expect(missing).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'starting_after' });
    } finally {
      await platform.close();
    }
  });

  it("an account connected to one platform's key is listed and read with that key only, as another Stripe account's would be", async () => {
    const platforms = await startStripeSandbox();
    try {
      platforms.addAccount('acct_1OwnedByA', { platformKey: 'sk_test_platformA' });
      platforms.createDispute({ reason: 'fraudulent', account: 'acct_1OwnedByA', silent: true });
      platforms.addAccount('acct_1Shared');
      const [a, b] = [platforms.stripe('sk_test_platformA'), platforms.stripe('sk_test_platformB')];
      const listed = async (client: Stripe) => {
        const ids: string[] = [];
        for await (const account of client.accounts.list({ limit: 100 })) ids.push(account.id);
        return ids;
      };
      expect(await listed(a)).toEqual(['acct_1Shared', 'acct_1OwnedByA']);
      expect(await listed(b)).toEqual(['acct_1Shared']);
      expect((await a.disputes.list({}, { stripeAccount: 'acct_1OwnedByA' })).data).toHaveLength(1);
      const refused = await rejection(b.disputes.list({}, { stripeAccount: 'acct_1OwnedByA' }));
      expect(refused).toBeInstanceOf(Stripe.errors.StripePermissionError);
      expect(refused.message).toContain("does not have access to account 'acct_1OwnedByA'");
    } finally {
      await platforms.close();
    }
  });

  it("a fault rule with an account fails only that account's requests", async () => {
    sandbox.addAccount('acct_1Faulty');
    sandbox.addAccount('acct_1Healthy');
    sandbox.failNext({ method: 'GET', path: '/v1/disputes', account: 'acct_1Faulty', status: 429, times: 2 });
    expect((await stripe.disputes.list({}, { stripeAccount: 'acct_1Healthy' })).object).toBe('list');
    expect((await stripe.disputes.list()).object).toBe('list');
    const limited = await rejection(stripe.disputes.list({}, { stripeAccount: 'acct_1Faulty' }));
    expect(limited).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    await rejection(stripe.disputes.list({}, { stripeAccount: 'acct_1Faulty' }));
    expect((await stripe.disputes.list({}, { stripeAccount: 'acct_1Faulty' })).object).toBe('list');
    // `account: null` is the platform alone.
    sandbox.failNext({ method: 'GET', path: '/v1/disputes', account: null, status: 500 });
    expect((await stripe.disputes.list({}, { stripeAccount: 'acct_1Healthy' })).object).toBe('list');
    expect(await rejection(stripe.disputes.list())).toBeInstanceOf(Stripe.errors.StripeAPIError);
  });

  it('injects 500 and 429 failures as StripeAPIError and StripeRateLimitError, then recovers', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent', silent: true });
    sandbox.failNext({ method: 'GET', path: `/v1/disputes/${dispute.id}`, status: 500 });
    const server = await rejection(stripe.disputes.retrieve(dispute.id));
    expect(server).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(server.statusCode).toBe(500);
    sandbox.failNext({ path: /^\/v1\/disputes\/du_/, status: 429, times: 2 });
    expect(await rejection(stripe.disputes.retrieve(dispute.id))).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(await rejection(stripe.disputes.retrieve(dispute.id))).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect((await stripe.disputes.retrieve(dispute.id)).id).toBe(dispute.id);
    const statuses = sandbox.requests
      .filter((request) => request.path === `/v1/disputes/${dispute.id}`)
      .map((r) => r.status);
    expect(statuses).toEqual([500, 429, 429, 200]);
  });

  it('rate limits to the configured requests per second with Stripe’s 429 and no retry hint', async () => {
    const limited = await startStripeSandbox({ requestsPerSecond: 2 });
    try {
      const client = limited.stripe();
      await client.disputes.list();
      await client.disputes.list();
      const error = await rejection(client.disputes.list());
      expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect(error.code).toBe('rate_limit');
      expect(error.headers?.['request-id']).toMatch(/^req_/);
      expect(error.headers?.['stripe-should-retry']).toBeUndefined();
      limited.setRateLimit(undefined);
      expect((await client.disputes.list()).object).toBe('list');
    } finally {
      await limited.close();
    }
  });

  it('delays a route so client timeouts surface as connection errors', async () => {
    const { dispute } = sandbox.createDispute({ reason: 'fraudulent', silent: true });
    sandbox.delay({ path: `/v1/disputes/${dispute.id}`, ms: 300, times: 1 });
    const impatient = stripeClient(sandbox.url, 'sk_test_sandbox', { timeout: 100 });
    const error = await rejection(impatient.disputes.retrieve(dispute.id));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect((await stripe.disputes.retrieve(dispute.id)).id).toBe(dispute.id);
  });
});

describe('restricted keys and webhook endpoints', () => {
  it('a restricted key without an endpoint’s permission gets 403 naming the permission; write includes read', async () => {
    sandbox.restrictKey('rk_test_sandboxDisputesOnly', ['dispute_write']);
    const restricted = sandbox.stripe('rk_test_sandboxDisputesOnly');
    await expect(restricted.disputes.list({ limit: 1 })).resolves.toMatchObject({ object: 'list' });
    const refused = await rejection(restricted.charges.list({ limit: 1 }));
    expect(refused).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(refused.statusCode).toBe(403);
    expect(refused.message).toMatch(/^The provided key 'rk_test_\*+Only' does not have the required permissions/);
    expect(refused.message).toContain("Having the 'rak_charge_read' permission would allow this request to continue.");
  });

  it('a revoked key is refused with 401', async () => {
    sandbox.revokeKey('sk_test_sandboxRolled');
    const refused = await rejection(sandbox.stripe('sk_test_sandboxRolled').disputes.list({ limit: 1 }));
    expect(refused).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('lists the webhook target as an endpoint with its events and API version', async () => {
    expect((await stripe.webhookEndpoints.list()).data).toEqual([]);
    sandbox.setWebhook({ url: 'https://rebut.example.com/stripe/webhook', secret: 'whsec_x', apiVersion: null });
    try {
      const [endpoint] = (await stripe.webhookEndpoints.list({ limit: 10 })).data;
      expect(endpoint).toMatchObject({
        object: 'webhook_endpoint',
        url: 'https://rebut.example.com/stripe/webhook',
        status: 'enabled',
        api_version: null,
      });
      expect(endpoint?.enabled_events).toContain('charge.dispute.closed');
    } finally {
      sandbox.setWebhook(undefined);
    }
  });
});
