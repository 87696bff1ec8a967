import { playbookReason } from '../../dispute/reasons.js';
import { formatMoney } from '../../money.js';
import { type ActivitySummary, isActivitySummary, summariseActivity } from '../activity-summary.js';
import { type Ce3Identifier, visaCe3FromFacts } from '../ce3.js';
import type { Fact } from '../types.js';
import { CaseFacts, str, time } from './case-facts.js';
import { MANDATE } from './checklist.js';
import { type EvidenceItem, PLAYBOOKS, type Strategy } from './plans.js';
import { duplicateExplanation } from './text-fields.js';

/**
 * The strongest points of a case, for the cover page of the service documentation and the opening of the rebuttal:
 * the business's answer in one sentence, then one line per evidence item the facts hold, in the order the playbook
 * ranks the items for the reason (or measured effectiveness, when the product has the history: the checklist's order).
 * Each line is built from the facts that make it true, names them (`cites`), and says where its proof is (`proof`),
 * so the packet can give the page and the rebuttal the file. docs/architecture.md → "Decisions" (the cover page).
 */

/** Where a point can be checked, most direct first: a separate file (by its slug), rows of a table, a whole section. */
export type Proof =
  | { document: 'receipt' | 'refund-receipt' | 'refund-policy' | 'cancellation-policy' | 'customer-communication' }
  | { rows: readonly string[] }
  | { section: 'activity' | 'images' };

export interface StrongPoint {
  item: EvidenceItem;
  /** One line, no location, no full stop: the packet and the rebuttal add where it is. */
  text: string;
  /** The facts the line rests on (ids; the activity's summary fact `activity.summary.after` where it states use). */
  cites: string[];
  proof: Proof[];
}

/** At most this many points: an analyst reads five lines, not fifteen. */
export const MAX_POINTS = 5;

