import type { z } from 'zod';
import type { Pool, PoolClient } from './pool.js';
import { readStored, type StoredGrounding, storedGroundingSchema } from './stored.js';

type Db = Pool | PoolClient;

export interface DraftRow {
  id: number;
  case_id: number;
  version: number;
  author: string;
  text: string;
  cited_facts: string[];
  grounding: StoredGrounding;
  usage: unknown;
  created_at: Date;
}

/** A draft row with its grounding read by its schema. */
function draftOf(row: Omit<DraftRow, 'grounding'> & { grounding: unknown }): DraftRow {
  return { ...row, grounding: readStored(storedGroundingSchema, 'drafts.grounding', row.grounding) };
}

/** Stores the next version of a case's rebuttal; versions start at 1 and never repeat. */
export async function addDraft(
  db: Db,
  draft: {
    caseId: number;
    author: string;
    text: string;
    citedFacts: string[];
    grounding: z.input<typeof storedGroundingSchema>;
    usage?: object | null;
  },
): Promise<DraftRow> {
  const { rows } = await db.query<Omit<DraftRow, 'grounding'> & { grounding: unknown }>(
    `INSERT INTO drafts (case_id, version, author, text, cited_facts, grounding, usage)
     SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6 FROM drafts WHERE case_id = $1
     RETURNING *`,
    [
      draft.caseId,
      draft.author,
      draft.text,
      draft.citedFacts,
      JSON.stringify(draft.grounding),
      draft.usage ? JSON.stringify(draft.usage) : null,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error(`could not store a draft for case ${draft.caseId}`);
  return draftOf(row);
}

/** One version of the case's draft. */
export async function draftVersion(db: Db, caseId: number, version: number): Promise<DraftRow | undefined> {
  const { rows } = await db.query<Omit<DraftRow, 'grounding'> & { grounding: unknown }>(
    'SELECT * FROM drafts WHERE case_id = $1 AND version = $2',
    [caseId, version],
  );
  return rows[0] && draftOf(rows[0]);
}

export async function latestDraft(db: Db, caseId: number): Promise<DraftRow | undefined> {
  const { rows } = await db.query<Omit<DraftRow, 'grounding'> & { grounding: unknown }>(
    'SELECT * FROM drafts WHERE case_id = $1 ORDER BY version DESC LIMIT 1',
    [caseId],
  );
  return rows[0] && draftOf(rows[0]);
}

/**
 * The rebuttals rebut submitted for won disputes with this reason, most recently won first: the drafter's
 * examples. (One submission per dispute, so one rebuttal each.)
 */
/** The product's own won rebuttals for a reason, newest first: another product's never shape this one's drafts. */
export async function winningRebuttals(db: Db, product: string, reason: string, limit = 3): Promise<string[]> {
  const { rows } = await db.query<{ text: string }>(
    `SELECT dr.text
       FROM disputes d
       JOIN cases c ON c.dispute_id = d.id
       JOIN submissions s ON s.case_id = c.id
       JOIN drafts dr ON dr.case_id = c.id AND dr.version = s.draft_version
      WHERE d.status = 'won' AND d.product = $3 AND d.reason = $1
      ORDER BY d.closed_at DESC NULLS LAST, d.id DESC
      LIMIT $2`,
    [reason, limit, product],
  );
  return rows.map((row) => row.text);
}
