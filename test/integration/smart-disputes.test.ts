import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackSandbox } from '../../sandbox/slack/index.js';
import type { StripeSandbox } from '../../sandbox/stripe/index.js';
import { waitFor } from '../support/app.js';
import type { TestDatabase } from '../support/db.js';
import { caseMessagesIn, type SlackWorld, startSlackWorld } from '../support/slack.js';

// SMART_DISPUTES=when_cheaper: a chargeback whose expected loss is lower with Stripe's Smart Disputes is left to it,
// through the webhook, the queue and Stripe's API as in production; the channel is told, with the figures.
let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;

let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld({ SMART_DISPUTES: 'when_cheaper' }, { webhook: true });
  ({ db, stripe, slack } = world);
});
afterAll(() => world?.stop());

async function caseOf(disputeId: string) {
  const { rows } = await db.pool.query<{ id: number; state: string; handled_by: string | null; triage: unknown }>(
    'SELECT id, state, handled_by, triage FROM cases WHERE dispute_id = $1',
    [disputeId],
  );
  return rows[0];
}

async function auditActions(disputeId: string) {
  const { rows } = await db.pool.query<{ action: string }>(
    'SELECT action FROM audit_log WHERE dispute_id = $1 ORDER BY id',
    [disputeId],
  );
  return rows.map((row) => row.action);
}

describe("leaving a dispute to Stripe's Smart Disputes", () => {
  it('a 29.00 USD chargeback Smart Disputes can answer is left to it, once, and the channel sees why', async () => {
    const { dispute } = stripe.createDispute({
      reason: 'fraudulent',
      amount: 2_900,
      ip: '203.0.113.7',
      smartDisputesEligible: true,
    });
    const left = await waitFor(
      async () => {
        const row = await caseOf(dispute.id);
        return row && caseMessagesIn(slack, row.id).length > 0 ? row : undefined;
      },
      { what: 'the case posted' },
    );
    expect(left).toMatchObject({ state: 'submitted', handled_by: 'smart_disputes' });
    expect(left.triage).toMatchObject({ paths: { cheapest: 'smart_disputes', answer: 3_080, smartDisputes: 2_291 } });

    const onStripe = await stripe.stripe().disputes.retrieve(dispute.id);
    expect(onStripe).toMatchObject({
      status: 'under_review',
      intended_submission_method: 'smart_disputes',
      evidence_details: { submission_count: 1, submission_method: 'smart_disputes', has_evidence: false },
    });
    // Nothing of rebut's was staged or uploaded: no packet, no draft.
    const uploads = stripe.requests.filter((request) => request.method === 'POST' && request.path === '/v1/files');
    expect(uploads).toHaveLength(0);
    const drafts = await db.pool.query('SELECT 1 FROM drafts WHERE case_id = $1', [left.id]);
    expect(drafts.rowCount).toBe(0);
    const submissions = await db.pool.query('SELECT trigger, draft_version FROM submissions WHERE dispute_id = $1', [
      dispute.id,
    ]);
    expect(submissions.rows).toEqual([{ trigger: 'smart_disputes', draft_version: null }]);
    expect(await auditActions(dispute.id)).toEqual(
      expect.arrayContaining(['case.opened', 'submission.attempt', 'submission.sent']),
    );

    const [message] = caseMessagesIn(slack, left.id);
    const shown = JSON.stringify(message);
    expect(shown).toContain("Left to Stripe's Smart Disputes");
    expect(shown).toContain('Smart Disputes 22.91 USD');
  });

  it('Stripe failing the hand-off (500 three times, past the SDK retries) → the job tries again; left exactly once', async () => {
    const { dispute } = stripe.createDispute({
      reason: 'fraudulent',
      amount: 2_900,
      ip: '203.0.113.7',
      smartDisputesEligible: true,
      silent: true,
    });
    stripe.failNext({ method: 'POST', path: `/v1/disputes/${dispute.id}`, status: 500, times: 3 });
    await stripe.deliver(stripe.emit('charge.dispute.created', dispute));
    const left = await waitFor(
      async () => {
        const row = await caseOf(dispute.id);
        return row?.state === 'submitted' ? row : undefined;
      },
      { what: 'the case left to Smart Disputes', timeoutMs: 30_000 },
    );
    expect(left.handled_by).toBe('smart_disputes');
    const attempts = await db.pool.query<{ key: string }>(
      `SELECT detail->>'idempotencyKey' AS key FROM audit_log WHERE dispute_id = $1 AND action = 'submission.attempt'
        ORDER BY id`,
      [dispute.id],
    );
    // One key per attempt (Stripe replays a saved 500 for a key), each sent only after re-reading the dispute.
    expect(attempts.rows.map((row) => row.key)).toEqual([
      `rebut:smart-disputes:${dispute.id}:a1`,
      `rebut:smart-disputes:${dispute.id}:a2`,
    ]);
    const onStripe = await stripe.stripe().disputes.retrieve(dispute.id);
    expect(onStripe.evidence_details.submission_count).toBe(1);
  });

  it('one Smart Disputes cannot answer is answered by rebut, and the case says Stripe refused it', async () => {
    const { dispute } = stripe.createDispute({ reason: 'fraudulent', amount: 2_900, ip: '203.0.113.7' });
    const answered = await waitFor(
      async () => {
        const row = await caseOf(dispute.id);
        return row?.state === 'awaiting_review' ? row : undefined;
      },
      { what: 'the case ready for review' },
    );
    expect(answered.handled_by).toBeNull();
    expect(JSON.stringify(answered.triage)).toContain("Stripe's Smart Disputes cannot answer this dispute");
    expect(await auditActions(dispute.id)).toContain('smart_disputes.not_available');
    const onStripe = await stripe.stripe().disputes.retrieve(dispute.id);
    expect(onStripe).toMatchObject({
      status: 'needs_response',
      intended_submission_method: 'manual',
      evidence_details: { submission_count: 0, has_evidence: true },
    });
  });

  it('a 490.00 USD chargeback, cheaper to answer, is answered by rebut without asking Smart Disputes', async () => {
    const { dispute } = stripe.createDispute({
      reason: 'fraudulent',
      amount: 49_000,
      ip: '203.0.113.7',
      smartDisputesEligible: true,
    });
    const answered = await waitFor(
      async () => {
        const row = await caseOf(dispute.id);
        return row?.state === 'awaiting_review' ? row : undefined;
      },
      { what: 'the case ready for review' },
    );
    expect(answered.triage).toMatchObject({ paths: { cheapest: 'answer' } });
    expect(await auditActions(dispute.id)).not.toContain('submission.attempt');
  });
});
