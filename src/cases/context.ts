import type { DisputeRow } from '../db/disputes.js';
import type { DraftContext } from '../drafting/fact-sheet.js';

/** The dispute basics the drafter and the grounding check start from. */
export function draftContext(
  dispute: DisputeRow,
  business: { name: string; productDescription: string | null },
  /** What the packet left out (cases.triage.dropped): whether its activity log holds every event. */
  dropped: readonly { what: string }[] = [],
  /** The cover page's points and where each is proved (cases.triage.cover): the rebuttal opens with them. */
  cover?: DraftContext['cover'],
): DraftContext {
  const charge = typeof dispute.stripe_object.charge === 'object' ? dispute.stripe_object.charge : null;
  return {
    disputeId: dispute.id,
    reason: dispute.reason,
    amount: Number(dispute.amount),
    currency: dispute.currency,
    chargeId: dispute.charge_id,
    created: new Date(dispute.created).toISOString(),
    dueBy: dispute.due_by ? new Date(dispute.due_by).toISOString() : null,
    cardBrand: dispute.card_brand,
    customerName: charge?.billing_details?.name ?? null,
    customerEmail: dispute.customer_email,
    productDescription: business.productDescription,
    businessName: business.name,
    activityLog: activityLogIn(dropped),
    ...(cover && cover.length > 0 ? { cover } : {}),
  };
}

/** What the packet's activity log holds, from what the packet left out ("3,120 activity log rows of 5,001"). */
export function activityLogIn(dropped: readonly { what: string }[]): NonNullable<DraftContext['activityLog']> {
  const cut = dropped.find((drop) => /^[\d,]+ activity log rows? of [\d,]+$/.test(drop.what));
  if (!cut) return 'complete';
  const [left, total] = (cut.what.match(/[\d,]+/g) ?? []).map((n) => Number(n.replaceAll(',', '')));
  return left === total ? 'absent' : 'partial';
}
