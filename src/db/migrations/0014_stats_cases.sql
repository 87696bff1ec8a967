-- Up Migration

-- `stats all` on rebut's own cases (by handling, and the evidence effectiveness of their packets) joined every case to
-- its wide dispute row and every fact of its packet: most of its time on a million disputes. The same figures are kept
-- here per case, one narrow row each (docs/architecture.md → "Decisions", **Stats totals**): what the case's dispute
-- says (product, reason, status, answered, evidence fields), who handled it, and the kinds and fields of the facts
-- included in its packet. The all-time queries group these rows (src/stats/queries.ts); a window still reads the cases
-- and disputes opened in it, and a test holds the two equal after every kind of write.
CREATE TABLE dispute_stats_cases (
  case_id         bigint  PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
  dispute_id      text    NOT NULL UNIQUE,
  product         text    NOT NULL,
  reason          text    NOT NULL,
  status          text    NOT NULL,
  submitted       boolean NOT NULL,     -- the dispute's submission_count > 0
  handling        text    NOT NULL,     -- rebut_case_handling
  evidence_fields text[]  NOT NULL,     -- the dispute's
  fact_kinds      text[]  NOT NULL,     -- of the packet's included facts, distinct, sorted
  item_fields     text[]  NOT NULL      -- the Stripe fields those facts went into, distinct, sorted
);

