import type { Language } from '../../dispute/language.js';
import { playbookReason } from '../../dispute/reasons.js';
import { STRONGEST_MESSAGES, type StrongestMessages } from '../../i18n/strongest.js';
import { type ActivitySummary, isActivitySummary, summariseActivity } from '../activity-summary.js';
import { visaCe3FromFacts } from '../ce3.js';
import type { Fact } from '../types.js';
import { CaseFacts, str, time } from './case-facts.js';
import { MANDATE } from './checklist.js';
import { type EvidenceItem, PLAYBOOKS } from './plans.js';
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

/** The English sentences (the cover and the opening read the language's own: i18n/strongest.ts). */
export const STRONGEST_WORDS = STRONGEST_MESSAGES.en;

/** What the point builders read: the facts once, and the use after the payment as its summary states it. */
interface Reading {
  c: CaseFacts;
  after: ActivitySummary | undefined;
  /** The sentences in the language the point is for. */
  say: StrongestMessages;
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
  visa_ce3: ({ c, say }) => {
    if (c.dispute?.data?.ce3_eligible !== true) return null;
    const product =
      str(c.byId.get('config.product')?.data?.product_description) ?? str(c.charge?.data?.description) ?? '';
    const ce3 = visaCe3FromFacts({ enhanced_eligibility_types: ['visa_compelling_evidence_3'] }, c.facts, product);
    if (!ce3) return null;
    const shared = ce3.matchedOn.map((identifier) => say.ce3Identifiers[identifier]);
    const priors = ce3.priorChargeIds.map((id) => `stripe.prior.${id}`).filter((id) => c.byId.has(id));
    return point('visa_ce3', say.ce3(2, say.listed([...new Set(shared)])), priors, [{ rows: priors }]);
  },
  three_d_secure: ({ c, say }) =>
    c.byId.get('stripe.charge.3ds')?.data?.liability_shift === true
      ? point('three_d_secure', say.threeDSecure, ['stripe.charge.3ds'], [{ rows: ['stripe.charge.3ds'] }])
      : null,
  // The summary fact counts every event after the payment and names the checkout's IP address: it is what the line
  // rests on (the drafter's sheet carries it; evidence/activity-summary.ts).
  post_payment_activity: ({ after, say }) =>
    after
      ? point('post_payment_activity', say.usedAfter(after), ['activity.summary.after'], [{ section: 'activity' }])
      : null,
  deliverables: ({ c, say }) => {
    const delivered = c.deliverables();
    if (delivered.length === 0) return null;
    const times = delivered.map(time).filter((t) => !Number.isNaN(t));
    const afterPaying =
      !Number.isNaN(c.chargeAt) && times.length === delivered.length && times.every((t) => t >= c.chargeAt);
    const dated = delivered.filter((fact) => fact.at);
    const text = say.delivered(delivered.length, dated[0]?.at ?? null, dated.at(-1)?.at ?? null, afterPaying);
    return point('deliverables', text, ends(delivered), [{ section: 'images' }, { rows: ids(delivered) }]);
  },
  purchase_ip: ({ c, say }) => {
    const ip = c.purchaseIp();
    return ip ? point('purchase_ip', say.purchaseIp(ip.value), [ip.factId], [{ rows: [ip.factId] }]) : null;
  },
  prior_payments: ({ c, say }) => {
    const priors = c.priorPayments();
    const summary = c.byId.get('stripe.prior.summary');
    if (priors.length === 0 || !summary) return null;
    // The counts are the summary fact's own, so the rebuttal states a number its facts say.
    const sameCard = Number(summary.data?.same_card_count ?? 0);
    const count = Number(summary.data?.count ?? priors.length);
    const text = sameCard > 0 ? say.sameCard(sameCard) : say.earlierPayments(count);
    // "The same card" rests on the payments that used it.
    const resting = sameCard > 0 ? priors.filter((fact) => fact.data?.same_card === true) : priors;
    return point('prior_payments', text, [summary.id, ...ends(resting)], [{ rows: ids(priors) }]);
  },
  card_checks: ({ c, say }) => {
    const cvc = c.byId.get('stripe.charge.cvc');
    const avs = c.byId.get('stripe.charge.avs');
    const names: string[] = [];
    const facts: string[] = [];
    if (cvc?.data?.cvc_check === 'pass') {
      names.push(say.cardCheckNames.cvc);
      facts.push(cvc.id);
    }
    if (avs?.data?.address_line1_check === 'pass') names.push(say.cardCheckNames.street);
    if (avs?.data?.address_postal_code_check === 'pass') names.push(say.cardCheckNames.postal);
    if (avs && names.length > facts.length) facts.push(avs.id);
    return names.length > 0 ? point('card_checks', say.cardChecks(names), facts, [{ rows: facts }]) : null;
  },
  customer_identity: ({ c, say }) => {
    const name = c.customerName();
    const email = c.customerEmail();
    if (!name || !email) return null;
    const facts = [...new Set([name.factId, email.factId])];
    return point('customer_identity', say.identity(name.value, email.value), facts, [
      { document: 'receipt' },
      { rows: facts },
    ]);
  },
  account_history: ({ c, say }) => {
    const created = [
      { id: 'stripe.customer', at: str(c.byId.get('stripe.customer')?.data?.created) },
      ...c.kind('account').map((fact) => ({ id: fact.id, at: str(fact.data?.created_at) })),
    ]
      .filter((entry): entry is { id: string; at: string } => entry.at !== null)
      .filter((entry) => !Number.isNaN(c.chargeAt) && Date.parse(entry.at) < c.chargeAt - 86_400_000)
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const first = created[0];
    return first ? point('account_history', say.accountSince(first.at), [first.id], [{ rows: [first.id] }]) : null;
  },
  policy_acceptance: ({ c, say }) => {
    const acceptances = c.kind('policy_acceptance');
    const before = acceptances.filter((fact) => Number.isNaN(c.chargeAt) || time(fact) <= c.chargeAt);
    const fact = before[0] ?? acceptances[0];
    if (!fact) return null;
    const slug = policySlug(fact);
    const policy = say.policyName(slug);
    const atCheckout = /checkout/i.test(String(fact.data?.shown_at ?? ''));
    // The file is found by the business's name for the policy, not by the words the language gives it.
    const documents: Proof[] = /refund/i.test(slug)
      ? [{ document: 'refund-policy' }]
      : /cancel/i.test(slug)
        ? [{ document: 'cancellation-policy' }]
        : [];
    return point(
      'policy_acceptance',
      say.accepted(policy, atCheckout, fact.at),
      [fact.id],
      [...documents, { rows: [fact.id] }],
    );
  },
  refund_policy: ({ c, say }) => policyShown(c, say, 'refund', 'refund_policy', 'refund-policy'),
  cancellation_policy: ({ c, say }) =>
    policyShown(c, say, 'cancellation', 'cancellation_policy', 'cancellation-policy'),
  no_cancellation_before_charge: ({ c, say }) => {
    const subscription = c.subscription();
    const paidAt = c.charge?.at;
    if (!subscription || !paidAt || c.cancelledBeforeCharge()) return null;
    const cancelledAt = str(subscription.data?.canceled_at);
    const text = cancelledAt ? say.cancelledAfter(cancelledAt, paidAt) : say.noCancellation(paidAt);
    return point(
      'no_cancellation_before_charge',
      text,
      [subscription.id, 'stripe.charge'],
      [{ rows: [subscription.id] }],
    );
  },
  customer_communication: ({ c, say }) => {
    const messages = c.kind('communication');
    if (messages.length === 0) return null;
    const dated = messages.filter((fact) => fact.at);
    const text = say.messages(messages.length, dated[0]?.at ?? null, dated.at(-1)?.at ?? null);
    return point('customer_communication', text, ends(messages), [
      { document: 'customer-communication' },
      { rows: ids(messages) },
    ]);
  },
  receipt: ({ c, say }) => {
    const receipt = c.byId.get('stripe.charge.receipt');
    if (receipt) {
      const text = say.receipt(str(receipt.data?.receipt_number), str(receipt.data?.receipt_email), receipt.at);
      return point('receipt', text, [receipt.id], [{ document: 'receipt' }, { rows: [receipt.id] }]);
    }
    const invoice = c.invoices().find((fact) => str(fact.data?.number));
    if (!invoice) return null;
    const text = say.invoicePaid(str(invoice.data?.number) ?? '', invoice.at);
    return point('receipt', text, [invoice.id], [{ document: 'receipt' }, { rows: [invoice.id] }]);
  },
  distinct_charge: ({ c, say }) => {
    const other = c.duplicateCandidate();
    const id = str(other?.data?.charge_id);
    if (!other || !id || !other.at || !duplicateExplanation(c)) return null;
    return point('distinct_charge', say.otherCharge(id, other.at), [other.id, 'stripe.charge'], [{ rows: [other.id] }]);
  },
  refund_issued: ({ c, say }) => {
    const refund = c.refundsIssued()[0];
    const amount = refund?.data?.amount;
    const currency = str(refund?.data?.currency);
    if (!refund || typeof amount !== 'number' || !currency) return null;
    return point(
      'refund_issued',
      say.refundIssued(say.money(amount, currency), refund.at),
      [refund.id],
      [{ document: 'refund-receipt' }, { rows: [refund.id] }],
    );
  },
  // What was sold is on the cover in its own words, not as a point.
  product_description: () => null,
  debit_mandate: ({ c, say }) => {
    const mandate = c.kind('policy_acceptance').find((fact) => MANDATE.test(String(fact.data?.policy ?? '')));
    if (!mandate) return null;
    return point(
      'debit_mandate',
      say.mandate(say.policyName(policySlug(mandate)), mandate.at),
      [mandate.id],
      [{ rows: [mandate.id] }],
    );
  },
};

