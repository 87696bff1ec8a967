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
import { createEventStore, type EventStore } from './event-store.js';

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

/** A product as the webhook sees it: the secrets its endpoints sign with, and its key's mode. */
export interface WebhookProduct {
  id: string;
  /** Every secret valid for the product: its account endpoint's, its Connect endpoint's, old and new in a rotation. */
  secrets: readonly string[];
  liveKey: boolean;
}

export interface WebhookDeps {
  pool: Pool;
  /** Where events are written; one shared by every route, so events of all products are written together. */
  store?: EventStore;
  stripe: Stripe;
  /** The products this route accepts events of: one for `/stripe/webhook/<id>`, all of them for `/stripe/webhook`. */
  products: readonly WebhookProduct[];
  metrics: Metrics;
  log: Logger;
}

/** Signed by one of the products' secrets: the event and its product; stale: a secret matched, the time did not. */
type Verified =
  | { event: Stripe.Event; product: WebhookProduct }
  | { refused: 'stale' | 'signature' | 'not_json'; message: string };

function verify(stripe: Stripe, raw: Buffer, signature: string, products: readonly WebhookProduct[]): Verified {
  let last = 'no signing secret is configured for this endpoint';
  for (const product of products) {
    for (const secret of product.secrets) {
      try {
        return { event: stripe.webhooks.constructEvent(raw, signature, secret, SIGNATURE_TOLERANCE_SECONDS), product };
      } catch (error) {
        if (error instanceof SyntaxError) return { refused: 'not_json', message: 'body is not JSON' };
        last = messageOf(error);
        // Stripe checks the signature first: a timestamp complaint means this secret signed it, long ago.
        if (/timestamp/i.test(last)) return { refused: 'stale', message: `signature verification failed: ${last}` };
      }
    }
  }
  return { refused: 'signature', message: `signature verification failed: ${last}` };
}

/**
 * `POST /stripe/webhook`: verify the signature on the raw bytes, store the event and its job in
 * one statement (a crash can never keep one without the other), acknowledge only once stored. The work happens
 * in the `process-event` job.
 */
export function stripeWebhookHandler(deps: WebhookDeps) {
  const { stripe, products, metrics, log } = deps;
  const store = deps.store ?? createEventStore(deps.pool);
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
    const verified = verify(stripe, raw, signature, products);
    if ('refused' in verified) return reject(res, 400, verified.refused, verified.message);
    const { event, product } = verified;
    const liveKey = product.liveKey;
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
      const duplicate = await store.store({ event, raw: withoutNulEscapes(text), product: product.id });
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
