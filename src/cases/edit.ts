import { audit } from '../db/audit.js';
import { getCase } from '../db/cases.js';
import { getDispute } from '../db/disputes.js';
import { addDraft, type DraftRow, latestDraft } from '../db/drafts.js';
import { loadFacts } from '../db/evidence.js';
import { type Pool, withTransaction } from '../db/pool.js';
import { withoutNul } from '../db/text.js';
import { type CaseState, isDecidable } from '../dispute/states.js';
import { checkEditedText } from '../drafting/edit-check.js';
import { buildFactSheet } from '../drafting/fact-sheet.js';
import { MAX_REBUTTAL_CHARS } from '../drafting/limits.js';
import { queueMessageUpdate } from '../jobs/enqueue.js';
import { type DraftContextBusiness, draftContext } from './context.js';

export class EditRefused extends Error {}

/**
 * A person's rebuttal: stored as the next draft version under their name, after the same
 * grounding check the model gets. A person may keep a claim the facts do not back, but the
 * findings are stored and shown next to the draft, so the choice is made knowingly.
 */
export async function saveEditedDraft(
  pool: Pool,
  caseId: number,
  typed: string,
  userId: string,
  business: DraftContextBusiness,
  /** The draft version the person edited; another saved meanwhile refuses this one (checked under the row lock). */
  editedVersion?: number,
): Promise<{ draft: DraftRow; findings: string[] }> {
  const text = withoutNul(typed);
  if (text.length > MAX_REBUTTAL_CHARS) {
    throw new EditRefused(
      `The rebuttal is ${text.length.toLocaleString('en-US')} characters; Stripe allows at most 20,000.`,
    );
  }
  if (!text.trim()) throw new EditRefused('The rebuttal is empty.');
  const caseRow = await getCase(pool, caseId);
  if (!caseRow || !isDecidable(caseRow.state)) {
    throw new EditRefused(
      `This case is ${caseRow?.state.replaceAll('_', ' ') ?? 'unknown'} and can no longer be edited.`,
    );
  }
  const dispute = await getDispute(pool, caseRow.dispute_id);
  if (!dispute) throw new EditRefused('The dispute of this case is missing.');
  // The person edits the draft in the language it was written in; they keep it (a draft from before languages: English).
  const context = draftContext(dispute, business);
  const edited = await latestDraft(pool, caseId);
  const language = edited ? (edited.grounding.language ?? 'en') : (context.language ?? 'en');
  const sheet = buildFactSheet(await loadFacts(pool, caseId), { ...context, language });
  const findings = checkEditedText(text, sheet);
  const draft = await withTransaction(pool, async (tx) => {
    // Checked again under the case's row lock: a submission that took the case meanwhile refuses this edit, and one
    // that comes now waits for it, then sends this version (it reads the latest draft after taking the case).
    const { rows } = await tx.query<{ state: CaseState }>('SELECT state FROM cases WHERE id = $1 FOR UPDATE', [caseId]);
    const state = rows[0]?.state;
    if (!state || !isDecidable(state)) {
      throw new EditRefused(`This case is ${state?.replaceAll('_', ' ') ?? 'unknown'} and can no longer be edited.`);
    }
    // Two people saving an edit of the same version: the second finds the first's version here, and is told.
    const latest = await latestDraft(tx, caseId);
    if (editedVersion !== undefined && latest && latest.version !== editedVersion) {
      throw new EditRefused(
        `Someone saved version ${latest.version} while you were editing version ${editedVersion}. Copy your text, close this and open Edit rebuttal again. Nothing was saved.`,
      );
    }
    const stored = await addDraft(tx, {
      caseId,
      author: `slack:${userId}`,
      text,
      citedFacts: [],
      grounding: {
        ok: findings.length === 0,
        findings,
        needsReview: findings.length > 0,
        fallbackReason: null,
        language,
      },
    });
    await audit(tx, {
      actor: `slack:${userId}`,
      action: 'draft.edited',
      caseId,
      disputeId: dispute.id,
      // Each claim the facts do not back, kept with the version: who kept what, knowingly.
      detail: {
        version: stored.version,
        unbacked: findings.slice(0, 50).map((finding) => finding.message.slice(0, 300)),
      },
    });
    await queueMessageUpdate(tx, caseId);
    return stored;
  });
  return { draft, findings: findings.map((finding) => finding.message) };
}
