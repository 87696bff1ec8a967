import type { Pool } from '../../../src/db/pool.js';

/** The schema Snapwise's tables live in, in its own database beside Roomcraft's. */
export const SNAPWISE_SCHEMA = 'snapwise';

/**
 * Snapwise's own database: an AI headshot app's customers, their orders (one-off packs), the selfies they upload to
 * train on, the headshots generated from them, every download, support tickets and policy acceptances. The queries in
 * `sandbox/business/snapwise.evidence.yml` read exactly these tables. Unlike Roomcraft (a subscription used over
 * months), what proves delivery here is one pack, generated once and downloaded.
 */
export const SNAPWISE_SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS snapwise;

CREATE TABLE IF NOT EXISTS snapwise.customers (
  id                 bigserial PRIMARY KEY,
  public_id          text NOT NULL UNIQUE,          -- the account id the customer sees (sw_…)
  email              text NOT NULL UNIQUE,
  name               text NOT NULL,
  stripe_customer_id text UNIQUE,
  created_at         timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS snapwise.orders (
  id               bigserial PRIMARY KEY,
  customer_id      bigint NOT NULL REFERENCES snapwise.customers (id),
  at               timestamptz NOT NULL,
  stripe_charge_id text,
  pack             text NOT NULL,                  -- what was bought, as the checkout page named it
  headshots        integer NOT NULL,               -- how many headshots the pack promises
  amount           integer NOT NULL,
  currency         text NOT NULL,
  ip               inet NOT NULL,
  user_agent       text,
  device_id        text
);

-- The selfies a pack is trained on: counted, never kept as evidence (they are the customer's own photos).
CREATE TABLE IF NOT EXISTS snapwise.selfie_uploads (
  id          bigserial PRIMARY KEY,
  order_id    bigint NOT NULL REFERENCES snapwise.orders (id),
  at          timestamptz NOT NULL,
  photos      integer NOT NULL,
  ip          inet NOT NULL,
  device_id   text
);

CREATE TABLE IF NOT EXISTS snapwise.headshots (
  id         bigserial PRIMARY KEY,
  order_id   bigint NOT NULL REFERENCES snapwise.orders (id),
  created_at timestamptz NOT NULL,
  backdrop   text NOT NULL,
  attire     text NOT NULL,
  image_path text NOT NULL                         -- relative to the images folder
);

CREATE TABLE IF NOT EXISTS snapwise.downloads (
  id          bigserial PRIMARY KEY,
  headshot_id bigint NOT NULL REFERENCES snapwise.headshots (id),
  at          timestamptz NOT NULL,
  ip          inet NOT NULL,
  user_agent  text,
  device_id   text
);

CREATE TABLE IF NOT EXISTS snapwise.support_tickets (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES snapwise.customers (id),
  sent_at     timestamptz NOT NULL,
  direction   text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  subject     text,
  body        text NOT NULL
);

CREATE TABLE IF NOT EXISTS snapwise.policy_acceptances (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES snapwise.customers (id),
  accepted_at timestamptz NOT NULL,
  policy      text NOT NULL CHECK (policy IN ('terms', 'refund')),
  version     text NOT NULL,
  shown_at    text NOT NULL,
  ip          inet
);
`;

export async function createSnapwiseSchema(pool: Pool): Promise<void> {
  await pool.query(SNAPWISE_SCHEMA_SQL);
}
