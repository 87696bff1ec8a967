-- Up Migration

-- The weekly digest (src/stats/digest.ts): one row per ISO week, inserted with its post-digest job in one
-- transaction, so two instances or two timer ticks never both queue it; slack_ts is set once it is in Slack.
CREATE TABLE weekly_digests (
  week        text PRIMARY KEY,      -- 2026-W50
  period_from timestamptz NOT NULL,  -- the seven days it covers: [period_from, period_to)
  period_to   timestamptz NOT NULL,
  channel     text NOT NULL,
  queued_at   timestamptz NOT NULL DEFAULT now(),
  slack_ts    text,
  posted_at   timestamptz
);

-- Down Migration

DROP TABLE weekly_digests;
