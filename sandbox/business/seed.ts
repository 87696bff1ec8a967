import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Pool } from '../../src/db/pool.js';
import { designStyleFor, renderRoomDesign, seededRandom, seedFromText } from './images.js';
import { createBusinessSchema } from './schema.js';

/** One Roomcraft customer to create; everything not given is made up, deterministically. */
export interface SampleCustomer {
  email: string;
  name: string;
  /** The Stripe customer (`cus_…`) the business stored at signup; null for a guest checkout. */
  customerId?: string | null;
  signupDaysAgo: number;
  /** The account id shown to the user; default `usr_` + a hash of the email. */
  accountId?: string;
  plan?: string;
  country?: string;
  /** The customer's usual IP and device, used for logins, checkouts and designs. */
  ip?: string;
  deviceId?: string;
  userAgent?: string;
  /** Logins spread from signup to now (default 10), plus one the day after each purchase. */
  logins?: number;
  /** Designs spread from signup to now (default 3), plus one the day after each purchase. */
  designs?: number;
  /** Checkouts with the identifiers captured at purchase time (match them to Stripe charges by `chargeId`). */
  purchases?: {
    daysAgo: number;
    chargeId?: string;
    amount?: number;
    currency?: string;
    ip?: string;
    deviceId?: string;
  }[];
  messages?: { daysAgo: number; direction: 'inbound' | 'outbound'; subject?: string; body: string; channel?: string }[];
  /** Terms, refund and cancellation policies accepted on the checkout page at signup (default true). */
  acceptedPolicies?: boolean;
}

export interface SeedBusinessOptions {
  customers: SampleCustomer[];
  /** Where design PNGs are written (what `images.local_root` points at); no images without it. */
  imagesDir?: string;
  now?: Date;
  /** Varies every made-up value; the same seed gives the same business. */
  seed?: number;
}

export interface SeededDesign {
  id: number;
  createdAt: string;
  imagePath: string;
}

export interface SeededCustomer {
  userId: number;
  accountId: string;
  email: string;
  ip: string;
  deviceId: string;
  designs: SeededDesign[];
}

export interface SeededBusiness {
  customers: SeededCustomer[];
  imagesDir?: string;
}

const DAY_MS = 86_400_000;
const ROOMS = ['living room', 'bedroom', 'home office', 'dining room', 'kitchen', 'reading nook'];
const MOODS = ['calm and airy', 'warm and cosy', 'bright', 'minimal', 'playful', 'elegant'];
const MATERIALS = ['light oak', 'linen', 'rattan', 'walnut', 'terracotta', 'brushed brass'];
const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
];
export const POLICY_VERSION = '2025-01';

function hex(random: () => number, length: number): string {
  return Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
}

