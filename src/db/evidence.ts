import type { Fact, FactKind } from '../dispute/facts.js';
import type { Pool, PoolClient } from './pool.js';
import { withoutNul } from './text.js';

type Db = Pool | PoolClient;

/** Stores a case's facts (replacing an earlier attempt's), with the Stripe field each went into. */
export async function saveFacts(db: Db, caseId: number, read: Fact[], fieldOf: Map<string, string>): Promise<void> {
  const facts = withoutNul(read);
  await db.query('DELETE FROM evidence_items WHERE case_id = $1', [caseId]);
  if (facts.length === 0) return;
  await db.query(
    `INSERT INTO evidence_items (case_id, fact_id, kind, source, text, at, untrusted, data, field)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::boolean[], $8::jsonb[], $9::text[])
     ON CONFLICT (case_id, fact_id) DO NOTHING`,
    [
      caseId,
      facts.map((fact) => fact.id),
      facts.map((fact) => fact.kind),
      facts.map((fact) => fact.source),
      facts.map((fact) => fact.text),
      facts.map((fact) => fact.at),
      facts.map((fact) => fact.untrusted ?? false),
      facts.map((fact) => (fact.data ? JSON.stringify(fact.data) : null)),
      facts.map((fact) => fieldOf.get(fact.id) ?? null),
    ],
  );
}

/** The facts of a case as the sources returned them, for drafting and for checking an edited rebuttal. */
export async function loadFacts(db: Db, caseId: number): Promise<Fact[]> {
  const { rows } = await db.query<{
    fact_id: string;
    kind: FactKind;
    source: string;
    text: string;
    at: Date | null;
    untrusted: boolean;
    data: Record<string, string | number | boolean | null> | null;
  }>('SELECT fact_id, kind, source, text, at, untrusted, data FROM evidence_items WHERE case_id = $1 ORDER BY id', [
    caseId,
  ]);
  return rows.map((row) => ({
    id: row.fact_id,
    kind: row.kind,
    source: row.source,
    text: row.text,
    at: row.at ? row.at.toISOString() : null,
    ...(row.untrusted ? { untrusted: true } : {}),
    ...(row.data ? { data: row.data } : {}),
  }));
}

export interface StoredFile {
  field: string;
  filename: string;
  content_type: string;
  pages: number;
  bytes: Buffer;
  stripe_file_id: string | null;
}

export async function saveFiles(
  db: Db,
  caseId: number,
  files: {
    field: string;
    filename: string;
    contentType: string;
    pages: number;
    bytes: Uint8Array;
    stripeFileId: string;
  }[],
): Promise<void> {
  await db.query('DELETE FROM evidence_files WHERE case_id = $1', [caseId]);
  for (const file of files) {
    await db.query(
      `INSERT INTO evidence_files (case_id, field, filename, content_type, pages, bytes, stripe_file_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        caseId,
        file.field,
        file.filename,
        file.contentType,
        file.pages,
        // A view of the file's bytes, not a copy (pg sends a Buffer as it is).
        Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
        file.stripeFileId,
      ],
    );
  }
}

export async function loadFiles(db: Db, caseId: number): Promise<StoredFile[]> {
  const { rows } = await db.query<StoredFile>(
    'SELECT field, filename, content_type, pages, bytes, stripe_file_id FROM evidence_files WHERE case_id = $1 ORDER BY id',
    [caseId],
  );
  return rows;
}
