/**
 * Stripe's dispute statuses as rebut reads them. `warning_*` are inquiries (no chargeback yet), `prevented` a
 * dispute an early fraud warning's refund headed off.
 */

/** Statuses in which Stripe still takes evidence. */
export const NEEDS_RESPONSE_STATUSES = ['needs_response', 'warning_needs_response'] as const;

/** Statuses of a dispute whose evidence is with the issuer: answered, waiting for the decision. */
export const UNDER_REVIEW_STATUSES = ['under_review', 'warning_under_review'] as const;

/** Stripe's statuses of a decided dispute: no evidence can be sent any more. */
export const CLOSED_STATUSES = ['won', 'lost', 'warning_closed', 'prevented'] as const;
export type ClosedStatus = (typeof CLOSED_STATUSES)[number];

const needsResponse: ReadonlySet<string> = new Set(NEEDS_RESPONSE_STATUSES);
const closed: ReadonlySet<string> = new Set(CLOSED_STATUSES);

export function disputeNeedsResponse(status: string): boolean {
  return needsResponse.has(status);
}

export function isClosedStatus(status: string): status is ClosedStatus {
  return closed.has(status);
}
