-- Up Migration

-- Every sync run belongs to one product (src/sync/index.ts): it lists that product's Stripe account with that
-- product's key and files what it lists under it. A run resumes only a run of its own product, and the sync lock is
-- per product (two products' syncs may run at once, one product's twice may not). Runs recorded before products
-- existed were the one product a set-up without a products file has: 'default'.
ALTER TABLE sync_runs ADD COLUMN product text NOT NULL DEFAULT 'default';
CREATE INDEX sync_runs_product ON sync_runs (product, status, id);

-- Down Migration

-- Back to runs of no product: refused while another product has runs, whose places would be resumed by the wrong key.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM sync_runs WHERE product <> 'default') THEN
    RAISE EXCEPTION 'sync runs of products other than default exist: moving back to one product would mix them up';
  END IF;
END $$;
DROP INDEX sync_runs_product;
ALTER TABLE sync_runs DROP COLUMN product;
