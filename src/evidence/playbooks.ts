import { formatIsoDate } from '../dates.js';
import {
  type Evidence,
  type EvidenceFileField,
  type EvidenceTextField,
  textLimitOf,
} from '../dispute/evidence-fields.js';
import { type PlaybookReason, playbookReason } from '../dispute/reasons.js';
import { purchaseEventFor, visaCe3FromFacts } from './ce3.js';
import type { EvidenceConfig, PolicyName } from './config.js';
import { formatAmount } from './sources/format.js';
import { formatWhen } from './sources/rows.js';
import type { Fact } from './types.js';

/**
 * Playbooks: for each dispute reason, which Stripe evidence fields to fill and from which facts,
 * which files to attach, and what evidence issuers look for (strongest first). Built from
 * Stripe's dispute-categories guidance for digital products. Pure: facts in, a plan out.
 */

/** The text fields a playbook knows how to fill from facts (Stripe has more: shipping, uncategorized_text…). */
export const PLAYBOOK_TEXT_FIELDS = [
  'customer_name',
  'customer_email_address',
  'customer_purchase_ip',
  'billing_address',
  'access_activity_log',
  'product_description',
  'service_date',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'duplicate_charge_id',
  'duplicate_charge_explanation',
] as const satisfies readonly EvidenceTextField[];
export type PlaybookTextField = (typeof PLAYBOOK_TEXT_FIELDS)[number];

/** The file fields a playbook asks the packet to fill (not customer_signature or shipping_documentation). */
export const PLAYBOOK_FILE_FIELDS = [
  'service_documentation',
  'receipt',
  'refund_policy',
  'cancellation_policy',
  'customer_communication',
  'duplicate_charge_documentation',
  'uncategorized_file',
] as const satisfies readonly EvidenceFileField[];
export type PlaybookFileField = (typeof PLAYBOOK_FILE_FIELDS)[number];

export type TextFields = Partial<Pick<Evidence, PlaybookTextField>>;

/** Lines in the activity log; a few hundred timestamped sessions say all a reviewer will read. */
export const MAX_ACTIVITY_LOG_LINES = 200;
/** How close an unlabelled event must be to the charge to stand for the purchase IP. */
export const PURCHASE_IP_WINDOW_MS = 30 * 60_000;

export const STRATEGIES = {
  authorised_by_cardholder:
    'The cardholder made this purchase: identity and payment checks match, and the account that paid kept using the service afterwards from the same IP addresses and devices, with earlier undisputed payments on the same card.',
  delivered_and_used:
    'The service was delivered: the customer received it immediately and used it after paying, as the activity log and the delivered work show.',
  as_described:
    'The service was as described at purchase and was used; the refund policy the customer accepted was applied.',
  not_cancelled_before_charge:
    'The subscription was not cancelled before this charge: the cancellation policy was shown at checkout and the customer kept using the service after the charge.',
  no_credit_due:
    'No refund or credit is owed under the refund and cancellation policies the customer accepted, and the service was used; any refund already issued is shown.',
  separate_charges: 'The charges are separate purchases for separate periods or items, not one purchase billed twice.',
  service_provided:
    'The customer bought and received the service, as the receipt, the activity log and the communication show.',
} as const;
export type Strategy = keyof typeof STRATEGIES;

export const EVIDENCE_ITEMS = {
  visa_ce3: 'Visa CE 3.0: two earlier undisputed payments on the same card with matching identifiers',
  three_d_secure: '3-D Secure authentication (liability shift to the issuer)',
  post_payment_activity: 'Logins or use after the payment, with IP addresses and times',
  deliverables: 'What was delivered to the customer (the designs or files produced)',
  purchase_ip: 'The IP address the purchase was made from',
  prior_payments: 'Earlier undisputed payments by the same customer',
  card_checks: 'CVC or address verification passed',
  customer_identity: "The customer's name and email address",
  account_history: 'An account that existed before the disputed payment',
  policy_acceptance: 'The customer accepted the terms and policies',
  refund_policy: 'The refund policy and where it was shown before purchase',
  cancellation_policy: 'The cancellation policy and where it was shown before purchase',
  no_cancellation_before_charge: 'No cancellation before the charge',
  customer_communication: 'Conversation with the customer',
  receipt: 'The receipt or invoice for the payment',
  distinct_charge: 'The other charge, shown to be a separate purchase',
  refund_issued: 'The refund already issued',
  product_description: 'What was sold, as described at purchase',
} as const;
export type EvidenceItem = keyof typeof EVIDENCE_ITEMS;

interface ItemRule {
  id: EvidenceItem;
  /** Ordinal strength for this reason (0–1), from Stripe's guidance; measured effectiveness replaces it. */
  weight: number;
  /** The case stands on these: without any of them there is nothing to argue. */
  core?: boolean;
  /** Listed only when found: evidence that cannot be added after the payment (3-D Secure, a refund). */
  onlyWhenFound?: boolean;
}

