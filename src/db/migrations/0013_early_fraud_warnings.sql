-- Up Migration

-- Radar's early fraud warnings (docs/architecture.md → "Early fraud warnings"): one row per warning, read back from
-- Stripe like a dispute, with the policy's one decision (made when the row is first stored, never again), what was
-- done about it, and the dispute its charge became, if any.
CREATE TABLE early_fraud_warnings (
  id               text PRIMARY KEY,                -- issfr_…
  product          text NOT NULL,
  account          text,                            -- a connected account's warning (Stripe-Account)
  livemode         boolean NOT NULL,
  charge_id        text NOT NULL,
  payment_intent_id text,
  customer_id      text,
  fraud_type       text NOT NULL,
  actionable       boolean NOT NULL,                -- Stripe's flag at the latest read
  amount           bigint NOT NULL,                 -- the charge's, minor units
  amount_refunded  bigint NOT NULL,                 -- of the charge, at the latest read
  currency         text NOT NULL,
  created          timestamptz NOT NULL,            -- when Stripe raised it
  read_at          timestamptz NOT NULL,            -- the database's time of the latest read (a later read wins)
  warning          json NOT NULL,                   -- the warning as Stripe last sent it
  recommendation   text NOT NULL CHECK (recommendation IN ('refund', 'ask', 'leave')),
  unattended       text NOT NULL CHECK (unattended IN ('refund', 'leave')),
  reasons          jsonb NOT NULL,                  -- the sentences the message shows
  figures          jsonb NOT NULL,                  -- the policy's arithmetic
  -- pending: waiting for a person or act_at; refunding: decided, the refund job runs; refunded; left; failed.
  state            text NOT NULL CHECK (state IN ('pending', 'refunding', 'refunded', 'left', 'failed')),
  act_at           timestamptz,                     -- when the policy's choice is taken (set once a person can see it)
  decided_by       text,                            -- slack:<user>, policy (the timer), stripe (it changed on Stripe)
  decided_at       timestamptz,
  refund_id        text,
  refunded_amount  bigint,
  canceled_subscriptions jsonb,                     -- EFW_CANCEL_SUBSCRIPTIONS: the customer's, canceled after the refund
  dispute_id       text,                            -- the dispute its charge became
  problem          text,
  slack_channel    text,
  slack_ts         text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX early_fraud_warnings_charge ON early_fraud_warnings (charge_id);
CREATE INDEX early_fraud_warnings_due ON early_fraud_warnings (act_at) WHERE state = 'pending';
CREATE INDEX early_fraud_warnings_product ON early_fraud_warnings (product, created);

-- Down Migration

DROP TABLE early_fraud_warnings;
