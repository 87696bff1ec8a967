// Cases for Slack tests without the evidence and drafting pipeline: a dispute made in the Stripe stand-in, read
// back with the official SDK, stored like process-event stores it, and a case with a draft waiting for review.
// The job the drafting pipeline queues once a case is ready.
export { queuePost } from '../../src/jobs/enqueue.js';

import PDFDocument from 'pdfkit';
import type { CreateDisputeInput, StripeSandbox } from '../../sandbox/stripe/index.js';
import type { CaseView } from '../../src/cases/view.js';
import { openCase } from '../../src/db/cases.js';
import { upsertDispute } from '../../src/db/disputes.js';
import { addDraft } from '../../src/db/drafts.js';
import type { Pool } from '../../src/db/pool.js';
import type { CaseState } from '../../src/dispute/states.js';
import { waitFor } from './app.js';

export const SAMPLE_REBUTTAL =
  'Jenny Rosen bought the Pro plan on the disputed charge and used it afterwards.\n\n' +
  'The account logged in from the same IP address as the purchase and generated images on three days after payment.';

export interface ReadyCaseOptions extends Partial<CreateDisputeInput> {
  draft?: string;
  /** Default: two days from now. */
  autoSubmitAt?: Date;
  state?: CaseState;
  triage?: Record<string, unknown>;
  /** Evidence files of the packet, stored like the packet builder stores them. */
  files?: { field: string; filename: string; bytes: Buffer; pages?: number }[];
  grounding?: Record<string, unknown>;
}

/** A case in `awaiting_review` (or `state`) with one template draft, for a dispute that exists on the stand-in. */
export async function readyCase(
  pool: Pool,
  stripe: StripeSandbox,
  options: ReadyCaseOptions = {},
): Promise<{ caseId: number; disputeId: string }> {
  const { draft, autoSubmitAt, state, triage, files, grounding, ...input } = options;
  const scenario = stripe.createDispute({ reason: 'fraudulent', silent: true, ...input });
  const dispute = await stripe
    .stripe()
    .disputes.retrieve(scenario.dispute.id, { expand: ['charge', 'payment_intent'] });
  await upsertDispute(pool, dispute, input.account ?? null, new Date());
  const opened = await openCase(pool, dispute.id, autoSubmitAt ?? new Date(Date.now() + 2 * 86_400_000));
  if (!opened) throw new Error(`a case for ${dispute.id} exists already`);
  await pool.query('UPDATE cases SET state = $2, triage = $3 WHERE id = $1', [
    opened.id,
    state ?? 'awaiting_review',
    JSON.stringify(triage ?? sampleTriage()),
  ]);
  await addDraft(pool, {
    caseId: opened.id,
    author: 'template',
    text: draft ?? SAMPLE_REBUTTAL,
    citedFacts: [],
    grounding: grounding ?? { ok: true, findings: [], needsReview: false, fallbackReason: null },
  });
  for (const file of files ?? []) {
    await pool.query(
      `INSERT INTO evidence_files (case_id, field, filename, content_type, pages, bytes) VALUES ($1, $2, $3, 'application/pdf', $4, $5)`,
      [opened.id, file.field, file.filename, file.pages ?? 1, file.bytes],
    );
  }
  return { caseId: opened.id, disputeId: dispute.id };
}

export function sampleTriage(): Record<string, unknown> {
  return {
    decision: 'fight',
    reasons: ['The customer used the product after the payment', 'Card checks passed (CVC, postal code)'],
    gaps: [{ item: 'Proof the customer agreed to the terms', weight: 2 }],
    checklist: [
      { item: 'Customer account activity after purchase', found: true },
      { item: 'Receipt', found: true },
      { item: 'Terms of service acceptance', found: false },
    ],
    missingSources: [{ source: 'http', problem: 'timed out after 10 s' }],
    dropped: [{ what: 'Screenshot 7', why: 'over the 4.5 MB packet budget' }],
  };
}

/** A small real PDF, as an evidence file. */
export function samplePdf(title: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4' });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.text(title);
    doc.end();
  });
}

/** A CaseView as loadCaseView returns it, for the pure block builders. */
export function caseViewFixture(
  overrides: Partial<Omit<CaseView, 'dispute' | 'draft'>> & {
    dispute?: Partial<CaseView['dispute']>;
    draft?: Partial<NonNullable<CaseView['draft']>> | null;
  } = {},
): CaseView {
  const { dispute, draft, ...rest } = overrides;
  return {
    caseId: 42,
    state: 'awaiting_review',
    problem: null,
    handledBy: null,
    autoSubmitAt: new Date('2026-03-03T12:00:00Z'),
    postedAt: new Date('2026-03-01T12:01:00Z'),
    urgent: false,
    heldBy: null,
    plan: 'submit',
    attentionAt: null,
    autopilot: false,
    triage: {
      decision: 'fight',
      reasons: ['The customer used the product after the payment'],
      gaps: [{ item: 'Proof the customer agreed to the terms', weight: 2 }],
    },
    checklist: [
      { item: 'Customer account activity after purchase', found: true },
      { item: 'Terms of service acceptance', found: false },
    ],
    missingSources: [{ source: 'http', problem: 'timed out after 10 s' }],
    droppedEvidence: [{ what: 'Screenshot 7', why: 'over the 4.5 MB packet budget' }],
    submission: null,
    slack: null,
    ...rest,
    dispute: {
      id: 'dp_1TestDispute',
      product: 'default',
      amount: 4900,
      currency: 'usd',
      reason: 'fraudulent',
      status: 'needs_response',
      cardBrand: 'visa',
      network: 'visa',
      customerEmail: 'jenny.rosen@example.com',
      customerName: 'Jenny Rosen',
      chargeId: 'ch_1TestCharge',
      created: new Date('2026-03-01T12:00:00Z'),
      dueBy: new Date('2026-03-10T23:59:59Z'),
      livemode: false,
      inquiry: false,
      ...dispute,
    },
    draft:
      draft === null
        ? null
        : {
            version: 1,
            author: 'template',
            text: SAMPLE_REBUTTAL,
            grounded: true,
            findings: [],
            needsReview: false,
            fallbackReason: null,
            language: 'en',
            refused: [],
            ...draft,
          },
  };
}

/**
 * A dispute made in the Stripe stand-in and its `charge.dispute.created` delivered to the app's webhook; resolves once
 * the whole pipeline has posted its case in Slack, with the dispute's id and the case's.
 */
export async function disputePostedInSlack(
  stripe: StripeSandbox,
  pool: Pool,
  input: CreateDisputeInput,
): Promise<{ disputeId: string; caseId: number }> {
  const scenario = stripe.createDispute({ silent: true, ...input });
  await stripe.deliver(stripe.emit('charge.dispute.created', scenario.dispute));
  const posted = await waitFor(
    async () => {
      const { rows } = await pool.query<{ id: number; slack_ts: string | null }>(
        'SELECT id, slack_ts FROM cases WHERE dispute_id = $1',
        [scenario.dispute.id],
      );
      return rows[0]?.slack_ts ? rows[0] : undefined;
    },
    { what: 'the case posted', timeoutMs: 30_000 },
  );
  return { disputeId: scenario.dispute.id, caseId: posted.id };
}
