import { invalidRequest } from './errors.js';
import { EVIDENCE_FILE_FIELDS } from './objects.js';

type Json = Record<string, unknown>;

/** Expandable properties per object type (a subset of Stripe's: the ones rebut's data can resolve). */
const EXPANDABLE: Record<string, readonly string[]> = {
  dispute: ['charge', 'payment_intent', ...EVIDENCE_FILE_FIELDS.map((field) => `evidence.${field}`)],
  charge: [
    'customer',
    'payment_intent',
    'balance_transaction',
    'review',
    'application',
    'application_fee',
    'on_behalf_of',
    'source_transfer',
    'transfer',
    'failure_balance_transaction',
  ],
  payment_intent: ['customer', 'latest_charge', 'payment_method', 'review', 'application', 'on_behalf_of'],
  'radar.early_fraud_warning': ['charge', 'payment_intent'],
  refund: ['charge', 'payment_intent', 'balance_transaction', 'failure_balance_transaction'],
  subscription: [
    'customer',
    'latest_invoice',
    'default_payment_method',
    'default_source',
    'pending_setup_intent',
    'schedule',
  ],
  invoice: ['customer', 'default_payment_method', 'default_source', 'on_behalf_of'],
  invoice_payment: ['invoice', 'payment.payment_intent', 'payment.charge'],
  customer: ['default_source'],
  balance_transaction: ['source'],
};

const MAX_DEPTH = 4;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type Resolve = (id: string) => { object: string } | undefined;

/** Expands `paths` (`charge`, `charge.customer`, `evidence.receipt`) in place on a response copy. */
export function expandObject(target: Json, paths: readonly string[], resolve: Resolve): void {
  for (const path of paths) {
    if (path.split('.').length > MAX_DEPTH) {
      throw invalidRequest(`You cannot expand more than ${MAX_DEPTH} levels of a property. (${path})`, {
        param: 'expand',
      });
    }
    expandPath(target, path, path, resolve);
  }
}

/** For list responses: every path must start with `data.`. */
export function expandList(items: Json[], paths: readonly string[], resolve: Resolve): void {
  const inner: string[] = [];
  for (const path of paths) {
    if (!path.startsWith('data.')) {
      throw invalidRequest(
        `This property cannot be expanded (${path}). You may want to try expanding 'data.${path}' instead.`,
        { param: 'expand' },
      );
    }
    inner.push(path.slice('data.'.length));
  }
  for (const item of items) expandObject(item, inner, resolve);
}

function expandPath(target: Json, path: string, fullPath: string, resolve: Resolve): void {
  const type = typeof target.object === 'string' ? target.object : '';
  const property = (EXPANDABLE[type] ?? []).find((candidate) => path === candidate || path.startsWith(`${candidate}.`));
  if (!property) {
    throw invalidRequest(`This property cannot be expanded (${fullPath}).`, { param: 'expand' });
  }
  const keys = property.split('.');
  const last = keys.pop() ?? property;
  let holder: Json | undefined = target;
  for (const key of keys) holder = holder && isRecord(holder[key]) ? (holder[key] as Json) : undefined;
  if (!holder) return;
  const current = holder[last];
  let expanded: Json | undefined;
  if (typeof current === 'string') {
    const found = resolve(current);
    // Ids the sandbox does not model (txn_, pm_, …) stay ids rather than failing the request.
    if (!found) return;
    expanded = structuredClone(found) as unknown as Json;
    holder[last] = expanded;
  } else if (isRecord(current)) {
    expanded = current;
  }
  const rest = path.slice(property.length + 1);
  if (expanded && rest) expandPath(expanded, rest, fullPath, resolve);
}
