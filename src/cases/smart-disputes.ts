import Stripe from 'stripe';
import type { z } from 'zod';
import { audit } from '../db/audit.js';
import { saveTriage, transitionCase } from '../db/cases.js';
import { databaseNow } from '../db/clock.js';
import { type DisputeRow, upsertDispute } from '../db/disputes.js';
import { saveFacts } from '../db/evidence.js';
import { type Pool, withTransaction } from '../db/pool.js';
import type { storedTriageSchema } from '../db/stored.js';
import type { Fact } from '../evidence/types.js';
import { queuePost } from '../jobs/enqueue.js';
import type { Logger } from '../log.js';
import { DISPUTE_EXPAND, onAccount } from '../stripe/client.js';

/** What Stripe answers when Smart Disputes cannot respond to a dispute (a 400, nothing changed). */
export const SMART_DISPUTES_NOT_AVAILABLE = 'smart_disputes_not_available';

export interface SmartDisputesRecord {
  triage: z.input<typeof storedTriageSchema>;
  facts: Fact[];
  fieldOf: Map<string, string>;
}

/**
 * Leaves a chargeback to Stripe's Smart Disputes (SMART_DISPUTES=when_cheaper and triage's cheapest path;
 * docs/architecture.md → "Triage"): `intended_submission_method: smart_disputes` with `submit: true`, which Stripe
 * either takes (Smart Disputes answers, with its own evidence, now) or refuses with `smart_disputes_not_available`,
 * changing nothing. Taken, the case is submitted (handled by `smart_disputes`, a `submissions` row as for any
 * submission) and posted, so the channel sees what was done and why; refused, rebut answers the dispute itself;
 * found answered outside rebut, nothing is done here (the webhook's settle move records it).
 *
 * Once only, like every submission: the dispute is re-read first (an earlier attempt whose answer was lost shows as
 * submitted), each attempt is audited with its own idempotency key (Stripe replays a saved 500 for a key), and the
 * case moves from `new` by compare-and-set.
 */
export async function leaveToSmartDisputes(
  deps: { pool: Pool; stripe: Stripe; log: Logger },
  caseId: number,
  dispute: DisputeRow,
  record: SmartDisputesRecord,
): Promise<'left' | 'not_available' | 'answered_elsewhere'> {
  const { pool, stripe, log } = deps;
  const options = onAccount(dispute.account);
  const readAt = await databaseNow(pool);
  let current = await stripe.disputes.retrieve(dispute.id, { expand: DISPUTE_EXPAND }, options);
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_log WHERE case_id = $1 AND action = 'submission.attempt'`,
    [caseId],
  );
  const attempts = rows[0]?.n ?? 0;
  let idempotencyKey = `rebut:smart-disputes:${dispute.id}:a${attempts}`;
  let sentAt = readAt;
  // Submitted already with no attempt of ours: not ours to record; the webhook's settle move tells the case.
  if ((current.evidence_details?.submission_count ?? 0) > 0 && attempts === 0) return 'answered_elsewhere';
  if ((current.evidence_details?.submission_count ?? 0) === 0) {
    idempotencyKey = `rebut:smart-disputes:${dispute.id}:a${attempts + 1}`;
    await audit(pool, {
      actor: 'rebut',
      action: 'submission.attempt',
      caseId,
      disputeId: dispute.id,
      detail: { trigger: 'smart_disputes', idempotencyKey },
    });
    try {
      await stripe.disputes.update(
        dispute.id,
        { intended_submission_method: 'smart_disputes', submit: true },
        { ...options, idempotencyKey },
      );
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === SMART_DISPUTES_NOT_AVAILABLE) {
        await audit(pool, {
          actor: 'rebut',
          action: 'smart_disputes.not_available',
          caseId,
          disputeId: dispute.id,
          detail: { message: error.message },
        });
        log.info({ caseId, disputeId: dispute.id }, 'Smart Disputes cannot answer this dispute; rebut answers it');
        return 'not_available';
      }
      throw error; // the job retries: the next attempt re-reads the dispute first
    }
    sentAt = await databaseNow(pool);
    current = await stripe.disputes.retrieve(dispute.id, { expand: DISPUTE_EXPAND }, options);
  }
  await withTransaction(pool, async (tx) => {
    await upsertDispute(tx, current, dispute.account, sentAt);
    const moved = await transitionCase(tx, caseId, 'leftToSmartDisputes', { handledBy: 'smart_disputes' });
    if (!moved) return;
    await tx.query(
      `INSERT INTO submissions (case_id, dispute_id, draft_version, trigger, actor, idempotency_key, stripe_status)
       VALUES ($1, $2, NULL, 'smart_disputes', 'rebut', $3, $4) ON CONFLICT (dispute_id) DO NOTHING`,
      [caseId, dispute.id, idempotencyKey, current.status],
    );
    await saveFacts(tx, caseId, record.facts, record.fieldOf);
    await saveTriage(tx, caseId, record.triage);
    await audit(tx, {
      actor: 'rebut',
      action: 'submission.sent',
      caseId,
      disputeId: dispute.id,
      detail: { trigger: 'smart_disputes', idempotencyKey, paths: record.triage.paths ?? null },
    });
    await queuePost(tx, caseId);
  });
  log.info({ caseId, disputeId: dispute.id }, "left to Stripe's Smart Disputes, the cheapest path");
  return 'left';
}
