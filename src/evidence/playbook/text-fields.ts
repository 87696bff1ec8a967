import { formatIsoDate } from '../../dates.js';
import { textLimitOf } from '../../dispute/evidence-fields.js';
import type { Language } from '../../dispute/language.js';
import { TEXT_FIELD_WORDS, type TextFieldWords } from '../../i18n/text-fields.js';
import { type EvidenceConfig, POLICY_SHOWN_AT, type PolicyName, type PolicyShownAt } from '../config.js';
import { formatWhen } from '../sources/rows.js';
import { byTime, type CaseFacts, str, time } from './case-facts.js';
import type { PlaybookTextField } from './plans.js';

// How each Stripe text field a playbook fills is written from the facts; null when the facts do not say. The words are
// the reader's (i18n/text-fields.ts, docs/architecture.md → "The reader's language"); the values are the facts'.

/** Lines in the activity log; a few hundred timestamped sessions say all a reviewer will read. */
export const MAX_ACTIVITY_LOG_LINES = 200;

export interface Built {
  text: string;
  factIds: string[];
}

function accessActivityLog(c: CaseFacts, businessName: string, say: TextFieldWords['activityLog']): Built | null {
  let after = c.activityAfterPayment();
  let deliverables = false;
  if (after.length === 0) {
    after = c.deliverables().filter((fact) => Number.isNaN(c.chargeAt) || time(fact) >= c.chargeAt);
    deliverables = true;
  }
  if (after.length === 0) return null;
  const chargeDate = c.charge?.at ? formatIsoDate(c.charge.at) : null;
  const lines = [say.header({ business: businessName, deliverables, chargeDate })];
  const shown = after.slice(0, MAX_ACTIVITY_LOG_LINES);
  for (const fact of shown) {
    if (deliverables) {
      lines.push(`${fact.at ? formatWhen(fact.at) : ''} — ${say.delivered(str(fact.data?.title))}`);
      continue;
    }
    const data = fact.data ?? {};
    const agent = str(data.user_agent);
    const device = str(data.device_id) ?? str(data.device_fingerprint);
    const parts = [
      str(data.event) ?? say.unnamedEvent,
      // The IP as the row holds it, as this line always showed it.
      str(data.ip) ? say.fromIp(String(data.ip)) : null,
      device ? say.device(device) : null,
      agent ? `(${agent.length > 80 ? `${agent.slice(0, 80)}…` : agent})` : null,
    ].filter(Boolean);
    lines.push(`${fact.at ? formatWhen(fact.at) : ''} — ${parts.join(' ')}`);
  }
  if (after.length > shown.length) lines.push(say.more(after.length - shown.length));
  const ips = [...new Set(after.map((fact) => str(fact.data?.ip)).filter((ip): ip is string => Boolean(ip)))];
  const first = after[0]?.at;
  const last = after.at(-1)?.at;
  if (first && last) {
    lines.push(
      say.summary({
        count: after.length,
        first: formatWhen(first),
        last: formatWhen(last),
        ipCount: ips.length,
        ips: ips.slice(0, 5).join(', '),
      }),
    );
  }
  const before = c.activityBeforePayment();
  const sameIpBefore = before.filter((fact) => ips.includes(str(fact.data?.ip) ?? ''));
  const firstBefore = sameIpBefore[0]?.at;
  if (sameIpBefore.length > 0 && firstBefore) {
    lines.push(
      say.sameIpBefore({ ipCount: ips.length, count: sameIpBefore.length, firstDate: formatIsoDate(firstBefore) }),
    );
  }
  return { text: lines.join('\n'), factIds: [...shown, ...sameIpBefore].map((fact) => fact.id) };
}

function productDescription(c: CaseFacts, config: EvidenceConfig, say: TextFieldWords['product']): Built | null {
  // The description is the business's own words (the config source's product fact); without that fact, nothing says it.
  if (!c.byId.has('config.product')) return null;
  const description = str(c.charge?.data?.description);
  const text = [
    config.business.product_description.trim(),
    description ? say.paidFor(description) : null,
    say.contact(config.business.website, config.business.support_email),
  ]
    .filter(Boolean)
    .join('\n');
  return {
    text,
    factIds: ['config.product', ...(description && c.charge ? [c.charge.id] : [])],
  };
}

