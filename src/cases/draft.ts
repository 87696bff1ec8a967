import type Stripe from 'stripe';
import { audit } from '../db/audit.js';
import { getCase, transitionCase } from '../db/cases.js';
import { getDispute } from '../db/disputes.js';
import { addDraft, winningRebuttals } from '../db/drafts.js';
import { loadFacts } from '../db/evidence.js';
import { type Pool, withTransaction } from '../db/pool.js';
import { draftRebuttal } from '../drafting/draft.js';
import type { LlmDrafter } from '../drafting/llm.js';
import { queueAutopilot, queuePost } from '../jobs/enqueue.js';
import type { Logger } from '../log.js';
import { onAccount } from '../stripe/client.js';
import { autopilotRulesFor, shouldAutoSubmit } from './autopilot.js';
import { draftContext } from './context.js';

export interface DraftDeps {
  pool: Pool;
  stripe: Stripe;
  log: Logger;
  llm?: LlmDrafter;
  business: { name: string; productDescription: string | null };
  /** The whole drafting step, model retries included, finishes within this. */
  draftTimeoutMs?: number;
}

/**
 * The `draft-case` job: the rebuttal from the case's facts (LLM, grounded, or the template),
 * stored as draft version 1, staged on Stripe as `uncategorized_text` (never submitted here),
 * then the case waits for review and goes to Slack, or, under an autopilot rule, is submitted first.
 */
export async function draftCase(deps: DraftDeps, caseId: number): Promise<void> {
  const { pool, stripe, log } = deps;
  const caseRow = await getCase(pool, caseId);
  if (caseRow?.state !== 'drafting') return; // drafted already, or decided meanwhile
  const dispute = await getDispute(pool, caseRow.dispute_id);
  if (!dispute) throw new Error(`case ${caseId} has no dispute row`);

  const facts = await loadFacts(pool, caseId);
  const result = await draftRebuttal({
    facts,
    context: draftContext(dispute, deps.business),
    examples: await winningRebuttals(pool, dispute.reason),
    llm: deps.llm,
    timeoutMs: deps.draftTimeoutMs,
  });

  await stripe.disputes.update(
    dispute.id,
    { evidence: { uncategorized_text: result.text }, submit: false, intended_submission_method: 'manual' },
    onAccount(dispute.account),
  );

  await withTransaction(pool, async (tx) => {
    const moved = await transitionCase(tx, caseId, 'drafted', {
      problem: result.fallbackReason ? `Template draft: ${result.fallbackReason}` : null,
    });
    if (!moved) return;
    const draft = await addDraft(tx, {
      caseId,
      author: result.author,
      text: result.text,
      citedFacts: result.citedFacts.map((ref) => result.sheet.facts.find((fact) => fact.ref === ref)?.id ?? ref),
      grounding: {
        ok: result.grounding.ok,
        findings: result.grounding.findings,
        needsReview: result.needsReview,
        fallbackReason: result.fallbackReason,
        confidence: result.confidence,
        weaknesses: result.weaknesses,
        attempts: result.attempts.map(({ author, outcome, durationMs, failure }) => ({
          author,
          outcome,
          durationMs,
          failure,
        })),
      },
      usage: result.usage,
    });
    await audit(tx, {
      actor: result.author,
      action: 'draft.created',
      caseId,
      disputeId: dispute.id,
      detail: { version: draft.version, fallbackReason: result.fallbackReason, usage: result.usage },
    });
    // Under an autopilot rule the case is submitted first, and its message tells what was sent.
    const rules = await autopilotRulesFor(tx, dispute.reason);
    if (shouldAutoSubmit({ reason: dispute.reason }, rules)) await queueAutopilot(tx, caseId);
    else await queuePost(tx, caseId);
  });
  log.info(
    { caseId, disputeId: dispute.id, author: result.author, fallback: result.fallbackReason },
    `rebuttal drafted by ${result.author}`,
  );
}
