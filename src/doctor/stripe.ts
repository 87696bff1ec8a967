// Stripe, checked live with one harmless call per permission rebut needs: reads, and for Disputes write an update
// of a dispute that does not exist, for Refunds write a refund of a charge that does not exist (Stripe checks the
// permission before it looks for the object, so a 404 means the key may write and nothing was changed).
import Stripe from 'stripe';
import { HANDLED_EVENT_TYPES } from '../dispute/events.js';
import { messageOf } from '../errors.js';
import { createStripeClient } from '../stripe/client.js';
import { type Check, fail, ok, skip, warn } from './checks.js';

/** An id no Stripe object has: a call that finds nothing shows the key may make it. */
const PROBE = 'rebut_doctor_probe';

const KEY_PAGE = 'Stripe dashboard → Developers → API keys → your restricted key → Edit';

/** Each permission rebut's calls need, named as the dashboard names it, with one call that needs only it. */
const PERMISSIONS: { name: string; call: (stripe: Stripe) => Promise<unknown> }[] = [
  { name: 'Disputes: Read', call: (stripe) => stripe.disputes.list({ limit: 1 }) },
  { name: 'Disputes: Write', call: (stripe) => stripe.disputes.update(`dp_${PROBE}`, {}) },
  { name: 'Files: Read', call: (stripe) => stripe.files.list({ limit: 1 }) },
  { name: 'Charges: Read', call: (stripe) => stripe.charges.list({ limit: 1 }) },
  { name: 'Customers: Read', call: (stripe) => stripe.customers.retrieve(`cus_${PROBE}`) },
  { name: 'Payment Intents: Read', call: (stripe) => stripe.paymentIntents.retrieve(`pi_${PROBE}`) },
  // Early fraud warnings: rebut refunds a warned charge (a refund of a charge that does not exist changes nothing).
  { name: 'Refunds: Write', call: (stripe) => stripe.refunds.create({ charge: `ch_${PROBE}` }) },
  {
    name: 'Radar: Early fraud warnings: Read',
    call: (stripe) => stripe.radar.earlyFraudWarnings.retrieve(`issfr_${PROBE}`),
  },
  { name: 'Subscriptions: Read', call: (stripe) => stripe.subscriptions.retrieve(`sub_${PROBE}`) },
  { name: 'Invoices: Read', call: (stripe) => stripe.invoices.retrieve(`in_${PROBE}`) },
];

/** With EFW_CANCEL_SUBSCRIPTIONS: rebut cancels a refunded customer's subscriptions (one that does not exist: 404). */
const CANCEL_SUBSCRIPTIONS = {
  name: 'Subscriptions: Write',
  call: (stripe: Stripe) => stripe.subscriptions.cancel(`sub_${PROBE}`),
};

