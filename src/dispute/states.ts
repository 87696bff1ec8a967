import type { ClosedStatus } from './statuses.js';

/**
 * The life of a case, as data: its states and every move between them. A case moves only by a compare-and-set on
 * `cases.state` (`transitionCase` in db/cases.ts) that takes a move's name from `TRANSITIONS`, so two actors can
 * never both move a case and no code path invents a move. See docs/architecture.md → "A case's life".
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

/** States in which a person or the timer may still decide the case. */
export const OPEN_STATES = ['new', 'drafting', 'awaiting_review', 'failed'] as const satisfies readonly CaseState[];

/** Cases a person or the timer may submit or accept from. `failed` is there so Retry works. */
export const DECIDABLE_STATES = ['awaiting_review', 'failed'] as const satisfies readonly CaseState[];

export function isDecidable(state: CaseState): boolean {
  return (DECIDABLE_STATES as readonly CaseState[]).includes(state);
}

/** States a case leaves when Stripe decides its dispute (won, lost, inquiry closed). */
export const CLOSABLE_STATES = [
  ...OPEN_STATES,
  'submitting',
  'submitted',
  'accepting',
  'accepted',
  'expired',
] as const satisfies readonly CaseState[];

/** The states Stripe's decision leaves a case in. */
export const DECIDED_STATES = ['won', 'lost', 'closed'] as const satisfies readonly CaseState[];

/** The state of a case whose dispute Stripe decided, by the dispute's closed status. */
export const DECIDED_STATE_OF = {
  won: 'won',
  lost: 'lost',
  warning_closed: 'closed', // an inquiry closed without a chargeback
  prevented: 'closed', //     headed off by a refund after an early fraud warning
} as const satisfies Record<ClosedStatus, (typeof DECIDED_STATES)[number]>;

/** Decided states whose outcome is told in the case's thread (a closed inquiry moved no money and needs no reply). */
export const OUTCOME_STATES = ['won', 'lost'] as const satisfies readonly (typeof DECIDED_STATES)[number][];

export function isOutcomeState(state: CaseState): state is (typeof OUTCOME_STATES)[number] {
  return (OUTCOME_STATES as readonly CaseState[]).includes(state);
}

/** States an actor holds while it talks to Stripe; a case left in one lost its instance on the way. */
export const HELD_STATES = ['submitting', 'accepting'] as const satisfies readonly CaseState[];

interface Transition {
  from: readonly CaseState[];
  to: readonly CaseState[];
}

/** Every move a case can make, by name. Opening a case (→ `new`) is an insert, not a move. */
export const TRANSITIONS = {
  /** Evidence gathered and staged on Stripe: the rebuttal is next. */
  prepared: { from: ['new'], to: ['drafting'] },
  /** Left to Stripe's Smart Disputes, which answered it (SMART_DISPUTES=when_cheaper): nothing of rebut's is sent. */
  leftToSmartDisputes: { from: ['new'], to: ['submitted'] },
  /** The rebuttal is stored: the case waits for a person (or autopilot). */
  drafted: { from: ['drafting'], to: ['awaiting_review'] },
  /** One actor takes the case to submit it. */
  takeToSubmit: { from: DECIDABLE_STATES, to: ['submitting'] },
  /** The submission was not sent: the version shown is not the latest, so the case goes back to review. */
  handBack: { from: ['submitting'], to: ['awaiting_review'] },
  /** Stripe has the evidence (sent now, or found sent by an earlier attempt or outside rebut). */
  submitted: { from: ['submitting'], to: ['submitted'] },
  /** Stripe's own state says no more evidence: already submitted, decided, or past due. */
  refusedByStripe: { from: ['submitting'], to: ['submitted', ...DECIDED_STATES, 'expired'] },
  /** A submission failed; Retry or the timer tries again. */
  submitFailed: { from: ['submitting'], to: ['failed'] },
  /** One actor takes the case to concede it. */
  takeToAccept: { from: DECIDABLE_STATES, to: ['accepting'] },
  /** Stripe closed the dispute as conceded. */
  accepted: { from: ['accepting'], to: ['accepted'] },
  /** An accept failed; the case keeps the decision (`handled_by` accepted) and the timer closes it again. */
  acceptFailed: { from: ['accepting'], to: ['failed'] },
  /** Stripe's deadline passed before anyone decided (the case held, left, or never prepared): lost by default. */
  expire: { from: ['new', 'drafting', ...DECIDABLE_STATES], to: ['expired'] },
  /** The actor holding the case died on the way (its instance stopped); the timer takes the case back. */
  interrupted: { from: HELD_STATES, to: ['failed'] },
  /**
   * Stripe shows the evidence submitted (by rebut, its answer lost, or outside rebut): Stripe is the source of truth,
   * so the case is submitted whatever it was doing.
   */
  settled: {
    from: ['new', 'drafting', 'awaiting_review', 'failed', 'submitting', 'accepting'],
    to: ['submitted'],
  },
  /** Stripe decided the dispute (won, lost, inquiry closed, prevented). */
  decided: { from: CLOSABLE_STATES, to: DECIDED_STATES },
} as const satisfies Record<string, Transition>;
export type TransitionName = keyof typeof TRANSITIONS;
