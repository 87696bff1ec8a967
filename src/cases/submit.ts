import type Stripe from 'stripe';
import { audit } from '../db/audit.js';
import { type CaseRow, getCase, transitionCase } from '../db/cases.js';
import { databaseNow } from '../db/clock.js';
import { getDispute, upsertDispute } from '../db/disputes.js';
import { draftVersion, latestDraft } from '../db/drafts.js';
import { type Pool, withTransaction } from '../db/pool.js';
import { type CaseState, DECIDED_STATE_OF, isOutcomeState, type TRANSITIONS } from '../dispute/states.js';
import { disputeNeedsResponse, isClosedStatus } from '../dispute/statuses.js';
import { messageOf } from '../errors.js';
import { queueMessageUpdate, queueOutcome } from '../jobs/enqueue.js';
import type { Logger } from '../log.js';
import { type ProductClients, stripeFor } from '../products/clients.js';
import { DISPUTE_EXPAND, onAccount } from '../stripe/client.js';

export type SubmitTrigger = 'approve' | 'autopilot' | 'timer';

export type SubmitOutcome =
  | { kind: 'submitted'; caseRow: CaseRow; draftVersion: number }
  | { kind: 'not_allowed'; state: CaseState; message: string }
  | { kind: 'refused'; message: string } // Stripe's state says no: already submitted elsewhere, past due, closed
  | { kind: 'failed'; message: string }; // Stripe failed; the case can be retried

export interface SubmitDeps {
  pool: Pool;
  stripe: Stripe;
  /** Each product's client: a dispute is answered with the key of its own product. */
  products?: ProductClients;
  log: Logger;
}

/**
 * The Stripe idempotency key of a submission: from the dispute and draft version, plus the attempt
 * number, because Stripe replays a saved 500 for the same key for 24 h and a retry after a failure
 * must really be sent again. A retry can never double-submit: it re-reads the dispute first.
 */
export function submissionKey(disputeId: string, draftVersion: number, attempt: number): string {
  return `rebut:submit:${disputeId}:v${draftVersion}:a${attempt}`;
}

/** rebut's earlier submission attempts on the case: how many, and what the last one sent (version and key). */
async function earlierAttempts(
  pool: Pool,
  caseId: number,
): Promise<{ count: number; last: { draftVersion?: number; idempotencyKey?: string } | undefined }> {
  const { rows } = await pool.query<{ n: number; last: { draftVersion?: number; idempotencyKey?: string } | null }>(
    `SELECT count(*)::int AS n,
            (SELECT detail FROM audit_log WHERE case_id = $1 AND action = 'submission.attempt' ORDER BY id DESC LIMIT 1)
              AS last
       FROM audit_log WHERE case_id = $1 AND action = 'submission.attempt'`,
    [caseId],
  );
  return { count: rows[0]?.n ?? 0, last: rows[0]?.last ?? undefined };
}

/**
 * The one path to Stripe's `submit: true`, whoever triggers it (button, timer, autopilot, two
 * instances at once). A dispute is submitted at most once:
 * 1. compare-and-set the case to `submitting` (only one actor wins);
 * 2. re-read the dispute from Stripe: still needs a response, never submitted, not past due;
 * 3. submit with an idempotency key from the dispute and draft version (a retried request
 *    replays rather than resubmits);
 * 4. re-read to confirm it landed, then record it in `submissions` (unique per dispute) and `audit_log`.
 */
