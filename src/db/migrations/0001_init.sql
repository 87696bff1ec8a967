-- Up Migration

-- Every Stripe event we accepted, exactly once per id (Stripe delivers at least once).
CREATE TABLE stripe_events (
  id           text PRIMARY KEY,
  type         text NOT NULL,
  account      text,                      -- connected account (Connect), worked with the Stripe-Account header
  livemode     boolean NOT NULL,
  api_version  text,
  object_id    text,                      -- the dispute id for charge.dispute.*
  created      timestamptz NOT NULL,      -- when Stripe created the event
  received_at  timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  problem      text,                      -- why processing gave up (e.g. the dispute no longer exists)
  payload      jsonb NOT NULL
);
CREATE INDEX stripe_events_object_id ON stripe_events (object_id);

-- Our copy of each dispute, as last read from Stripe.
CREATE TABLE disputes (
  id                         text PRIMARY KEY,
  account                    text,
  livemode                   boolean NOT NULL,
  charge_id                  text NOT NULL,
  payment_intent_id          text,
  customer_id                text,
  customer_email             text,
  amount                     bigint NOT NULL,   -- minor units of currency
  currency                   text NOT NULL,
  reason                     text NOT NULL,
  status                     text NOT NULL,
  card_brand                 text,
  network_reason_code        text,
  enhanced_eligibility_types text[] NOT NULL DEFAULT '{}',
  created                    timestamptz NOT NULL,
  due_by                     timestamptz,
  has_evidence               boolean NOT NULL DEFAULT false,
  past_due                   boolean NOT NULL DEFAULT false,
  submission_count           integer NOT NULL DEFAULT 0,
  is_charge_refundable       boolean NOT NULL DEFAULT false,
  evidence                   jsonb NOT NULL DEFAULT '{}',
  stripe_object              jsonb NOT NULL,    -- the whole dispute (charge and payment intent expanded)
  read_at                    timestamptz NOT NULL, -- when this state was read from Stripe: newer never loses to older
  closed_at                  timestamptz,
  inserted_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disputes_status ON disputes (status);
CREATE INDEX disputes_created ON disputes (created);
CREATE INDEX disputes_reason ON disputes (reason);

-- rebut's work on one dispute: one case per dispute, ever.
CREATE TABLE cases (
  id             bigserial PRIMARY KEY,
  dispute_id     text NOT NULL UNIQUE REFERENCES disputes (id),
  state          text NOT NULL DEFAULT 'new',
  auto_submit_at timestamptz,
  triage         jsonb,
  handled_by     text,             -- approved | edited | autopilot | timer | accepted
  problem        text,             -- the last thing that went wrong, shown on the case
  slack_channel  text,
  slack_ts       text,
  slack_version  integer NOT NULL DEFAULT 0,
  reminded_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_state ON cases (state);
CREATE INDEX cases_auto_submit_at ON cases (auto_submit_at) WHERE state = 'awaiting_review';

CREATE TABLE evidence_items (
  id         bigserial PRIMARY KEY,
  case_id    bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  fact_id    text NOT NULL,
  kind       text NOT NULL,
  source     text NOT NULL,
  text       text NOT NULL,
  at         timestamptz,
  untrusted  boolean NOT NULL DEFAULT false,  -- customer-controlled text: quoted wherever shown
  data       jsonb,                -- structured values behind the sentence (IP, amount, email…)
  field      text,                 -- the Stripe evidence field it went into, if any
  included   boolean NOT NULL DEFAULT true,
  note       text,                 -- why it was left out, or a source problem
  UNIQUE (case_id, fact_id)
);

-- The files of the packet as staged on Stripe (kept for the Slack thread, the demo and audits).
CREATE TABLE evidence_files (
  id             bigserial PRIMARY KEY,
  case_id        bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  field          text NOT NULL,      -- the Stripe evidence field it fills; one file per field
  filename       text NOT NULL,
  content_type   text NOT NULL,
  pages          integer NOT NULL,
  bytes          bytea NOT NULL,
  stripe_file_id text,
  UNIQUE (case_id, field)
);

-- Every version of a rebuttal, and who wrote it.
CREATE TABLE drafts (
  id          bigserial PRIMARY KEY,
  case_id     bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  version     integer NOT NULL,
  author      text NOT NULL,        -- llm:<model> | template | slack:<user id>
  text        text NOT NULL,
  cited_facts text[] NOT NULL DEFAULT '{}',
  grounding   jsonb NOT NULL DEFAULT '{}',
  usage       jsonb,                -- tokens and cost of an LLM draft
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (case_id, version)
);

-- At most one submission per dispute: the unique key is the last line of defence.
CREATE TABLE submissions (
  id              bigserial PRIMARY KEY,
  case_id         bigint NOT NULL REFERENCES cases (id),
  dispute_id      text NOT NULL UNIQUE REFERENCES disputes (id),
  draft_version   integer,
  trigger         text NOT NULL,    -- approve | autopilot | timer
  actor           text NOT NULL,
  idempotency_key text NOT NULL,
  submitted_at    timestamptz NOT NULL DEFAULT now(),
  stripe_status   text
);

CREATE TABLE audit_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text NOT NULL,
  action     text NOT NULL,
  case_id    bigint REFERENCES cases (id),
  dispute_id text,
  detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_case ON audit_log (case_id);

CREATE TABLE autopilot_rules (
  reason  text PRIMARY KEY,
  enabled boolean NOT NULL,
  set_by  text NOT NULL,
  set_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sync_runs (
  id          bigserial PRIMARY KEY,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  status      text NOT NULL DEFAULT 'running',   -- running | done | failed
  since       timestamptz,
  cursor      text,                              -- last dispute id stored, to resume after a crash
  seen        integer NOT NULL DEFAULT 0,
  started_by  text NOT NULL,
  error       text
);

-- Liveness of queue workers: a worker whose instance stops beating loses its locked jobs to others.
CREATE TABLE queue_workers (
  worker_id    text PRIMARY KEY,
  instance_id  text NOT NULL,
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE queue_workers, sync_runs, autopilot_rules, audit_log, submissions, drafts, evidence_files, evidence_items, cases, disputes, stripe_events;
