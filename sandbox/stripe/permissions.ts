// Restricted keys (`rk_…`): each has a set of permissions, and an endpoint outside them answers 403 naming the
// permission that would allow it, as Stripe does. A write permission includes the read (as in the dashboard).

/** The resource part of a path → the permission's resource name (`/v1/payment_intents/pi_1` → payment_intent). */
const RESOURCE_PERMISSION: Record<string, string> = {
  disputes: 'dispute',
  charges: 'charge',
  customers: 'customer',
  payment_intents: 'payment_intent',
  payment_methods: 'payment_method',
  balance_transactions: 'balance',
  refunds: 'refund',
  subscriptions: 'subscription',
  invoices: 'invoice',
  invoice_payments: 'invoice',
  events: 'event',
  files: 'file',
  webhook_endpoints: 'webhook',
  // `/v1/radar/early_fraud_warnings`; the dashboard calls it "Radar: Early fraud warnings".
  radar: 'radar_early_fraud_warning',
  account: 'account',
  // The Connect accounts list; the dashboard calls it "Connect: All resources".
  accounts: 'connected_account',
};

/** The permission an API call needs, e.g. `dispute_write` for `POST /v1/disputes/dp_1`; undefined: none known. */
export function permissionFor(method: string, path: string): string | undefined {
  const resource = /^\/v1\/([a-z_]+)/.exec(path)?.[1];
  const name = resource === undefined ? undefined : RESOURCE_PERMISSION[resource];
  if (name === undefined) return undefined;
  return `${name}_${method === 'GET' ? 'read' : 'write'}`;
}

/** Whether a key with these permissions may make a call needing `needed`. */
export function permits(granted: ReadonlySet<string>, needed: string): boolean {
  return granted.has(needed) || (needed.endsWith('_read') && granted.has(needed.replace(/_read$/, '_write')));
}
