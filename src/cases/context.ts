import type { DisputeRow } from '../db/disputes.js';
import { type LanguageSetting, resolveLanguage } from '../dispute/language.js';
import type { DraftContext } from '../drafting/fact-sheet.js';

/** The business as the drafter knows it: its name, its product, and the language its rebuttals go to the bank in. */
export type DraftContextBusiness = Parameters<typeof draftContext>[1];

/** The dispute basics the drafter and the grounding check start from. */
export function draftContext(
  dispute: DisputeRow,
  /** `language`: the product's setting (default en); `auto` reads the card issuer's country from the charge. */
  business: { name: string; productDescription: string | null; language?: LanguageSetting },
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
    language: resolveLanguage(business.language, cardCountryOf(dispute)),
  };
}

/** The country of the card's issuer, as Stripe gives it on the charge (`payment_method_details.card.country`). */
export function cardCountryOf(dispute: Pick<DisputeRow, 'stripe_object'>): string | null {
  const charge = typeof dispute.stripe_object.charge === 'object' ? dispute.stripe_object.charge : null;
  return charge?.payment_method_details?.card?.country ?? null;
}

/** What the packet's activity log holds, from what the packet left out ("3,120 activity log rows of 5,001"). */
export function activityLogIn(dropped: readonly { what: string }[]): NonNullable<DraftContext['activityLog']> {
  const cut = dropped.find((drop) => /^[\d,]+ activity log rows? of [\d,]+$/.test(drop.what));
  if (!cut) return 'complete';
  const [left, total] = (cut.what.match(/[\d,]+/g) ?? []).map((n) => Number(n.replaceAll(',', '')));
  return left === total ? 'absent' : 'partial';
}
