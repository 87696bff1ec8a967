-- Up Migration

-- The Stripe evidence fields a dispute carries (non-empty values), as sorted names; enhanced evidence
-- appears as `enhanced_evidence.<program>`. Immutable, so a stored generated column can use it.
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

-- Which evidence fields were filled, kept beside the dispute so stats never parse jsonb per row;
-- every writer (webhook job, sync) gets it for free.
ALTER TABLE disputes ADD COLUMN evidence_fields text[] GENERATED ALWAYS AS (rebut_evidence_fields(evidence)) STORED;

-- `stats 30d|90d` aggregate a window of `created` with an index-only scan instead of reading the wide
-- rows (the stored Stripe object).
CREATE INDEX disputes_stats ON disputes (created)
  INCLUDE (reason, status, card_brand, currency, amount, submission_count, evidence_fields);

-- `stats all` reads these running totals instead of aggregating every dispute ever stored: kept
-- exact, in the same transaction as each write, by the statement triggers below. One row per
-- month × reason × network × currency × status × whether evidence was submitted × whether Stripe's
-- countered fee applied (disputes opened from 2025-06-17: COUNTERED_FEE_SINCE in src/triage/fees.ts).
CREATE TABLE dispute_stats_monthly (
  month     date    NOT NULL,
  reason    text    NOT NULL,
  network   text    NOT NULL,
  currency  text    NOT NULL,
  status    text    NOT NULL,
  submitted boolean NOT NULL,
  countered boolean NOT NULL,
  disputes  bigint  NOT NULL,
  amount    bigint  NOT NULL,
  PRIMARY KEY (month, reason, network, currency, status, submitted, countered)
);

-- Decided disputes that were answered, by the evidence fields they carried: what evidence wins.
CREATE TABLE dispute_stats_evidence (
  reason          text    NOT NULL,
  won             boolean NOT NULL,
  evidence_fields text[]  NOT NULL,
  disputes        bigint  NOT NULL,
  PRIMARY KEY (reason, won, evidence_fields)
);

-- Adds the transition rows' contribution (+1 for new rows, −1 for old ones). Rows are upserted in key
-- order so concurrent writers lock them in the same order and cannot deadlock on each other.
CREATE FUNCTION rebut_dispute_stats() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  columns constant text := 'created, reason, card_brand, currency, status, submission_count, amount, evidence_fields';
  changes text;
BEGIN
  changes := CASE TG_OP
    WHEN 'INSERT' THEN format('SELECT 1 AS sign, %s FROM new_rows', columns)
    WHEN 'UPDATE' THEN format('SELECT 1 AS sign, %1$s FROM new_rows UNION ALL SELECT -1, %1$s FROM old_rows', columns)
    ELSE format('SELECT -1 AS sign, %s FROM old_rows', columns)
  END;
  EXECUTE format($sql$
    INSERT INTO dispute_stats_monthly AS t (month, reason, network, currency, status, submitted, countered, disputes, amount)
    SELECT date_trunc('month', created, 'UTC')::date, reason, coalesce(card_brand, 'unknown'), currency, status,
           submission_count > 0, created >= timestamptz '2025-06-17 00:00:00+00', sum(sign), sum(sign * amount)
      FROM (%s) changes
     GROUP BY 1, 2, 3, 4, 5, 6, 7
    HAVING sum(sign) <> 0 OR sum(sign * amount) <> 0
     ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (month, reason, network, currency, status, submitted, countered) DO UPDATE
       SET disputes = t.disputes + excluded.disputes, amount = t.amount + excluded.amount
  $sql$, changes);
  EXECUTE format($sql$
    INSERT INTO dispute_stats_evidence AS t (reason, won, evidence_fields, disputes)
    SELECT reason, status = 'won', evidence_fields, sum(sign)
      FROM (%s) changes
     WHERE status IN ('won', 'lost') AND submission_count > 0
     GROUP BY 1, 2, 3
    HAVING sum(sign) <> 0
     ORDER BY 1, 2, 3
    ON CONFLICT (reason, won, evidence_fields) DO UPDATE SET disputes = t.disputes + excluded.disputes
  $sql$, changes);
  RETURN NULL;
END
$$;

CREATE FUNCTION rebut_dispute_stats_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM dispute_stats_monthly;
  DELETE FROM dispute_stats_evidence;
  RETURN NULL;
END
$$;

CREATE TRIGGER disputes_stats_insert AFTER INSERT ON disputes
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rebut_dispute_stats();
CREATE TRIGGER disputes_stats_update AFTER UPDATE ON disputes
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rebut_dispute_stats();
CREATE TRIGGER disputes_stats_delete AFTER DELETE ON disputes
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rebut_dispute_stats();
CREATE TRIGGER disputes_stats_truncate AFTER TRUNCATE ON disputes
  FOR EACH STATEMENT EXECUTE FUNCTION rebut_dispute_stats_truncate();

-- Disputes stored before this migration.
INSERT INTO dispute_stats_monthly (month, reason, network, currency, status, submitted, countered, disputes, amount)
SELECT date_trunc('month', created, 'UTC')::date, reason, coalesce(card_brand, 'unknown'), currency, status,
       submission_count > 0, created >= timestamptz '2025-06-17 00:00:00+00', count(*), sum(amount)
  FROM disputes GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO dispute_stats_evidence (reason, won, evidence_fields, disputes)
SELECT reason, status = 'won', evidence_fields, count(*)
  FROM disputes WHERE status IN ('won', 'lost') AND submission_count > 0 GROUP BY 1, 2, 3;

-- Resuming a sync: where the listing stopped and what it still has to cover (see src/stripe/sync.ts).
ALTER TABLE sync_runs
  ADD COLUMN pages          integer NOT NULL DEFAULT 0,
  ADD COLUMN head_created   timestamptz,          -- disputes created from here on are listed again on resume
  ADD COLUMN cursor_created timestamptz,          -- `created` of the cursor dispute: how far back the listing got
  ADD COLUMN resumed_from   bigint REFERENCES sync_runs (id),
  ADD COLUMN heartbeat_at   timestamptz NOT NULL DEFAULT now();
CREATE INDEX sync_runs_status ON sync_runs (status, id);

-- Down Migration
DROP INDEX sync_runs_status;
ALTER TABLE sync_runs DROP COLUMN heartbeat_at, DROP COLUMN resumed_from, DROP COLUMN cursor_created,
  DROP COLUMN head_created, DROP COLUMN pages;
DROP TRIGGER disputes_stats_truncate ON disputes;
DROP TRIGGER disputes_stats_delete ON disputes;
DROP TRIGGER disputes_stats_update ON disputes;
DROP TRIGGER disputes_stats_insert ON disputes;
DROP FUNCTION rebut_dispute_stats_truncate();
DROP FUNCTION rebut_dispute_stats();
DROP TABLE dispute_stats_evidence, dispute_stats_monthly;
DROP INDEX disputes_stats;
ALTER TABLE disputes DROP COLUMN evidence_fields;
DROP FUNCTION rebut_evidence_fields(jsonb);