interface ReasonPlan {
  strategy: Strategy;
  text: PlaybookTextField[];
  files: PlaybookFileField[];
  items: ItemRule[];
}

const FRAUD_PLAN: ReasonPlan = {
  strategy: 'authorised_by_cardholder',
  text: [
    'customer_name',
    'customer_email_address',
    'customer_purchase_ip',
    'billing_address',
    'access_activity_log',
    'product_description',
    'service_date',
  ],
  files: ['service_documentation', 'receipt', 'uncategorized_file', 'customer_communication'],
  items: [
    { id: 'visa_ce3', weight: 0.95 },
    { id: 'three_d_secure', weight: 0.9, onlyWhenFound: true },
    { id: 'post_payment_activity', weight: 0.85, core: true },
    { id: 'purchase_ip', weight: 0.75, core: true },
    { id: 'deliverables', weight: 0.7, core: true },
    { id: 'prior_payments', weight: 0.65 },
    { id: 'card_checks', weight: 0.5 },
    { id: 'customer_identity', weight: 0.45 },
    { id: 'account_history', weight: 0.4 },
    { id: 'policy_acceptance', weight: 0.3 },
    { id: 'receipt', weight: 0.25 },
    { id: 'customer_communication', weight: 0.2 },
  ],
};

export const PLAYBOOKS: Record<PlaybookReason, ReasonPlan> = {
  fraudulent: FRAUD_PLAN,
  unrecognized: FRAUD_PLAN,
  product_not_received: {
    strategy: 'delivered_and_used',
    text: [
      'customer_name',
      'customer_email_address',
      'customer_purchase_ip',
      'access_activity_log',
      'product_description',
      'service_date',
    ],
    files: ['service_documentation', 'customer_communication', 'receipt'],
    items: [
      { id: 'deliverables', weight: 0.9, core: true },
      { id: 'post_payment_activity', weight: 0.85, core: true },
      { id: 'customer_communication', weight: 0.6 },
      { id: 'purchase_ip', weight: 0.4 },
      { id: 'customer_identity', weight: 0.35 },
      { id: 'product_description', weight: 0.3 },
      { id: 'receipt', weight: 0.3 },
      { id: 'policy_acceptance', weight: 0.25 },
    ],
  },
  product_unacceptable: {
    strategy: 'as_described',
    text: [
      'product_description',
      'access_activity_log',
      'refund_policy_disclosure',
      'refund_refusal_explanation',
      'service_date',
      'customer_name',
      'customer_email_address',
    ],
    files: ['service_documentation', 'refund_policy', 'customer_communication', 'receipt'],
    items: [
      { id: 'product_description', weight: 0.8, core: true },
      { id: 'deliverables', weight: 0.75, core: true },
      { id: 'post_payment_activity', weight: 0.7, core: true },
      { id: 'refund_policy', weight: 0.65 },
      { id: 'customer_communication', weight: 0.6 },
      { id: 'policy_acceptance', weight: 0.45 },
      { id: 'receipt', weight: 0.25 },
    ],
  },
  subscription_canceled: {
    strategy: 'not_cancelled_before_charge',
    text: [
      'cancellation_policy_disclosure',
      'cancellation_rebuttal',
      'access_activity_log',
      'product_description',
      'service_date',
      'customer_name',
      'customer_email_address',
    ],
    files: ['cancellation_policy', 'customer_communication', 'service_documentation', 'receipt'],
    items: [
      { id: 'no_cancellation_before_charge', weight: 0.9, core: true },
      { id: 'post_payment_activity', weight: 0.85, core: true },
      { id: 'cancellation_policy', weight: 0.75 },
      { id: 'policy_acceptance', weight: 0.6 },
      { id: 'customer_communication', weight: 0.55 },
      { id: 'deliverables', weight: 0.4 },
      { id: 'receipt', weight: 0.35 },
    ],
  },
  credit_not_processed: {
    strategy: 'no_credit_due',
    text: [
      'refund_policy_disclosure',
      'refund_refusal_explanation',
      'cancellation_policy_disclosure',
      'cancellation_rebuttal',
      'access_activity_log',
      'product_description',
      'customer_name',
      'customer_email_address',
    ],
    files: [
      'refund_policy',
      'cancellation_policy',
      'customer_communication',
      'service_documentation',
      'uncategorized_file',
      'receipt',
    ],
    items: [
      { id: 'refund_issued', weight: 0.95, onlyWhenFound: true },
      { id: 'refund_policy', weight: 0.8, core: true },
      { id: 'post_payment_activity', weight: 0.65, core: true },
      { id: 'policy_acceptance', weight: 0.6 },
      { id: 'customer_communication', weight: 0.6 },
      { id: 'cancellation_policy', weight: 0.5 },
      { id: 'deliverables', weight: 0.5 },
      { id: 'receipt', weight: 0.3 },
    ],
  },
  duplicate: {
    strategy: 'separate_charges',
    text: [
      'duplicate_charge_id',
      'duplicate_charge_explanation',
      'product_description',
      'service_date',
      'customer_name',
      'customer_email_address',
    ],
    files: ['duplicate_charge_documentation', 'receipt', 'customer_communication'],
    items: [
      { id: 'distinct_charge', weight: 0.95, core: true },
      { id: 'receipt', weight: 0.7 },
      { id: 'customer_communication', weight: 0.4 },
      { id: 'post_payment_activity', weight: 0.3 },
    ],
  },
  general: {
    strategy: 'service_provided',
    text: [
      'product_description',
      'access_activity_log',
      'service_date',
      'customer_name',
      'customer_email_address',
      'customer_purchase_ip',
      'refund_policy_disclosure',
    ],
    files: ['service_documentation', 'receipt', 'customer_communication', 'refund_policy'],
    items: [
      { id: 'post_payment_activity', weight: 0.8, core: true },
      { id: 'deliverables', weight: 0.7, core: true },
      { id: 'customer_communication', weight: 0.6 },
      { id: 'receipt', weight: 0.5 },
      { id: 'product_description', weight: 0.45 },
      { id: 'policy_acceptance', weight: 0.4 },
      { id: 'refund_policy', weight: 0.35 },
      { id: 'customer_identity', weight: 0.3 },
    ],
  },
};

