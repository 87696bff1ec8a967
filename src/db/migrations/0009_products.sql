-- Up Migration

-- Products (src/products/config.ts): one rebut serves several, each with its own Stripe account. Every event and
-- dispute carries its product, and autopilot rules are a product's own. What was stored before belongs to the one
-- product a set-up without a products file has: 'default'.
ALTER TABLE stripe_events ADD COLUMN product text NOT NULL DEFAULT 'default';
ALTER TABLE disputes ADD COLUMN product text NOT NULL DEFAULT 'default';
CREATE INDEX disputes_product ON disputes (product, created);
ALTER TABLE autopilot_rules ADD COLUMN product text NOT NULL DEFAULT 'default';
ALTER TABLE autopilot_rules DROP CONSTRAINT autopilot_rules_pkey, ADD PRIMARY KEY (product, reason);

-- Down Migration

-- Back to one product: refused while another product has data, which the older schema could not tell apart.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM disputes WHERE product <> 'default')
     OR EXISTS (SELECT 1 FROM stripe_events WHERE product <> 'default')
     OR EXISTS (SELECT 1 FROM autopilot_rules WHERE product <> 'default') THEN
    RAISE EXCEPTION 'rows of products other than default exist: moving back to one product would mix them up';
  END IF;
END $$;
ALTER TABLE autopilot_rules DROP CONSTRAINT autopilot_rules_pkey, ADD PRIMARY KEY (reason);
ALTER TABLE autopilot_rules DROP COLUMN product;
DROP INDEX disputes_product;
ALTER TABLE disputes DROP COLUMN product;
ALTER TABLE stripe_events DROP COLUMN product;