/** The call went through, or found nothing (a 404 passed the permission check first). */
async function allowed(call: () => Promise<unknown>): Promise<'yes' | Stripe.errors.StripeError> {
  try {
    await call();
    return 'yes';
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return 'yes';
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
}

export interface StripeSettings {
  STRIPE_SECRET_KEY?: string | undefined;
  STRIPE_API_URL?: string | undefined;
  EFW_CANCEL_SUBSCRIPTIONS?: boolean | undefined;
}

export async function checkStripe(
  settings: StripeSettings,
  options: { publicUrl?: string; webhookPath?: string },
): Promise<Check[]> {
  const key = settings.STRIPE_SECRET_KEY;
  if (!key) return [skip('stripe', 'API key', 'STRIPE_SECRET_KEY is not set')];
  const live = /^(sk|rk)_live_/.test(key);
  const restricted = key.startsWith('rk_');
  const mode = `${live ? 'live' : 'test'} mode, ${restricted ? 'restricted key' : 'secret key'}`;
  const stripe = createStripeClient(key, settings.STRIPE_API_URL, { maxNetworkRetries: 0 });

  const needed = settings.EFW_CANCEL_SUBSCRIPTIONS ? [...PERMISSIONS, CANCEL_SUBSCRIPTIONS] : PERMISSIONS;
  const results = await Promise.all(
    needed.map(async (permission) => ({ permission, result: await allowed(() => permission.call(stripe)) })),
  );
  const refused = results.find(({ result }) => result instanceof Stripe.errors.StripeAuthenticationError)?.result;
  if (refused instanceof Stripe.errors.StripeError) {
    return [fail('stripe', 'API key', `Stripe refused the key: ${refused.message}`, `STRIPE_SECRET_KEY (${KEY_PAGE})`)];
  }
  const unreachable = results.find(({ result }) => result instanceof Stripe.errors.StripeConnectionError)?.result;
  if (unreachable instanceof Stripe.errors.StripeError) {
    const where = settings.STRIPE_API_URL ?? 'api.stripe.com';
    const fix = settings.STRIPE_API_URL ? 'STRIPE_API_URL' : 'the network or proxy between rebut and Stripe';
    return [fail('stripe', 'API key', `Stripe could not be reached at ${where}: ${unreachable.message}`, fix)];
  }
  const checks: Check[] = [
    restricted
      ? ok('stripe', 'API key', `accepted (${mode})`)
      : warn(
          'stripe',
          'API key',
          `accepted (${mode}): it can do anything on the account`,
          'a restricted key with only the permissions below in STRIPE_SECRET_KEY (README → Stripe set-up)',
        ),
  ];
  for (const { permission, result } of results) {
    if (result === 'yes') checks.push(ok('stripe', permission.name, 'allowed'));
    else if (result instanceof Stripe.errors.StripePermissionError) {
      checks.push(fail('stripe', permission.name, `missing: ${result.message}`, `${KEY_PAGE} → ${permission.name}`));
    } else checks.push(warn('stripe', permission.name, `not checked: ${result.message}`));
  }
  checks.push(skip('stripe', 'Files: Write', 'cannot be checked without uploading a file; the first case uploads one'));
  checks.push(await checkConnectRead(stripe));
  checks.push(await checkWebhookEndpoint(stripe, live, options.publicUrl, options.webhookPath ?? '/stripe/webhook'));
  return checks;
}

/** Connect read: only a Connect platform needs it, for sync to list its connected accounts' disputes. */
async function checkConnectRead(stripe: Stripe): Promise<Check> {
  const name = 'Connect: Read';
  const result = await allowed(() => stripe.accounts.list({ limit: 1 }));
  if (result === 'yes') return ok('stripe', name, 'allowed: sync lists the connected accounts’ disputes too');
  if (result instanceof Stripe.errors.StripePermissionError && /Only Stripe Connect platforms/i.test(result.message)) {
    return skip('stripe', name, 'not a Connect platform: there are no connected accounts to sync');
  }
  return warn(
    'stripe',
    name,
    `not allowed (${result.message}): on a Connect platform, sync reads the platform's own disputes only`,
    `${KEY_PAGE} → Connect: Read, if your disputes live on connected accounts`,
  );
}

/** A webhook endpoint that sends rebut the dispute events, at rebut's address (when given), in rebut's API version. */
async function checkWebhookEndpoint(
  stripe: Stripe,
  live: boolean,
  publicUrl: string | undefined,
  path: string,
): Promise<Check> {
  const name = 'webhook endpoint';
  let endpoints: Stripe.WebhookEndpoint[];
  try {
    endpoints = await stripe.webhookEndpoints.list({ limit: 100 }).autoPagingToArray({ limit: 1_000 });
  } catch (error) {
    if (error instanceof Stripe.errors.StripePermissionError) {
      return skip(
        'stripe',
        name,
        'the key may not read webhook endpoints (rebut does not need to); check the endpoint in the dashboard, or ' +
          'grant Webhook Endpoints: Read to let doctor check it',
      );
    }
    return warn('stripe', name, `not checked: ${messageOf(error)}`);
  }
  const target = publicUrl ? new URL(path, publicUrl).href : undefined;
  const candidates = endpoints.filter((endpoint) =>
    target ? endpoint.url === target : new URL(endpoint.url).pathname.endsWith(path),
  );
  const add = `Stripe dashboard → Developers → Webhooks → Add endpoint: ${target ?? `https://<your host>${path}`}`;
  if (candidates.length === 0) {
    const found = `no endpoint sends to ${target ?? `a ${path} address`}`;
    return live
      ? fail('stripe', name, found, add)
      : warn('stripe', name, `${found}; in test mode \`stripe listen --forward-to\` works without one`, add);
  }
  const problems: string[] = [];
  const endpoint = candidates.find((candidate) => candidate.status === 'enabled') ?? candidates[0];
  if (!endpoint) return fail('stripe', name, 'no endpoint', add);
  if (endpoint.status !== 'enabled') problems.push(`it is ${endpoint.status}`);
  const events = endpoint.enabled_events;
  const missing = events.includes('*') ? [] : HANDLED_EVENT_TYPES.filter((type) => !events.includes(type));
  if (missing.length > 0) problems.push(`it does not send ${missing.join(', ')}`);
  if (problems.length > 0) {
    return fail(
      'stripe',
      name,
      `${endpoint.url}: ${problems.join('; ')}`,
      `Stripe dashboard → Developers → Webhooks → ${endpoint.url}: enable it and select ${HANDLED_EVENT_TYPES.join(', ')}`,
    );
  }
  if (endpoint.api_version !== Stripe.API_VERSION) {
    return warn(
      'stripe',
      name,
      `${endpoint.url} sends the dispute events in API version ${endpoint.api_version ?? "the account's default"}, ` +
        `rebut speaks ${Stripe.API_VERSION} (it reads each dispute again, so events still work)`,
      `set the endpoint's API version to ${Stripe.API_VERSION}`,
    );
  }
  return ok(
    'stripe',
    name,
    `${endpoint.url} sends every dispute and early fraud warning event in API version ${Stripe.API_VERSION}`,
  );
}
