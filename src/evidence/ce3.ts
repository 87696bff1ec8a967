import type Stripe from 'stripe';
import type { Fact } from './types.js';

/**
 * Visa Compelling Evidence 3.0 (docs.stripe.com/disputes/api/visa-ce3). On a CE 3.0-eligible
 * Visa fraud dispute (reason code 10.4), two earlier undisputed payments on the same card whose
 * identifiers match the disputed one shift liability back to the issuer. Stripe refuses the
 * whole evidence update when CE 3.0 data is sent on an ineligible dispute, so this returns
 * `null` unless Stripe itself lists `visa_compelling_evidence_3` and two payments truly qualify.
 */

/** Visa: prior payments "more than 119 and fewer than 366 calendar days" before the disputed one. */
export const CE3_MIN_DAYS = 120;
export const CE3_MAX_DAYS = 365;
/** Stripe's minimum lengths; shorter device identifiers are refused, so they cannot count as a match. */
export const MIN_DEVICE_FINGERPRINT_LENGTH = 20;
export const MIN_DEVICE_ID_LENGTH = 15;
/**
 * How far from a charge a checkout event may be to lend it its IP and device, when the event does
 * not name the charge: a checkout and its charge are seconds apart, a login an hour away is not it.
 */
export const CE3_LINK_WINDOW_MS = 15 * 60_000;

type Ce3Params = Stripe.DisputeUpdateParams.Evidence.EnhancedEvidence.VisaCompellingEvidence3;

export interface Ce3Identifiers {
  customerPurchaseIp?: string | null;
  customerDeviceFingerprint?: string | null;
  customerDeviceId?: string | null;
  customerAccountId?: string | null;
  customerEmailAddress?: string | null;
  shippingAddress?: Stripe.AddressParam | null;
}

export interface Ce3Transaction {
  chargeId: string;
  /** Unix seconds. */
  created: number;
  cardFingerprint: string | null;
  identifiers: Ce3Identifiers;
  productDescription?: string | null;
  /** Prior payments only: false excludes it (disputed, refunded, or failed). Default true. */
  undisputed?: boolean;
}

/** One identifier Visa compares. Fingerprint and device id are two ways to show the same main element: the device. */
export type Ce3Identifier =
  | 'customer_purchase_ip'
  | 'customer_device_fingerprint'
  | 'customer_device_id'
  | 'customer_account_id'
  | 'customer_email_address'
  | 'shipping_address';

export type Ce3Element = 'ip' | 'device' | 'account' | 'email' | 'shipping_address';
export const CE3_MAIN_ELEMENTS: readonly Ce3Element[] = ['ip', 'device', 'account'];
export const CE3_SECONDARY_ELEMENTS: readonly Ce3Element[] = ['email', 'shipping_address'];

const ELEMENT_OF: Record<Ce3Identifier, Ce3Element> = {
  customer_purchase_ip: 'ip',
  customer_device_fingerprint: 'device',
  customer_device_id: 'device',
  customer_account_id: 'account',
  customer_email_address: 'email',
  shipping_address: 'shipping_address',
};

function normalisedAddress(address: Stripe.AddressParam | null | undefined): string | null {
  if (!address) return null;
  const required = [address.line1, address.city, address.state, address.postal_code, address.country];
  // Stripe requires every address field for CE 3.0; an incomplete address cannot be a match.
  if (required.some((part) => !part?.trim())) return null;
  return [address.line1, address.line2 ?? '', address.city, address.state, address.postal_code, address.country]
    .map((part) => (part ?? '').trim().toLowerCase().replace(/\s+/g, ' '))
    .join('|');
}

/** The comparable value of each identifier a transaction has (empty and too-short values are absent). */
function comparable(identifiers: Ce3Identifiers): Partial<Record<Ce3Identifier, string>> {
  const values: Partial<Record<Ce3Identifier, string>> = {};
  const ip = identifiers.customerPurchaseIp?.trim();
  if (ip) values.customer_purchase_ip = ip.toLowerCase();
  const fingerprint = identifiers.customerDeviceFingerprint?.trim();
  if (fingerprint && fingerprint.length >= MIN_DEVICE_FINGERPRINT_LENGTH)
    values.customer_device_fingerprint = fingerprint;
  const deviceId = identifiers.customerDeviceId?.trim();
  if (deviceId && deviceId.length >= MIN_DEVICE_ID_LENGTH) values.customer_device_id = deviceId;
  const account = identifiers.customerAccountId?.trim();
  if (account) values.customer_account_id = account;
  const email = identifiers.customerEmailAddress?.trim().toLowerCase();
  if (email) values.customer_email_address = email;
  const address = normalisedAddress(identifiers.shippingAddress);
  if (address) values.shipping_address = address;
  return values;
}

/** The identifiers whose values are the same on every transaction given. */
export function sharedIdentifiers(transactions: Ce3Transaction[]): Ce3Identifier[] {
  const [first, ...rest] = transactions.map((transaction) => comparable(transaction.identifiers));
  if (!first) return [];
  return (Object.keys(first) as Ce3Identifier[]).filter((key) => rest.every((other) => other[key] === first[key]));
}

