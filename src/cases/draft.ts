import type Stripe from 'stripe';
import { audit } from '../db/audit.js';
import { getCase, transitionCase } from '../db/cases.js';
import { getDispute } from '../db/disputes.js';
import { addDraft, winningRebuttals } from '../db/drafts.js';
import { loadFacts } from '../db/evidence.js';
import { type Pool, withTransaction } from '../db/pool.js';
import { readStored, storedTriageSchema } from '../db/stored.js';
import { draftRebuttal } from '../drafting/draft.js';
import { describeFindings } from '../drafting/grounding.js';
import type { LlmDrafter } from '../drafting/llm.js';
import { queueAutopilot, queuePost } from '../jobs/enqueue.js';
import type { Logger } from '../log.js';
import { type ProductClients, stripeFor } from '../products/clients.js';
import { onAccount } from '../stripe/client.js';
import { autopilotRulesFor, evidenceFound, shouldAutoSubmit } from './autopilot.js';
import { type DraftContextBusiness, draftContext } from './context.js';
import { type StageObserver, stopwatch } from './timing.js';

export interface DraftDeps {
  pool: Pool;
  stripe: Stripe;
  products?: ProductClients;
  log: Logger;
  llm?: LlmDrafter;
  business: DraftContextBusiness;
  /** A product's own business (its evidence file's, with its language); without it every dispute is `business`'s. */
  businessOf?: (product: string) => DraftContextBusiness;
  /** The whole drafting step, model retries included, finishes within this. */
  draftTimeoutMs?: number;
  /** REBUT_REBUTTAL_MAX_CHARS: the template's ceiling and the model's target. */
  rebuttalMaxChars?: number;
  /** Each step's duration, for the `rebut_case_stage_seconds` histogram (cases/timing.ts). */
  observeStage?: StageObserver;
}

/**
 * The `draft-case` job: the rebuttal from the case's facts (LLM, grounded, or the template),
 * stored as draft version 1, staged on Stripe as `uncategorized_text` (never submitted here),
 * then the case waits for review and goes to Slack, or, under an autopilot rule, is submitted first.
 */
export async function draftCase(deps: DraftDeps, caseId: number): Promise<void> {
  const { pool, log } = deps;
  const watch = stopwatch(deps.observeStage);
  const caseRow = await getCase(pool, caseId);
  if (caseRow?.state !== 'drafting') return; // drafted already, or decided meanwhile
  const dispute = await getDispute(pool, caseRow.dispute_id);
  if (!dispute) throw new Error(`case ${caseId} has no dispute row`);
  const stripe = stripeFor(deps, dispute.product);
  const business = deps.businessOf?.(dispute.product) ?? deps.business;

  const facts = await loadFacts(pool, caseId);
  const stored = readStored(storedTriageSchema, 'cases.triage', caseRow.triage);
  const result = await draftRebuttal({
    facts,
    // What the packet left out: the letter points to the activity log only as far as the log holds the events; and
    // it opens with the cover page's points, saying where each is.
    context: draftContext(dispute, business, stored.dropped, stored.cover),
    examples: await winningRebuttals(pool, dispute.product, dispute.reason),
    llm: deps.llm,
    timeoutMs: deps.draftTimeoutMs,
    maxChars: deps.rebuttalMaxChars,
  });
  watch.lap('draft');

  await stripe.disputes.update(
    dispute.id,
    { evidence: { uncategorized_text: result.text }, submit: false, intended_submission_method: 'manual' },
    onAccount(dispute.account),
  );
  watch.lap('stage_rebuttal');

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
        language: result.sheet.context.language ?? 'en',
        // Every attempt with what it cost: a refused or failed model call is paid for too.
        attempts: result.attempts.map(({ author, outcome, durationMs, failure, usage, findings, refusedText }) => ({
          author,
          outcome,
          durationMs,
          failure,
          usage,
          ...(refusedText === undefined ? {} : { refusedText, refusedBecause: describeFindings(findings) }),
        })),
      },
      usage: result.usage,
    });
    await audit(tx, {
      actor: result.author,
      action: 'draft.created',
      caseId,
      disputeId: dispute.id,
      detail: {
        version: draft.version,
        fallbackReason: result.fallbackReason,
        usage: result.usage,
        timing: watch.laps,
      },
    });
    // Under an autopilot rule whose conditions hold, the case is submitted first; its message tells what was sent.
    const triage = readStored(storedTriageSchema, 'cases.triage', caseRow.triage);
    const candidate = {
      reason: dispute.reason,
      amount: Number(dispute.amount),
      currency: dispute.currency,
      decision: triage.decision ?? null,
      evidenceFound: evidenceFound(triage.checklist),
      draftAuthor: result.author,
    };
    if (shouldAutoSubmit(candidate, await autopilotRulesFor(tx, dispute.product, dispute.reason)))
      await queueAutopilot(tx, caseId);
    else await queuePost(tx, caseId);
  });
  log.info(
    { caseId, disputeId: dispute.id, author: result.author, fallback: result.fallbackReason },
    `rebuttal drafted by ${result.author}`,
  );
}
