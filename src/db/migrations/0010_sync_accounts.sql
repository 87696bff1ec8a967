-- Up Migration

-- A sync lists the platform's disputes and each connected account's on its own (src/sync/index.ts), so each has
-- its own place: one row per run and account, holding where that listing stopped (`cursor`) and what it still has
-- to cover (`head_created`). A killed run is resumed account by account. The platform's place moves here from
-- sync_runs, which keeps the run's status and totals.
CREATE TABLE sync_run_accounts (
  run_id         bigint NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
  account        text,                              -- acct_… of a connected account; NULL: the platform's own
  status         text NOT NULL DEFAULT 'listing',   -- listing | done | skipped (no access) | failed
  cursor         text,                              -- last dispute id stored, to resume after a crash
  cursor_created timestamptz,                       -- `created` of the cursor dispute: how far back the listing got
  head_created   timestamptz,                       -- disputes created from here on are listed again on resume
  seen           integer NOT NULL DEFAULT 0,
  pages          integer NOT NULL DEFAULT 0,
  error          text
);
CREATE UNIQUE INDEX sync_run_accounts_run_account ON sync_run_accounts (run_id, coalesce(account, ''));

INSERT INTO sync_run_accounts (run_id, account, status, cursor, cursor_created, head_created, seen, pages)
SELECT id, NULL, CASE WHEN status = 'done' THEN 'done' ELSE 'listing' END, cursor, cursor_created, head_created,
       seen, pages
  FROM sync_runs WHERE cursor IS NOT NULL OR head_created IS NOT NULL;

ALTER TABLE sync_runs DROP COLUMN cursor, DROP COLUMN cursor_created, DROP COLUMN head_created;

-- Down Migration

ALTER TABLE sync_runs ADD COLUMN cursor text, ADD COLUMN cursor_created timestamptz, ADD COLUMN head_created timestamptz;
UPDATE sync_runs r SET cursor = a.cursor, cursor_created = a.cursor_created, head_created = a.head_created
  FROM sync_run_accounts a WHERE a.run_id = r.id AND a.account IS NULL;
DROP TABLE sync_run_accounts;
