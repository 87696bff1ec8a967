-- Up Migration

-- Validly signed Stripe events that PostgreSQL cannot store as they are (a float where an integer belongs, a NUL or a
-- lone surrogate in an id): kept here as raw bytes with the reason, and acknowledged, so Stripe stops retrying for
-- days and a person can see what came.
CREATE TABLE rejected_events (
  id          bigserial PRIMARY KEY,
  event_id    text NOT NULL,   -- the event's id as far as it can be stored
  reason      text NOT NULL,
  payload     bytea NOT NULL,  -- the body exactly as Stripe sent it
  received_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE rejected_events;
