import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { audit } from '../db/audit.js';
import { getCase, transitionCase } from '../db/cases.js';
import { type DisputeRow, getDispute } from '../db/disputes.js';
import { saveFacts, saveFiles } from '../db/evidence.js';
import { type Pool, withTransaction } from '../db/pool.js';
import type { EvidenceFileField } from '../dispute/evidence-fields.js';
import { visaCe3FromFacts } from '../evidence/ce3.js';
import type { EvidenceConfig } from '../evidence/config.js';
import { configuredSources, gatherEvidence } from '../evidence/gather.js';
import { buildPacket, type Packet, type PacketDeliverable, type PacketInput } from '../evidence/packet/index.js';
import { applyPlaybook, type PlaybookOptions, type PlaybookResult } from '../evidence/playbook/index.js';
import type { Artefact, Fact } from '../evidence/types.js';
import type { Logger } from '../log.js';
import { enqueue } from '../queue.js';
import { onAccount } from '../stripe/client.js';
import { triage } from '../triage/index.js';

export interface PrepareDeps {
  pool: Pool;
  stripe: Stripe;
  log: Logger;
  evidence: EvidenceConfig;
  appDatabaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Measured win-rate lift per kind of evidence for a reason (from stats), once there is enough history. */
  effectiveness?: (reason: string) => Promise<PlaybookOptions['effectiveness'] | undefined>;
  /** Turns the deliverables' image references into bytes (allowed hosts, caps); failures become notes. */
  fetchDeliverables: (artefacts: Artefact[]) => Promise<{ deliverables: PacketDeliverable[]; notes: string[] }>;
  /** Builds the packet; the app passes its packet threads (`evidence/packet/threads.ts`). Default: this thread. */
  buildPacket?: (input: PacketInput) => Promise<Packet>;
}

/**
 * The `prepare-case` job: evidence sources → playbook → packet (fields and PDFs within Stripe's
 * limits) → triage → staged on Stripe (`submit: false`, `intended_submission_method: manual`).
 * Safe to run again after a crash: uploads carry idempotency keys and the rows are replaced.
 */
export async function prepareCase(deps: PrepareDeps, caseId: number): Promise<void> {
  const { pool, stripe, log, evidence } = deps;
  const caseRow = await getCase(pool, caseId);
  if (caseRow?.state !== 'new') return; // prepared already, or decided meanwhile
  const dispute = await getDispute(pool, caseRow.dispute_id);
  if (!dispute) throw new Error(`case ${caseId} has no dispute row`);

  const gathered = await gatherEvidence(
    {
      dispute: dispute.stripe_object,
      stripe,
      stripeAccount: dispute.account ?? undefined,
      config: evidence,
      appDatabaseUrl: deps.appDatabaseUrl,
      env: deps.env,
    },
    configuredSources(evidence),
  );
  // Once enough decided disputes exist, optional evidence is ordered by how much it has won.
  const effectiveness = await deps.effectiveness?.(dispute.reason);
  const playbook = applyPlaybook(dispute.reason, gathered.facts, evidence, effectiveness ? { effectiveness } : {});
  const images = await deps.fetchDeliverables(gathered.artefacts.filter((artefact) => artefact.kind === 'image'));
  const packet = await (deps.buildPacket ?? buildPacket)({
    dispute: {
      id: dispute.id,
      reason: dispute.reason,
      amount: Number(dispute.amount),
      currency: dispute.currency,
      cardBrand: dispute.card_brand,
      created: new Date(dispute.created).toISOString(),
    },
    business: {
      name: evidence.business.name,
      productDescription: evidence.business.product_description,
      supportEmail: evidence.business.support_email,
      website: evidence.business.website,
    },
    textFields: playbook.textFields,
    timeline: [...gathered.facts].sort((a, b) => (a.at ?? '').localeCompare(b.at ?? '')),
    activity: gathered.facts.filter((fact) => fact.kind === 'activity'),
    deliverables: images.deliverables,
    receipt: receiptFacts(gathered.facts),
    policies: Object.entries(evidence.policies).flatMap(([kind, policy]) =>
      policy
        ? [
            {
              kind: kind as 'refund' | 'cancellation' | 'terms',
              title: `${kind[0]?.toUpperCase()}${kind.slice(1)} policy`,
              text: policy.text,
              shownAt: policy.shown_at.join(', ').replaceAll('_', ' '),
            },
          ]
        : [],
    ),
    fileFields: playbook.fileFields.map((plan) => plan.field),
    communications: gathered.facts.filter((fact) => fact.kind === 'communication'),
  });

  const history = await reasonHistory(pool, dispute.reason);
  const verdict = triage({
    dispute: dispute.stripe_object,
    checklist: playbook.checklist,
    facts: gathered.facts,
    history,
  });

  const enhanced = visaCe3FromFacts(
    dispute.stripe_object,
    gathered.facts,
    evidence.business.product_description,
    evidence.business.merchandise_or_services,
  );
  const staged = await stage(deps, dispute, caseId, packet, enhanced);

  const fieldOf = new Map<string, string>();
  for (const [field, ids] of Object.entries(playbook.fieldFacts)) for (const id of ids ?? []) fieldOf.set(id, field);
  const problems = [...gathered.problems, ...images.notes.map((note) => ({ source: 'images', problem: note }))];
  await withTransaction(pool, async (tx) => {
    const moved = await transitionCase(tx, caseId, ['new'], 'drafting');
    if (!moved) return;
    await saveFacts(tx, caseId, gathered.facts, fieldOf);
    await saveFiles(tx, caseId, staged.files);
    await tx.query('UPDATE cases SET triage = $2 WHERE id = $1', [
      caseId,
      JSON.stringify({
        decision: verdict.decision,
        reasons: verdict.reasons,
        gaps: verdict.gaps,
        breakEven: verdict.breakEven,
        winRate: verdict.winRate,
        strategy: playbook.strategy,
        checklist: playbook.checklist.map(({ item, found, weight }) => ({ item, found, weight })),
        missingSources: problems,
        dropped: packet.dropped,
        ce3:
          staged.ce3 === 'staged' && enhanced
            ? { status: 'staged', matchedOn: enhanced.matchedOn, priorChargeIds: enhanced.priorChargeIds }
            : { status: staged.ce3 },
        totals: packet.totals,
      }),
    ]);
    await audit(tx, {
      actor: 'rebut',
      action: 'evidence.staged',
      caseId,
      disputeId: dispute.id,
      detail: {
        facts: gathered.facts.length,
        files: staged.files.length,
        totals: packet.totals,
        decision: verdict.decision,
        problems,
      },
    });
    await enqueue(tx, 'draft-case', { caseId }, { jobKey: `draft-case:${caseId}` });
  });
  log.info(
    {
      caseId,
      disputeId: dispute.id,
      facts: gathered.facts.length,
      files: staged.files.length,
      decision: verdict.decision,
    },
    'evidence staged on Stripe',
  );
}

