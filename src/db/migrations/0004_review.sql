-- Up Migration

-- A case's review window starts when a person can first see it in Slack (docs/architecture.md → "When rebut
-- acts alone"): posted_at is that moment, and auto_submit_at is set from it, once. A case never shown to a person
-- has no auto_submit_at, so no timer acts on it.
ALTER TABLE cases ADD COLUMN posted_at timestamptz;
-- The review was cut short by Stripe's deadline (due_by − SUBMIT_BUFFER came before MIN_REVIEW_TIME was over).
ALTER TABLE cases ADD COLUMN urgent boolean NOT NULL DEFAULT false;
-- Hold: a person (slack:U…) or the timer (UNWINNABLE_ACTION=hold) stopped the timer until someone decides.
ALTER TABLE cases ADD COLUMN held_by text;
ALTER TABLE cases ADD COLUMN held_at timestamptz;
-- When a case that could not be prepared was posted as needing attention.
ALTER TABLE cases ADD COLUMN attention_at timestamptz;
-- The last reminder before Stripe's deadline, for a case left to a person: what is lost if nobody acts.
ALTER TABLE cases ADD COLUMN final_reminded_at timestamptz;
UPDATE cases SET posted_at = created_at WHERE slack_ts IS NOT NULL;

-- Down Migration

ALTER TABLE cases DROP COLUMN posted_at, DROP COLUMN urgent, DROP COLUMN held_by, DROP COLUMN held_at,
  DROP COLUMN attention_at, DROP COLUMN final_reminded_at;
