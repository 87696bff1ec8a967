import type Stripe from 'stripe';
import type { EvidenceConfig } from '../config.js';
import type { SourceResult } from '../types.js';
import type { BusinessDatabases } from './business-databases.js';

/** Everything a source may read to find evidence for one dispute. */
export interface EvidenceContext {
  /** The dispute as last read from Stripe; `charge` and `payment_intent` expanded when possible. */
  dispute: Stripe.Dispute;
  stripe: Stripe;
  /** The connected account the dispute belongs to (Connect direct charges); every Stripe call then carries it. */
  stripeAccount?: string;
  config: EvidenceConfig;
  /** The business's own PostgreSQL (`APP_DATABASE_URL`); the SQL source is skipped without it. */
  appDatabaseUrl?: string;
  /** The app's pools of connections to business databases; without it the SQL source connects for each case. */
  appDatabases?: BusinessDatabases | undefined;
  /** Where the HTTP source reads its HMAC secret (`http.secret_env`). */
  env?: NodeJS.ProcessEnv;
  /** Aborted when the source's time is up; a source stops its I/O on it. */
  signal?: AbortSignal;
}

export type SourceRun = (ctx: EvidenceContext) => Promise<SourceResult>;

export interface EvidenceSource {
  name: 'stripe' | 'sql' | 'http' | 'config' | (string & {});
  run: SourceRun;
  /** Overrides the timeout from `sources.<name>.timeout` in the evidence config. */
  timeoutMs?: number;
}

/** Who the dispute is about, as far as Stripe knows: the keys the business's own evidence is looked up by. */
export interface CustomerKeys {
  email: string | null;
  customerId: string | null;
  chargeId: string;
  /** When the disputed charge was made (ISO 8601). */
  chargeAt: string;
}

export function customerKeys(dispute: Stripe.Dispute): CustomerKeys {
  const charge = typeof dispute.charge === 'string' ? null : dispute.charge;
  const chargeId = typeof dispute.charge === 'string' ? dispute.charge : dispute.charge.id;
  const customer = charge?.customer ?? null;
  const customerId = customer === null ? null : typeof customer === 'string' ? customer : customer.id;
  const customerEmail = customer && typeof customer !== 'string' && !customer.deleted ? customer.email : null;
  const email =
    charge?.billing_details?.email ??
    charge?.receipt_email ??
    customerEmail ??
    dispute.evidence?.customer_email_address ??
    null;
  return {
    email: email ? email.trim().toLowerCase() : null,
    customerId,
    chargeId,
    chargeAt: new Date((charge?.created ?? dispute.created) * 1000).toISOString(),
  };
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