export interface ChecklistItem {
  id: EvidenceItem;
  item: string;
  found: boolean;
  /** The weight the order was made from: the playbook's, or measured effectiveness when given. */
  weight: number;
  core: boolean;
}

export interface FileFieldPlan {
  field: PlaybookFileField;
  title: string;
  /** The facts the file shows, in time order. */
  factIds: string[];
  /** Images and documents that belong in it (deliverable images). */
  artefactIds: string[];
}

export interface PlaybookResult {
  reason: PlaybookReason;
  strategy: Strategy;
  textFields: TextFields;
  /** The facts each field was made from, so every field traces back to numbered facts. */
  fieldFacts: Partial<Record<PlaybookTextField | PlaybookFileField, string[]>>;
  fileFields: FileFieldPlan[];
  checklist: ChecklistItem[];
}

export interface PlaybookOptions {
  /**
   * Measured effectiveness per evidence item for this reason (e.g. win rate with it, from
   * `stats`); when given, the checklist is ordered by it instead of the playbook's weights.
   */
  effectiveness?: Partial<Record<EvidenceItem, number>>;
}

// ─── Reading the facts ───────────────────────────────────────────────────────────────────────

const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);
const time = (fact: Fact): number => (fact.at ? Date.parse(fact.at) : Number.NaN);
const byTime = (a: Fact, b: Fact) => (a.at ?? '').localeCompare(b.at ?? '');

/** Everything a playbook asks of the facts, read once. */
class CaseFacts {
  readonly byId: Map<string, Fact>;
  readonly charge: Fact | undefined;
  readonly chargeId: string | null;
  readonly chargeAt: number;
  readonly dispute: Fact | undefined;

  constructor(readonly facts: Fact[]) {
    this.byId = new Map(facts.map((fact) => [fact.id, fact]));
    this.charge = this.byId.get('stripe.charge');
    this.dispute = this.byId.get('stripe.dispute');
    this.chargeId = str(this.charge?.data?.charge_id);
    const at = this.charge?.at ?? null;
    this.chargeAt = at ? Date.parse(at) : Number.NaN;
  }

  kind(kind: Fact['kind']): Fact[] {
    return this.facts.filter((fact) => fact.kind === kind).sort(byTime);
  }

  /** Use after the payment: activity at or after the charge, not the checkout that made it. */
  activityAfterPayment(): Fact[] {
    return this.kind('activity').filter(
      (fact) =>
        (Number.isNaN(this.chargeAt) || time(fact) >= this.chargeAt) &&
        !(this.chargeId && fact.data?.charge_id === this.chargeId),
    );
  }

  activityBeforePayment(): Fact[] {
    if (Number.isNaN(this.chargeAt)) return [];
    return this.kind('activity').filter((fact) => time(fact) < this.chargeAt);
  }

  deliverables(): Fact[] {
    return this.kind('deliverable');
  }

  customerName(): { value: string; factId: string } | null {
    const candidates: [string, unknown][] = [
      ['stripe.charge.billing', this.byId.get('stripe.charge.billing')?.data?.name],
      ['stripe.customer.name', this.byId.get('stripe.customer.name')?.data?.name],
      ...this.facts
        .filter((fact) => fact.id.endsWith('.account.name'))
        .map((fact): [string, unknown] => [fact.id, fact.data?.name]),
    ];
    for (const [factId, value] of candidates) {
      const name = str(value);
      if (name) return { value: name, factId };
    }
    return null;
  }

