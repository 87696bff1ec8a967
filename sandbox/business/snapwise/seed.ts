import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Pool } from '../../../src/db/pool.js';
import { seededRandom, seedFromText } from '../images.js';
import type { SampleCustomer } from '../seed.js';
import { headshotLookFor, renderHeadshot } from './images.js';
import { createSnapwiseSchema } from './schema.js';

/**
 * A Snapwise customer: the fields of a Roomcraft sample customer that an AI headshot app has too (so
 * `sampleCustomerFor(scenario)` serves both businesses); each purchase is an order of one headshot pack.
 */
export type SnapwiseCustomer = Pick<
  SampleCustomer,
  'email' | 'name' | 'customerId' | 'signupDaysAgo' | 'ip' | 'deviceId' | 'userAgent' | 'purchases' | 'messages'
>;

export interface SeedSnapwiseOptions {
  customers: SnapwiseCustomer[];
  /** Where headshot PNGs are written (what `images.local_root` points at); no images without it. */
  imagesDir?: string;
  /** Headshots in a pack (default 8). */
  headshotsPerPack?: number;
  now?: Date;
  /** Varies every made-up value; the same seed gives the same business. */
  seed?: number;
}

export interface SeededHeadshot {
  id: number;
  imagePath: string;
}

export interface SeededSnapwiseCustomer {
  customerId: number;
  accountId: string;
  email: string;
  headshots: SeededHeadshot[];
}

const DAY_MS = 86_400_000;
const MINUTE_DAYS = 1 / 1_440;
export const SNAPWISE_PACK = 'Professional headshot pack';
export const SNAPWISE_POLICY_VERSION = '2025-03';
const USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

function hex(random: () => number, length: number): string {
  return Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
}

/**
 * Creates Snapwise's tables (if needed) and fills them: for each order, the selfies uploaded minutes after paying, the
 * pack generated within the hour, and the headshots downloaded that day and again days later, from the customer's
 * usual IP and device.
 */
export async function seedSnapwise(pool: Pool, options: SeedSnapwiseOptions): Promise<SeededSnapwiseCustomer[]> {
  await createSnapwiseSchema(pool);
  const now = (options.now ?? new Date()).getTime();
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY_MS);
  const perPack = options.headshotsPerPack ?? 8;
  const seeded: SeededSnapwiseCustomer[] = [];

  for (const customer of options.customers) {
    const random = seededRandom(seedFromText(`snapwise:${options.seed ?? 1}:${customer.email}`));
    // TEST-NET addresses (RFC 5737): realistic, and never anyone's real IP.
    const ip = customer.ip ?? `198.51.100.${1 + Math.floor(random() * 250)}`;
    const deviceId = customer.deviceId ?? `sw-ios-${hex(random, 16)}`;
    const userAgent = customer.userAgent ?? USER_AGENT;
    const accountId = `sw_${hex(seededRandom(seedFromText(customer.email)), 12)}`;
    const inserted = await pool.query<{ id: number }>(
      `INSERT INTO snapwise.customers (public_id, email, name, stripe_customer_id, created_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [accountId, customer.email, customer.name, customer.customerId ?? null, at(customer.signupDaysAgo)],
    );
    const customerId = Number(inserted.rows[0]?.id);
    const headshots: SeededHeadshot[] = [];

    for (const purchase of customer.purchases ?? []) {
      const paid = purchase.daysAgo;
      for (const policy of ['terms', 'refund']) {
        await pool.query(
          `INSERT INTO snapwise.policy_acceptances (customer_id, accepted_at, policy, version, shown_at, ip)
           VALUES ($1, $2, $3, $4, 'checkout_page', $5)`,
          [customerId, at(paid + MINUTE_DAYS), policy, SNAPWISE_POLICY_VERSION, ip],
        );
      }
      const order = await pool.query<{ id: number }>(
        `INSERT INTO snapwise.orders (customer_id, at, stripe_charge_id, pack, headshots, amount, currency, ip, user_agent, device_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [
          customerId,
          at(paid),
          purchase.chargeId ?? null,
          SNAPWISE_PACK,
          perPack,
          purchase.amount ?? 3_900,
          purchase.currency ?? 'usd',
          ip,
          userAgent,
          deviceId,
        ],
      );
      const orderId = Number(order.rows[0]?.id);
      await pool.query(
        `INSERT INTO snapwise.selfie_uploads (order_id, at, photos, ip, device_id) VALUES ($1, $2, $3, $4, $5)`,
        [orderId, at(paid - 6 * MINUTE_DAYS), 10 + Math.floor(random() * 6), ip, deviceId],
      );

      const generated = paid - 48 * MINUTE_DAYS;
      const person = seedFromText(customer.email);
      const pack: SeededHeadshot[] = [];
      for (let index = 0; index < perPack; index++) {
        const shot = seedFromText(`${options.seed ?? 1}:${customer.email}:${orderId}:${index}`);
        const look = headshotLookFor(shot);
        const row = await pool.query<{ id: number }>(
          `INSERT INTO snapwise.headshots (order_id, created_at, backdrop, attire, image_path)
           VALUES ($1, $2, $3, $4, '') RETURNING id`,
          [orderId, at(generated), look.backdrop, look.attire],
        );
        const id = Number(row.rows[0]?.id);
        const imagePath = `packs/${accountId}/order-${orderId}/headshot-${index + 1}.png`;
        await pool.query('UPDATE snapwise.headshots SET image_path = $2 WHERE id = $1', [id, imagePath]);
        if (options.imagesDir) {
          const file = join(options.imagesDir, imagePath);
          await mkdir(dirname(file), { recursive: true });
          await writeFile(file, await renderHeadshot(person, shot));
        }
        pack.push({ id, imagePath });
      }

      // Most of the pack the same evening, a few favourites again two days later (a profile picture, a CV).
      const downloads = [
        ...pack
          .slice(0, Math.ceil(perPack * 0.75))
          .map((shot, i) => ({ shot, daysAgo: generated - (5 + i) * MINUTE_DAYS })),
        ...pack.slice(0, 2).map((shot, i) => ({ shot, daysAgo: paid - 2 - (30 + i * 7) * MINUTE_DAYS })),
      ].filter((download) => download.daysAgo > 0);
      for (const download of downloads) {
        await pool.query(
          `INSERT INTO snapwise.downloads (headshot_id, at, ip, user_agent, device_id) VALUES ($1, $2, $3, $4, $5)`,
          [download.shot.id, at(download.daysAgo), ip, userAgent, deviceId],
        );
      }
      headshots.push(...pack);
    }

    for (const message of customer.messages ?? []) {
      await pool.query(
        `INSERT INTO snapwise.support_tickets (customer_id, sent_at, direction, subject, body)
         VALUES ($1, $2, $3, $4, $5)`,
        [customerId, at(message.daysAgo), message.direction, message.subject ?? null, message.body],
      );
    }
    seeded.push({ customerId, accountId, email: customer.email, headshots });
  }
  return seeded;
}