export async function submitCase(
  deps: SubmitDeps,
  caseId: number,
  trigger: SubmitTrigger,
  actor: string,
  /** The draft version the person saw on the message they clicked; another version is not sent. */
  seenVersion?: number,
): Promise<SubmitOutcome> {
  const { pool, log } = deps;
  // A case someone conceded is never submitted, from any copy of its message, even while its close is failing.
  const held = await transitionCase(pool, caseId, 'takeToSubmit', { problem: null, unlessHandledBy: 'accepted' });
  if (!held) {
    const current = await getCase(pool, caseId);
    const state = current?.state ?? 'closed';
    if (current?.state === 'failed' && current.handled_by === 'accepted') {
      return {
        kind: 'not_allowed',
        state,
        message: 'This dispute was accepted (conceded); rebut closes it on Stripe and never submits evidence for it.',
      };
    }
    return { kind: 'not_allowed', state, message: notAllowedMessage(state) };
  }
  const dispute = await getDispute(pool, held.dispute_id);
  const draft = await latestDraft(pool, caseId);
  if (!dispute || !draft) {
    await transitionCase(pool, caseId, 'submitFailed', { problem: 'no rebuttal drafted yet' });
    return { kind: 'failed', message: 'There is no rebuttal to submit yet.' };
  }
  // Checked once the case is ours, so no edit can land between this check and the submission (edits lock the case).
  if (seenVersion !== undefined && draft.version !== seenVersion) {
    const message =
      `The rebuttal changed since that message was shown (now version ${draft.version}, you saw version ` +
      `${seenVersion}): read the updated message, then decide.`;
    await withTransaction(pool, async (tx) => {
      await transitionCase(tx, caseId, 'handBack');
      await queueMessageUpdate(tx, caseId);
    });
    return { kind: 'not_allowed', state: 'awaiting_review', message };
  }
  const options = onAccount(dispute.account);
  const stripe = stripeFor(deps, dispute.product);

  let current: Stripe.Dispute;
  const readAt = await databaseNow(pool);
  try {
    current = await stripe.disputes.retrieve(dispute.id, { expand: DISPUTE_EXPAND }, options);
  } catch (error) {
    return fail(deps, held, `Stripe could not be reached to check the dispute: ${messageOf(error)}`, trigger, actor);
  }
  await upsertDispute(pool, current, dispute.account, readAt);
  const earlier = await earlierAttempts(pool, caseId);
  const attempts = earlier.count;
  // Our own earlier attempt may have landed with its answer lost: then this is that submission, confirmed, with the
  // version that attempt sent (a person may have edited since; that edit never reached Stripe).
  if ((current.evidence_details?.submission_count ?? 0) > 0 && attempts > 0) {
    const sentVersion = earlier.last?.draftVersion ?? draft.version;
    const sent = sentVersion === draft.version ? draft : ((await draftVersion(pool, caseId, sentVersion)) ?? draft);
    return record(
      deps,
      held,
      current,
      dispute.account,
      sent,
      trigger,
      actor,
      earlier.last?.idempotencyKey ?? submissionKey(dispute.id, sent.version, attempts),
      readAt,
    );
  }
  const refusal = whyNotSubmittable(current, new Date());
  if (refusal) {
    await withTransaction(pool, async (tx) => {
      await transitionCase(tx, caseId, 'refusedByStripe', { to: refusal.state, problem: refusal.message });
      await audit(tx, {
        actor,
        action: 'submission.refused',
        caseId,
        disputeId: dispute.id,
        detail: { trigger, reason: refusal.message },
      });
      await queueMessageUpdate(tx, caseId);
      // Found decided here, the case has left the states a later event or sync closes: its outcome is told now.
      if (isOutcomeState(refusal.state)) await queueOutcome(tx, caseId);
    });
    log.info(
      { caseId, disputeId: dispute.id, reason: refusal.message },
      'submission refused by the dispute state on Stripe',
    );
    return { kind: 'refused', message: refusal.message };
  }

  const idempotencyKey = submissionKey(dispute.id, draft.version, attempts + 1);
  await audit(pool, {
    actor,
    action: 'submission.attempt',
    caseId,
    disputeId: dispute.id,
    detail: { trigger, idempotencyKey, draftVersion: draft.version },
  });
  try {
    await stripe.disputes.update(
      dispute.id,
      { evidence: { uncategorized_text: draft.text }, submit: true, intended_submission_method: 'manual' },
      { ...options, idempotencyKey },
    );
  } catch (error) {
    return fail(deps, held, `Stripe refused or failed the submission: ${messageOf(error)}`, trigger, actor);
  }

  // Confirm it landed before recording it: the Stripe answer can be lost on the way back.
  let confirmed: Stripe.Dispute | undefined;
  const confirmedAt = await databaseNow(pool);
  try {
    confirmed = await stripe.disputes.retrieve(dispute.id, { expand: DISPUTE_EXPAND }, options);
  } catch (error) {
    log.warn(
      { err: error, disputeId: dispute.id },
      'could not re-read the dispute after submitting; recording from the update answer',
    );
  }
  if (confirmed && !confirmed.evidence_details?.submission_count) {
    return fail(deps, held, 'Stripe accepted the request but the dispute shows no submission', trigger, actor);
  }
  return record(deps, held, confirmed, dispute.account, draft, trigger, actor, idempotencyKey, confirmedAt);
}

