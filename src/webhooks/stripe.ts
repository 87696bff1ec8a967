import type { IncomingMessage, ServerResponse } from 'node:http';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Pool } from '../db/pool.js';
import { withoutNulEscapes } from '../db/text.js';
import { isHandledEventType } from '../dispute/events.js';
import { messageOf } from '../errors.js';
import { BodyTooLargeError, readBody } from '../http/body.js';
import { sendJson } from '../http/server.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createEventStore } from './event-store.js';

/** Stripe's events are a few kB; 1 MiB leaves room and keeps a flood of junk cheap to refuse. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/** Stripe's own default: a signature older than this is a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Stripe's objects nest a handful of levels; PostgreSQL's jsonb gives up at a few thousand. Deeper is not Stripe. */
export const MAX_EVENT_DEPTH = 64;

/** What rebut reads of an event: a valid signature vouches for the sender, not for the shape. */
const eventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  livemode: z.boolean(),
  created: z.number(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

/** The deepest nesting of arrays and objects in JSON text, counted up to `limit`. */
function nestingDepth(json: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < json.length && deepest <= limit; index++) {
    const char = json[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') deepest = Math.max(deepest, ++depth);
    else if (char === '}' || char === ']') depth--;
  }
  return deepest;
}

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
      const message = messageOf(error);
      const reason = /timestamp/i.test(message) ? 'stale' : 'signature';
      return reject(res, 400, reason, `signature verification failed: ${message}`);
    }
    if (!eventSchema.safeParse(event).success) return reject(res, 400, 'not_event', 'body is not a Stripe event');
    const text = raw.toString('utf8');
    if (nestingDepth(text, MAX_EVENT_DEPTH) > MAX_EVENT_DEPTH) {
      return reject(res, 400, 'too_deep', `event nests deeper than ${MAX_EVENT_DEPTH} levels`);
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
      const duplicate = await store.store({ event, raw: withoutNulEscapes(text) });
      metrics.stripeEvents.inc({ outcome: duplicate ? 'duplicate' : 'received', reason: '' });
      sendJson(res, 200, { received: true, duplicate });
      stopTimer();
    } catch (error) {
      // An event PostgreSQL refuses as data (not because it is down) would be refused on every retry, for days: it is
      // kept as it came, with the reason, and acknowledged.
      if (isDataError(error)) {
        const stored = await rejectEvent(deps.pool, event.id, messageOf(error), raw).then(
          () => true,
          () => false,
        );
        if (stored) {
          metrics.stripeEvents.inc({ outcome: 'poison', reason: 'unstorable' });
          log.error(
            { eventId: event.id, err: error },
            'a signed Stripe event cannot be stored; kept as rejected and acknowledged',
          );
          sendJson(res, 200, { received: true, rejected: 'the event cannot be stored as it is; kept for a person' });
          stopTimer();
          return;
        }
      }
      // Not stored: say so, and Stripe delivers again later.
      metrics.stripeEvents.inc({ outcome: 'unavailable', reason: 'database' });
      log.error({ err: error, eventId: event.id }, 'could not store a Stripe event; answered 503 so Stripe retries');
      sendJson(res, 503, { error: 'temporarily unable to store the event; retry later' }, { 'retry-after': '10' });
    }
  };
}

/** PostgreSQL's data exceptions (class 22: a NUL in text, a float for an integer, an invalid byte sequence). */
function isDataError(error: unknown): boolean {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
  return code.startsWith('22');
}

/** Keeps an event that cannot be stored: its raw bytes and why, under an id made storable. */
async function rejectEvent(pool: Pool, eventId: unknown, reason: string, raw: Buffer): Promise<void> {
  const id = Buffer.from(String(eventId), 'utf8').toString('utf8').replaceAll('\u0000', '').slice(0, 255);
  await pool.query('INSERT INTO rejected_events (event_id, reason, payload) VALUES ($1, $2, $3)', [
    id,
    reason.slice(0, 500),
    raw,
  ]);
}
