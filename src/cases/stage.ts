import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import type { DisputeRow } from '../db/disputes.js';
import type { EvidenceFileField } from '../dispute/evidence-fields.js';
import type { visaCe3FromFacts } from '../evidence/ce3.js';
import type { Packet } from '../evidence/packet/index.js';
import type { Logger } from '../log.js';
import { type ProductClients, stripeFor } from '../products/clients.js';
import { onAccount } from '../stripe/client.js';

export interface StagedFile {
  field: EvidenceFileField;
  filename: string;
  contentType: string;
  pages: number;
  bytes: Uint8Array;
  stripeFileId: string;
}

/**
 * Uploads the packet's files and stages the fields on Stripe without submitting. Stripe refuses
 * the whole update if Visa CE 3.0 data is not accepted; then it is staged again without it.
 */
export async function stage(
  deps: { stripe: Stripe; products?: ProductClients; log: Logger },
  dispute: DisputeRow,
  caseId: number,
  packet: Packet,
  enhanced: ReturnType<typeof visaCe3FromFacts>,
): Promise<{ files: StagedFile[]; ce3: 'staged' | 'not_eligible' | 'refused' }> {
  const { log } = deps;
  const stripe = stripeFor(deps, dispute.product);
  const options = onAccount(dispute.account);
  const files: StagedFile[] = [];
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
