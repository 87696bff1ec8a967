import { PACKET_MESSAGES, type PacketMessages } from '../../i18n/packet.js';
import { plural } from '../../text.js';
import type { Fact } from '../types.js';
import { anchorIndex, type DocumentPageCaps, keepAround, largestFitting, memo } from './budget.js';
import { composeCommunications, composePolicies, messageBlock } from './documents.js';
import type { Dropped } from './fields.js';
import type { Measurer } from './pdf.js';
import type { FilePlan } from './plan-files.js';
import { composeReceipt, composeRefundReceipt, receiptOf, refundReceiptOf } from './receipts.js';
import type { PacketInput, PlannedDocument, PolicyKind } from './types.js';

/** Receipt, policies and communications, each laid out within its page cap before the main file. */
export function composeFixedDocuments(
  input: PacketInput,
  plan: FilePlan,
  measure: Measurer,
  caps: DocumentPageCaps,
  chargeAt: string,
): { documents: PlannedDocument[]; dropped: Dropped[] } {
  const documents: PlannedDocument[] = [];
  // What is shown in the files is in the reader's language; what is dropped is told to Slack, in English.
  const dropped: Dropped[] = [];
  const say = PACKET_MESSAGES[input.language ?? 'en'];
  if (plan.receipt && input.receipt) {
    // One page whatever the invoice holds: lines beyond it are counted, not shown (receipts.ts).
    const receipt = composeReceipt(
      measure,
      input.dispute,
      input.business,
      receiptOf(input.receipt, input.dispute, say),
      caps.receipt,
      say,
    );
    documents.push({ field: plan.receipt, slug: 'receipt', title: say.titles.receipt, pages: receipt.pages });
  }
  if (plan.refundReceipt && input.refundReceipt) {
    const refunds = input.refundReceipt.refunds;
    const build = (k: number) =>
      composeRefundReceipt(
        measure,
        input.dispute,
        input.business,
        refundReceiptOf(refunds.slice(0, k), input.receipt ?? [], input.dispute, say),
        say,
      );
    const k = Math.max(
      1,
      largestFitting(0, refunds.length, (n) => build(n).pageCount <= caps.receipt),
    );
    if (k < refunds.length)
      dropped.push({ what: `${plural(refunds.length - k, 'refund')}`, why: `beyond the refund receipt's one page` });
    documents.push({
      field: plan.refundReceipt,
      slug: 'refund-receipt',
      title: say.titles.refundReceipt,
      pages: build(k).pages,
    });
  }
  const acceptances = input.timeline.filter((f) => f.kind === 'policy_acceptance');
  for (const placed of plan.policies) {
    const relevant = acceptances.filter((f) => placed.kinds.some((kind) => policyMatches(f, kind)));
    const shown = relevant.length > 0 ? relevant : acceptances;
    const total = placed.policies.reduce((n, p) => n + p.text.length, 0);
    const heading = policyHeading(placed, say);
    // The business's policy titles are rebut's English names of their kinds: named again in the reader's language.
    const policies = placed.policies.map((policy) =>
      say === PACKET_MESSAGES.en ? policy : { ...policy, title: policyName(policy.kind, say) },
    );
    const build = (chars: number) => composePolicies(measure, heading, input.business, policies, shown, chars, say);
    const chars = largestFitting(0, total, (n) => build(n).pageCount <= caps.policy);
    if (chars < total) {
      dropped.push({
        what: `${plural(total - chars, 'character')} of the ${placed.heading.toLowerCase()}`,
        why: `beyond the ${caps.policy}-page cap for one policy file`,
      });
    }
    documents.push({ field: placed.field, slug: placed.slug, title: heading, pages: build(chars).pages });
  }
  if (plan.communications) {
    const messages = input.communications;
    const anchor = anchorIndex(
      messages.map((m) => m.at),
      chargeAt,
    );
    const message = memo((i: number) => messageBlock(messages[i] as Fact, say));
    const build = (k: number) =>
      composeCommunications(
        measure,
        input.business,
        messages.length,
        message,
        keepAround(messages.length, k, anchor),
        caps.communications,
        say,
      );
    const k = largestFitting(0, messages.length, (n) => build(n).pageCount <= caps.communications);
    if (k < messages.length) {
      dropped.push({
        what: `${plural(messages.length - k, 'message')} with the customer`,
        why: `beyond the ${caps.communications}-page cap for communications; kept the first, the last and those around the payment`,
      });
    }
    documents.push({
      field: plan.communications,
      slug: 'customer-communication',
      title: say.titles.communications,
      pages: build(k).pages,
    });
  }

  return { documents, dropped };
}

/** A policy file's heading in the reader's language: the policy's name, and the terms' when they stand in for it. */
function policyHeading(placed: FilePlan['policies'][number], say: PacketMessages): string {
  if (say === PACKET_MESSAGES.en) return placed.heading;
  const [first = 'terms', second] = placed.kinds;
  return second ? `${policyName(second, say)} (${policyName(first, say)})` : policyName(first, say);
}

function policyName(kind: PolicyKind, say: PacketMessages): string {
  if (kind === 'refund') return say.titles.refundPolicy;
  return kind === 'cancellation' ? say.titles.cancellationPolicy : say.titles.termsOfService;
}

function policyMatches(fact: Fact, kind: PolicyKind): boolean {
  const name = String(fact.data?.policy ?? fact.text).toLowerCase();
  if (kind === 'refund') return name.includes('refund');
  if (kind === 'cancellation') return name.includes('cancel');
  return name.includes('term');
}
