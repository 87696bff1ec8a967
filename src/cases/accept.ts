import Stripe from 'stripe';
import { audit } from '../db/audit.js';
import { getCase, transitionCase } from '../db/cases.js';
import { databaseNow } from '../db/clock.js';
import { type DisputeRow, getDispute, upsertDispute } from '../db/disputes.js';
import { type Pool, withTransaction } from '../db/pool.js';
import { messageOf } from '../errors.js';
import { queueMessageUpdate } from '../jobs/enqueue.js';
import type { Logger } from '../log.js';
import { type ProductClients, stripeFor } from '../products/clients.js';
import { DISPUTE_EXPAND, onAccount } from '../stripe/client.js';
import { openAndCloseCases } from './open-close.js';

export type AcceptOutcome =
  | { kind: 'accepted'; refunded?: { amount: number; currency: string } }
  | { kind: 'not_allowed' | 'failed'; message: string };

/** The idempotency key of an inquiry's refund: one per dispute, whoever clicks and however often it is retried. */
export function inquiryRefundKey(disputeId: string): string {
  return `rebut:inquiry-refund:${disputeId}`;
}

/** What a dispute closed on Stripe (conceded) shows: a chargeback lost, an inquiry closed. */
const CONCEDED_STATUSES = new Set(['lost', 'warning_closed']);

/**
 * Concedes the dispute: `disputes.close` on Stripe, which is irreversible (the dispute becomes
 * lost). Same compare-and-set discipline as submission, so it cannot race a submission.
 *
 * The decision is kept on the case (`handled_by = 'accepted'`) from the moment it is taken: if Stripe fails the
 * close, the case is `failed` with that decision, and the timer tries the close again instead of ever submitting
 * evidence on a dispute the team chose to concede.
 */
export async function acceptCase(
  deps: { pool: Pool; stripe: Stripe; products?: ProductClients; log: Logger },
  caseId: number,
  actor: string,
  /**
   * `refund`: an inquiry (no money moved yet, no fee) is ended the cheaper way when triage says so: the payment is
   * refunded first (once, `inquiryRefundKey`), then the inquiry is closed, so it never becomes a chargeback. The
   * intent is audited before Stripe is asked, so a retry (Retry, the timer) refunds the same way.
   */
  options: { refund?: boolean } = {},
): Promise<AcceptOutcome> {
  const { pool, log } = deps;
  if (options.refund) {
    const current = await getCase(pool, caseId);
    const row = current ? await getDispute(pool, current.dispute_id) : undefined;
    if (row && !row.status.startsWith('warning_')) {
      return {
        kind: 'not_allowed',
        message:
          'Only an inquiry is refunded from its case: this dispute is a chargeback, and Stripe takes no refund on it.',
      };
    }
  }
  const held = await transitionCase(pool, caseId, 'takeToAccept', { problem: null, handledBy: 'accepted' });
  if (!held) {
    const state = (await getCase(pool, caseId))?.state ?? 'closed';
    return {
      kind: 'not_allowed',
      message: `This case is ${state.replaceAll('_', ' ')} and can no longer be accepted.`,
    };
  }
  const failed = async (message: string): Promise<AcceptOutcome> => {
    await withTransaction(pool, async (tx) => {
      await transitionCase(tx, caseId, 'acceptFailed', { problem: message });
      await audit(tx, { actor, action: 'case.accept_failed', caseId, disputeId: held.dispute_id, detail: { message } });
      await queueMessageUpdate(tx, caseId);
    });
    return { kind: 'failed', message };
  };
  const dispute = await getDispute(pool, held.dispute_id);
  if (!dispute) return failed('the dispute is not stored');
  const account = onAccount(dispute.account);
  const stripe = stripeFor(deps, dispute.product);
  let refunded: { amount: number; currency: string } | undefined;
  const asked = await refundAsked(pool, caseId);
  if (options.refund || asked) {
    if (!asked) {
      const detail = { idempotencyKey: inquiryRefundKey(dispute.id) };
      await audit(pool, { actor, action: 'inquiry.refund', caseId, disputeId: dispute.id, detail });
    }
    try {
      refunded = await refundInquiry(stripe, dispute);
    } catch (error) {
      return failed(`Stripe could not refund the payment: ${messageOf(error)}`);
    }
  }
  let closed: Stripe.Dispute;
  try {
    closed = await stripe.disputes.close(dispute.id, { expand: DISPUTE_EXPAND }, account);
  } catch (error) {
    // An earlier close may have landed with its answer lost (or a crash after it): then it is closed already.
    const readAt = await databaseNow(pool);
    const current = await stripe.disputes.retrieve(dispute.id, { expand: DISPUTE_EXPAND }, account).catch(() => null);
    // Evidence went in meanwhile (outside rebut): Stripe is the source of truth, the case is settled as submitted and
    // nothing is retried.
    if (current && (current.evidence_details?.submission_count ?? 0) > 0) {
      await withTransaction(pool, async (tx) => {
        await upsertDispute(tx, current, dispute.account, readAt);
        await openAndCloseCases(tx, [current], { actor, detail: { closeRefused: messageOf(error) } });
      });
      return {
        kind: 'not_allowed',
        message: 'Evidence was already submitted for this dispute outside rebut, so it can no longer be accepted.',
      };
    }
    if (!current || !CONCEDED_STATUSES.has(current.status)) {
      return failed(`Stripe could not close the dispute: ${messageOf(error)}`);
    }
    closed = current;
  }
  // From here on Stripe has closed it: a database failure is thrown, not reported as Stripe's, and the timer
  // finds the case left in `accepting` and closes it again, which finds it closed and records it.
  await withTransaction(pool, async (tx) => {
    await upsertDispute(tx, closed, dispute.account, await databaseNow(tx));
    await transitionCase(tx, caseId, 'accepted', { handledBy: 'accepted' });
    await audit(tx, {
      actor,
      action: 'case.accepted',
      caseId,
      disputeId: dispute.id,
      ...(refunded ? { detail: { refunded } } : {}),
    });
    await queueMessageUpdate(tx, caseId);
  });
  log.info({ caseId, disputeId: dispute.id, refunded }, 'dispute accepted (closed on Stripe)');
  return refunded ? { kind: 'accepted', refunded } : { kind: 'accepted' };
}

