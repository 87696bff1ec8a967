// "Use after the payment" for an early fraud warning: the business's own records (its SQL queries or HTTP endpoint,
// as the evidence file configures them) asked about the warned charge, as `rebut evidence try` asks them before any
// dispute exists. Activity after the payment suggests the cardholder themself bought and used it.
import type Stripe from 'stripe';
import type { EvidenceConfig } from '../evidence/config.js';
import { type EvidenceSource, gatherEvidence, httpSource, sqlSource } from '../evidence/gather.js';
import type { BusinessDatabases } from '../evidence/sources/business-databases.js';
import { whatIf } from '../evidence/try.js';

/** A product's evidence sources: its evidence file, its business database and where the HTTP source's secret is. */
export interface UsageSources {
  config: EvidenceConfig;
  appDatabaseUrl?: string | undefined;
  appDatabases?: BusinessDatabases | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

/** True or false as the business's records say; null when no source of the business answered. */
export async function usedAfterPayment(
  stripe: Stripe,
  account: string | null,
  charge: Stripe.Charge,
  sources: UsageSources,
): Promise<boolean | null> {
  const own: EvidenceSource[] = [
    ...(sources.config.sql && sources.appDatabaseUrl ? [sqlSource] : []),
    ...(sources.config.http ? [httpSource] : []),
  ];
  if (own.length === 0) return null;
  const gathered = await gatherEvidence(
    {
      dispute: whatIf(charge, 'fraudulent', new Date()),
      stripe,
      ...(account ? { stripeAccount: account } : {}),
      config: sources.config,
      ...(sources.appDatabaseUrl ? { appDatabaseUrl: sources.appDatabaseUrl } : {}),
      appDatabases: sources.appDatabases,
      ...(sources.env ? { env: sources.env } : {}),
    },
    own,
  );
  const paidAt = charge.created * 1000;
  const after = gathered.facts.some((fact) => fact.kind === 'activity' && fact.at && Date.parse(fact.at) > paidAt);
  if (after) return true;
  return gathered.problems.length === 0 ? false : null;
}
