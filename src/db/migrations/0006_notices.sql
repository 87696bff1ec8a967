-- Up Migration

-- A dispute rebut learns of too late to answer (past its deadline) or already answered outside rebut gets no case,
-- but a short notice in Slack, once: this table remembers which were noticed.
CREATE TABLE dispute_notices (
  dispute_id text PRIMARY KEY REFERENCES disputes (id),
  kind       text NOT NULL, -- past_due | answered
  noticed_at timestamptz NOT NULL DEFAULT now(),
  slack_ts   text        -- set once the notice is in Slack: a retried job does not post it again
);

-- Down Migration

DROP TABLE dispute_notices;
