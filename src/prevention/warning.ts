// Early fraud warnings, one use case each (docs/architecture.md → "Early fraud warnings"): read a warning back from
// Stripe and decide once; a person's or the timer's Refund and Leave; the refund itself, exactly once.
import Stripe from 'stripe';
import { audit } from '../db/audit.js';
import { databaseNow } from '../db/clock.js';
import { type Pool, type PoolClient, withTransaction } from '../db/pool.js';
import {
  getWarning,
  moveWarning,
  type StoredWarning,
  storeWarning,
  type WarningDecisionRow,
  type WarningState,
  warningHistory,
} from '../db/warnings.js';
import { messageOf } from '../errors.js';
import { queueWarningPost, queueWarningRefund, queueWarningUpdate } from '../jobs/enqueue.js';
import type { Logger } from '../log.js';
import { type ProductClients, stripeFor } from '../products/clients.js';
import { onAccount } from '../stripe/client.js';
import { STRIPE_DISPUTE_FEES } from '../triage/fees.js';
import {
  DEFAULT_DISPUTE_RATE,
  decideWarning,
  SETTLED_AFTER_DAYS,
  type WarningFacts,
  type WarningPolicySettings,
} from './policy.js';
import { type UsageSources, usedAfterPayment } from './usage.js';

export interface WarningSettings {
  /** EFW_REFUND_UP_TO_FEES */
  refundUpToFees: number;
  /** EFW_DISPUTE_RATE */
  disputeRate: number;
  /** COUNTERED_FEES: the owner's own fee figures by currency, where Stripe publishes none. */
  fees?: Readonly<Record<string, number>>;
  /** EFW_CANCEL_SUBSCRIPTIONS: after a refund, cancel the customer's subscriptions too. */
  cancelSubscriptions?: boolean;
}

export const DEFAULT_WARNING_SETTINGS: WarningSettings = { refundUpToFees: 1, disputeRate: DEFAULT_DISPUTE_RATE };

export interface WarningDeps {
  pool: Pool;
  stripe: Stripe;
  products?: ProductClients | undefined;
  log: Logger;
  warnings?: WarningSettings;
  /** A product's evidence sources, asked whether the customer used the product after the payment; none: unknown. */
  usageSources?: ((product: string) => UsageSources | undefined) | undefined;
}

/** The refund's own idempotency key: every path (button, timer, two instances, a retry) sends this one. */
export function refundKey(warningId: string): string {
  return `efw-refund:${warningId}`;
}

/**
 * A refund is a small write: an answer slower than this is taken as lost and asked again under the same key (Stripe
 * replays the first result, or runs it once if it never arrived).
 */
export const REFUND_TIMEOUT_MS = 10_000;

