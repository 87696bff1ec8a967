import type Stripe from 'stripe';
import { audit } from '../db/audit.js';
import { getCase, transitionCase } from '../db/cases.js';
import { getDispute, upsertDispute } from '../db/disputes.js';
import { type Pool, withTransaction } from '../db/pool.js';
import { messageOf } from '../errors.js';
import type { Logger } from '../log.js';
import { enqueue } from '../queue.js';
import { DISPUTE_EXPAND, onAccount } from '../stripe/client.js';
import { SUBMITTABLE } from './submit.js';

export type AcceptOutcome = { kind: 'accepted' } | { kind: 'not_allowed' | 'failed'; message: string };

/**
 * Concedes the dispute: `disputes.close` on Stripe, which is irreversible (the dispute becomes
 * lost). Same compare-and-set discipline as submission, so it cannot race a submission.
 */
export async function acceptCase(
  deps: { pool: Pool; stripe: Stripe; log: Logger },
  caseId: number,
  actor: string,
): Promise<AcceptOutcome> {
  const { pool, stripe, log } = deps;
  const held = await transitionCase(pool, caseId, SUBMITTABLE, 'accepting', { problem: null });
  if (!held) {
    const state = (await getCase(pool, caseId))?.state ?? 'closed';
    return {
      kind: 'not_allowed',
      message: `This case is ${state.replaceAll('_', ' ')} and can no longer be accepted.`,
    };
  }
  const dispute = await getDispute(pool, held.dispute_id);
  try {
    if (!dispute) throw new Error('dispute not found');
    const closed = await stripe.disputes.close(dispute.id, { expand: DISPUTE_EXPAND }, onAccount(dispute.account));
    await withTransaction(pool, async (tx) => {
      await upsertDispute(tx, closed, dispute.account, new Date());
      await transitionCase(tx, caseId, ['accepting'], 'accepted', { handledBy: 'accepted' });
      await audit(tx, { actor, action: 'case.accepted', caseId, disputeId: dispute.id });
      await enqueue(tx, 'update-case-message', { caseId }, { jobKey: `update-case-message:${caseId}` });
    });
    log.info({ caseId, disputeId: dispute.id }, 'dispute accepted (closed on Stripe)');
    return { kind: 'accepted' };
  } catch (error) {
    const message = `Stripe could not close the dispute: ${messageOf(error)}`;
    await withTransaction(pool, async (tx) => {
      await transitionCase(tx, caseId, ['accepting'], 'failed', { problem: message });
      await audit(tx, { actor, action: 'case.accept_failed', caseId, disputeId: held.dispute_id, detail: { message } });
      await enqueue(tx, 'update-case-message', { caseId }, { jobKey: `update-case-message:${caseId}` });
    });
    return { kind: 'failed', message };
  }
}