/**
 * Visa's rule: two main elements (purchase IP; device fingerprint or device id; customer account
 * id), or one main plus one secondary (shipping address; email). Fingerprint and device id both
 * name the device, so together they are one main element, not a valid pair.
 */
export function identifiersQualify(identifiers: readonly Ce3Identifier[]): boolean {
  const elements = new Set(identifiers.map((identifier) => ELEMENT_OF[identifier]));
  const main = CE3_MAIN_ELEMENTS.filter((element) => elements.has(element)).length;
  const secondary = CE3_SECONDARY_ELEMENTS.filter((element) => elements.has(element)).length;
  return main >= 2 || (main >= 1 && secondary >= 1);
}

/** Whole UTC calendar days from one Unix time to a later one. */
export function calendarDaysBetween(earlier: number, later: number): number {
  const day = (seconds: number) => Math.floor(seconds / 86_400);
  return day(later) - day(earlier);
}

/** Prior payments that can stand for CE 3.0 at all: undisputed, on the same card, 120–365 days before. */
export function ce3Candidates(disputed: Ce3Transaction, priors: Ce3Transaction[]): Ce3Transaction[] {
  return priors.filter((prior) => {
    if (prior.undisputed === false || prior.chargeId === disputed.chargeId) return false;
    if (!disputed.cardFingerprint || prior.cardFingerprint !== disputed.cardFingerprint) return false;
    const days = calendarDaysBetween(prior.created, disputed.created);
    return days >= CE3_MIN_DAYS && days <= CE3_MAX_DAYS;
  });
}

export interface VisaCe3Evidence {
  /** `evidence.enhanced_evidence.visa_compelling_evidence_3`, ready for `disputes.update`. */
  evidence: Ce3Params;
  /** The identifiers all three payments share (and the only ones sent). */
  matchedOn: Ce3Identifier[];
  priorChargeIds: [string, string];
}

function strength(identifiers: Ce3Identifier[]): [number, number] {
  const elements = new Set(identifiers.map((identifier) => ELEMENT_OF[identifier]));
  return [CE3_MAIN_ELEMENTS.filter((element) => elements.has(element)).length, elements.size];
}

function identifierParams(transaction: Ce3Transaction, matched: readonly Ce3Identifier[]) {
  const id = transaction.identifiers;
  const has = (identifier: Ce3Identifier) => matched.includes(identifier);
  return {
    ...(has('customer_purchase_ip') && id.customerPurchaseIp
      ? { customer_purchase_ip: id.customerPurchaseIp.trim() }
      : {}),
    ...(has('customer_device_fingerprint') && id.customerDeviceFingerprint
      ? { customer_device_fingerprint: id.customerDeviceFingerprint.trim() }
      : {}),
    ...(has('customer_device_id') && id.customerDeviceId ? { customer_device_id: id.customerDeviceId.trim() } : {}),
    ...(has('customer_account_id') && id.customerAccountId ? { customer_account_id: id.customerAccountId.trim() } : {}),
    ...(has('customer_email_address') && id.customerEmailAddress
      ? { customer_email_address: id.customerEmailAddress.trim() }
      : {}),
    ...(has('shipping_address') && id.shippingAddress ? { shipping_address: id.shippingAddress } : {}),
  };
}

export interface Ce3Input {
  dispute: Pick<Stripe.Dispute, 'enhanced_eligibility_types'>;
  disputed: Ce3Transaction;
  priors: Ce3Transaction[];
  /** What was sold; used for any payment without its own description. */
  productDescription: string;
  merchandiseOrServices?: 'merchandise' | 'services';
}

/**
 * Picks the two qualifying prior payments that share the strongest identifiers with the disputed
 * one (most main elements, then most elements, then the most recent), and builds the evidence.
 */
export function buildVisaCe3Evidence(input: Ce3Input): VisaCe3Evidence | null {
  if (!input.dispute.enhanced_eligibility_types?.includes('visa_compelling_evidence_3')) return null;
  const description = input.productDescription.trim();
  if (!description) return null;
  const candidates = ce3Candidates(input.disputed, input.priors).sort((a, b) => b.created - a.created);

  let best: { pair: [Ce3Transaction, Ce3Transaction]; matched: Ce3Identifier[]; score: [number, number] } | null = null;
  for (let i = 0; i < candidates.length; i++) {
    for (let j = i + 1; j < candidates.length; j++) {
      const first = candidates[i];
      const second = candidates[j];
      if (!first || !second) continue;
      const matched = sharedIdentifiers([input.disputed, first, second]);
      if (!identifiersQualify(matched)) continue;
      const score = strength(matched);
      if (!best || score[0] > best.score[0] || (score[0] === best.score[0] && score[1] > best.score[1])) {
        best = { pair: [first, second], matched, score };
      }
    }
  }
  if (!best) return null;

  const [first, second] = best.pair;
  const prior = (transaction: Ce3Transaction) => ({
    charge: transaction.chargeId,
    product_description: transaction.productDescription?.trim() || description,
    ...identifierParams(transaction, best.matched),
  });
  return {
    evidence: {
      disputed_transaction: {
        merchandise_or_services: input.merchandiseOrServices ?? 'services',
        product_description: input.disputed.productDescription?.trim() || description,
        ...identifierParams(input.disputed, best.matched),
      },
      prior_undisputed_transactions: [prior(first), prior(second)],
    },
    matchedOn: best.matched,
    priorChargeIds: [first.chargeId, second.chargeId],
  };
}