/** The fee a dispute of this currency costs when it opens (Stripe's received fee; the owner's figure else). */
export function disputeFeeOf(currency: string, configured: Readonly<Record<string, number>> = {}): number | null {
  const code = currency.toLowerCase();
  const published = Object.hasOwn(STRIPE_DISPUTE_FEES, code) ? STRIPE_DISPUTE_FEES[code] : undefined;
  return published?.received ?? (Object.hasOwn(configured, code) ? (configured[code] ?? null) : null);
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

/** Stripe shifts a fraud dispute's liability to the issuer when 3-D Secure authenticated (or the issuer attempted). */
function liabilityShifted(charge: Stripe.Charge): boolean {
  const result = charge.payment_method_details?.card?.three_d_secure?.result;
  return result === 'authenticated' || result === 'attempt_acknowledged';
}

/**
 * The `process-event` job for `radar.early_fraud_warning.*`. The event only says which warning changed: the warning
 * and its charge are read again from Stripe, with the customer's earlier payments and the charge's dispute, and
 * stored. The first read decides (the policy, once); every read keeps the stored warning and its message current.
 */
export async function processWarningEvent(
  deps: WarningDeps,
  event: { id: string; account: string | null; objectId: string; product: string },
): Promise<void> {
  const { pool, log } = deps;
  const stripe = stripeFor(deps, event.product);
  const options = onAccount(event.account);
  const readAt = await databaseNow(pool);
  let warning: Stripe.Radar.EarlyFraudWarning;
  try {
    warning = await stripe.radar.earlyFraudWarnings.retrieve(event.objectId, { expand: ['charge'] }, options);
  } catch (error) {
    const status = error instanceof Stripe.errors.StripeError ? error.statusCode : undefined;
    const problem =
      status === 404
        ? `early fraud warning ${event.objectId} not found on Stripe`
        : status === 401 || status === 403
          ? `the Stripe key may not read early fraud warning ${event.objectId} (${status}): grant "Radar: Early fraud warnings: Read"`
          : undefined;
    if (!problem) throw error;
    await pool.query('UPDATE stripe_events SET processed_at = now(), problem = $2 WHERE id = $1', [event.id, problem]);
    log.warn({ eventId: event.id, warningId: event.objectId, status }, `${problem}; skipped`);
    return;
  }
  const charge =
    typeof warning.charge === 'string' ? await stripe.charges.retrieve(warning.charge, {}, options) : warning.charge;
  const customer = idOf(charge.customer);
  const earlier = customer
    ? await stripe.charges.list({ customer, created: { lt: charge.created }, limit: 100 }, options)
    : undefined;
  const priorGoodPayments = (earlier?.data ?? []).filter(
    (payment) => payment.paid && payment.status === 'succeeded' && !payment.disputed && payment.amount_refunded === 0,
  ).length;
  const dispute = charge.disputed
    ? (await stripe.disputes.list({ charge: charge.id, limit: 1 }, options)).data[0]
    : undefined;

  const settings = deps.warnings ?? DEFAULT_WARNING_SETTINGS;
  const facts: WarningFacts = {
    amount: charge.amount,
    amountRefunded: charge.amount_refunded,
    currency: charge.currency,
    fraudType: warning.fraud_type,
    actionable: warning.actionable,
    disputed: charge.disputed,
    liabilityShifted: liabilityShifted(charge),
    riskLevel: charge.outcome?.risk_level ?? null,
    riskScore: charge.outcome?.risk_score ?? null,
    priorGoodPayments,
    usedAfterPayment: await usage(deps, event, stripe, charge),
  };
  const policy: WarningPolicySettings = {
    fee: disputeFeeOf(charge.currency, settings.fees),
    refundUpToFees: settings.refundUpToFees,
    disputeRate: settings.disputeRate,
  };
  const history = await warningHistory(pool, event.product, SETTLED_AFTER_DAYS);
  const raw = JSON.stringify({ ...warning, charge: charge.id });

  await withTransaction(pool, async (tx) => {
    const decide = (): WarningDecisionRow => {
      const decision = decideWarning(facts, history, policy);
      // Nothing to decide when a refund cannot help (refunded, disputed, not actionable): recorded as left at once.
      const moot = decision.action === 'leave' && (decision.refundable === 0 || facts.disputed || !facts.actionable);
      return {
        recommendation: decision.action,
        unattended: decision.unattended,
        reasons: decision.reasons,
        figures: decision.figures,
        state: moot ? 'left' : 'pending',
      };
    };
    const { created } = await storeWarning(
      tx,
      {
        id: warning.id,
        product: event.product,
        account: event.account,
        livemode: warning.livemode,
        chargeId: charge.id,
        paymentIntentId: idOf(warning.payment_intent),
        customerId: customer,
        fraudType: warning.fraud_type,
        actionable: warning.actionable,
        amount: charge.amount,
        amountRefunded: charge.amount_refunded,
        currency: charge.currency,
        created: new Date(warning.created * 1000),
        readAt,
        raw,
        disputeId: dispute?.id ?? null,
      },
      decide,
    );
    if (created) {
      const stored = await getWarning(tx, warning.id);
      await audit(tx, {
        actor: 'stripe',
        action: 'warning.received',
        disputeId: dispute?.id ?? null,
        detail: {
          warningId: warning.id,
          eventId: event.id,
          recommendation: stored?.recommendation,
          state: stored?.state,
        },
      });
      await queueWarningPost(tx, warning.id);
    } else {
      // A refund or dispute made outside rebut ends a warning still waiting: nobody is asked to refund it again.
      if (!warning.actionable || charge.disputed || charge.refunded) {
        const why = charge.disputed ? 'the charge was disputed' : 'the charge was refunded outside rebut';
        if (await moveWarning(tx, warning.id, ['pending'], 'left', { decidedBy: 'stripe', problem: `${why}; left` })) {
          await audit(tx, { actor: 'stripe', action: 'warning.left', detail: { warningId: warning.id, why } });
        }
      }
      await queueWarningUpdate(tx, warning.id);
    }
    await tx.query('UPDATE stripe_events SET processed_at = now() WHERE id = $1', [event.id]);
  });
}

/** What the business's records say of use after the payment; a failure there never holds up the warning. */
async function usage(
  deps: WarningDeps,
  event: { account: string | null; product: string },
  stripe: Stripe,
  charge: Stripe.Charge,
): Promise<boolean | null> {
  const sources = deps.usageSources?.(event.product);
  if (!sources) return null;
  return usedAfterPayment(stripe, event.account, charge, sources).catch((error: unknown) => {
    deps.log.warn({ err: error, chargeId: charge.id }, 'could not ask the business whether the product was used');
    return null;
  });
}

export type WarningOutcome =
  | { kind: 'refunding' }
  | { kind: 'left' }
  | { kind: 'already'; state: WarningState; decidedBy: string | null }
  | { kind: 'missing' };

/**
 * Refund: the one way a warning is refunded, for the button and the timer alike. A compare-and-set takes the warning
 * from `pending` to `refunding` and queues `refund-warning` in the same transaction; of two clicks, a click and the
 * timer, or two instances, exactly one gets there.
 */
export async function startRefund(deps: { pool: Pool }, warningId: string, actor: string): Promise<WarningOutcome> {
  return withTransaction(deps.pool, async (tx) => {
    if (!(await moveWarning(tx, warningId, ['pending'], 'refunding', { decidedBy: actor })))
      return already(tx, warningId);
    await audit(tx, { actor, action: 'warning.refund_decided', detail: { warningId } });
    await queueWarningRefund(tx, warningId);
    await queueWarningUpdate(tx, warningId);
    return { kind: 'refunding' };
  });
}

/** Leave: nothing is refunded; the warning stays what Stripe says it is. */
export async function leaveWarning(deps: { pool: Pool }, warningId: string, actor: string): Promise<WarningOutcome> {
  return withTransaction(deps.pool, async (tx) => {
    if (!(await moveWarning(tx, warningId, ['pending'], 'left', { decidedBy: actor }))) return already(tx, warningId);
    await audit(tx, { actor, action: 'warning.left', detail: { warningId } });
    await queueWarningUpdate(tx, warningId);
    return { kind: 'left' };
  });
}

async function already(tx: PoolClient, warningId: string): Promise<WarningOutcome> {
  const stored = await getWarning(tx, warningId);
  return stored ? { kind: 'already', state: stored.state, decidedBy: stored.decidedBy } : { kind: 'missing' };
}

/**
 * The `refund-warning` job, in two steps that each survive a retry: the refund (while `refunding`), then with
 * EFW_CANCEL_SUBSCRIPTIONS the customer's subscriptions (once `refunded`, until recorded).
 */
export async function refundWarning(deps: WarningDeps, warningId: string): Promise<void> {
  const warning = await getWarning(deps.pool, warningId);
  if (warning?.state === 'refunding') await refund(deps, warning);
  if (deps.warnings?.cancelSubscriptions) await cancelSubscriptions(deps, warningId);
}

/**
 * The refund on Stripe, under the warning's one idempotency key (a retry after a 500, a 429 or a timeout is the same
 * request: Stripe replays the first result or runs it once), then recorded. Stripe's refusal because the charge is
 * refunded or disputed already ends it as left, with the reason; a 5xx, a 429 or no answer is thrown, and the job is
 * retried with backoff.
 */
async function refund(deps: WarningDeps, warning: StoredWarning): Promise<void> {
  const { pool, log } = deps;
  const warningId = warning.id;
  const stripe = stripeFor(deps, warning.product);
  const account = onAccount(warning.account);
  let refund: Stripe.Refund;
  try {
    // No amount: Stripe refunds what is left of the charge, so every attempt sends the same parameters.
    refund = await stripe.refunds.create(
      { charge: warning.chargeId, reason: 'fraudulent', metadata: { early_fraud_warning: warning.id } },
      { idempotencyKey: refundKey(warning.id), timeout: REFUND_TIMEOUT_MS, ...account },
    );
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError) || (error.statusCode ?? 500) >= 500) throw error;
    if (error.statusCode === 429 || error.statusCode === 409) throw error;
    // Refunded already: perhaps by this very refund, whose answer was lost after its key expired.
    const own =
      error.code === 'charge_already_refunded'
        ? (await stripe.refunds.list({ charge: warning.chargeId, limit: 100 }, account)).data.find(
            (candidate) => candidate.metadata?.early_fraud_warning === warning.id,
          )
        : undefined;
    if (own) refund = own;
    else {
      const why =
        error.code === 'charge_disputed'
          ? 'Stripe refused the refund: the charge is disputed'
          : error.code === 'charge_already_refunded'
            ? 'Stripe refused the refund: the charge was already refunded'
            : `Stripe refused the refund: ${messageOf(error)}`;
      const settled = error.code === 'charge_disputed' || error.code === 'charge_already_refunded';
      await withTransaction(pool, async (tx) => {
        if (await moveWarning(tx, warning.id, ['refunding'], settled ? 'left' : 'failed', { problem: why })) {
          await audit(tx, { actor: 'stripe', action: 'warning.refund_refused', detail: { warningId, why } });
          await queueWarningUpdate(tx, warning.id);
        }
      });
      log.warn({ warningId, code: error.code }, why);
      return;
    }
  }
  await recordRefund(pool, warning, refund);
  log.info({ warningId, refundId: refund.id, amount: refund.amount }, 'early fraud warning refunded');
}

