import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { startTestApp, TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let stripe: StripeSandbox;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  app = await startTestApp({ DATABASE_URL: db.url, STRIPE_API_URL: stripe.url });
  stripe.setWebhook({ url: `${app.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
});
afterAll(async () => {
  await app.stop();
  await stripe.close();
  await db.drop();
});
beforeEach(() => stripe.clearFaults());

async function caseOf(disputeId: string) {
  const { rows } = await db.pool.query<{ id: number; state: string; auto_submit_at: Date }>(
    'SELECT id, state, auto_submit_at FROM cases WHERE dispute_id = $1',
    [disputeId],
  );
  return rows[0];
}

async function disputeRow(disputeId: string) {
  const { rows } = await db.pool.query<{ status: string; amount: number; account: string | null; read_at: Date }>(
    'SELECT status, amount, account, read_at FROM disputes WHERE id = $1',
    [disputeId],
  );
  return rows[0];
}

async function processed(eventId: string) {
  const { rows } = await db.pool.query<{ processed_at: Date | null }>(
    'SELECT processed_at FROM stripe_events WHERE id = $1',
    [eventId],
  );
  return rows[0]?.processed_at ?? null;
}

/** Payloads of the queue's jobs for a task (graphile-worker's public view has no payload column). */
async function jobPayloads(task: string): Promise<{ caseId?: number }[]> {
  const { rows } = await db.pool.query<{ payload: { caseId?: number } }>(
    `SELECT j.payload FROM graphile_worker._private_jobs j
       JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = $1`,
    [task],
  );
  return rows.map((row) => row.payload);
}

/** A new case goes straight on to preparation (evidence, draft), so any of these means "opened". */
const OPENED = ['new', 'drafting', 'awaiting_review'];

describe('process-event', () => {
  it('a new dispute is re-read from Stripe, stored, and gets one case with its prepare-case job', async () => {
    const { dispute } = stripe.createDispute({ reason: 'fraudulent', amount: 4900 });
    await stripe.webhooksSettled();
    const opened = await waitFor(() => caseOf(dispute.id), { what: 'the case' });
    expect(OPENED).toContain(opened.state);
    expect(await disputeRow(dispute.id)).toMatchObject({ status: 'needs_response', amount: 4900, account: null });
    const retrieve = stripe.requests.filter((r) => r.method === 'GET' && r.path === `/v1/disputes/${dispute.id}`);
    expect(retrieve.length).toBeGreaterThan(0);
    expect(retrieve[0]?.query).toMatchObject({ expand: ['charge', 'payment_intent'] });
    expect(await jobPayloads('prepare-case')).toContainEqual({ caseId: opened.id });
  });

  it('an inquiry (warning_needs_response) opens a case too', async () => {
    const { dispute } = stripe.createDispute({ reason: 'general', inquiry: true });
    const opened = await waitFor(() => caseOf(dispute.id), { what: 'the inquiry case' });
    expect(OPENED).toContain(opened.state);
    expect((await disputeRow(dispute.id))?.status).toBe('warning_needs_response');
  });

  it('a dispute already past its due date is stored but opens no case, as the sync decides too', async () => {
    // Opened 20 days ago, due 9 days after: evidence can no longer reach Stripe (rebut installed late, a late event).
    const { dispute } = stripe.createDispute({
      reason: 'fraudulent',
      created: Math.floor(Date.now() / 1000) - 20 * 86_400,
    });
    const event = stripe.emit('charge.dispute.updated', dispute);
    await stripe.deliver(event, { url: `${app.url}/stripe/webhook` });
    await waitFor(() => processed(event.id), { what: 'the event about the past-due dispute' });
    await stripe.webhooksSettled();
    expect((await disputeRow(dispute.id))?.status).toBe('needs_response');
    expect(await caseOf(dispute.id)).toBeUndefined();
  });

  it('opening a case is audited with the event, the status and the reason', async () => {
    const { dispute } = stripe.createDispute({ reason: 'duplicate' });
    const opened = await waitFor(() => caseOf(dispute.id), { what: 'the case' });
    const { rows } = await db.pool.query<{ actor: string; detail: Record<string, unknown> }>(
      `SELECT actor, detail FROM audit_log WHERE action = 'case.opened' AND case_id = $1`,
      [opened.id],
    );
    expect(rows).toEqual([
      {
        actor: 'stripe',
        detail: { eventId: expect.stringMatching(/^evt_/), status: 'needs_response', reason: 'duplicate' },
      },
    ]);
  });

  it('the same event delivered 5 times, concurrently, gives one row, one job and one case', async () => {
    const { dispute } = stripe.createDispute({ reason: 'product_not_received', silent: true });
    const event = stripe.emit('charge.dispute.created', dispute);
    const responses = await stripe.deliver(event, { times: 5, url: `${app.url}/stripe/webhook` });
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await waitFor(() => processed(event.id), { what: 'the event to be processed' });
    const counts = await db.pool.query(
      `SELECT (SELECT count(*)::int FROM stripe_events WHERE id = $1) AS events,
              (SELECT count(*)::int FROM cases WHERE dispute_id = $2) AS cases,
              (SELECT id FROM cases WHERE dispute_id = $2) AS case_id`,
      [event.id, dispute.id],
    );
    expect(counts.rows[0]).toMatchObject({ events: 1, cases: 1 });
    const caseId = counts.rows[0].case_id;
    // At most one preparation waits for the case (it may have run and left the queue already), and exactly one runs.
    expect((await jobPayloads('prepare-case')).filter((p) => p.caseId === caseId).length).toBeLessThanOrEqual(1);
    await waitFor(async () => ((await caseOf(dispute.id))?.state !== 'new' ? true : undefined), {
      what: 'the case prepared',
    });
    const staged = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE case_id = $1 AND action = 'evidence.staged'`,
      [caseId],
    );
    expect(staged.rows[0]?.n).toBe(1);
    const fetched = stripe.requests.filter((r) => r.path === `/v1/disputes/${dispute.id}` && r.method === 'GET');
    // The duplicates did no second piece of work above; a re-read of the dispute may repeat on a busy
    // machine (a job retried after a lost acknowledgement) and is harmless: the newer read wins.
    expect(fetched.length).toBeGreaterThanOrEqual(1);
  });

  it('charge.dispute.updated arriving before .created ends in the same state', async () => {
    const { dispute } = stripe.createDispute({ reason: 'subscription_canceled', silent: true });
    const created = stripe.emit('charge.dispute.created', dispute);
    const updated = stripe.emit('charge.dispute.updated', dispute, {
      previousAttributes: { status: 'warning_needs_response' },
    });
    await stripe.deliver(updated, { url: `${app.url}/stripe/webhook` });
    await waitFor(() => processed(updated.id), { what: 'the update' });
    await stripe.deliver(created, { url: `${app.url}/stripe/webhook` });
    await waitFor(() => processed(created.id), { what: 'the creation' });
    expect(OPENED).toContain((await caseOf(dispute.id))?.state);
    expect((await disputeRow(dispute.id))?.status).toBe('needs_response');
    const cases = await db.pool.query('SELECT count(*)::int AS n FROM cases WHERE dispute_id = $1', [dispute.id]);
    expect(cases.rows[0]).toEqual({ n: 1 });
  });

  it('a closed dispute marks its case won, and a late stale event never overwrites the newer state', async () => {
    const { dispute } = stripe.createDispute({ reason: 'fraudulent' });
    const opened = await waitFor(() => caseOf(dispute.id), { what: 'the case' });
    await db.pool.query(`UPDATE cases SET state = 'submitted' WHERE id = $1`, [opened.id]);
    stripe.setDisputeStatus(dispute.id, 'won');
    await waitFor(async () => (await caseOf(dispute.id))?.state === 'won', { what: 'the case to be won' });
    // A late copy of the creation event: re-read from Stripe, the dispute is still won.
    const late = stripe.emit('charge.dispute.created', { ...dispute });
    await stripe.deliver(late, { url: `${app.url}/stripe/webhook` });
    await waitFor(() => processed(late.id), { what: 'the late event' });
    expect((await disputeRow(dispute.id))?.status).toBe('won');
    expect((await caseOf(dispute.id))?.state).toBe('won');
  });

  it('a prevented dispute closes its case (no buttons left to press)', async () => {
    const { dispute } = stripe.createDispute({ reason: 'fraudulent' });
    await waitFor(() => caseOf(dispute.id), { what: 'the case' });
    stripe.setDisputeStatus(dispute.id, 'prevented');
    await waitFor(async () => (await caseOf(dispute.id))?.state === 'closed', { what: 'the case to be closed' });
  });

  it('a dispute on a connected account is stored with the account and read with the Stripe-Account header', async () => {
    const { dispute } = stripe.createDispute({ reason: 'unrecognized', account: 'acct_connected1' });
    await waitFor(() => caseOf(dispute.id), { what: 'the connected-account case' });
    expect((await disputeRow(dispute.id))?.account).toBe('acct_connected1');
    const retrieve = stripe.requests.find((r) => r.method === 'GET' && r.path === `/v1/disputes/${dispute.id}`);
    expect(retrieve?.account).toBe('acct_connected1');
  });

  it('Stripe answering 500 and then 429 to the re-read is retried with backoff, then succeeds', async () => {
    const { dispute } = stripe.createDispute({ reason: 'duplicate', silent: true });
    // The SDK retries a 500 itself (maxNetworkRetries 2); three 500s and a 429 fail two job attempts.
    stripe.failNext({ method: 'GET', path: `/v1/disputes/${dispute.id}`, status: 500, times: 3 });
    stripe.failNext({ method: 'GET', path: `/v1/disputes/${dispute.id}`, status: 429, times: 1 });
    const event = stripe.emit('charge.dispute.created', dispute);
    await stripe.deliver(event, { url: `${app.url}/stripe/webhook` });
    const opened = await waitFor(() => caseOf(dispute.id), { what: 'the case after retries', timeoutMs: 25_000 });
    expect(OPENED).toContain(opened.state);
    const attempts = stripe.requests.filter((r) => r.method === 'GET' && r.path === `/v1/disputes/${dispute.id}`);
    // Three 500s (the SDK's own retries), a 429 (the job's retry, after backoff), then success.
    expect(attempts.map((r) => r.status).slice(0, 5)).toEqual([500, 500, 500, 429, 200]);
    const cases = await db.pool.query('SELECT count(*)::int AS n FROM cases WHERE dispute_id = $1', [dispute.id]);
    expect(cases.rows[0]).toEqual({ n: 1 });
  }, 40_000);

  it('an event naming a dispute Stripe does not know is recorded as a problem and not retried forever', async () => {
    const { dispute } = stripe.createDispute({ reason: 'general', silent: true });
    const unknown: typeof dispute = { ...dispute, id: 'du_doesnotexist' };
    const event = stripe.emit('charge.dispute.created', unknown);
    await stripe.deliver(event, { url: `${app.url}/stripe/webhook` });
    await waitFor(() => processed(event.id), { what: 'the event to be given up' });
    const { rows } = await db.pool.query('SELECT problem FROM stripe_events WHERE id = $1', [event.id]);
    expect(rows[0]).toEqual({ problem: 'dispute du_doesnotexist not found on Stripe' });
    expect(await caseOf('du_doesnotexist')).toBeUndefined();
  });

  it('an event for an account the key may not read is recorded as a problem at once, not retried for hours', async () => {
    const { dispute } = stripe.createDispute({ reason: 'general', silent: true });
    const elsewhere: typeof dispute = { ...dispute, id: 'du_elsewhere' };
    const event = stripe.emit('charge.dispute.created', elsewhere, { account: 'acct_notours' });
    // Stripe's answer when the key has lost access to the account (the stand-in knows every account it emitted for).
    stripe.failNext({ method: 'GET', path: /^\/v1\/disputes\/du_elsewhere/, status: 403, code: 'permission_error' });
    await stripe.deliver(event, { url: `${app.url}/stripe/webhook` });
    await waitFor(() => processed(event.id), { what: 'the event to be recorded', timeoutMs: 5_000 });
    const { rows } = await db.pool.query<{ problem: string }>('SELECT problem FROM stripe_events WHERE id = $1', [
      event.id,
    ]);
    expect(rows[0]?.problem).toContain(
      'the Stripe key may not read dispute du_elsewhere of account acct_notours (403)',
    );
    const jobs = await db.pool.query(
      `SELECT 1 FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        WHERE t.identifier = 'process-event' AND j.payload->>'eventId' = $1`,
      [event.id],
    );
    expect(jobs.rows).toEqual([]);
  });
});
