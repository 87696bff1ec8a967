import type Stripe from 'stripe';
import { isoFromUnix } from '../dates.js';
import { onAccount } from '../stripe/client.js';
import { plural } from '../text.js';
import { type BusinessEvidenceKind, type EvidenceConfig, type PolicyName, policyInForceAt } from './config.js';
import { configuredSources, gatherEvidence } from './gather.js';
import type { PacketDeliverable } from './packet/index.js';
import { applyPlaybook, type ChecklistItem, type FileFieldPlan } from './playbook/index.js';
import { STRATEGIES, type Strategy } from './playbook/plans.js';
import { customerKeys } from './sources/context.js';
import { disputeFact } from './sources/stripe.js';
import type { Artefact, Fact, FactKind, SourceResult } from './types.js';

/**
 * `rebut evidence try`: the evidence rebut would gather for a customer before any dispute of theirs exists. The
 * pipeline is keyed by a dispute, so the customer's charge is put inside a dispute that does not exist (`whatIf`)
 * and every configured source is asked about it exactly as `prepare-case` asks; nothing is written anywhere.
 */

/** Who to look up: a Stripe customer (their latest charge), an email (its newest Stripe customer) or a charge. */
export type TrialLookup = { customer: string } | { email: string } | { charge: string };

/** The reasons whose checklists are shown when none is asked for: the two most digital products meet first. */
export const DEFAULT_TRIAL_REASONS = ['fraudulent', 'product_not_received'] as const;

/** The lookup found nothing to try the evidence on: said as a sentence naming what to check. */
export class TrialLookupError extends Error {
  override name = 'TrialLookupError';
}

export interface TrialDeps {
  stripe: Stripe;
  /** A connected account (`acct_…`) whose customer this is: every Stripe call carries `Stripe-Account`. */
  account?: string;
  config: EvidenceConfig;
  appDatabaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** As for `prepare-case`: the deliverables' images read under the evidence file's host and size rules. */
  fetchDeliverables: (artefacts: Artefact[]) => Promise<{ deliverables: PacketDeliverable[]; notes: string[] }>;
  now?: Date;
}

export interface TrialSource {
  source: string;
  facts: number;
  files: number;
  /** The source failed, wholly or in part (a query, a Stripe call), with the error. */
  problem?: string;
  /** The queries or parts that answered with nothing (no rows, no refunds…), each in a few words. */
  empty: string[];
}

export interface TrialPlaybook {
  reason: string;
  strategy: Strategy;
  strategyText: string;
  files: (Pick<FileFieldPlan, 'field' | 'title'> & { facts: number; images: number })[];
  checklist: Pick<ChecklistItem, 'item' | 'found' | 'core'>[];
}

export interface EvidenceTrial {
  customer: { id: string; email: string | null; name: string | null } | null;
  charge: { id: string; amount: number; currency: string; created: string; description: string | null };
  /** How the charge was chosen (the latest of several, one of two customers with that email…). */
  notes: string[];
  facts: Fact[];
  /** The deliverables' images: read, unreadable (see `imageProblems`), or past the most a case fetches. */
  images: { title: string; at: string | null; status: 'read' | 'unreadable' | 'not fetched' }[];
  playbooks: TrialPlaybook[];
  sources: TrialSource[];
  /** Why images could not be read, one line each (as the case message lists them). */
  imageProblems: string[];
}

/** Stripe's answer to a retrieve of something that is not there (or is in the other mode, or another account). */
function missing(error: unknown): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === 404;
}

const CHARGE_EXPAND = ['customer', 'payment_intent'];
/** The customer's latest charges looked at for one that succeeded. */
const CHARGES_LOOKED_AT = 20;

