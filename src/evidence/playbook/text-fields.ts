import { formatIsoDate } from '../../dates.js';
import { textLimitOf } from '../../dispute/evidence-fields.js';
import type { EvidenceConfig, PolicyName } from '../config.js';
import { formatAmount } from '../sources/format.js';
import { formatWhen } from '../sources/rows.js';
import { byTime, type CaseFacts, str, time } from './case-facts.js';
import type { PlaybookTextField } from './plans.js';

// How each Stripe text field a playbook fills is written from the facts; null when the facts do not say.

/** Lines in the activity log; a few hundred timestamped sessions say all a reviewer will read. */
export const MAX_ACTIVITY_LOG_LINES = 200;

export interface Built {
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

function productDescription(c: CaseFacts, config: EvidenceConfig): Built | null {
  // The description is the business's own words (the config source's product fact); without that fact, nothing says it.
  if (!c.byId.has('config.product')) return null;
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
    factIds: ['config.product', ...(str(description) && c.charge ? [c.charge.id] : [])],
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
      `${url ? ` and is published at ${url}` : ''}${effective ? ` (the version in force when the customer paid, in effect since ${effective})` : ''}.`,
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
export function duplicateExplanation(c: CaseFacts): { id: string; explanation: Built } | null {
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

export function capText(field: PlaybookTextField, text: string): string {
  const max = textLimitOf(field);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function buildTextField(field: PlaybookTextField, c: CaseFacts, config: EvidenceConfig): Built | null {
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