/** Every sentence this file writes, in one place so it can be translated. */
export const STRONGEST_WORDS = {
  answers: {
    authorised_by_cardholder: (has: Has) =>
      has('post_payment_activity')
        ? 'The cardholder made this purchase and kept using what they paid for.'
        : has('three_d_secure') || has('visa_ce3') || has('prior_payments')
          ? 'The cardholder made this purchase.'
          : null,
    delivered_and_used: (has: Has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'The customer received what they paid for and used it after paying.'
        : has('deliverables')
          ? 'The customer received what they paid for.'
          : has('post_payment_activity')
            ? 'The customer had what they paid for and used it after paying.'
            : null,
    as_described: (has: Has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'The customer received the product as it was described, and used it.'
        : has('deliverables')
          ? 'The customer received the product as it was described.'
          : has('post_payment_activity')
            ? 'The customer used the product as it was described.'
            : null,
    not_cancelled_before_charge: (has: Has) =>
      has('no_cancellation_before_charge')
        ? has('post_payment_activity')
          ? 'The subscription was not cancelled before this payment, and the customer kept using it.'
          : 'The subscription was not cancelled before this payment.'
        : null,
    no_credit_due: (has: Has) =>
      has('refund_issued')
        ? 'A refund was already issued on this payment.'
        : has('refund_policy')
          ? `No refund is due under the refund policy${has('policy_acceptance') ? ' the customer accepted' : ''}.`
          : null,
    separate_charges: (has: Has) =>
      has('distinct_charge') ? 'The charges are separate purchases, not one purchase billed twice.' : null,
    service_provided: (has: Has) =>
      has('deliverables') && has('post_payment_activity')
        ? 'The customer received and used what they paid for.'
        : has('deliverables')
          ? 'The customer received what they paid for.'
          : has('post_payment_activity')
            ? 'The customer used what they paid for.'
            : null,
    debit_authorised: (has: Has) => (has('debit_mandate') ? 'The account holder authorised this debit.' : null),
    purchase_on_record: () => null,
    pay_another_way: () =>
      'The bank could not collect this payment; the records of the purchase it paid for are set out here.',
    compliance_not_contested: () => 'The business does not contest this compliance dispute.',
  } satisfies Record<Strategy, (has: Has) => string | null>,
  /** When a reason's answer needs evidence the case lacks: no claim, only what the records are. */
  recordsOnly: 'The records of this purchase and what followed it are set out here.',
  /** When the business has no records of its own: only Stripe's. */
  stripeOnly: 'Stripe’s records of this payment are set out here; the business has no records of its own to add.',
  ce3: (count: number, shared: string) =>
    `${count} earlier undisputed payments share this payment’s ${shared} (Visa CE 3.0)`,
  ce3Identifiers: {
    customer_purchase_ip: 'IP address',
    customer_device_fingerprint: 'device fingerprint',
    customer_device_id: 'device',
    customer_account_id: 'account',
    customer_email_address: 'email address',
    shipping_address: 'shipping address',
  } satisfies Record<Ce3Identifier, string>,
  threeDSecure: 'The card issuer authenticated the cardholder with 3-D Secure, shifting fraud liability to the issuer',
  usedAfter: (s: ActivitySummary) =>
    `Used after paying: ${s.events === 1 ? '1 event' : `${s.events.toLocaleString('en-US')} events`}${day(s.first) === day(s.last) ? `, on ${day(s.first)}` : ` from ${day(s.first)} to ${day(s.last)}`}` +
    (s.checkoutIp && s.fromCheckoutIp > 0
      ? `, ${s.fromCheckoutIp.toLocaleString('en-US')} of them from the checkout’s IP address ${s.checkoutIp}`
      : ''),
  delivered: (count: number, first: string | null, last: string | null, afterPaying: boolean) =>
    `${count === 1 ? '1 item' : `${count.toLocaleString('en-US')} items`} delivered to the customer${afterPaying ? ' after paying' : ''}` +
    (first && last ? (day(first) === day(last) ? `, on ${day(first)}` : `, from ${day(first)} to ${day(last)}`) : ''),
  purchaseIp: (ip: string) => `The purchase was made from IP address ${ip}`,
  sameCard: (count: number) =>
    `The same card paid ${count} earlier ${count === 1 ? 'time' : 'times'}, never disputed or refunded`,
  earlierPayments: (count: number) =>
    `${count} earlier ${count === 1 ? 'payment' : 'payments'} by this customer, never disputed or refunded`,
  cardChecks: (names: string[]) => `The ${listed(names)} ${names.length === 1 ? 'check' : 'checks'} passed`,
  cardCheckNames: { cvc: 'CVC', street: 'street address', postal: 'postal code' },
  identity: (name: string | null, email: string) =>
    `Bought ${name ? `in the name “${name}” ` : ''}with the email address ${email}`,
  accountSince: (at: string) => `The customer’s account dates from ${day(at)}, before this payment`,
  accepted: (policy: string, atCheckout: boolean, at: string | null) =>
    `The customer accepted the ${policy}${atCheckout ? ' at checkout' : ''}${at ? ` on ${day(at)}` : ''}`,
  policyNames: new Map([
    ['terms', 'terms of service'],
    ['refund', 'refund policy'],
    ['cancellation', 'cancellation policy'],
  ]),
  policyShown: (policy: string, places: string) => `The ${policy} was shown to customers on the ${places}`,
  noCancellation: (paidAt: string) => `Stripe records no cancellation request before this payment on ${day(paidAt)}`,
  cancelledAfter: (cancelledAt: string, paidAt: string) =>
    `The cancellation was requested on ${day(cancelledAt)}, later than this payment on ${day(paidAt)}`,
  messages: (count: number, first: string | null, last: string | null) =>
    `${count === 1 ? 'A message' : 'Messages'} with the customer` +
    (first && last ? (day(first) === day(last) ? ` on ${day(first)}` : ` from ${day(first)} to ${day(last)}`) : ''),
  receipt: (number: string | null, email: string | null, at: string | null) =>
    `Receipt${number ? ` ${number}` : ''} ${email ? `emailed to ${email}` : 'issued'}${at ? ` on ${day(at)}` : ''}`,
  invoicePaid: (number: string, at: string | null) => `Invoice ${number} paid${at ? ` on ${day(at)}` : ''}`,
  otherCharge: (id: string, at: string) => `The other charge, ${id} on ${day(at)}, is shown with what each paid for`,
  refundIssued: (amount: string, at: string | null) => `A refund of ${amount} was issued${at ? ` on ${day(at)}` : ''}`,
  mandate: (policy: string, at: string | null) =>
    `The account holder accepted the ${policy}${at ? ` on ${day(at)}` : ''}`,
};

type Has = (item: EvidenceItem) => boolean;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-11-16T10:26:00Z` → `16 Nov 2026` (UTC): a date an analyst reads at a glance and the grounding check knows. */
export function day(at: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

function listed(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');
}

/** What the point builders read: the facts once, and the use after the payment as its summary states it. */
interface Reading {
  c: CaseFacts;
  after: ActivitySummary | undefined;
}

type Builder = (r: Reading) => StrongPoint | null;
const point = (item: EvidenceItem, text: string, cites: string[], proof: Proof[]): StrongPoint => ({
  item,
  text,
  cites,
  proof,
});
const ids = (facts: readonly Fact[]) => facts.map((fact) => fact.id);
/** The first and last of many: a line rests on them, and a rebuttal need not cite 500 facts. */
const ends = (facts: readonly Fact[]) =>
  [...new Set([facts[0]?.id, facts.at(-1)?.id])].filter((id): id is string => id !== undefined);

const BUILDERS: Record<EvidenceItem, Builder> = {
  visa_ce3: ({ c }) => {
    if (c.dispute?.data?.ce3_eligible !== true) return null;
    const product =
      str(c.byId.get('config.product')?.data?.product_description) ?? str(c.charge?.data?.description) ?? '';
    const ce3 = visaCe3FromFacts({ enhanced_eligibility_types: ['visa_compelling_evidence_3'] }, c.facts, product);
    if (!ce3) return null;
    const shared = ce3.matchedOn.map((identifier) => STRONGEST_WORDS.ce3Identifiers[identifier]);
    const priors = ce3.priorChargeIds.map((id) => `stripe.prior.${id}`).filter((id) => c.byId.has(id));
    return point('visa_ce3', STRONGEST_WORDS.ce3(2, listed([...new Set(shared)])), priors, [{ rows: priors }]);
  },
  three_d_secure: ({ c }) =>
    c.byId.get('stripe.charge.3ds')?.data?.liability_shift === true
      ? point('three_d_secure', STRONGEST_WORDS.threeDSecure, ['stripe.charge.3ds'], [{ rows: ['stripe.charge.3ds'] }])
      : null,
  // The summary fact counts every event after the payment and names the checkout's IP address: it is what the line
  // rests on (the drafter's sheet carries it; evidence/activity-summary.ts).
  post_payment_activity: ({ after }) =>
    after
      ? point(
          'post_payment_activity',
          STRONGEST_WORDS.usedAfter(after),
          ['activity.summary.after'],
          [{ section: 'activity' }],
        )
      : null,
  deliverables: ({ c }) => {
    const delivered = c.deliverables();
    if (delivered.length === 0) return null;
    const times = delivered.map(time).filter((t) => !Number.isNaN(t));
    const afterPaying =
      !Number.isNaN(c.chargeAt) && times.length === delivered.length && times.every((t) => t >= c.chargeAt);
    const dated = delivered.filter((fact) => fact.at);
    const text = STRONGEST_WORDS.delivered(
      delivered.length,
      dated[0]?.at ?? null,
      dated.at(-1)?.at ?? null,
      afterPaying,
    );
    return point('deliverables', text, ends(delivered), [{ section: 'images' }, { rows: ids(delivered) }]);
  },
  purchase_ip: ({ c }) => {
    const ip = c.purchaseIp();
    return ip ? point('purchase_ip', STRONGEST_WORDS.purchaseIp(ip.value), [ip.factId], [{ rows: [ip.factId] }]) : null;
  },
  prior_payments: ({ c }) => {
    const priors = c.priorPayments();
    const summary = c.byId.get('stripe.prior.summary');
    if (priors.length === 0 || !summary) return null;
    // The counts are the summary fact's own, so the rebuttal states a number its facts say.
    const sameCard = Number(summary.data?.same_card_count ?? 0);
    const count = Number(summary.data?.count ?? priors.length);
    const text = sameCard > 0 ? STRONGEST_WORDS.sameCard(sameCard) : STRONGEST_WORDS.earlierPayments(count);
    // "The same card" rests on the payments that used it.
    const resting = sameCard > 0 ? priors.filter((fact) => fact.data?.same_card === true) : priors;
    return point('prior_payments', text, [summary.id, ...ends(resting)], [{ rows: ids(priors) }]);
  },
  card_checks: ({ c }) => {
    const cvc = c.byId.get('stripe.charge.cvc');
    const avs = c.byId.get('stripe.charge.avs');
    const names: string[] = [];
    const facts: string[] = [];
    if (cvc?.data?.cvc_check === 'pass') {
      names.push(STRONGEST_WORDS.cardCheckNames.cvc);
      facts.push(cvc.id);
    }
    if (avs?.data?.address_line1_check === 'pass') names.push(STRONGEST_WORDS.cardCheckNames.street);
    if (avs?.data?.address_postal_code_check === 'pass') names.push(STRONGEST_WORDS.cardCheckNames.postal);
    if (avs && names.length > facts.length) facts.push(avs.id);
    return names.length > 0 ? point('card_checks', STRONGEST_WORDS.cardChecks(names), facts, [{ rows: facts }]) : null;
  },
  customer_identity: ({ c }) => {
    const name = c.customerName();
    const email = c.customerEmail();
    if (!name || !email) return null;
    const facts = [...new Set([name.factId, email.factId])];
    return point('customer_identity', STRONGEST_WORDS.identity(name.value, email.value), facts, [
      { document: 'receipt' },
      { rows: facts },
    ]);
  },
  account_history: ({ c }) => {
    const created = [
      { id: 'stripe.customer', at: str(c.byId.get('stripe.customer')?.data?.created) },
      ...c.kind('account').map((fact) => ({ id: fact.id, at: str(fact.data?.created_at) })),
    ]
      .filter((entry): entry is { id: string; at: string } => entry.at !== null)
      .filter((entry) => !Number.isNaN(c.chargeAt) && Date.parse(entry.at) < c.chargeAt - 86_400_000)
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const first = created[0];
    return first
      ? point('account_history', STRONGEST_WORDS.accountSince(first.at), [first.id], [{ rows: [first.id] }])
      : null;
  },
  policy_acceptance: ({ c }) => {
    const acceptances = c.kind('policy_acceptance');
    const before = acceptances.filter((fact) => Number.isNaN(c.chargeAt) || time(fact) <= c.chargeAt);
    const fact = before[0] ?? acceptances[0];
    if (!fact) return null;
    const policy = policyName(fact);
    const atCheckout = /checkout/i.test(String(fact.data?.shown_at ?? ''));
    const documents: Proof[] = /refund/i.test(policy)
      ? [{ document: 'refund-policy' }]
      : /cancel/i.test(policy)
        ? [{ document: 'cancellation-policy' }]
        : [];
    return point(
      'policy_acceptance',
      STRONGEST_WORDS.accepted(policy, atCheckout, fact.at),
      [fact.id],
      [...documents, { rows: [fact.id] }],
    );
  },
  refund_policy: ({ c }) => policyShown(c, 'refund', 'refund_policy', 'refund-policy'),
  cancellation_policy: ({ c }) => policyShown(c, 'cancellation', 'cancellation_policy', 'cancellation-policy'),
  no_cancellation_before_charge: ({ c }) => {
    const subscription = c.subscription();
    const paidAt = c.charge?.at;
    if (!subscription || !paidAt || c.cancelledBeforeCharge()) return null;
    const cancelledAt = str(subscription.data?.canceled_at);
    const text = cancelledAt
      ? STRONGEST_WORDS.cancelledAfter(cancelledAt, paidAt)
      : STRONGEST_WORDS.noCancellation(paidAt);
    return point(
      'no_cancellation_before_charge',
      text,
      [subscription.id, 'stripe.charge'],
      [{ rows: [subscription.id] }],
    );
  },
  customer_communication: ({ c }) => {
    const messages = c.kind('communication');
    if (messages.length === 0) return null;
    const dated = messages.filter((fact) => fact.at);
    const text = STRONGEST_WORDS.messages(messages.length, dated[0]?.at ?? null, dated.at(-1)?.at ?? null);
    return point('customer_communication', text, ends(messages), [
      { document: 'customer-communication' },
      { rows: ids(messages) },
    ]);
  },
  receipt: ({ c }) => {
    const receipt = c.byId.get('stripe.charge.receipt');
    if (receipt) {
      const text = STRONGEST_WORDS.receipt(
        str(receipt.data?.receipt_number),
        str(receipt.data?.receipt_email),
        receipt.at,
      );
      return point('receipt', text, [receipt.id], [{ document: 'receipt' }, { rows: [receipt.id] }]);
    }
    const invoice = c.invoices().find((fact) => str(fact.data?.number));
    if (!invoice) return null;
    const text = STRONGEST_WORDS.invoicePaid(str(invoice.data?.number) ?? '', invoice.at);
    return point('receipt', text, [invoice.id], [{ document: 'receipt' }, { rows: [invoice.id] }]);
  },
  distinct_charge: ({ c }) => {
    const other = c.duplicateCandidate();
    const id = str(other?.data?.charge_id);
    if (!other || !id || !other.at || !duplicateExplanation(c)) return null;
    return point(
      'distinct_charge',
      STRONGEST_WORDS.otherCharge(id, other.at),
      [other.id, 'stripe.charge'],
      [{ rows: [other.id] }],
    );
  },
  refund_issued: ({ c }) => {
    const refund = c.refundsIssued()[0];
    const amount = refund?.data?.amount;
    const currency = str(refund?.data?.currency);
    if (!refund || typeof amount !== 'number' || !currency) return null;
    return point(
      'refund_issued',
      STRONGEST_WORDS.refundIssued(formatMoney(amount, currency), refund.at),
      [refund.id],
      [{ document: 'refund-receipt' }, { rows: [refund.id] }],
    );
  },
  // What was sold is on the cover in its own words, not as a point.
  product_description: () => null,
  debit_mandate: ({ c }) => {
    const mandate = c.kind('policy_acceptance').find((fact) => MANDATE.test(String(fact.data?.policy ?? '')));
    if (!mandate) return null;
    return point(
      'debit_mandate',
      STRONGEST_WORDS.mandate(policyName(mandate), mandate.at),
      [mandate.id],
      [{ rows: [mandate.id] }],
    );
  },
};

function policyName(fact: Fact): string {
  const raw = String(fact.data?.policy ?? 'terms').replaceAll('_', ' ');
  return (
    STRONGEST_WORDS.policyNames.get(raw) ?? (/policy|terms|mandate|authori[sz]ation/i.test(raw) ? raw : `${raw} policy`)
  );
}

function policyShown(
  c: CaseFacts,
  name: 'refund' | 'cancellation',
  item: EvidenceItem,
  document: 'refund-policy' | 'cancellation-policy',
): StrongPoint | null {
  const policy = c.policy(name);
  const places = str(policy?.data?.shown_at);
  if (!policy || !places) return null;
  const words = places
    .split(',')
    .map((place) => place.trim().replaceAll('_', ' '))
    .filter(Boolean);
  return point(
    item,
    STRONGEST_WORDS.policyShown(STRONGEST_WORDS.policyNames.get(name) ?? name, listed(words)),
    [policy.id],
    [{ document }],
  );
}

/** The reason's evidence items, strongest first: the given order (the checklist's, measured when there is history), else the playbook's weights. */
export function rankedItems(reason: string, order?: readonly string[]): EvidenceItem[] {
  const items = PLAYBOOKS[playbookReason(reason)].items;
  const known = new Set<string>(items.map((rule) => rule.id));
  if (order && order.length > 0) {
    const ranked = order.filter((id): id is EvidenceItem => known.has(id));
    // Items the order does not name keep the playbook's place after it.
    return [...new Set([...ranked, ...items.map((rule) => rule.id)])];
  }
  return [...items].sort((a, b) => b.weight - a.weight).map((rule) => rule.id);
}

export interface Strongest {
  /** The business's answer to the claim, in one sentence. */
  answer: string;
  /** Only Stripe's records are on file: the cover says so and claims nothing the business would have to show. */
  stripeOnly: boolean;
  points: StrongPoint[];
}

/**
 * The answer and the strongest points for `reason` from `facts` (a case's facts, or the drafter's sheet: the activity's
 * summary facts among them are recomputed, not read), in `order` when given.
 */
export function strongestPoints(
  reason: string,
  facts: readonly Fact[],
  order?: readonly string[],
  max = MAX_POINTS,
): Strongest {
  const own = facts.filter((fact) => !isActivitySummary(fact));
  const c = new CaseFacts([...own]);
  const reading: Reading = { c, after: summariseActivity(own).find((summary) => summary.period === 'after') };
  const all = rankedItems(reason, order)
    .map((item) => BUILDERS[item](reading))
    .filter((built): built is StrongPoint => built !== null);
  const found = new Set(all.map((built) => built.item));
  const stripeOnly = own.length > 0 && own.every((fact) => fact.source === 'stripe');
  const plan = PLAYBOOKS[playbookReason(reason)];
  const answer = STRONGEST_WORDS.answers[plan.strategy]((item) => found.has(item));
  // A reason not fought is conceded whatever the records; otherwise Stripe's records alone make no claim.
  return {
    answer: plan.notFought
      ? (answer ?? STRONGEST_WORDS.recordsOnly)
      : stripeOnly
        ? STRONGEST_WORDS.stripeOnly
        : (answer ?? STRONGEST_WORDS.recordsOnly),
    stripeOnly,
    points: all.slice(0, max),
  };
}