/**
 * Stops the customer's future charges: each of their subscriptions not canceled yet is canceled at once (a cancel is
 * idempotent on Stripe's side: one canceled meanwhile answers 404 and is counted as canceled). Recorded once.
 */
async function cancelSubscriptions(deps: WarningDeps, warningId: string): Promise<void> {
  const warning = await getWarning(deps.pool, warningId);
  if (warning?.state !== 'refunded' || warning.canceledSubscriptions !== null) return;
  const canceled: string[] = [];
  if (warning.customerId) {
    const stripe = stripeFor(deps, warning.product);
    const account = onAccount(warning.account);
    const subscriptions = await stripe.subscriptions.list({ customer: warning.customerId, limit: 100 }, account);
    for (const subscription of subscriptions.data) {
      await stripe.subscriptions.cancel(subscription.id, {}, account).catch((error: unknown) => {
        if (!(error instanceof Stripe.errors.StripeError) || error.statusCode !== 404) throw error;
      });
      canceled.push(subscription.id);
    }
  }
  await withTransaction(deps.pool, async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE early_fraud_warnings SET canceled_subscriptions = $2, updated_at = now()
        WHERE id = $1 AND canceled_subscriptions IS NULL`,
      [warningId, JSON.stringify(canceled)],
    );
    if ((rowCount ?? 0) === 0) return;
    await audit(tx, {
      actor: warning.decidedBy ?? 'policy',
      action: 'warning.subscriptions_canceled',
      detail: { warningId, customer: warning.customerId, subscriptions: canceled },
    });
    await queueWarningUpdate(tx, warningId);
  });
  deps.log.info({ warningId, subscriptions: canceled }, "the warned customer's subscriptions canceled");
}

async function recordRefund(pool: Pool, warning: StoredWarning, refund: Stripe.Refund): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE early_fraud_warnings SET state = 'refunded', refund_id = $2, refunded_amount = $3, problem = NULL,
              updated_at = now()
        WHERE id = $1 AND state = 'refunding'`,
      [warning.id, refund.id, refund.amount],
    );
    if ((rowCount ?? 0) === 0) return;
    await audit(tx, {
      actor: warning.decidedBy ?? 'policy',
      action: 'warning.refunded',
      disputeId: warning.disputeId,
      detail: { warningId: warning.id, refundId: refund.id, amount: refund.amount, currency: refund.currency },
    });
    await queueWarningUpdate(tx, warning.id);
  });
}