  customerEmail(): { value: string; factId: string } | null {
    const candidates: [string, unknown][] = [
      ['stripe.charge', this.charge?.data?.email],
      ['stripe.customer', this.byId.get('stripe.customer')?.data?.email],
      ...this.kind('account').map((fact): [string, unknown] => [fact.id, fact.data?.email]),
    ];
    for (const [factId, value] of candidates) {
      const email = str(value);
      if (email) return { value: email, factId };
    }
    return null;
  }

  /** The purchase IP: recorded with the payment, or the checkout event that made it, or activity minutes from it. */
  purchaseIp(): { value: string; factId: string } | null {
    const recorded = str(this.charge?.data?.ip);
    if (recorded)
      return {
        value: recorded,
        factId: this.byId.has('stripe.charge.purchase_ip') ? 'stripe.charge.purchase_ip' : 'stripe.charge',
      };
    if (!this.chargeId || !this.charge?.at) return null;
    const checkout = purchaseEventFor(this.chargeId, this.charge.at, this.facts);
    const checkoutIp = str(checkout?.data?.ip);
    if (checkout && checkoutIp) return { value: checkoutIp, factId: checkout.id };
    let nearest: { fact: Fact; ip: string; distance: number } | null = null;
    for (const fact of this.kind('activity')) {
      const ip = str(fact.data?.ip);
      const distance = Math.abs(time(fact) - this.chargeAt);
      if (ip && distance <= PURCHASE_IP_WINDOW_MS && (!nearest || distance < nearest.distance))
        nearest = { fact, ip, distance };
    }
    return nearest ? { value: nearest.ip, factId: nearest.fact.id } : null;
  }

  policy(name: PolicyName): Fact | undefined {
    return this.byId.get(`config.policy.${name}`);
  }

  /** The customer's acceptance of a policy (or of the terms that include it), the first before the charge. */
  acceptanceOf(name: PolicyName): Fact | undefined {
    const acceptances = this.kind('policy_acceptance');
    const matches = (fact: Fact, wanted: string) =>
      String(fact.data?.policy ?? '')
        .toLowerCase()
        .includes(wanted);
    const beforeCharge = (fact: Fact) => Number.isNaN(this.chargeAt) || time(fact) <= this.chargeAt;
    return (
      acceptances.find((fact) => matches(fact, name) && beforeCharge(fact)) ??
      acceptances.find((fact) => matches(fact, 'terms') && beforeCharge(fact)) ??
      acceptances.find((fact) => matches(fact, name))
    );
  }

  subscription(): Fact | undefined {
    return this.byId.get('stripe.subscription');
  }

  /** A cancellation requested before this charge: the customer is right, and the issuer can see it. */
  cancelledBeforeCharge(): boolean {
    const canceledAt = str(this.subscription()?.data?.canceled_at);
    return Boolean(canceledAt && !Number.isNaN(this.chargeAt) && Date.parse(canceledAt) < this.chargeAt);
  }

  invoices(): Fact[] {
    return this.kind('invoice');
  }

  priorPayments(): Fact[] {
    return this.kind('prior_payment').filter((fact) => str(fact.data?.charge_id));
  }

  refundsIssued(): Fact[] {
    return this.kind('refund').filter((fact) => fact.data?.status !== 'failed' && fact.data?.status !== 'canceled');
  }

  /** The earlier charge a "duplicate" claim most likely points at: same amount, nearest in time. */
  duplicateCandidate(): Fact | null {
    const amount = this.charge?.data?.amount;
    const priors = this.priorPayments().filter((fact) => fact.data?.amount === amount);
    const sorted = priors.sort((a, b) => Math.abs(time(a) - this.chargeAt) - Math.abs(time(b) - this.chargeAt));
    return sorted[0] ?? null;
  }
}

// ─── Building the fields ─────────────────────────────────────────────────────────────────────

interface Built {
  text: string;
  factIds: string[];
}