function serviceDate(c: CaseFacts, say: TextFieldWords): Built | null {
  const invoice = c.invoices()[0];
  const start = str(invoice?.data?.period_start);
  const end = str(invoice?.data?.period_end);
  if (invoice && start && end) {
    return {
      text: say.billingPeriod(formatIsoDate(start), formatIsoDate(end)),
      factIds: [invoice.id],
    };
  }
  if (c.charge?.at) return { text: formatIsoDate(c.charge.at), factIds: [c.charge.id] };
  return null;
}

const isShownAt = (value: string): value is PolicyShownAt => (POLICY_SHOWN_AT as readonly string[]).includes(value);

/** Where a policy was shown, in the reader's words; a place rebut does not know stays the business's own word. */
const place = (value: string, say: TextFieldWords['policy']): string =>
  isShownAt(value) ? say.places[value] : say.otherPlace(value.replaceAll('_', ' '));

/** The policies Stripe has a disclosure field for. */
type DisclosedPolicy = Extract<PolicyName, 'refund' | 'cancellation'>;

function policyDisclosure(c: CaseFacts, name: DisclosedPolicy, say: TextFieldWords['policy']): Built | null {
  const policy = c.policy(name);
  if (!policy) return null;
  const places = String(policy.data?.shown_at ?? '')
    .split(',')
    .filter(Boolean)
    .map((value) => place(value, say));
  const url = str(policy.data?.url);
  const effective = str(policy.data?.effective);
  const acceptance = c.acceptanceOf(name);
  const sentences = [say.shown({ title: say.titles[name], places, url, effective })];
  if (acceptance?.at) {
    const shownAt = str(acceptance.data?.shown_at);
    sentences.push(
      say.accepted({
        policy: String(acceptance.data?.policy ?? name),
        version: str(acceptance.data?.version),
        at: formatWhen(acceptance.at),
        place: shownAt ? place(shownAt, say) : null,
        ip: str(acceptance.data?.ip),
      }),
    );
  }
  return { text: sentences.join(' '), factIds: [policy.id, ...(acceptance ? [acceptance.id] : [])] };
}

function usageSentence(c: CaseFacts, say: TextFieldWords): Built | null {
  const after = c.activityAfterPayment();
  const delivered = c.deliverables().filter((fact) => Number.isNaN(c.chargeAt) || time(fact) >= c.chargeAt);
  if (after.length === 0 && delivered.length === 0) return null;
  const last = [...after, ...delivered].sort(byTime).at(-1)?.at;
  return {
    text: say.usage({
      sessions: after.length,
      deliverables: delivered.length,
      last: last ? formatWhen(last) : null,
    }),
    factIds: [...after, ...delivered].map((fact) => fact.id),
  };
}

function cancellationRebuttal(c: CaseFacts, say: TextFieldWords): Built | null {
  // A cancellation before the charge concedes the case; nothing here may argue otherwise.
  if (c.cancelledBeforeCharge()) return null;
  const subscription = c.subscription();
  const usage = usageSentence(c, say);
  const sentences: string[] = [];
  const factIds: string[] = [];
  if (subscription && c.charge?.at) {
    const canceledAt = str(subscription.data?.canceled_at);
    const periodEnd = str(subscription.data?.current_period_end);
    sentences.push(
      say.cancellation.noRequestBefore({
        subscriptionId: String(subscription.data?.subscription_id),
        chargedAt: formatWhen(c.charge.at),
        cancelledAt: canceledAt ? formatWhen(canceledAt) : null,
        accessUntil: canceledAt && periodEnd ? formatIsoDate(periodEnd) : null,
      }),
    );
    factIds.push(subscription.id, c.charge.id);
  }
  if (usage) {
    sentences.push(usage.text);
    factIds.push(...usage.factIds);
  }
  const policy = c.policy('cancellation');
  if (policy && sentences.length > 0) {
    sentences.push(say.cancellation.policyExplains);
    factIds.push(policy.id);
  }
  return sentences.length > 0 ? { text: sentences.join(' '), factIds } : null;
}