/**
 * The timer's step: a refund whose job ran out of retries (Stripe down for hours, or a 500 it replays under the key) is
 * shown as failed, never left as "refunding"; then each warning whose review window has passed gets the policy's
 * choice (refund, or leave).
 */
export async function actOnDueWarnings(deps: {
  pool: Pool;
  log: Logger;
}): Promise<{ refunding: string[]; left: string[] }> {
  await failExhaustedRefunds(deps);
  const { rows } = await deps.pool.query<{ id: string; unattended: 'refund' | 'leave' }>(
    `SELECT id, unattended FROM early_fraud_warnings WHERE state = 'pending' AND act_at <= now() ORDER BY act_at LIMIT 100`,
  );
  const result = { refunding: [] as string[], left: [] as string[] };
  for (const row of rows) {
    const outcome =
      row.unattended === 'refund'
        ? await startRefund(deps, row.id, 'policy')
        : await leaveWarning(deps, row.id, 'policy');
    if (outcome.kind === 'refunding') result.refunding.push(row.id);
    if (outcome.kind === 'left') result.left.push(row.id);
  }
  if (rows.length > 0) deps.log.info(result, 'acted on early fraud warnings nobody decided');
  return result;
}

async function failExhaustedRefunds(deps: { pool: Pool; log: Logger }): Promise<void> {
  await withTransaction(deps.pool, async (tx) => {
    const { rows } = await tx.query<{ id: string; problem: string }>(
      `UPDATE early_fraud_warnings w
          SET state = 'failed', updated_at = now(),
              problem = 'no refund after every retry (' || coalesce(left(j.last_error, 200), 'no answer') ||
                        '); check the charge on Stripe'
         FROM graphile_worker.jobs j
        WHERE w.state = 'refunding' AND j.key = 'refund-warning:' || w.id AND j.attempts >= j.max_attempts
        RETURNING w.id, w.problem`,
    );
    for (const row of rows) {
      await audit(tx, {
        actor: 'timer',
        action: 'warning.refund_failed',
        detail: { warningId: row.id, why: row.problem },
      });
      await queueWarningUpdate(tx, row.id);
    }
    if (rows.length > 0) deps.log.warn({ warnings: rows.map((row) => row.id) }, 'early fraud warning refunds gave up');
  });
}

/** The warning's message is in Slack: its review window starts now (once), as a case's does. */
export async function startWarningReview(pool: Pool, warningId: string, windowMs: number): Promise<void> {
  await pool.query(
    `UPDATE early_fraud_warnings SET act_at = now() + make_interval(secs => $2), updated_at = now()
      WHERE id = $1 AND state = 'pending' AND act_at IS NULL`,
    [warningId, windowMs / 1000],
  );
}