/**
 * Uploads the packet's files and stages the fields on Stripe without submitting. Stripe refuses
 * the whole update if Visa CE 3.0 data is not accepted; then it is staged again without it.
 */
async function stage(
  deps: PrepareDeps,
  dispute: DisputeRow,
  caseId: number,
  packet: Packet,
  enhanced: ReturnType<typeof visaCe3FromFacts>,
) {
  const { stripe, log } = deps;
  const options = onAccount(dispute.account);
  const files: {
    field: EvidenceFileField;
    filename: string;
    contentType: string;
    pages: number;
    bytes: Uint8Array;
    stripeFileId: string;
  }[] = [];
  for (const file of packet.files) {
    const digest = createHash('sha256').update(file.bytes).digest('hex').slice(0, 32);
    const uploaded = await stripe.files.create(
      {
        purpose: 'dispute_evidence',
        file: { data: Buffer.from(file.bytes), name: file.filename, type: file.contentType },
      },
      { ...options, idempotencyKey: `rebut:file:${caseId}:${file.field}:${digest}` },
    );
    files.push({ ...file, stripeFileId: uploaded.id });
  }
  const evidence: Stripe.DisputeUpdateParams.Evidence = { ...packet.textFields };
  for (const file of files) evidence[file.field] = file.stripeFileId;
  const update = (withCe3: boolean) =>
    stripe.disputes.update(
      dispute.id,
      {
        evidence:
          withCe3 && enhanced
            ? { ...evidence, enhanced_evidence: { visa_compelling_evidence_3: enhanced.evidence } }
            : evidence,
        submit: false,
        intended_submission_method: 'manual',
      },
      options,
    );
  let ce3: 'staged' | 'not_eligible' | 'refused' = enhanced ? 'staged' : 'not_eligible';
  try {
    await update(true);
  } catch (error) {
    // Only Stripe refusing the request drops CE 3.0; a 5xx or a lost connection fails the job, which is retried
    // (the uploads replay under their idempotency keys) and stages CE 3.0 once Stripe answers.
    const refused = error instanceof Error && 'statusCode' in error && error.statusCode === 400;
    if (!enhanced || !refused) throw error;
    log.warn(
      { err: error, disputeId: dispute.id },
      'Stripe refused the Visa CE 3.0 evidence; staging the rest without it',
    );
    ce3 = 'refused';
    await update(false);
  }
  return { files, ce3 };
}

function receiptFacts(facts: Fact[]): Fact[] | null {
  const receipt = facts.filter(
    (fact) => fact.kind === 'charge' || fact.kind === 'invoice' || fact.kind === 'subscription',
  );
  return receipt.length > 0 ? receipt : null;
}

/** This business's decided disputes for a reason, for triage's win-rate arithmetic. */
async function reasonHistory(pool: Pool, reason: string): Promise<{ decided: number; won: number }> {
  // From the running totals the stats triggers keep (0002_stats.sql), not a count over every dispute.
  const { rows } = await pool.query<{ decided: number; won: number }>(
    `SELECT coalesce(sum(disputes) FILTER (WHERE status IN ('won', 'lost')), 0)::int AS decided,
            coalesce(sum(disputes) FILTER (WHERE status = 'won'), 0)::int AS won
       FROM dispute_stats_monthly WHERE reason = $1`,
    [reason],
  );
  return rows[0] ?? { decided: 0, won: 0 };
}

export type { PlaybookResult };