function accessActivityLog(c: CaseFacts, businessName: string): Built | null {
  let after = c.activityAfterPayment();
  let what = 'activity';
  if (after.length === 0) {
    after = c.deliverables().filter((fact) => Number.isNaN(c.chargeAt) || time(fact) >= c.chargeAt);
    what = 'deliverables';
  }
  if (after.length === 0) return null;
  const chargeDate = c.charge?.at ? formatIsoDate(c.charge.at) : null;
  const lines = [
    `${businessName} account ${what} after the payment${chargeDate ? ` of ${chargeDate}` : ''} (times in UTC):`,
  ];
  const shown = after.slice(0, MAX_ACTIVITY_LOG_LINES);
  for (const fact of shown) {
    if (what === 'deliverables') {
      lines.push(`${fact.at ? formatWhen(fact.at) : ''} — delivered ${str(fact.data?.title) ?? 'a deliverable'}`);
      continue;
    }
    const data = fact.data ?? {};
    const agent = str(data.user_agent);
    const parts = [
      str(data.event) ?? 'activity',
      str(data.ip) ? `from IP ${data.ip}` : null,
      (str(data.device_id) ?? str(data.device_fingerprint))
        ? `device ${str(data.device_id) ?? str(data.device_fingerprint)}`
        : null,
      agent ? `(${agent.length > 80 ? `${agent.slice(0, 80)}…` : agent})` : null,
    ].filter(Boolean);
    lines.push(`${fact.at ? formatWhen(fact.at) : ''} — ${parts.join(' ')}`);
  }
  if (after.length > shown.length) lines.push(`… and ${after.length - shown.length} more events.`);
  const ips = [...new Set(after.map((fact) => str(fact.data?.ip)).filter((ip): ip is string => Boolean(ip)))];
  const first = after[0]?.at;
  const last = after.at(-1)?.at;
  if (first && last) {
    lines.push(
      `Summary: ${after.length} event${after.length === 1 ? '' : 's'} between ${formatWhen(first)} and ${formatWhen(last)}` +
        `${ips.length ? ` from ${ips.length} IP address${ips.length === 1 ? '' : 'es'} (${ips.slice(0, 5).join(', ')})` : ''}.`,
    );
  }
  const before = c.activityBeforePayment();
  const sameIpBefore = before.filter((fact) => ips.includes(str(fact.data?.ip) ?? ''));
  const firstBefore = sameIpBefore[0]?.at;
  if (sameIpBefore.length > 0 && firstBefore) {
    lines.push(
      `Before the payment the same IP address${ips.length === 1 ? ' was' : 'es were'} used for ${sameIpBefore.length} earlier event${sameIpBefore.length === 1 ? '' : 's'} on this account, the first on ${formatIsoDate(firstBefore)}.`,
    );
  }
  return { text: lines.join('\n'), factIds: [...shown, ...sameIpBefore].map((fact) => fact.id) };
}

function productDescription(c: CaseFacts, config: EvidenceConfig): Built {
  const description = c.charge?.data?.description;
  const text = [
    config.business.product_description.trim(),
    str(description) ? `The payment was for: ${str(description)}.` : null,
    `Website: ${config.business.website}. Support: ${config.business.support_email}.`,
  ]
    .filter(Boolean)
    .join('\n');
  return {
    text,
    factIds: ['config.product', ...(str(description) ? ['stripe.charge'] : [])].filter((id) => c.byId.has(id)),
  };
}

function serviceDate(c: CaseFacts): Built | null {
  const invoice = c.invoices()[0];
  const start = str(invoice?.data?.period_start);
  const end = str(invoice?.data?.period_end);
  if (invoice && start && end) {
    return {
      text: `${formatIsoDate(start)} to ${formatIsoDate(end)} (the billing period this payment covers)`,
      factIds: [invoice.id],
    };
  }
  if (c.charge?.at) return { text: formatIsoDate(c.charge.at), factIds: [c.charge.id] };
  return null;
}

/** Where a policy was shown, as a phrase that follows "shown to the customer". */
const PLACES: Record<string, string> = {
  checkout_page: 'on the checkout page',
  signup_page: 'on the sign-up page',
  in_app: 'in the app',
  email: 'by email',
  receipt: 'on the receipt',
  terms_link: 'through the terms link',
  website: 'on the website',
};

const place = (value: string): string => PLACES[value] ?? `on the ${value.replaceAll('_', ' ')}`;

function policyDisclosure(c: CaseFacts, name: PolicyName, title: string): Built | null {
  const policy = c.policy(name);
  if (!policy) return null;
  const places = String(policy.data?.shown_at ?? '')
    .split(',')
    .filter(Boolean)
    .map(place);
  const url = str(policy.data?.url);
  const effective = str(policy.data?.effective);
  const acceptance = c.acceptanceOf(name);
  const sentences = [
    `The ${title} was shown to the customer ${places.length ? places.join(', ') : 'before purchase'}` +
      `${url ? ` and is published at ${url}` : ''}${effective ? ` (in effect since ${effective})` : ''}.`,
  ];
  if (acceptance?.at) {
    const version = str(acceptance.data?.version);
    const shownAt = str(acceptance.data?.shown_at);
    const ip = str(acceptance.data?.ip);
    sentences.push(
      `The customer accepted the ${String(acceptance.data?.policy ?? name)} policy${version ? ` (version ${version})` : ''}` +
        ` on ${formatWhen(acceptance.at)}${shownAt ? ` ${place(shownAt)}` : ''}${ip ? ` from IP ${ip}` : ''}.`,
    );
  }
  return { text: sentences.join(' '), factIds: [policy.id, ...(acceptance ? [acceptance.id] : [])] };
}

