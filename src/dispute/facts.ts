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
