import type Stripe from 'stripe';
import { databaseNow } from '../db/clock.js';
import { upsertDispute } from '../db/disputes.js';
import { type Pool, withTransaction } from '../db/pool.js';
import { linkWarningsToDispute } from '../db/warnings.js';
import { isWarningEventType } from '../dispute/events.js';
import { queueWarningUpdate } from '../jobs/enqueue.js';
import type { Logger } from '../log.js';
import type { UsageSources } from '../prevention/usage.js';
import { processWarningEvent, type WarningSettings } from '../prevention/warning.js';
import { type ProductClients, stripeFor } from '../products/clients.js';
import { DISPUTE_EXPAND, onAccount } from '../stripe/client.js';
import { noticeUnanswerable, openAndCloseCases } from './open-close.js';

export interface ProcessEventDeps {
  pool: Pool;
  stripe: Stripe;
  /** Each product's Stripe client: an event is read back with the key of the product it came for. */
  products?: ProductClients;
  log: Logger;
  /** The early fraud warning policy's settings (EFW_*); default the policy's defaults. */
  warnings?: WarningSettings;
  /** A product's evidence sources, asked whether a warned charge's customer used the product after paying. */
  usageSources?: (product: string) => UsageSources | undefined;
}

/**
 * The `process-event` job. The event only says *which* dispute changed: events arrive late,
 * twice and out of order, so the dispute is read again from Stripe and that state is stored.
 */
export async function processEvent(deps: ProcessEventDeps, eventId: string): Promise<void> {
  const { pool, log } = deps;
  const { rows } = await pool.query<{
    id: string;
    type: string;
    account: string | null;
    object_id: string | null;
    product: string;
  }>('SELECT id, type, account, object_id, product FROM stripe_events WHERE id = $1', [eventId]);
  const event = rows[0];
  if (!event?.object_id) return;
  if (isWarningEventType(event.type)) {
    return processWarningEvent(deps, {
      id: event.id,
      account: event.account,
      objectId: event.object_id,
      product: event.product,
    });
  }
  const stripe = stripeFor(deps, event.product);

  const readAt = await databaseNow(pool);
  let dispute: Stripe.Dispute;
  try {
    dispute = await stripe.disputes.retrieve(event.object_id, { expand: DISPUTE_EXPAND }, onAccount(event.account));
  } catch (error) {
    // A dispute Stripe says does not exist, or one the key may not read (another account), will not appear by
    // retrying: recorded on the event, not retried for hours; everything else is retried.
    const status = error instanceof Error && 'statusCode' in error ? error.statusCode : undefined;
    const problem =
      status === 404
        ? `dispute ${event.object_id} not found on Stripe`
        : status === 401 || status === 403
          ? `the Stripe key may not read dispute ${event.object_id}${event.account ? ` of account ${event.account}` : ''} (${status}): check STRIPE_SECRET_KEY's access`
          : undefined;
    if (!problem) throw error;
    await pool.query('UPDATE stripe_events SET processed_at = now(), problem = $2 WHERE id = $1', [eventId, problem]);
    log.warn({ eventId, disputeId: event.object_id, status }, `${problem}; skipped`);
    return;
  }

  await withTransaction(pool, async (tx) => {
    await upsertDispute(tx, dispute, event.account, readAt, event.product);
    // The sync's rules, which look at the stored row: a later read may have made it newer than this.
    await openAndCloseCases(tx, [dispute], { actor: 'stripe', detail: { eventId } });
    // Arrived too late to answer, or answered outside rebut: no case, but nobody is left unaware.
    await noticeUnanswerable(tx, [dispute.id]);
    // An early fraud warning on the same charge now points at its dispute (and its message says so).
    const chargeId = typeof dispute.charge === 'string' ? dispute.charge : dispute.charge.id;
    for (const warningId of await linkWarningsToDispute(tx, chargeId, dispute.id)) {
      await queueWarningUpdate(tx, warningId);
    }
    await tx.query('UPDATE stripe_events SET processed_at = now() WHERE id = $1', [eventId]);
  });
}