async function record(
  deps: SubmitDeps,
  held: CaseRow,
  confirmed: Stripe.Dispute | undefined,
  account: string | null,
  draft: { version: number; author: string },
  trigger: SubmitTrigger,
  actor: string,
  idempotencyKey: string,
  /** When `confirmed` was read, on the database's clock. */
  readAt: Date,
): Promise<SubmitOutcome> {
  const { pool, log } = deps;
  const caseId = held.id;
  const disputeId = held.dispute_id;
  const handledBy = trigger === 'approve' ? (draft.author.startsWith('slack:') ? 'edited' : 'approved') : trigger;
  const caseRow = await withTransaction(pool, async (tx) => {
    if (confirmed) await upsertDispute(tx, confirmed, account, readAt);
    await tx.query(
      `INSERT INTO submissions (case_id, dispute_id, draft_version, trigger, actor, idempotency_key, stripe_status)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dispute_id) DO NOTHING`,
      [caseId, disputeId, draft.version, trigger, actor, idempotencyKey, confirmed?.status ?? null],
    );
    const moved = await transitionCase(tx, caseId, 'submitted', { handledBy });
    await audit(tx, {
      actor,
      action: 'submission.sent',
      caseId,
      disputeId,
      detail: { trigger, draftVersion: draft.version, idempotencyKey },
    });
    await queueMessageUpdate(tx, caseId);
    return moved;
  });
  log.info({ caseId, disputeId, trigger }, 'evidence submitted to Stripe');
  return { kind: 'submitted', caseRow: caseRow ?? held, draftVersion: draft.version };
}

/** Why Stripe would not (or should not) take evidence now; undefined when it would. */
export function whyNotSubmittable(
  dispute: Stripe.Dispute,
  now: Date,
): { state: (typeof TRANSITIONS)['refusedByStripe']['to'][number]; message: string } | undefined {
  const details = dispute.evidence_details;
  if ((details?.submission_count ?? 0) > 0) {
    return {
      state: 'submitted',
      message: 'Evidence was already submitted for this dispute (for example from the Stripe Dashboard).',
    };
  }
  if (!disputeNeedsResponse(dispute.status)) {
    return {
      // A status neither open nor decided (none is known today) reads as closed.
      state: isClosedStatus(dispute.status) ? DECIDED_STATE_OF[dispute.status] : 'closed',
      message: `The dispute is ${dispute.status.replaceAll('_', ' ')} on Stripe and no longer takes evidence.`,
    };
  }
  if (details?.past_due || (details?.due_by && details.due_by * 1000 <= now.getTime())) {
    return { state: 'expired', message: 'The deadline to respond has passed.' };
  }
  return undefined;
}

function notAllowedMessage(state: CaseState): string {
  switch (state) {
    case 'submitting':
      return 'This case is being submitted right now.';
    case 'submitted':
      return 'This case was already submitted.';
    case 'new':
    case 'drafting':
      return 'The evidence and rebuttal are still being prepared.';
    default:
      return `This case is ${state.replaceAll('_', ' ')} and cannot be submitted.`;
  }
}

async function fail(
  deps: SubmitDeps,
  held: CaseRow,
  message: string,
  trigger: SubmitTrigger,
  actor: string,
): Promise<SubmitOutcome> {
  await withTransaction(deps.pool, async (tx) => {
    await transitionCase(tx, held.id, 'submitFailed', { problem: message });
    await audit(tx, {
      actor,
      action: 'submission.failed',
      caseId: held.id,
      disputeId: held.dispute_id,
      detail: { trigger, message },
    });
    await queueMessageUpdate(tx, held.id);
  });
  deps.log.warn({ caseId: held.id, disputeId: held.dispute_id }, message);
  return { kind: 'failed', message };
}