/** Creates Roomcraft's tables (if needed) and fills them with the given customers and their history. */
export async function seedBusiness(pool: Pool, options: SeedBusinessOptions): Promise<SeededBusiness> {
  await createBusinessSchema(pool);
  const now = (options.now ?? new Date()).getTime();
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY_MS);
  const seeded: SeededCustomer[] = [];

  for (const customer of options.customers) {
    const random = seededRandom(seedFromText(`${options.seed ?? 1}:${customer.email}`));
    // TEST-NET addresses (RFC 5737): realistic, and never anyone's real IP.
    const ip = customer.ip ?? `203.0.113.${1 + Math.floor(random() * 250)}`;
    const deviceId = customer.deviceId ?? `rc-web-${hex(random, 16)}`;
    const userAgent = customer.userAgent ?? USER_AGENTS[Math.floor(random() * USER_AGENTS.length)] ?? USER_AGENTS[0];
    const accountId = customer.accountId ?? `usr_${hex(seededRandom(seedFromText(customer.email)), 12)}`;
    const signupAt = at(customer.signupDaysAgo);

    const user = await pool.query<{ id: number }>(
      `INSERT INTO roomcraft.users (public_id, email, name, stripe_customer_id, plan, country, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        accountId,
        customer.email,
        customer.name,
        customer.customerId ?? null,
        customer.plan ?? 'pro',
        customer.country ?? 'US',
        signupAt,
      ],
    );
    const userId = Number(user.rows[0]?.id);

    if (customer.acceptedPolicies ?? true) {
      for (const policy of ['terms', 'refund', 'cancellation']) {
        await pool.query(
          `INSERT INTO roomcraft.policy_acceptances (user_id, accepted_at, policy, version, shown_at, ip)
           VALUES ($1, $2, $3, $4, 'checkout_page', $5)`,
          [userId, new Date(signupAt.getTime() + 60_000), policy, POLICY_VERSION, ip],
        );
      }
    }

    const purchases = customer.purchases ?? [];
    for (const purchase of purchases) {
      await pool.query(
        `INSERT INTO roomcraft.purchases (user_id, at, stripe_charge_id, amount, currency, plan, ip, user_agent, device_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          userId,
          at(purchase.daysAgo),
          purchase.chargeId ?? null,
          purchase.amount ?? 2_900,
          purchase.currency ?? 'usd',
          customer.plan ?? 'pro',
          purchase.ip ?? ip,
          userAgent,
          purchase.deviceId ?? deviceId,
        ],
      );
    }

    // Use after each purchase is what "the customer received and used it" rests on.
    const afterPurchases = purchases.map((purchase) => purchase.daysAgo - 1).filter((daysAgo) => daysAgo > 0);
    const spread = (count: number) =>
      Array.from(
        { length: count },
        (_, i) => customer.signupDaysAgo * (1 - (i + 0.5) / count) + (random() - 0.5) * 0.5,
      ).filter((daysAgo) => daysAgo > 0 && daysAgo <= customer.signupDaysAgo);

    for (const daysAgo of [...spread(customer.logins ?? 10), ...afterPurchases]) {
      await pool.query(
        `INSERT INTO roomcraft.logins (user_id, at, ip, user_agent, device_id) VALUES ($1, $2, $3, $4, $5)`,
        [userId, at(daysAgo), ip, userAgent, deviceId],
      );
    }

    const designs: SeededDesign[] = [];
    for (const daysAgo of [...spread(customer.designs ?? 3), ...afterPurchases.map((d) => d - 0.01)]) {
      const designSeed = seedFromText(`${options.seed ?? 1}:${customer.email}:${designs.length}`);
      const room = ROOMS[Math.floor(random() * ROOMS.length)] ?? 'living room';
      const prompt = `Make my ${room} feel ${MOODS[Math.floor(random() * MOODS.length)]} with ${MATERIALS[Math.floor(random() * MATERIALS.length)]} and warm evening light`;
      const createdAt = at(daysAgo);
      const inserted = await pool.query<{ id: number }>(
        `INSERT INTO roomcraft.designs (user_id, created_at, room_type, style, prompt, image_path, ip, device_id)
         VALUES ($1, $2, $3, $4, $5, '', $6, $7) RETURNING id`,
        [userId, createdAt, room, designStyleFor(designSeed), prompt, ip, deviceId],
      );
      const designId = Number(inserted.rows[0]?.id);
      const imagePath = `designs/${accountId}/design-${designId}.png`;
      await pool.query('UPDATE roomcraft.designs SET image_path = $2 WHERE id = $1', [designId, imagePath]);
      if (options.imagesDir) {
        const file = join(options.imagesDir, imagePath);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, await renderRoomDesign(designSeed));
      }
      designs.push({ id: designId, createdAt: createdAt.toISOString(), imagePath });
    }

    for (const message of customer.messages ?? []) {
      await pool.query(
        `INSERT INTO roomcraft.support_messages (user_id, sent_at, direction, channel, subject, body)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          userId,
          at(message.daysAgo),
          message.direction,
          message.channel ?? 'email',
          message.subject ?? null,
          message.body,
        ],
      );
    }

    seeded.push({ userId, accountId, email: customer.email, ip, deviceId, designs });
  }
  return { customers: seeded, ...(options.imagesDir ? { imagesDir: options.imagesDir } : {}) };
}
