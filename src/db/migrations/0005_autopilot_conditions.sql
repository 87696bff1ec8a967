-- Up Migration

-- Autopilot rules gain conditions (cases/autopilot.ts shouldAutoSubmit): an amount range in one currency, the least
-- triage verdict (by default only cases triage says to fight), the least share of the reason's evidence found, and
-- whose draft may go (the model's, the template's, or either).
ALTER TABLE autopilot_rules
  ADD COLUMN currency text,
  ADD COLUMN min_amount bigint,
  ADD COLUMN max_amount bigint,
  ADD COLUMN verdict text NOT NULL DEFAULT 'fight',
  ADD COLUMN min_evidence real,
  ADD COLUMN draft_from text NOT NULL DEFAULT 'any';

-- Down Migration

ALTER TABLE autopilot_rules DROP COLUMN currency, DROP COLUMN min_amount, DROP COLUMN max_amount,
  DROP COLUMN verdict, DROP COLUMN min_evidence, DROP COLUMN draft_from;