/** The charge a dispute would be about, with its customer expanded. */
export async function findCharge(
  stripe: Stripe,
  lookup: TrialLookup,
  account?: string,
): Promise<{ charge: Stripe.Charge; customer: Stripe.Customer | null; notes: string[] }> {
  const notes: string[] = [];
  const options = onAccount(account);
  const mode = account
    ? `on connected account ${account} in the mode STRIPE_SECRET_KEY is for`
    : 'in the mode and account STRIPE_SECRET_KEY is for';
  const retrieveCharge = async (id: string) => {
    try {
      return await stripe.charges.retrieve(id, { expand: CHARGE_EXPAND }, options);
    } catch (error) {
      if (missing(error)) throw new TrialLookupError(`Stripe has no charge ${id} ${mode}.`);
      throw error;
    }
  };
  const latestChargeOf = async (customer: Stripe.Customer) => {
    // Only a payment that went through can be disputed: the newest successful one of the latest page.
    const page = await stripe.charges.list({ customer: customer.id, limit: CHARGES_LOOKED_AT }, options);
    const latest = page.data.find((charge) => charge.status === 'succeeded');
    if (!latest) {
      throw new TrialLookupError(
        page.data.length === 0
          ? `Stripe customer ${customer.id} has no charges yet, so there is nothing a dispute could be about; try --charge.`
          : `None of the latest ${plural(page.data.length, 'charge')} of Stripe customer ${customer.id} succeeded; try --charge.`,
      );
    }
    if (page.data.length > 1) notes.push(`the latest successful one of the customer's charges (${latest.id})`);
    return retrieveCharge(latest.id);
  };

  if ('charge' in lookup) {
    const charge = await retrieveCharge(lookup.charge);
    const customer = typeof charge.customer === 'object' && charge.customer?.deleted !== true ? charge.customer : null;
    return { charge, customer, notes };
  }
  if ('customer' in lookup) {
    let customer: Stripe.Customer | Stripe.DeletedCustomer;
    try {
      customer = await stripe.customers.retrieve(lookup.customer, {}, options);
    } catch (error) {
      if (missing(error)) throw new TrialLookupError(`Stripe has no customer ${lookup.customer} ${mode}.`);
      throw error;
    }
    if (customer.deleted) throw new TrialLookupError(`Stripe customer ${lookup.customer} was deleted.`);
    return { charge: await latestChargeOf(customer), customer, notes };
  }
  // Stripe's email filter is exact and case-sensitive: as typed first, then in lower case.
  const typed = lookup.email.trim();
  const tries = [...new Set([typed, typed.toLowerCase()])];
  for (const email of tries) {
    const page = await stripe.customers.list({ email, limit: 10 }, options);
    const [newest] = page.data;
    if (!newest) continue;
    if (page.data.length > 1) {
      notes.push(
        `${page.has_more ? 'more than ' : ''}${page.data.length} Stripe customers have the email ${email}; showing the newest (${newest.id})`,
      );
    }
    return { charge: await latestChargeOf(newest), customer: newest, notes };
  }
  throw new TrialLookupError(
    `No Stripe customer has the email ${typed} ${mode} (a guest checkout has no customer: try --charge ch_…).`,
  );
}

/**
 * A dispute over `charge` that does not exist: what the sources read of a dispute (its charge, reason, amount, card
 * and CE 3.0 eligibility) and nothing else. Visa marks fraud disputes (10.4) on a Visa card eligible for CE 3.0.
 */
export function whatIf(charge: Stripe.Charge, reason: string, now: Date): Stripe.Dispute {
  const card = charge.payment_method_details?.card;
  const ce3 = card?.brand === 'visa' && (reason === 'fraudulent' || reason === 'unrecognized');
  const dispute: Partial<Stripe.Dispute> = {
    id: '(no dispute yet)',
    object: 'dispute',
    amount: charge.amount - charge.amount_refunded,
    currency: charge.currency,
    charge,
    payment_intent: charge.payment_intent,
    created: Math.floor(now.getTime() / 1000),
    reason,
    status: 'needs_response',
    livemode: charge.livemode,
    metadata: {},
    balance_transactions: [],
    is_charge_refundable: true,
    enhanced_eligibility_types: ce3 ? ['visa_compelling_evidence_3'] : [],
    ...(card
      ? {
          payment_method_details: {
            type: 'card',
            card: {
              brand: card.brand ?? 'unknown',
              network: card.network ?? card.brand ?? 'unknown',
              case_type: 'chargeback',
              network_reason_code: null,
            },
          },
        }
      : {}),
  };
  // The sources never read the evidence a dispute already holds; a dispute that does not exist holds none.
  return dispute as Stripe.Dispute;
}

/** Which fact kind each of the business's queries (SQL, or the HTTP endpoint's keys) produces. */
const FACT_KIND_OF: Record<BusinessEvidenceKind, FactKind> = {
  account: 'account',
  activity: 'activity',
  deliverables: 'deliverable',
  communications: 'communication',
  policy_acceptance: 'policy_acceptance',
};

/** Stripe's parts, by the ids of the facts they give, in the words the output uses. */
const STRIPE_PARTS: [prefix: string, what: string][] = [
  ['stripe.customer', 'the Stripe customer'],
  ['stripe.payment_intent', 'the payment intent'],
  ['stripe.charge.receipt', 'a receipt'],
  ['stripe.refund.', 'refunds'],
  ['stripe.invoice.', 'invoices'],
  ['stripe.subscription', 'a subscription'],
  ['stripe.prior.', 'earlier undisputed payments'],
];