function usageSentence(c: CaseFacts): Built | null {
  const after = c.activityAfterPayment();
  const delivered = c.deliverables().filter((fact) => Number.isNaN(c.chargeAt) || time(fact) >= c.chargeAt);
  if (after.length === 0 && delivered.length === 0) return null;
  const last = [...after, ...delivered].sort(byTime).at(-1)?.at;
  const parts = [
    after.length ? `${after.length} recorded session${after.length === 1 ? '' : 's'} or actions` : null,
    delivered.length ? `${delivered.length} deliverable${delivered.length === 1 ? '' : 's'} produced` : null,
  ].filter(Boolean);
  return {
    text: `After the payment the customer kept using the service: ${parts.join(' and ')}${last ? `, the last on ${formatWhen(last)}` : ''}.`,
    factIds: [...after, ...delivered].map((fact) => fact.id),
  };
}

function cancellationRebuttal(c: CaseFacts): Built | null {
  // A cancellation before the charge concedes the case; nothing here may argue otherwise.
  if (c.cancelledBeforeCharge()) return null;
  const subscription = c.subscription();
  const usage = usageSentence(c);
  const sentences: string[] = [];
  const factIds: string[] = [];
  if (subscription && c.charge?.at) {
    const canceledAt = str(subscription.data?.canceled_at);
    const periodEnd = str(subscription.data?.current_period_end);
    sentences.push(
      `Subscription ${String(subscription.data?.subscription_id)} had no cancellation request before this charge on ${formatWhen(c.charge.at)}` +
        `${canceledAt ? `; the customer asked to cancel on ${formatWhen(canceledAt)}, after the charge${periodEnd ? `, and kept access until ${formatIsoDate(periodEnd)}` : ''}` : ''}.`,
    );
    factIds.push(subscription.id, c.charge.id);
  }
  if (usage) {
    sentences.push(usage.text);
    factIds.push(...usage.factIds);
  }
  const policy = c.policy('cancellation');
  if (policy && sentences.length > 0) {
    sentences.push('The cancellation policy shown before purchase explains how to cancel before a renewal.');
    factIds.push(policy.id);
  }
  return sentences.length > 0 ? { text: sentences.join(' '), factIds } : null;
}

function refundRefusal(c: CaseFacts): Built | null {
  const sentences: string[] = [];
  const factIds: string[] = [];
  const policy = c.policy('refund');
  if (policy) {
    const acceptance = c.acceptanceOf('refund');
    sentences.push(
      `Refunds are governed by the refund policy shown before purchase${acceptance?.at ? `, which the customer accepted on ${formatIsoDate(acceptance.at)}` : ''}.`,
    );
    factIds.push(policy.id, ...(acceptance ? [acceptance.id] : []));
  }
  const usage = usageSentence(c);
  if (usage) {
    sentences.push(usage.text);
    factIds.push(...usage.factIds);
  }
  for (const refund of c.refundsIssued()) {
    const amount = refund.data?.amount;
    const currency = str(refund.data?.currency);
    if (typeof amount === 'number' && currency && refund.at) {
      sentences.push(`A refund of ${formatAmount(amount, currency)} was issued on ${formatIsoDate(refund.at)}.`);
      factIds.push(refund.id);
    }
  }
  const contact = c.kind('communication').find((fact) => fact.data?.direction === 'inbound');
  if (contact?.at) {
    sentences.push(`The customer contacted support on ${formatIsoDate(contact.at)}; the conversation is attached.`);
    factIds.push(contact.id);
  }
  return sentences.length > 0 ? { text: sentences.join(' '), factIds } : null;
}

/** The other charge and why it is not a duplicate; null when the two are too alike to say so. */
function duplicateExplanation(c: CaseFacts): { id: string; explanation: Built } | null {
  const other = c.duplicateCandidate();
  const charge = c.charge;
  const otherId = str(other?.data?.charge_id);
  if (!other || !otherId || !charge?.at || !other.at) return null;
  const days = Math.abs(Date.parse(charge.at) - Date.parse(other.at)) / 86_400_000;
  const invoice = c.invoices()[0];
  // Two equal charges within a day and no invoice telling them apart may well be a real duplicate.
  if (days < 1 && !invoice) return null;
  const amount = charge.data?.amount;
  const currency = str(charge.data?.currency);
  const money = typeof amount === 'number' && currency ? ` of ${formatAmount(amount, currency)}` : '';
  const sentences = [
    `The disputed charge ${c.chargeId}${money} on ${formatWhen(charge.at)} and charge ${otherId} on ${formatWhen(other.at)} are separate payments, made ${Math.round(days)} day${Math.round(days) === 1 ? '' : 's'} apart.`,
  ];
  const factIds = [charge.id, other.id];
  const start = str(invoice?.data?.period_start);
  const end = str(invoice?.data?.period_end);
  if (invoice && start && end) {
    sentences.push(
      `The disputed charge paid invoice ${String(invoice.data?.number ?? invoice.data?.invoice_id)} for the period ${formatIsoDate(start)} to ${formatIsoDate(end)}, a period the other charge did not cover.`,
    );
    factIds.push(invoice.id);
  }
  return { id: otherId, explanation: { text: sentences.join(' '), factIds } };
}

