-- Up Migration

-- The Stripe object is kept as the JSON text Stripe sent (`json`), not parsed into `jsonb`: rebut reads it whole
-- and never queries inside it, and parsing every stored dispute into jsonb was the largest part of a sync's
-- database time. As text it is also smaller on disk (pglz compresses text better than jsonb's binary form).
-- Measured with `npm run bench -- sync` (README, Design decisions).
ALTER TABLE disputes ALTER COLUMN stripe_object TYPE json USING stripe_object::json;

-- The evidence fields a dispute carries are worked out by the one writer (`evidenceFields` in
-- src/db/disputes.ts) instead of a generated column over a second copy of the evidence: the copy and the
-- per-row SQL function cost a sync more than the rest of the row. Existing values stay.
ALTER TABLE disputes ALTER COLUMN evidence_fields DROP EXPRESSION;
ALTER TABLE disputes ALTER COLUMN evidence_fields SET DEFAULT '{}';
ALTER TABLE disputes ALTER COLUMN evidence_fields SET NOT NULL;
ALTER TABLE disputes DROP COLUMN evidence;
DROP FUNCTION rebut_evidence_fields(jsonb);

-- The writer sorts names by code point; rows stored under another collation take that order, so their
-- running totals (dispute_stats_evidence, kept by the update trigger) group with the new rows.
UPDATE disputes d SET evidence_fields = sorted.fields
  FROM (SELECT id, ARRAY(SELECT f FROM unnest(evidence_fields) f ORDER BY f COLLATE "C") AS fields
          FROM disputes WHERE cardinality(evidence_fields) > 1) sorted
 WHERE d.id = sorted.id AND d.evidence_fields <> sorted.fields;

-- Indexes no query needs, which every stored dispute paid for: `disputes_stats` (created, INCLUDE …) serves
-- every read by `created`, and the drafter's examples are found through the few submissions, not by status or
-- reason. (Measured on 1,000,000 disputes with EXPLAIN ANALYZE.)
DROP INDEX disputes_status;
DROP INDEX disputes_reason;
DROP INDEX disputes_created;

-- Down Migration
CREATE INDEX disputes_status ON disputes (status);
CREATE INDEX disputes_created ON disputes (created);
CREATE INDEX disputes_reason ON disputes (reason);
CREATE FUNCTION rebut_evidence_fields(evidence jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(name ORDER BY name), '{}')
    FROM (
      SELECT key AS name
        FROM jsonb_each(CASE WHEN jsonb_typeof(evidence) = 'object' THEN evidence ELSE '{}' END)
       WHERE key NOT IN ('enhanced_evidence', 'appeal')
         AND jsonb_typeof(value) <> 'null' AND value NOT IN ('""', '{}', '[]')
      UNION ALL
      SELECT 'enhanced_evidence.' || key
        FROM jsonb_each(CASE WHEN jsonb_typeof(evidence -> 'enhanced_evidence') = 'object'
                             THEN evidence -> 'enhanced_evidence' ELSE '{}' END)
       WHERE jsonb_typeof(value) = 'object' AND value <> '{}'
    ) filled
$$;
ALTER TABLE disputes ALTER COLUMN stripe_object TYPE jsonb USING stripe_object::jsonb;
ALTER TABLE disputes ADD COLUMN evidence jsonb NOT NULL DEFAULT '{}';
UPDATE disputes SET evidence = coalesce(stripe_object -> 'evidence', '{}');
DROP INDEX disputes_stats;
ALTER TABLE disputes DROP COLUMN evidence_fields;
ALTER TABLE disputes ADD COLUMN evidence_fields text[] GENERATED ALWAYS AS (rebut_evidence_fields(evidence)) STORED;
CREATE INDEX disputes_stats ON disputes (created)
  INCLUDE (reason, status, card_brand, currency, amount, submission_count, evidence_fields);