/** The policy as the business names it (`terms`, `refund`, `sepa debit mandate`): the language's words name it. */
function policySlug(fact: Fact): string {
  return String(fact.data?.policy ?? 'terms').replaceAll('_', ' ');
}

function policyShown(
  c: CaseFacts,
  say: StrongestMessages,
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
  return point(item, say.policyShown(say.policyName(name), say.listed(words)), [policy.id], [{ document }]);
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
  language: Language = 'en',
): Strongest {
  const say = STRONGEST_MESSAGES[language];
  const own = facts.filter((fact) => !isActivitySummary(fact));
  const c = new CaseFacts([...own]);
  const reading: Reading = { c, after: summariseActivity(own).find((summary) => summary.period === 'after'), say };
  const all = rankedItems(reason, order)
    .map((item) => BUILDERS[item](reading))
    .filter((built): built is StrongPoint => built !== null);
  const found = new Set(all.map((built) => built.item));
  const stripeOnly = own.length > 0 && own.every((fact) => fact.source === 'stripe');
  const plan = PLAYBOOKS[playbookReason(reason)];
  const answer = say.answers[plan.strategy]((item) => found.has(item));
  // A reason not fought is conceded whatever the records; otherwise Stripe's records alone make no claim.
  return {
    answer: plan.notFought ? (answer ?? say.recordsOnly) : stripeOnly ? say.stripeOnly : (answer ?? say.recordsOnly),
    stripeOnly,
    points: all.slice(0, max),
  };
}
