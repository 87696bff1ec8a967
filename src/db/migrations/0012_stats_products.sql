-- Up Migration

-- The running stats totals (0002_stats) are kept per product, so `/disputes stats`, triage's win rate and the
-- evidence effectiveness read one product's own history. Product comes first in each key: every reader of one
-- product reads a range of it.
ALTER TABLE dispute_stats_monthly ADD COLUMN product text NOT NULL DEFAULT 'default';
ALTER TABLE dispute_stats_monthly ALTER COLUMN product DROP DEFAULT,
  DROP CONSTRAINT dispute_stats_monthly_pkey,
  ADD PRIMARY KEY (product, month, reason, network, currency, status, submitted, countered);
ALTER TABLE dispute_stats_evidence ADD COLUMN product text NOT NULL DEFAULT 'default';
ALTER TABLE dispute_stats_evidence ALTER COLUMN product DROP DEFAULT,
  DROP CONSTRAINT dispute_stats_evidence_pkey,
  ADD PRIMARY KEY (product, reason, won, evidence_fields);

-- As 0002's, with the product: adds the transition rows' contribution (+1 for new rows, −1 for old ones), upserted in
-- key order so concurrent writers lock rows in the same order and cannot deadlock on each other.
CREATE OR REPLACE FUNCTION rebut_dispute_stats() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  columns constant text :=
    'product, created, reason, card_brand, currency, status, submission_count, amount, evidence_fields';
  changes text;
BEGIN
  changes := CASE TG_OP
    WHEN 'INSERT' THEN format('SELECT 1 AS sign, %s FROM new_rows', columns)
    WHEN 'UPDATE' THEN format('SELECT 1 AS sign, %1$s FROM new_rows UNION ALL SELECT -1, %1$s FROM old_rows', columns)
    ELSE format('SELECT -1 AS sign, %s FROM old_rows', columns)
  END;
  EXECUTE format($sql$
    INSERT INTO dispute_stats_monthly AS t
           (product, month, reason, network, currency, status, submitted, countered, disputes, amount)
    SELECT product, date_trunc('month', created, 'UTC')::date, reason, coalesce(card_brand, 'unknown'), currency,
           status, submission_count > 0, created >= timestamptz '2025-06-17 00:00:00+00', sum(sign), sum(sign * amount)
      FROM (%s) changes
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    HAVING sum(sign) <> 0 OR sum(sign * amount) <> 0
     ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (product, month, reason, network, currency, status, submitted, countered) DO UPDATE
       SET disputes = t.disputes + excluded.disputes, amount = t.amount + excluded.amount
  $sql$, changes);
  EXECUTE format($sql$
    INSERT INTO dispute_stats_evidence AS t (product, reason, won, evidence_fields, disputes)
    SELECT product, reason, status = 'won', evidence_fields, sum(sign)
      FROM (%s) changes
     WHERE status IN ('won', 'lost') AND submission_count > 0
     GROUP BY 1, 2, 3, 4
    HAVING sum(sign) <> 0
     ORDER BY 1, 2, 3, 4
    ON CONFLICT (product, reason, won, evidence_fields) DO UPDATE SET disputes = t.disputes + excluded.disputes
  $sql$, changes);
  RETURN NULL;
END
$$;

-- The totals so far mixed every product's disputes under no product: counted again from the disputes, per product.
-- The lock keeps a writer from changing a dispute between the count and the commit.
LOCK TABLE disputes IN SHARE MODE;
DELETE FROM dispute_stats_monthly;
DELETE FROM dispute_stats_evidence;
INSERT INTO dispute_stats_monthly (product, month, reason, network, currency, status, submitted, countered, disputes, amount)
SELECT product, date_trunc('month', created, 'UTC')::date, reason, coalesce(card_brand, 'unknown'), currency, status,
       submission_count > 0, created >= timestamptz '2025-06-17 00:00:00+00', count(*), sum(amount)
  FROM disputes GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
INSERT INTO dispute_stats_evidence (product, reason, won, evidence_fields, disputes)
SELECT product, reason, status = 'won', evidence_fields, count(*)
  FROM disputes WHERE status IN ('won', 'lost') AND submission_count > 0 GROUP BY 1, 2, 3, 4;

-- `stats 30d|90d` of one product or by product stay an index-only scan of the disputes opened in the window.
DROP INDEX disputes_stats;
CREATE INDEX disputes_stats ON disputes (created)
  INCLUDE (product, reason, status, card_brand, currency, amount, submission_count, evidence_fields);

-- Down Migration

-- Back to totals of one product: refused while another product has disputes, whose history would be mixed in.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM disputes WHERE product <> 'default')
     OR EXISTS (SELECT 1 FROM dispute_stats_monthly WHERE product <> 'default' AND disputes <> 0)
     OR EXISTS (SELECT 1 FROM dispute_stats_evidence WHERE product <> 'default' AND disputes <> 0) THEN
    RAISE EXCEPTION 'stats of products other than default exist: totals of one product would mix them up';
  END IF;
END $$;
DROP INDEX disputes_stats;
CREATE INDEX disputes_stats ON disputes (created)
  INCLUDE (reason, status, card_brand, currency, amount, submission_count, evidence_fields);
CREATE OR REPLACE FUNCTION rebut_dispute_stats() RETURNS trigger LANGUAGE plpgsql AS $$
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
-- Emptied totals of other products (their disputes deleted) go; the default product's rows keep their key.
DELETE FROM dispute_stats_monthly WHERE product <> 'default';
DELETE FROM dispute_stats_evidence WHERE product <> 'default';
ALTER TABLE dispute_stats_evidence DROP CONSTRAINT dispute_stats_evidence_pkey, DROP COLUMN product,
  ADD PRIMARY KEY (reason, won, evidence_fields);
ALTER TABLE dispute_stats_monthly DROP CONSTRAINT dispute_stats_monthly_pkey, DROP COLUMN product,
  ADD PRIMARY KEY (month, reason, network, currency, status, submitted, countered);
