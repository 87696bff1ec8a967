import type { Pool } from '../../src/db/pool.js';

/** The schema the sample business's tables live in, beside (never inside) rebut's own tables. */
export const BUSINESS_SCHEMA = 'roomcraft';

/**
 * Roomcraft's own database: an AI interior-design app's users, their logins, checkouts,
 * generated designs, support conversations and policy acceptances. The queries in
 * `rebut.evidence.example.yml` read exactly these tables.
 */
export const BUSINESS_SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS roomcraft;

CREATE TABLE IF NOT EXISTS roomcraft.users (
  id                 bigserial PRIMARY KEY,
  public_id          text NOT NULL UNIQUE,          -- the account id the user sees (usr_…)
  email              text NOT NULL UNIQUE,
  name               text NOT NULL,
  stripe_customer_id text UNIQUE,
  plan               text NOT NULL DEFAULT 'pro',
  country            text,
  created_at         timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS roomcraft.logins (
  id         bigserial PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES roomcraft.users (id),
  at         timestamptz NOT NULL,
  ip         inet NOT NULL,
  user_agent text,
  device_id  text
);
CREATE INDEX IF NOT EXISTS logins_user_at ON roomcraft.logins (user_id, at);

-- One row per checkout: the identifiers captured at purchase time (Visa CE 3.0 needs them).
CREATE TABLE IF NOT EXISTS roomcraft.purchases (
  id               bigserial PRIMARY KEY,
  user_id          bigint NOT NULL REFERENCES roomcraft.users (id),
  at               timestamptz NOT NULL,
  stripe_charge_id text,
  amount           integer NOT NULL,
  currency         text NOT NULL,
  plan             text NOT NULL,
  ip               inet NOT NULL,
  user_agent       text,
  device_id        text
);
CREATE INDEX IF NOT EXISTS purchases_user_at ON roomcraft.purchases (user_id, at);

CREATE TABLE IF NOT EXISTS roomcraft.designs (
  id         bigserial PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES roomcraft.users (id),
  created_at timestamptz NOT NULL,
  room_type  text NOT NULL,
  style      text NOT NULL,
  prompt     text NOT NULL,                        -- what the customer typed
  image_path text NOT NULL,                        -- relative to the images folder
  ip         inet,
  device_id  text
);
CREATE INDEX IF NOT EXISTS designs_user_created ON roomcraft.designs (user_id, created_at);

CREATE TABLE IF NOT EXISTS roomcraft.support_messages (
  id        bigserial PRIMARY KEY,
  user_id   bigint NOT NULL REFERENCES roomcraft.users (id),
  sent_at   timestamptz NOT NULL,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  channel   text NOT NULL DEFAULT 'email',
  subject   text,
  body      text NOT NULL
);

CREATE TABLE IF NOT EXISTS roomcraft.policy_acceptances (
  id          bigserial PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES roomcraft.users (id),
  accepted_at timestamptz NOT NULL,
  policy      text NOT NULL CHECK (policy IN ('terms', 'refund', 'cancellation')),
  version     text NOT NULL,
  shown_at    text NOT NULL,                       -- checkout_page, signup_page, …
  ip          inet
);
`;

export async function createBusinessSchema(pool: Pool): Promise<void> {
  await pool.query(BUSINESS_SCHEMA_SQL);
}
