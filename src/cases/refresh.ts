import type Stripe from 'stripe';
import { databaseNow } from '../db/clock.js';
import { upsertDispute } from '../db/disputes.js';
import { type Pool, withTransaction } from '../db/pool.js';
import type { Logger } from '../log.js';
import { type ProductClients, stripeFor } from '../products/clients.js';
import { DISPUTE_EXPAND, onAccount } from '../stripe/client.js';
import { type CaseActor, openAndCloseCases } from './open-close.js';

/**
 * Reads a dispute from Stripe again and lets its case follow (opened, settled as submitted, closed): for a case whose
 * actor died mid-submission, so it is checked against Stripe at once rather than at its auto_submit_at. Stripe being
 * unreachable leaves the case as it was, for the next look.
 */
export async function refreshDispute(
  deps: { pool: Pool; stripe: Stripe; products?: ProductClients; log: Logger },
  dispute: { id: string; account: string | null; product: string },
  by: CaseActor,
): Promise<void> {
  const readAt = await databaseNow(deps.pool);
  let current: Stripe.Dispute;
  try {
    current = await stripeFor(deps, dispute.product).disputes.retrieve(
      dispute.id,
      { expand: DISPUTE_EXPAND },
      onAccount(dispute.account),
    );
  } catch (error) {
    deps.log.warn(
      { err: error, disputeId: dispute.id },
      'could not read the dispute from Stripe; the next tick looks again',
    );
    return;
  }
  await withTransaction(deps.pool, async (tx) => {
    await upsertDispute(tx, current, dispute.account, readAt);
    await openAndCloseCases(tx, [current], by);
  });
}