/** What answered with nothing: a query with no rows, a Stripe part with nothing in it, a policy not written down. */
function emptyParts(result: SourceResult, config: EvidenceConfig, paidOn: string): string[] {
  const has = (predicate: (fact: Fact) => boolean) => result.facts.some(predicate);
  // A part named in the problem failed; it is listed there, not as empty.
  const failed = (name: string) => (result.problem ?? '').split('; ').some((part) => part.startsWith(`${name}:`));
  switch (result.source) {
    case 'stripe':
      return STRIPE_PARTS.filter(([prefix]) => !has((fact) => fact.id.startsWith(prefix))).map(([, what]) => what);
    case 'sql':
    case 'http': {
      const kinds = Object.keys(FACT_KIND_OF) as BusinessEvidenceKind[];
      const asked = result.source === 'sql' ? kinds.filter((kind) => config.sql?.queries[kind]) : kinds;
      // A source that failed as a whole answered no query; its problem says why.
      if (result.problem && result.facts.length === 0 && result.artefacts.length === 0) return [];
      return asked
        .filter((kind) => !failed(kind) && !has((fact) => fact.kind === FACT_KIND_OF[kind]))
        .map((kind) => `${kind} (no rows)`);
    }
    case 'config':
      return (['refund', 'cancellation', 'terms'] satisfies PolicyName[])
        .filter((name) => {
          const policy = config.policies[name];
          return !(policy && policyInForceAt(policy, paidOn));
        })
        .map((name) => `no ${name} policy in force on ${paidOn}`);
    default:
      return [];
  }
}

/**
 * Every configured source asked about the customer's charge as if it were disputed now, for each reason: the facts,
 * the images and files the packet would carry, each reason's checklist, and what answered with nothing or failed.
 */
export async function tryEvidence(deps: TrialDeps, lookup: TrialLookup, reasons: string[]): Promise<EvidenceTrial> {
  const now = deps.now ?? new Date();
  const { charge, customer, notes } = await findCharge(deps.stripe, lookup, deps.account);
  const [firstReason = DEFAULT_TRIAL_REASONS[0]] = reasons;
  const sources = configuredSources(deps.config);
  const gathered = await gatherEvidence(
    {
      dispute: whatIf(charge, firstReason, now),
      stripe: deps.stripe,
      stripeAccount: deps.account,
      config: deps.config,
      appDatabaseUrl: deps.appDatabaseUrl,
      env: deps.env,
    },
    sources,
  );
  const imageArtefacts = gathered.artefacts.filter((artefact) => artefact.kind === 'image');
  const images = await deps.fetchDeliverables(imageArtefacts);

  const playbooks = reasons.map((reason): TrialPlaybook => {
    // The facts are the same for every reason but the dispute's own (its reason, CE 3.0 eligibility).
    const facts = gathered.facts.map((fact) =>
      fact.id === 'stripe.dispute' ? disputeFact(whatIf(charge, reason, now)) : fact,
    );
    const playbook = applyPlaybook(reason, facts, deps.config);
    return {
      reason,
      strategy: playbook.strategy,
      strategyText: STRATEGIES[playbook.strategy],
      files: playbook.fileFields.map((file) => ({
        field: file.field,
        title: file.title,
        facts: file.factIds.length,
        images: file.artefactIds.length,
      })),
      checklist: playbook.checklist.map(({ item, found, core }) => ({ item, found, core })),
    };
  });

  const paidOn = customerKeys(whatIf(charge, firstReason, now)).chargeAt.slice(0, 10);
  return {
    customer: customer ? { id: customer.id, email: customer.email ?? null, name: customer.name ?? null } : null,
    charge: {
      id: charge.id,
      amount: charge.amount,
      currency: charge.currency,
      created: isoFromUnix(charge.created),
      description: charge.description,
    },
    notes,
    // The dispute fact describes a dispute that does not exist: the checklists use it, the list of facts does not.
    facts: gathered.facts.filter((fact) => fact.id !== 'stripe.dispute'),
    images: images.deliverables.map((deliverable) => ({
      title: deliverable.title,
      at: deliverable.at,
      status: deliverable.image ? 'read' : deliverable.imageLeftUnfetched ? 'not fetched' : 'unreadable',
    })),
    playbooks,
    sources: gathered.results.map((result) => ({
      source: result.source,
      facts: result.facts.filter((fact) => fact.id !== 'stripe.dispute').length,
      files: result.artefacts.length,
      ...(result.problem ? { problem: result.problem } : {}),
      empty: emptyParts(result, deps.config, paidOn),
    })),
    imageProblems: images.notes,
  };
}