-- Who decided a case: the person (as drafted or edited), autopilot, the timer, Smart Disputes, outside rebut; a case
-- without a decision or a submission is unanswered. Used by the running totals and by the windowed count alike.
CREATE FUNCTION rebut_case_handling(handled_by text, submission_trigger text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN handled_by IS NOT NULL THEN handled_by
              WHEN submission_trigger = 'approve' THEN 'approved'
              WHEN submission_trigger IS NOT NULL THEN submission_trigger
              ELSE 'unanswered' END
$$;

-- Counts these cases' rows again from the cases, their disputes, submissions and facts. Each row is locked first, in
-- key order, and read in a later statement: a plpgsql statement takes a fresh snapshot (READ COMMITTED), so a row
-- written after another transaction's write to the same case waited for that transaction and sees what it committed.
-- Every writer of a case's inputs calls this before it commits, so the last to write a row wrote it from everything.
CREATE FUNCTION rebut_case_stats_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  PERFORM 1 FROM dispute_stats_cases WHERE case_id = ANY(ids) ORDER BY case_id FOR UPDATE;
  INSERT INTO dispute_stats_cases AS t
         (case_id, dispute_id, product, reason, status, submitted, handling, evidence_fields, fact_kinds, item_fields)
  SELECT c.id, c.dispute_id, d.product, d.reason, d.status, d.submission_count > 0,
         rebut_case_handling(c.handled_by, s.trigger), d.evidence_fields,
         coalesce(e.kinds, '{}'), coalesce(e.fields, '{}')
    FROM cases c
    JOIN disputes d ON d.id = c.dispute_id
    LEFT JOIN submissions s ON s.dispute_id = c.dispute_id
    LEFT JOIN LATERAL (
      SELECT array_agg(DISTINCT i.kind ORDER BY i.kind) AS kinds,
             array_agg(DISTINCT i.field ORDER BY i.field) FILTER (WHERE i.field IS NOT NULL) AS fields
        FROM evidence_items i WHERE i.case_id = c.id AND i.included
    ) e ON true
   WHERE c.id = ANY(ids)
   ORDER BY c.id
  ON CONFLICT (case_id) DO UPDATE
     SET dispute_id = excluded.dispute_id, product = excluded.product, reason = excluded.reason,
         status = excluded.status, submitted = excluded.submitted, handling = excluded.handling,
         evidence_fields = excluded.evidence_fields, fact_kinds = excluded.fact_kinds, item_fields = excluded.item_fields
   WHERE (t.dispute_id, t.product, t.reason, t.status, t.submitted, t.handling, t.evidence_fields, t.fact_kinds,
          t.item_fields)
         IS DISTINCT FROM (excluded.dispute_id, excluded.product, excluded.reason, excluded.status, excluded.submitted,
                           excluded.handling, excluded.evidence_fields, excluded.fact_kinds, excluded.item_fields);
END
$$;

-- A dispute's update (the webhook's, a sync page's upsert) counts its case again when a column the row copies changed.
-- Inserted disputes have no case yet, and a dispute with a case cannot be deleted (cases references it).
CREATE FUNCTION rebut_case_stats_disputes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rebut_case_stats_refresh(ARRAY(
    SELECT c.id
      FROM new_rows n
      JOIN old_rows o ON o.id = n.id
      JOIN cases c ON c.dispute_id = n.id
     WHERE (n.product, n.reason, n.status, n.submission_count > 0, n.evidence_fields)
           IS DISTINCT FROM (o.product, o.reason, o.status, o.submission_count > 0, o.evidence_fields)));
  RETURN NULL;
END
$$;

-- A new case is counted from its dispute as committed: the dispute is locked (FOR SHARE) first, so an update of it
-- still in flight, which could not see this case, has committed before the case is counted, and a later one waits for
-- this transaction and then finds the case. The opening transaction has usually just written the dispute itself.
CREATE FUNCTION rebut_case_stats_cases_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM disputes WHERE id IN (SELECT dispute_id FROM new_rows) ORDER BY id FOR SHARE;
  PERFORM rebut_case_stats_refresh(ARRAY(SELECT id FROM new_rows));
  RETURN NULL;
END
$$;

-- A row trigger with a column list: a case's row is updated far more often (its state, its Slack message, reminders)
-- than its handling changes, and a statement trigger cannot have a column list where it has transition tables.
CREATE FUNCTION rebut_case_stats_cases_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM rebut_case_stats_refresh(ARRAY[NEW.id]);
  RETURN NULL;
END
$$;

-- A submission decides the handling of a case nobody marked (the timer's before handled_by existed).
CREATE FUNCTION rebut_case_stats_submissions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM rebut_case_stats_refresh(ARRAY(
      SELECT c.id FROM cases c WHERE c.dispute_id IN (SELECT dispute_id FROM new_rows) ORDER BY c.id));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM rebut_case_stats_refresh(ARRAY(
      SELECT c.id FROM cases c
       WHERE c.dispute_id IN (SELECT dispute_id FROM new_rows UNION SELECT dispute_id FROM old_rows) ORDER BY c.id));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM rebut_case_stats_refresh(ARRAY(
      SELECT c.id FROM cases c WHERE c.dispute_id IN (SELECT dispute_id FROM old_rows) ORDER BY c.id));
  ELSE -- TRUNCATE
    PERFORM rebut_case_stats_refresh(ARRAY(SELECT case_id FROM dispute_stats_cases ORDER BY case_id));
  END IF;
  RETURN NULL;
END
$$;

-- A packet's facts: prepare-case deletes a case's facts and inserts them again.
CREATE FUNCTION rebut_case_stats_evidence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM rebut_case_stats_refresh(ARRAY(SELECT DISTINCT case_id FROM new_rows ORDER BY case_id));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM rebut_case_stats_refresh(ARRAY(
      SELECT case_id FROM new_rows UNION SELECT case_id FROM old_rows ORDER BY case_id));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM rebut_case_stats_refresh(ARRAY(SELECT DISTINCT case_id FROM old_rows ORDER BY case_id));
  ELSE -- TRUNCATE
    PERFORM rebut_case_stats_refresh(ARRAY(SELECT case_id FROM dispute_stats_cases ORDER BY case_id));
  END IF;
  RETURN NULL;
END
$$;

-- Writers wait from here to the commit, so none writes between the triggers' start and the count of what was there.
LOCK TABLE disputes, cases, submissions, evidence_items IN SHARE ROW EXCLUSIVE MODE;
CREATE TRIGGER disputes_case_stats_update AFTER UPDATE ON disputes
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rebut_case_stats_disputes();
CREATE TRIGGER cases_stats_insert AFTER INSERT ON cases
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rebut_case_stats_cases_insert();
CREATE TRIGGER cases_stats_update AFTER UPDATE OF handled_by, dispute_id ON cases
  FOR EACH ROW WHEN (OLD.handled_by IS DISTINCT FROM NEW.handled_by OR OLD.dispute_id <> NEW.dispute_id)
  EXECUTE FUNCTION rebut_case_stats_cases_update();
CREATE TRIGGER submissions_stats_insert AFTER INSERT ON submissions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rebut_case_stats_submissions();
CREATE TRIGGER submissions_stats_update AFTER UPDATE ON submissions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rebut_case_stats_submissions();
CREATE TRIGGER submissions_stats_delete AFTER DELETE ON submissions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rebut_case_stats_submissions();
CREATE TRIGGER submissions_stats_truncate AFTER TRUNCATE ON submissions
  FOR EACH STATEMENT EXECUTE FUNCTION rebut_case_stats_submissions();
CREATE TRIGGER evidence_items_stats_insert AFTER INSERT ON evidence_items
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rebut_case_stats_evidence();
CREATE TRIGGER evidence_items_stats_update AFTER UPDATE ON evidence_items
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rebut_case_stats_evidence();
CREATE TRIGGER evidence_items_stats_delete AFTER DELETE ON evidence_items
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rebut_case_stats_evidence();
CREATE TRIGGER evidence_items_stats_truncate AFTER TRUNCATE ON evidence_items
  FOR EACH STATEMENT EXECUTE FUNCTION rebut_case_stats_evidence();

-- The cases stored before this migration, with the planner's statistics of them (without, it expects a few rows and
-- sorts thousands on disk to group them, where hashing is twice as fast).
SELECT rebut_case_stats_refresh(ARRAY(SELECT id FROM cases ORDER BY id));
ANALYZE dispute_stats_cases;

-- Down Migration
DROP TRIGGER evidence_items_stats_truncate ON evidence_items;
DROP TRIGGER evidence_items_stats_delete ON evidence_items;
DROP TRIGGER evidence_items_stats_update ON evidence_items;
DROP TRIGGER evidence_items_stats_insert ON evidence_items;
DROP TRIGGER submissions_stats_truncate ON submissions;
DROP TRIGGER submissions_stats_delete ON submissions;
DROP TRIGGER submissions_stats_update ON submissions;
DROP TRIGGER submissions_stats_insert ON submissions;
DROP TRIGGER cases_stats_update ON cases;
DROP TRIGGER cases_stats_insert ON cases;
DROP TRIGGER disputes_case_stats_update ON disputes;
DROP FUNCTION rebut_case_stats_evidence();
DROP FUNCTION rebut_case_stats_submissions();
DROP FUNCTION rebut_case_stats_cases_update();
DROP FUNCTION rebut_case_stats_cases_insert();
DROP FUNCTION rebut_case_stats_disputes();
DROP FUNCTION rebut_case_stats_refresh(bigint[]);
DROP TABLE dispute_stats_cases;
DROP FUNCTION rebut_case_handling(text, text);