function refundRefusal(c: CaseFacts, say: TextFieldWords): Built | null {
  const sentences: string[] = [];
  const factIds: string[] = [];
  const policy = c.policy('refund');
  if (policy) {
    const acceptance = c.acceptanceOf('refund');
    sentences.push(say.refund.governedByPolicy(acceptance?.at ? formatIsoDate(acceptance.at) : null));
    factIds.push(policy.id, ...(acceptance ? [acceptance.id] : []));
  }
  const usage = usageSentence(c, say);
  if (usage) {
    sentences.push(usage.text);
    factIds.push(...usage.factIds);
  }
  for (const refund of c.refundsIssued()) {
    const amount = refund.data?.amount;
    const currency = str(refund.data?.currency);
    if (typeof amount === 'number' && currency && refund.at) {
      sentences.push(say.refund.issued(say.money(amount, currency), formatIsoDate(refund.at)));
      factIds.push(refund.id);
    }
  }
  const contact = c.kind('communication').find((fact) => fact.data?.direction === 'inbound');
  if (contact?.at) {
    sentences.push(say.refund.customerContacted(formatIsoDate(contact.at)));
    factIds.push(contact.id);
  }
  return sentences.length > 0 ? { text: sentences.join(' '), factIds } : null;
}

/** The other charge and why it is not a duplicate; null when the two are too alike to say so. */
export function duplicateExplanation(
  c: CaseFacts,
  language: Language = 'en',
): { id: string; explanation: Built } | null {
  const say = TEXT_FIELD_WORDS[language].duplicate;
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
  const money = typeof amount === 'number' && currency ? TEXT_FIELD_WORDS[language].money(amount, currency) : null;
  const sentences = [
    say.separate({
      chargeId: String(c.chargeId),
      money,
      at: formatWhen(charge.at),
      otherId,
      otherAt: formatWhen(other.at),
      days: Math.round(days),
    }),
  ];
  const factIds = [charge.id, other.id];
  const start = str(invoice?.data?.period_start);
  const end = str(invoice?.data?.period_end);
  if (invoice && start && end) {
    sentences.push(
      say.invoice({
        number: String(invoice.data?.number ?? invoice.data?.invoice_id),
        start: formatIsoDate(start),
        end: formatIsoDate(end),
      }),
    );
    factIds.push(invoice.id);
  }
  return { id: otherId, explanation: { text: sentences.join(' '), factIds } };
}

export function capText(field: PlaybookTextField, text: string): string {
  const max = textLimitOf(field);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One Stripe text field from the facts, in `language`'s words (English unless told). */
export function buildTextField(
  field: PlaybookTextField,
  c: CaseFacts,
  config: EvidenceConfig,
  language: Language = 'en',
): Built | null {
  const say = TEXT_FIELD_WORDS[language];
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
      return accessActivityLog(c, config.business.name, say.activityLog);
    case 'product_description':
      return productDescription(c, config, say.product);
    case 'service_date':
      return serviceDate(c, say);
    case 'cancellation_policy_disclosure':
      return policyDisclosure(c, 'cancellation', say.policy);
    case 'cancellation_rebuttal':
      return cancellationRebuttal(c, say);
    case 'refund_policy_disclosure':
      return policyDisclosure(c, 'refund', say.policy);
    case 'refund_refusal_explanation':
      return refundRefusal(c, say);
    case 'duplicate_charge_id': {
      const duplicate = duplicateExplanation(c, language);
      return duplicate ? { text: duplicate.id, factIds: duplicate.explanation.factIds.slice(1, 2) } : null;
    }
    case 'duplicate_charge_explanation':
      return duplicateExplanation(c, language)?.explanation ?? null;
  }
}
