import { createHmac } from 'node:crypto';
import type Stripe from 'stripe';

/**
 * The `Stripe-Signature` header value Stripe sends: `t=<unix>,v1=<hex HMAC-SHA256 of "t.payload">`.
 * Same result as `stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp })`.
 */
export function signStripePayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

/** Stripe pretty-prints webhook bodies with two spaces. */
export function eventPayload(event: Stripe.Event): string {
  return JSON.stringify(event, null, 2);
}

export interface DeliverOptions {
  /** Send the same event this many times (Stripe delivers at least once). */
  times?: number;
  /** Sign with another secret (a forged request). */
  secret?: string;
  /** Sign with this timestamp (a replayed or stale request). */
  timestamp?: number;
  /** Change the body after signing, so the signature no longer matches. */
  tamper?: boolean;
}

export async function postEvent(
  url: string,
  event: Stripe.Event,
  secret: string,
  options: DeliverOptions = {},
): Promise<Response[]> {
  const payload = eventPayload(event);
  const responses: Response[] = [];
  for (let attempt = 0; attempt < (options.times ?? 1); attempt++) {
    const header = signStripePayload(payload, options.secret ?? secret, options.timestamp);
    const body = options.tamper
      ? payload.replace('"livemode": false', '"livemode": true ').replace(/}\s*$/, ' }')
      : payload;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'stripe-signature': header,
      },
      body,
      // Stripe gives up on an endpoint that does not answer within seconds.
      signal: AbortSignal.timeout(10_000),
    });
    // Read the body so the connection is released; the caller inspects status (and may clone first).
    await response.clone().arrayBuffer();
    responses.push(response);
  }
  return responses;
}
