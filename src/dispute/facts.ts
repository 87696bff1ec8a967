/**
 * Evidence, as every layer names it: a fact is one checkable statement, and the drafter may only claim what some
 * fact says; artefacts are the files behind facts (designs, documents). Sources produce them (evidence/sources/),
 * storage keeps them (db/evidence.ts), the packet and the drafter read them.
 */
export const FACT_KINDS = [
  'dispute',
  'charge',
  'payment_check',
  'customer',
  'refund',
  'subscription',
  'invoice',
  'prior_payment',
  'account',
  'activity',
  'deliverable',
  'communication',
  'policy',
  'policy_acceptance',
  'product',
] as const;
export type FactKind = (typeof FACT_KINDS)[number];

/**
 * Every fact id a source emits, with its kind: one vocabulary for the sources that write the ids, the playbooks that
 * read them and the sample case. A part in braces is the record's own: `{id}` a Stripe or business id, `{n}` the
 * row's number in time order, `{policy}` a configured policy, `{rows}` the business source (`sql` or `http`).
 * test/unit/fact-ids.test.ts fails when a source, a playbook or the sample case uses an id not listed here.
 */
export const FACT_IDS = {
  'stripe.dispute': 'dispute',
  'stripe.charge': 'charge',
  'stripe.charge.card': 'charge',
  'stripe.charge.purchase_ip': 'charge',
  'stripe.charge.receipt': 'charge',
  'stripe.charge.billing': 'charge',
  'stripe.charge.shipping': 'charge',
  'stripe.charge.avs': 'payment_check',
  'stripe.charge.cvc': 'payment_check',
  'stripe.charge.3ds': 'payment_check',
  'stripe.charge.risk': 'payment_check',
  'stripe.payment_intent': 'charge',
  'stripe.customer': 'customer',
  'stripe.customer.name': 'customer',
  'stripe.refund.{id}': 'refund',
  'stripe.invoice.{id}': 'invoice',
  'stripe.subscription': 'subscription',
  'stripe.subscription.cancellation_comment': 'subscription',
  'stripe.prior.summary': 'prior_payment',
  'stripe.prior.{id}': 'prior_payment',
  'config.product': 'product',
  'config.policy.{policy}': 'policy',
  '{rows}.account': 'account',
  '{rows}.account.name': 'account',
  '{rows}.activity.{n}': 'activity',
  '{rows}.deliverable.{id}': 'deliverable',
  '{rows}.communication.{n}': 'communication',
  '{rows}.policy_acceptance.{n}': 'policy_acceptance',
} as const satisfies Record<string, FactKind>;
export type FactIdPattern = keyof typeof FACT_IDS;

const PART: Record<string, string> = {
  '{id}': '[\\w-]+',
  '{n}': '\\d+',
  '{policy}': '(?:refund|cancellation|terms)',
  '{rows}': '(?:sql|http)',
};
const FACT_ID_PATTERNS = (Object.entries(FACT_IDS) as [FactIdPattern, FactKind][]).map(([pattern, kind]) => ({
  pattern,
  kind,
  regex: new RegExp(
    `^${pattern
      .split(/(\{\w+\})/)
      .map((part) => PART[part] ?? part.replaceAll('.', '\\.'))
      .join('')}$`,
  ),
}));

/** The kind a fact with this id has, or null when no source emits such an id. A fixed id wins over a family. */
export function kindOfFactId(id: string): FactKind | null {
  const pattern = patternOfFactId(id);
  return pattern ? FACT_IDS[pattern] : null;
}

/** The vocabulary's entry for this id (`stripe.refund.re_1` → `stripe.refund.{id}`), or null. A fixed id wins. */
export function patternOfFactId(id: string): FactIdPattern | null {
  if (id in FACT_IDS) return id as FactIdPattern;
  return FACT_ID_PATTERNS.find((entry) => entry.regex.test(id))?.pattern ?? null;
}

export interface Fact {
  /** Stable within a case, e.g. `stripe.charge.avs` or `sql.activity.17`; the fact sheet numbers them F1…Fn. */
  id: string;
  kind: FactKind;
  /** One plain sentence. Text the customer controls is marked `untrusted` and is quoted wherever it is shown. */
  text: string;
  /** When it happened (ISO 8601), when known. */
  at: string | null;
  /** `stripe`, `sql`, `http`, `config`. */
  source: string;
  untrusted?: boolean;
  /** Structured values behind the sentence (IP, amount in minor units, email…) for fields and CE 3.0. */
  data?: Record<string, string | number | boolean | null>;
}

export interface Artefact {
  id: string;
  kind: 'image' | 'document';
  title: string;
  at: string | null;
  source: string;
  /** Exactly one of these says where the bytes are. */
  url?: string;
  path?: string;
  bytes?: Uint8Array;
  contentType?: string;
}