// ─── From gathered facts ─────────────────────────────────────────────────────────────────────

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);

function shippingFromData(data: Fact['data']): Stripe.AddressParam | null {
  if (!data) return null;
  const line1 = text(data.shipping_line1);
  if (!line1) return null;
  return {
    line1,
    line2: text(data.shipping_line2) ?? '',
    city: text(data.shipping_city) ?? '',
    state: text(data.shipping_state) ?? '',
    postal_code: text(data.shipping_postal_code) ?? '',
    country: text(data.shipping_country) ?? '',
  };
}

/** The checkout event that belongs to a charge: one naming it, else a checkout within a few minutes of it. */
export function purchaseEventFor(chargeId: string, createdIso: string, facts: Fact[]): Fact | null {
  const activity = facts.filter((fact) => fact.kind === 'activity');
  const named = activity.find((fact) => fact.data?.charge_id === chargeId);
  if (named) return named;
  const time = Date.parse(createdIso);
  let nearest: { fact: Fact; distance: number } | null = null;
  for (const fact of activity) {
    if (!fact.at || !/checkout|purchase|payment/i.test(String(fact.data?.event ?? ''))) continue;
    const distance = Math.abs(Date.parse(fact.at) - time);
    if (distance <= CE3_LINK_WINDOW_MS && (!nearest || distance < nearest.distance)) nearest = { fact, distance };
  }
  return nearest?.fact ?? null;
}

function transactionFromFact(
  fact: Fact,
  facts: Fact[],
  account: string | null,
  email: string | null,
): Ce3Transaction | null {
  const data = fact.data;
  const chargeId = text(data?.charge_id);
  const createdIso = text(data?.created) ?? fact.at;
  if (!data || !chargeId || !createdIso) return null;
  const event = purchaseEventFor(chargeId, createdIso, facts)?.data;
  return {
    chargeId,
    created: Math.floor(Date.parse(createdIso) / 1000),
    cardFingerprint: text(data.card_fingerprint),
    identifiers: {
      customerPurchaseIp: text(data.ip) ?? text(event?.ip),
      customerDeviceFingerprint: text(data.device_fingerprint) ?? text(event?.device_fingerprint),
      customerDeviceId: text(data.device_id) ?? text(event?.device_id),
      customerAccountId: text(data.account_id) ?? account,
      customerEmailAddress: text(data.email) ?? email,
      shippingAddress: shippingFromData(data),
    },
    productDescription: text(data.description),
  };
}

/**
 * The disputed payment and the earlier ones as CE 3.0 transactions, with identifiers from Stripe
 * (charge metadata, billing email, shipping) and from the business's checkout events and account.
 */
export function ce3TransactionsFromFacts(facts: Fact[]): { disputed: Ce3Transaction; priors: Ce3Transaction[] } | null {
  const accountFact = facts.find((fact) => fact.kind === 'account' && fact.data?.account_id);
  const account = text(accountFact?.data?.account_id);
  const customer = facts.find((fact) => fact.id === 'stripe.customer');
  const email = text(customer?.data?.email) ?? text(accountFact?.data?.email);
  const chargeFact = facts.find((fact) => fact.id === 'stripe.charge');
  if (!chargeFact) return null;
  const disputed = transactionFromFact(chargeFact, facts, account, email);
  if (!disputed) return null;
  const priors = facts
    .filter((fact) => fact.kind === 'prior_payment' && fact.data?.charge_id)
    .map((fact) => transactionFromFact(fact, facts, account, email))
    .filter((transaction): transaction is Ce3Transaction => transaction !== null);
  return { disputed, priors };
}

/** CE 3.0 evidence straight from gathered facts, or null (ineligible dispute, or no qualifying pair). */
export function visaCe3FromFacts(
  dispute: Pick<Stripe.Dispute, 'enhanced_eligibility_types'>,
  facts: Fact[],
  productDescription: string,
  merchandiseOrServices: 'merchandise' | 'services' = 'services',
): VisaCe3Evidence | null {
  if (!dispute.enhanced_eligibility_types?.includes('visa_compelling_evidence_3')) return null;
  const transactions = ce3TransactionsFromFacts(facts);
  if (!transactions) return null;
  return buildVisaCe3Evidence({ dispute, ...transactions, productDescription, merchandiseOrServices });
}
