import Stripe from 'stripe';

export type { Stripe };

/**
 * What every read of a dispute expands, so each stored copy has the same shape (and an unchanged dispute
 * compares equal to its stored copy). Lists expand the same under `data.`.
 */
export const DISPUTE_EXPAND = ['charge', 'payment_intent'];

/**
 * The official SDK, pointed at Stripe or at another base URL (`STRIPE_API_URL`: the sandbox,
 * a proxy). Network errors, 409s and 5xx are retried by the SDK itself; a job retry with
 * backoff covers what is left (429s, longer outages).
 */
export function createStripeClient(secretKey: string, apiUrl?: string, options: { maxNetworkRetries?: number } = {}) {
  const config: Stripe.StripeConfig = {
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: 20_000,
    appInfo: { name: 'rebut', url: 'https://github.com/rebut-dev/rebut' },
  };
  if (apiUrl) {
    const url = new URL(apiUrl);
    config.host = url.hostname;
    config.protocol = url.protocol === 'http:' ? 'http' : 'https';
    config.port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  }
  return new Stripe(secretKey, config);
}

/** Options for a call on behalf of a connected account (Connect direct charges). */
export function onAccount(account: string | null | undefined): Stripe.RequestOptions | undefined {
  return account ? { stripeAccount: account } : undefined;
}
