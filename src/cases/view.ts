import type { CaseRow } from '../db/cases.js';
import type { DisputeRow } from '../db/disputes.js';
import type { Pool } from '../db/pool.js';
import { readStored, storedGroundingSchema, storedTriageSchema } from '../db/stored.js';
import type { Language } from '../dispute/language.js';
import { type ByProduct, forProduct } from '../dispute/products.js';
import type { CaseState } from '../dispute/states.js';
import { type ActionAlone, actionAlone, type UnwinnableAction } from './act-alone.js';

/** Everything a person needs to decide a case: what Slack shows, built from the database alone. */
export interface CaseView {
  caseId: number;
  state: CaseState;
  problem: string | null;
  handledBy: string | null;
  dispute: {
    id: string;
    /** The product the dispute belongs to: its channel shows the case, its approvers decide it. */
    product: string;
    amount: number; // minor units
    currency: string;
    reason: string;
    status: string;
    cardBrand: string | null;
    network: string | null;
    customerEmail: string | null;
    customerName: string | null;
    chargeId: string;
    created: Date;
    dueBy: Date | null;
    livemode: boolean;
    inquiry: boolean;
  };
  autoSubmitAt: Date | null;
  /** When a person could first see the case (its message reached Slack); its review window starts there. */
  postedAt: Date | null;
  /** The deadline cut the review short. */
  urgent: boolean;
  /** Who stopped the timer for this case (`slack:U…`, or `timer`), until someone decides. */
  heldBy: string | null;
  /** What rebut does at auto_submit_at if nobody decides (`actionAlone`). */
  plan: ActionAlone;
  /** When a case that could not be prepared was shown as needing attention. */
  attentionAt: Date | null;
  autopilot: boolean;
  triage: {
    decision: string;
    reasons: string[];
    gaps: { item: string; weight: number }[];
  } | null;
  checklist: { item: string; found: boolean }[];
  /** Sources that failed or timed out while gathering evidence. */
  missingSources: { source: string; problem: string }[];
  droppedEvidence: { what: string; why: string }[];
  draft: {
    version: number;
    author: string;
    text: string;
    grounded: boolean;
    findings: string[];
    needsReview: boolean;
    fallbackReason: string | null;
    /** The language the rebuttal goes to the bank in; the case message says so when it is not English. */
    language: Language;
    /** The model's drafts the grounding check refused, with why: shown only on request, marked as refused. */
    refused: { text: string; because: string }[];
  } | null;
  submission: { trigger: string; actor: string; at: Date } | null;
  /** Slack message coordinates, when posted. */
  slack: { channel: string; ts: string; version: number } | null;
  /** The early fraud warning on the disputed charge (the latest), and what was done about it; absent when none. */
  warning?: {
    id: string;
    fraudType: string;
    created: Date;
    state: string;
    refundId: string | null;
    refundedAmount: number | null;
  } | null;
}

export async function loadCaseView(
  pool: Pool,
  caseId: number,
  unwinnable: ByProduct<UnwinnableAction>,
): Promise<CaseView | undefined> {
  const { rows } = await pool.query<
    CaseRow & {
      d: DisputeRow;
      autopilot: boolean | null;
      draft: { version: number; author: string; text: string; grounding: unknown } | null;
      submission: { trigger: string; actor: string; submitted_at: string } | null;
      warning: {
        id: string;
        fraud_type: string;
        created: string;
        state: string;
        refund_id: string | null;
        refunded_amount: number | null;
      } | null;
    }
  >(
    `SELECT c.*, to_jsonb(d) AS d,
            (SELECT enabled FROM autopilot_rules r WHERE r.product = d.product AND r.reason = d.reason) AS autopilot,
            (SELECT to_jsonb(x) FROM (SELECT version, author, text, grounding FROM drafts WHERE case_id = c.id
                                      ORDER BY version DESC LIMIT 1) x) AS draft,
            (SELECT to_jsonb(s) FROM submissions s WHERE s.case_id = c.id) AS submission,
            (SELECT to_jsonb(w) FROM (SELECT id, fraud_type, created, state, refund_id, refunded_amount
                                        FROM early_fraud_warnings WHERE charge_id = d.charge_id
                                       ORDER BY created DESC LIMIT 1) w) AS warning
       FROM cases c JOIN disputes d ON d.id = c.dispute_id WHERE c.id = $1`,
    [caseId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const d = row.d;
  const stored = readStored(storedTriageSchema, 'cases.triage', row.triage);
  const charge = typeof d.stripe_object.charge === 'object' ? d.stripe_object.charge : null;
  const grounding = readStored(storedGroundingSchema, 'drafts.grounding', row.draft?.grounding);
  return {
    caseId: row.id,
    state: row.state,
    problem: row.problem,
    handledBy: row.handled_by,
    dispute: {
      id: d.id,
      product: d.product,
      amount: Number(d.amount),
      currency: d.currency,
      reason: d.reason,
      status: d.status,
      cardBrand: d.card_brand,
      network: d.stripe_object.payment_method_details?.card?.network ?? null,
      customerEmail: d.customer_email,
      customerName: charge?.billing_details?.name ?? null,
      chargeId: d.charge_id,
      created: new Date(d.created),
      dueBy: d.due_by ? new Date(d.due_by) : null,
      livemode: d.livemode,
      inquiry: d.status.startsWith('warning_'),
    },
    autoSubmitAt: row.auto_submit_at,
    postedAt: row.posted_at,
    urgent: row.urgent,
    heldBy: row.held_by,
    plan: actionAlone({ decision: stored.decision ?? null, heldBy: row.held_by }, forProduct(unwinnable, d.product)),
    attentionAt: row.attention_at,
    autopilot: row.autopilot ?? false,
    triage: stored.decision ? { decision: stored.decision, reasons: stored.reasons, gaps: stored.gaps } : null,
    checklist: stored.checklist.map(({ item, found }) => ({ item, found })),
    missingSources: stored.missingSources,
    // What the playbook left out on purpose is on the packet's cover page; the message lists what did not fit.
    droppedEvidence: stored.dropped.filter((entry) => !entry.byPlaybook),
    draft: row.draft
      ? {
          version: row.draft.version,
          author: row.draft.author,
          text: row.draft.text,
          grounded: grounding.ok,
          findings: grounding.findings.map((finding) => finding.message),
          needsReview: grounding.needsReview,
          fallbackReason: grounding.fallbackReason,
          language: grounding.language ?? 'en',
          refused: (grounding.attempts ?? []).flatMap((attempt) =>
            attempt.refusedText ? [{ text: attempt.refusedText, because: attempt.refusedBecause ?? '' }] : [],
          ),
        }
      : null,
    submission: row.submission
      ? { trigger: row.submission.trigger, actor: row.submission.actor, at: new Date(row.submission.submitted_at) }
      : null,
    slack:
      row.slack_channel && row.slack_ts
        ? { channel: row.slack_channel, ts: row.slack_ts, version: row.slack_version }
        : null,
    warning: row.warning
      ? {
          id: row.warning.id,
          fraudType: row.warning.fraud_type,
          created: new Date(row.warning.created),
          state: row.warning.state,
          refundId: row.warning.refund_id,
          refundedAmount: row.warning.refunded_amount === null ? null : Number(row.warning.refunded_amount),
        }
      : null,
  };
}
