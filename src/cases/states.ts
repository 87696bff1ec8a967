/**
 * The life of a case (DESIGN.md §1). Only the transitions listed here happen, each by a
 * compare-and-set on `cases.state`, so two actors can never both move a case.
 */
export const CASE_STATES = [
  'new', //              opened from a dispute that needs a response
  'drafting', //         evidence staged on Stripe, waiting for the rebuttal
  'awaiting_review', //  posted to Slack; the timer submits it at auto_submit_at
  'submitting', //       one actor holds it and is talking to Stripe
  'submitted', //        evidence sent; Stripe's answer is pending
  'accepting', //        one actor is closing (conceding) it on Stripe
  'accepted', //         conceded
  'won',
  'lost',
  'closed', //           an inquiry closed without a chargeback (warning_closed) or a dispute rebut did not answer
  'expired', //          the deadline passed without a submission
  'failed', //           a submission or close failed; can be retried from Slack
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const OPEN_STATES: readonly CaseState[] = ['new', 'drafting', 'awaiting_review', 'failed'];

/** States a case leaves when Stripe decides its dispute (won, lost, inquiry closed). */
export const CLOSABLE_STATES: readonly CaseState[] = [
  ...OPEN_STATES,
  'submitting',
  'submitted',
  'accepting',
  'accepted',
  'expired',
];

/** Stripe statuses in which evidence can still be sent. */
export const NEEDS_RESPONSE_STATUSES = ['needs_response', 'warning_needs_response'] as const;

export function disputeNeedsResponse(status: string): boolean {
  return (NEEDS_RESPONSE_STATUSES as readonly string[]).includes(status);
}

/** `auto_submit_at = min(created + REVIEW_WINDOW, due_by − SUBMIT_BUFFER)` (DESIGN.md §1). */
export function autoSubmitAt(created: Date, dueBy: Date | null, reviewWindowMs: number, submitBufferMs: number): Date {
  const afterReview = created.getTime() + reviewWindowMs;
  if (!dueBy) return new Date(afterReview);
  return new Date(Math.min(afterReview, dueBy.getTime() - submitBufferMs));
}

/** `autoSubmitAt` of a dispute as Stripe returns it (unix seconds). */
export function autoSubmitAtOf(
  dispute: { created: number; evidence_details?: { due_by: number | null } | null },
  reviewWindowMs: number,
  submitBufferMs: number,
): Date {
  const dueBy = dispute.evidence_details?.due_by ? new Date(dispute.evidence_details.due_by * 1000) : null;
  return autoSubmitAt(new Date(dispute.created * 1000), dueBy, reviewWindowMs, submitBufferMs);
}