function cap(field: PlaybookTextField, text: string): string {
  const max = textLimitOf(field);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function buildTextField(field: PlaybookTextField, c: CaseFacts, config: EvidenceConfig): Built | null {
  switch (field) {
    case 'customer_name': {
      const name = c.customerName();
      return name ? { text: name.value, factIds: [name.factId] } : null;
    }
    case 'customer_email_address': {
      const email = c.customerEmail();
      return email ? { text: email.value, factIds: [email.factId] } : null;
    }
    case 'customer_purchase_ip': {
      const ip = c.purchaseIp();
      return ip ? { text: ip.value, factIds: [ip.factId] } : null;
    }
    case 'billing_address': {
      const billing = c.byId.get('stripe.charge.billing');
      const address = str(billing?.data?.address);
      return billing && address ? { text: address, factIds: [billing.id] } : null;
    }
    case 'access_activity_log':
      return accessActivityLog(c, config.business.name);
    case 'product_description':
      return productDescription(c, config);
    case 'service_date':
      return serviceDate(c);
    case 'cancellation_policy_disclosure':
      return policyDisclosure(c, 'cancellation', 'cancellation policy');
    case 'cancellation_rebuttal':
      return cancellationRebuttal(c);
    case 'refund_policy_disclosure':
      return policyDisclosure(c, 'refund', 'refund policy');
    case 'refund_refusal_explanation':
      return refundRefusal(c);
    case 'duplicate_charge_id': {
      const duplicate = duplicateExplanation(c);
      return duplicate ? { text: duplicate.id, factIds: duplicate.explanation.factIds.slice(1, 2) } : null;
    }
    case 'duplicate_charge_explanation':
      return duplicateExplanation(c)?.explanation ?? null;
  }
}

// ─── Files ───────────────────────────────────────────────────────────────────────────────────

const FILE_TITLES: Record<PlaybookFileField, string> = {
  service_documentation: 'Service documentation: timeline, account activity and what was delivered',
  receipt: 'Receipt and invoice',
  refund_policy: 'Refund policy and its acceptance',
  cancellation_policy: 'Cancellation policy and its acceptance',
  customer_communication: 'Communication with the customer',
  duplicate_charge_documentation: 'The two charges, documented separately',
  uncategorized_file: 'Payment verification and payment history',
};

function fileFacts(field: PlaybookFileField, c: CaseFacts, reason: PlaybookReason): Fact[] {
  const ids = (...wanted: string[]) => wanted.map((id) => c.byId.get(id)).filter((fact): fact is Fact => Boolean(fact));
  switch (field) {
    case 'service_documentation':
      return [
        ...ids('config.product', 'stripe.charge', 'stripe.subscription'),
        ...c.kind('policy_acceptance'),
        ...c.kind('activity'),
        ...c.deliverables(),
      ];
    case 'receipt':
      return [
        ...ids('stripe.charge', 'stripe.charge.receipt', 'stripe.charge.card', 'stripe.charge.billing'),
        ...c.invoices(),
      ];
    case 'refund_policy': {
      const acceptance = c.acceptanceOf('refund');
      return c.policy('refund') ? [...ids('config.policy.refund'), ...(acceptance ? [acceptance] : [])] : [];
    }
    case 'cancellation_policy': {
      const acceptance = c.acceptanceOf('cancellation');
      return c.policy('cancellation')
        ? [...ids('config.policy.cancellation'), ...(acceptance ? [acceptance] : [])]
        : [];
    }
    case 'customer_communication':
      return c.kind('communication');
    case 'duplicate_charge_documentation': {
      const other = c.duplicateCandidate();
      return other && duplicateExplanation(c)
        ? [...ids('stripe.charge', 'stripe.charge.receipt'), ...c.invoices(), other]
        : [];
    }
    case 'uncategorized_file':
      // For a credit claim the only uncategorised evidence is a refund already made (Stripe's guidance).
      if (reason === 'credit_not_processed') return c.refundsIssued();
      return [
        ...c.kind('payment_check'),
        ...ids('stripe.customer', 'stripe.prior.summary'),
        ...c.priorPayments(),
        ...c.kind('refund'),
      ];
  }
}

// ─── The checklist ───────────────────────────────────────────────────────────────────────────

function isFound(item: EvidenceItem, c: CaseFacts, textFields: TextFields): boolean {
  switch (item) {
    case 'visa_ce3': {
      const eligible = c.dispute?.data?.ce3_eligible === true;
      const product =
        str(c.byId.get('config.product')?.data?.product_description) ?? str(c.charge?.data?.description) ?? '';
      return (
        eligible &&
        visaCe3FromFacts({ enhanced_eligibility_types: ['visa_compelling_evidence_3'] }, c.facts, product) !== null
      );
    }
    case 'three_d_secure':
      return c.byId.get('stripe.charge.3ds')?.data?.liability_shift === true;
    case 'post_payment_activity':
      return c.activityAfterPayment().length > 0;
    case 'deliverables':
      return c.deliverables().length > 0;
    case 'purchase_ip':
      return c.purchaseIp() !== null;
    case 'prior_payments':
      return c.priorPayments().length > 0;
    case 'card_checks': {
      const cvc = c.byId.get('stripe.charge.cvc')?.data?.cvc_check;
      const avs = c.byId.get('stripe.charge.avs')?.data;
      return cvc === 'pass' || avs?.address_line1_check === 'pass' || avs?.address_postal_code_check === 'pass';
    }
    case 'customer_identity':
      return c.customerName() !== null && c.customerEmail() !== null;
    case 'account_history': {
      const created = [
        str(c.byId.get('stripe.customer')?.data?.created),
        ...c.kind('account').map((fact) => str(fact.data?.created_at)),
      ].filter((at): at is string => Boolean(at));
      return created.some((at) => !Number.isNaN(c.chargeAt) && Date.parse(at) < c.chargeAt - 86_400_000);
    }
    case 'policy_acceptance':
      return c.kind('policy_acceptance').length > 0;
    case 'refund_policy':
      return c.policy('refund') !== undefined;
    case 'cancellation_policy':
      return c.policy('cancellation') !== undefined;
    case 'no_cancellation_before_charge':
      return c.subscription() !== undefined && !c.cancelledBeforeCharge();
    case 'customer_communication':
      return c.kind('communication').length > 0;
    case 'receipt':
      return c.byId.has('stripe.charge.receipt') || c.invoices().length > 0;
    case 'distinct_charge':
      return Boolean(textFields.duplicate_charge_id && textFields.duplicate_charge_explanation);
    case 'refund_issued':
      return c.refundsIssued().length > 0;
    case 'product_description':
      return c.byId.has('config.product');
  }
}

/**
 * The playbook for one dispute: the Stripe text fields filled from facts, the files wanted, the
 * evidence checklist (strongest first, or by measured effectiveness when given) and the strategy.
 */
export function applyPlaybook(
  reason: string,
  facts: Fact[],
  config: EvidenceConfig,
  options: PlaybookOptions = {},
): PlaybookResult {
  const playbook = playbookReason(reason);
  const plan = PLAYBOOKS[playbook];
  const c = new CaseFacts(facts);

  const textFields: TextFields = {};
  const fieldFacts: PlaybookResult['fieldFacts'] = {};
  for (const field of plan.text) {
    const built = buildTextField(field, c, config);
    if (!built?.text.trim()) continue;
    textFields[field] = cap(field, built.text);
    fieldFacts[field] = [...new Set(built.factIds)];
  }

  const fileFields: FileFieldPlan[] = [];
  for (const field of plan.files) {
    const shown = fileFacts(field, c, playbook);
    if (shown.length === 0) continue;
    const factIds = [...new Set(shown.map((fact) => fact.id))];
    const artefactIds = [
      ...new Set(shown.map((fact) => str(fact.data?.artefact_id)).filter((id): id is string => Boolean(id))),
    ];
    fileFields.push({ field, title: FILE_TITLES[field], factIds, artefactIds });
    fieldFacts[field] = factIds;
  }

  // CE 3.0 is only worth listing (as found or missing) when Stripe marked the dispute eligible.
  const eligibleForCe3 = c.dispute?.data?.ce3_eligible === true;
  const checklist: ChecklistItem[] = [];
  for (const rule of plan.items) {
    if (rule.id === 'visa_ce3' && !eligibleForCe3) continue;
    const found = isFound(rule.id, c, textFields);
    if (rule.onlyWhenFound && !found) continue;
    checklist.push({
      id: rule.id,
      item: EVIDENCE_ITEMS[rule.id],
      found,
      weight: options.effectiveness?.[rule.id] ?? rule.weight,
      core: rule.core ?? false,
    });
  }
  // Array.prototype.sort is stable: equal weights keep the playbook's order.
  checklist.sort((a, b) => b.weight - a.weight);

  return { reason: playbook, strategy: plan.strategy, textFields, fieldFacts, fileFields, checklist };
}