async function refundAsked(pool: Pool, caseId: number): Promise<boolean> {
  const { rowCount } = await pool.query(`SELECT 1 FROM audit_log WHERE case_id = $1 AND action = 'inquiry.refund'`, [
    caseId,
  ]);
  return (rowCount ?? 0) > 0;
}

/**
 * The inquiry's payment refunded, once: what is left of the charge (no amount, so every attempt is the same request
 * and Stripe replays it under the key), marked with the dispute. A charge found refunded already needs no second
 * refund: rebut's own (found by its mark) is what it made; one made by anyone else is not rebut's to claim, and
 * undefined is returned, so the case says it was accepted, not that its decider refunded it.
 */
async function refundInquiry(
  stripe: Stripe,
  dispute: DisputeRow,
): Promise<{ amount: number; currency: string } | undefined> {
  const account = onAccount(dispute.account);
  const idempotencyKey = inquiryRefundKey(dispute.id);
  try {
    const refund = await stripe.refunds.create(
      { charge: dispute.charge_id, reason: 'requested_by_customer', metadata: { rebut_inquiry: dispute.id } },
      { ...account, idempotencyKey },
    );
    return { amount: refund.amount, currency: refund.currency };
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError) || error.code !== 'charge_already_refunded') {
      throw error;
    }
    const refunds = await stripe.refunds.list({ charge: dispute.charge_id, limit: 100 }, account);
    const own = refunds.data.find((refund) => refund.metadata?.rebut_inquiry === dispute.id);
    return own ? { amount: own.amount, currency: own.currency } : undefined;
  }
}

/** Whether a failed case failed while being accepted: it is retried as an accept, never submitted. */
export function failedWhileAccepting(row: { state: string; handled_by: string | null }): boolean {
  return row.state === 'failed' && row.handled_by === 'accepted';
}
