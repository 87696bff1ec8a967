import type { IncomingMessage, ServerResponse } from 'node:http';
import type Stripe from 'stripe';
import type { Pool } from '../db/pool.js';
import { BodyTooLargeError, readBody } from '../http/body.js';
import { sendJson } from '../http/server.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createEventStore } from './event-store.js';
import { isHandledEventType } from './events.js';

/** Stripe's events are a few kB; 1 MiB leaves room and keeps a flood of junk cheap to refuse. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/** Stripe's own default: a signature older than this is a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export interface WebhookDeps {
  pool: Pool;
  stripe: Stripe;
  webhookSecret: string;
  liveKey: boolean;
  metrics: Metrics;
  log: Logger;
}

/**
 * `POST /stripe/webhook`: verify the signature on the raw bytes, store the event and its job in
 * one statement (a crash can never keep one without the other), acknowledge only once stored. The work happens
 * in the `process-event` job.
 */
export function stripeWebhookHandler(deps: WebhookDeps) {
  const { stripe, webhookSecret, liveKey, metrics, log } = deps;
  const store = createEventStore(deps.pool);
  const reject = (res: ServerResponse, status: number, reason: string, message: string) => {
    metrics.stripeEvents.inc({ outcome: 'rejected', reason });
    log.warn({ reason }, `stripe webhook refused: ${message}`);
    // An unread body leaves the connection unusable: close it after the answer.
    sendJson(res, status, { error: message }, status === 413 ? { connection: 'close' } : {});
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const stopTimer = metrics.webhookAck.startTimer();
    let raw: Buffer;
    try {
      raw = await readBody(req, WEBHOOK_BODY_LIMIT);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return reject(res, 413, 'too_large', error.message);
      throw error;
    }
    const signature = req.headers['stripe-signature'];
    if (typeof signature !== 'string' || signature === '') {
      return reject(res, 400, 'missing_signature', 'missing Stripe-Signature header');
    }
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(raw, signature, webhookSecret, SIGNATURE_TOLERANCE_SECONDS);
    } catch (error) {
      if (error instanceof SyntaxError) return reject(res, 400, 'not_json', 'body is not JSON');
      const message = error instanceof Error ? error.message : String(error);
      const reason = /timestamp/i.test(message) ? 'stale' : 'signature';
      return reject(res, 400, reason, `signature verification failed: ${message}`);
    }
    if (event.livemode !== liveKey) {
      return reject(
        res,
        400,
        'livemode',
        `a ${event.livemode ? 'live' : 'test'}-mode event reached an instance with a ${liveKey ? 'live' : 'test'}-mode STRIPE_SECRET_KEY`,
      );
    }
    if (!isHandledEventType(event.type)) {
      metrics.stripeEvents.inc({ outcome: 'ignored', reason: '' });
      sendJson(res, 200, { received: true, ignored: event.type });
      stopTimer();
      return;
    }

    try {
      const duplicate = await store.store({ event, raw: raw.toString('utf8') });
      metrics.stripeEvents.inc({ outcome: duplicate ? 'duplicate' : 'received', reason: '' });
      sendJson(res, 200, { received: true, duplicate });
      stopTimer();
    } catch (error) {
      // Not stored: say so, and Stripe delivers again later.
      metrics.stripeEvents.inc({ outcome: 'unavailable', reason: 'database' });
      log.error({ err: error, eventId: event.id }, 'could not store a Stripe event; answered 503 so Stripe retries');
      sendJson(res, 503, { error: 'temporarily unable to store the event; retry later' }, { 'retry-after': '10' });
    }
  };
}
