// Sync per product, over the CLI and Slack, on real PostgreSQL: each product's disputes are listed with its own Stripe
// key and filed under it; a product's sync resumes only its own runs and may run beside another product's, never
// beside itself; `/disputes sync` syncs the product whose channel it is typed in (or the one named).
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { createLogger } from '../../src/log.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { type SyncResult, startNightlySync } from '../../src/sync/index.js';
import { startTestApp, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { rebut } from '../support/process.js';
import { ALICE, BOB, CHANNEL, command, SIGNING_SECRET } from '../support/slack.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

const SECRETS = {
  INTERIOR_STRIPE_KEY: 'sk_test_interior',
  INTERIOR_WEBHOOK_SECRET: 'whsec_interior_account',
  PHOTOS_STRIPE_KEY: 'sk_test_photos',
  PHOTOS_WEBHOOK_SECRET: 'whsec_photos_account',
};
const INTERIOR_CHANNEL = 'C0INTERIOR';
const PHOTOS_CHANNEL = 'C0PHOTOS01';
// Each product's Stripe account has its own connected accounts: the stand-in lets only that key list or read them.
// Stripe lists accounts newest first: the shop, then the studio.
const STUDIO = 'acct_1InteriorStudio';
const SHOP = 'acct_1InteriorShop';
const PRINTS = 'acct_1PhotosPrints';
const OWN_ACCOUNTS = {
  interior: { key: SECRETS.INTERIOR_STRIPE_KEY, accounts: [STUDIO, SHOP] },
  photos: { key: SECRETS.PHOTOS_STRIPE_KEY, accounts: [PRINTS] },
} as const;
type ProductId = keyof typeof OWN_ACCOUNTS;

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: Awaited<ReturnType<typeof startTestApp>>;
let productsFile: string;

beforeAll(async () => {
  [db, stripe, slack] = await Promise.all([
    freshDatabase(),
    startStripeSandbox(),
    startSlackSandbox({
      channels: [
        { id: INTERIOR_CHANNEL, name: 'interior-disputes' },
        { id: PHOTOS_CHANNEL, name: 'photos-disputes' },
        { id: CHANNEL, name: 'general' },
      ],
      rateLimit: false,
    }),
  ]);
  const seeds: Record<string, number> = { [STUDIO]: 150, [SHOP]: 250, [PRINTS]: 120 };
  for (const { key, accounts } of Object.values(OWN_ACCOUNTS)) {
    for (const account of accounts) {
      stripe.addAccount(account, { platformKey: key });
      stripe.createDispute({ reason: 'fraudulent', account, silent: true });
      stripe.seedDisputes(seeds[account] ?? 0, { account, seed: Object.keys(seeds).indexOf(account) + 71 });
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'rebut-products-sync-'));
  productsFile = join(dir, 'rebut.products.yml');
  await writeFile(
    productsFile,
    `products:
  - id: interior
    name: Roomcraft
    stripe: { secret_key_env: INTERIOR_STRIPE_KEY, webhook_secret_envs: [INTERIOR_WEBHOOK_SECRET] }
    slack: { channel: ${INTERIOR_CHANNEL}, approvers: [${ALICE}] }
  - id: photos
    name: Snapwise
    stripe: { secret_key_env: PHOTOS_STRIPE_KEY, webhook_secret_envs: [PHOTOS_WEBHOOK_SECRET] }
    slack: { channel: ${PHOTOS_CHANNEL}, approvers: [${BOB}] }
`,
  );
  // No queue workers: the cases a sync opens stay unprepared, so the channels hold only the sync's own messages.
  app = await startTestApp(
    {
      DATABASE_URL: db.url,
      STRIPE_API_URL: stripe.url,
      PRODUCTS_CONFIG: productsFile,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
    },
    { env: SECRETS, workers: false },
  );
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([slack?.close(), stripe?.close()]);
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query(
    'TRUNCATE disputes, cases, submissions, evidence_items, audit_log, sync_runs, sync_run_accounts, drafts, evidence_files CASCADE',
  );
  await db.pool.query('DELETE FROM graphile_worker._private_jobs');
  stripe.clearFaults();
});

/** `rebut sync` with the products file and each product's secrets. */
function cliEnv(): Record<string, string> {
  return { DATABASE_URL: db.url, STRIPE_API_URL: stripe.url, PRODUCTS_CONFIG: productsFile, ...SECRETS };
}

/** Every dispute of the product's connected accounts, as its own key lists them (the truth to compare with). */
async function standInDisputes(product: ProductId): Promise<{ id: string; product: string; account: string }[]> {
  const client = stripe.stripe(OWN_ACCOUNTS[product].key);
  const all: { id: string; product: string; account: string }[] = [];
  for await (const account of client.accounts.list({ limit: 100 })) {
    for await (const dispute of client.disputes.list({ limit: 100 }, { stripeAccount: account.id })) {
      all.push({ id: dispute.id, product, account: account.id });
    }
  }
  return all;
}

async function storedDisputes(): Promise<{ id: string; product: string; account: string }[]> {
  const { rows } = await db.pool.query<{ id: string; product: string; account: string }>(
    'SELECT id, product, account FROM disputes ORDER BY id',
  );
  return rows;
}

const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));

/** The keys the requests since `from` carried to each connected account. */
function keysByAccount(from: number): Record<string, string[]> {
  const keys: Record<string, Set<string>> = {};
  for (const request of stripe.requests.slice(from)) {
    if (!request.account || !request.key) continue;
    keys[request.account] ??= new Set();
    keys[request.account]?.add(request.key);
  }
  return Object.fromEntries(Object.entries(keys).map(([account, used]) => [account, [...used].sort()]));
}

describe('sync per product', () => {
  it('`rebut sync` syncs every product one after another, each with its own key and its disputes filed under it', async () => {
    const before = stripe.requests.length;
    const answer = await rebut(['sync', '--json'], cliEnv());
    expect(answer.code).toBe(0);
    const results = JSON.parse(answer.stdout) as SyncResult[];
    expect(results.map((result) => [result.product, result.status])).toEqual([
      ['interior', 'done'],
      ['photos', 'done'],
    ]);

    // Each product's accounts were listed and read with its key only, and no key asked for another's account.
    expect(keysByAccount(before)).toEqual({
      [STUDIO]: [SECRETS.INTERIOR_STRIPE_KEY],
      [SHOP]: [SECRETS.INTERIOR_STRIPE_KEY],
      [PRINTS]: [SECRETS.PHOTOS_STRIPE_KEY],
    });
    const made = stripe.requests.slice(before);
    expect(made.filter((request) => request.status === 403)).toEqual([]);
    const listings = made.filter((request) => request.path === '/v1/accounts').map((request) => request.key);
    expect(new Set(listings)).toEqual(new Set([SECRETS.INTERIOR_STRIPE_KEY, SECRETS.PHOTOS_STRIPE_KEY]));

    expect(await storedDisputes()).toEqual(
      byId([...(await standInDisputes('interior')), ...(await standInDisputes('photos'))]),
    );
    const { rows: runs } = await db.pool.query('SELECT product, status, started_by FROM sync_runs ORDER BY id');
    expect(runs).toEqual([
      { product: 'interior', status: 'done', started_by: 'cli' },
      { product: 'photos', status: 'done', started_by: 'cli' },
    ]);
  });

  it('`rebut sync --product nosuch` exits 2 naming the products, and syncs nothing', async () => {
    const answer = await rebut(['sync', '--product', 'nosuch'], cliEnv());
    expect(answer.code).toBe(2);
    expect(answer.stderr).toContain('there is no product "nosuch": the products are interior, photos');
    expect((await db.pool.query('SELECT id FROM sync_runs')).rows).toEqual([]);
  });

  it("a product's sync killed mid-run is resumed by its next sync alone; the other product's syncs run meanwhile and never take it over", async () => {
    // The studio's listing never answers: the kill finds interior's shop listed and its studio begun.
    stripe.delay({ method: 'GET', path: '/v1/disputes', account: STUDIO, ms: Number.POSITIVE_INFINITY });
    const child = spawn(process.execPath, ['bin/rebut.js', 'sync', '--product', 'interior'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: '/tmp', ...cliEnv() },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const killed = await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ run_id: number }>(
          'SELECT run_id FROM sync_run_accounts WHERE account = $1 AND status = $2',
          [STUDIO, 'listing'],
        );
        return rows[0]?.run_id;
      },
      { timeoutMs: 30_000, what: "interior's sync to reach the studio" },
    );

    // Interior's sync holds interior's lock: a second one is told so. Photos' sync runs at once, beside it.
    const twice = await rebut(['sync', '--product', 'interior', '--json'], cliEnv());
    expect(twice.code).toBe(1);
    expect(JSON.parse(twice.stdout)).toEqual([
      { status: 'busy', product: 'interior', running: expect.objectContaining({ runId: killed, product: 'interior' }) },
    ]);
    const photos = await rebut(['sync', '--product', 'photos', '--json'], cliEnv());
    expect(photos.code).toBe(0);
    expect(JSON.parse(photos.stdout)).toEqual([
      expect.objectContaining({ product: 'photos', status: 'done', resumedFrom: null }),
    ]);
    const interiorRun = async () =>
      (await db.pool.query<{ status: string }>('SELECT status FROM sync_runs WHERE id = $1', [killed])).rows[0];
    // Photos' sync left interior's running run alone.
    expect(await interiorRun()).toEqual({ status: 'running' });

    child.kill('SIGKILL');
    await exited;
    stripe.clearFaults();
    // Photos' next sync is no resumption of interior's killed run.
    const again = await rebut(['sync', '--product', 'photos', '--json'], cliEnv());
    expect(JSON.parse(again.stdout)).toEqual([expect.objectContaining({ product: 'photos', resumedFrom: null })]);

    // PostgreSQL releases the dead session's lock as soon as it notices the closed connection.
    const before = stripe.requests.length;
    const resumed = await waitFor(
      async () => {
        const answer = await rebut(['sync', '--product', 'interior', '--json'], cliEnv());
        const [result] = JSON.parse(answer.stdout || '[]') as SyncResult[];
        return result?.status === 'busy' ? undefined : result;
      },
      { timeoutMs: 30_000, what: 'a sync of interior after the killed one' },
    );
    expect(resumed).toMatchObject({ product: 'interior', status: 'done', resumedFrom: killed });
    const seen = Object.fromEntries(
      (resumed.status === 'done' ? resumed.accounts : []).map((entry) => [entry.account ?? 'platform', entry.seen]),
    );
    // The shop was only caught up on; the studio was listed whole.
    expect(seen[SHOP]).toBeLessThan(251);
    expect(seen[STUDIO]).toBe(151);
    expect(keysByAccount(before)).toEqual({
      [STUDIO]: [SECRETS.INTERIOR_STRIPE_KEY],
      [SHOP]: [SECRETS.INTERIOR_STRIPE_KEY],
    });
    expect(await storedDisputes()).toEqual(
      byId([...(await standInDisputes('interior')), ...(await standInDisputes('photos'))]),
    );
    const { rows } = await db.pool.query<{ product: string; resumed_from: number | null }>(
      'SELECT product, resumed_from FROM sync_runs ORDER BY id',
    );
    expect(rows.filter((row) => row.resumed_from !== null)).toEqual([{ product: 'interior', resumed_from: killed }]);
  });

  it("`/disputes sync` in photos' channel syncs photos alone, with its progress there; named, another product; in no product's channel, the products are listed", async () => {
    const before = stripe.requests.length;
    const posts = slack.callsTo('chat.postMessage').length;
    const ack = await command(app, slack, 'sync', BOB, PHOTOS_CHANNEL);
    expect(await ack.text()).toContain('Syncing disputes of photos from Stripe');
    const finished = async (product: string) =>
      waitFor(
        async () => {
          const { rows } = await db.pool.query<{ status: string }>(
            'SELECT status FROM sync_runs WHERE product = $1 ORDER BY id DESC LIMIT 1',
            [product],
          );
          return rows[0]?.status === 'done';
        },
        { what: `the sync of ${product} to finish`, timeoutMs: 30_000 },
      );
    await finished('photos');
    expect((await db.pool.query('SELECT DISTINCT product FROM sync_runs')).rows).toEqual([{ product: 'photos' }]);
    expect(await storedDisputes()).toEqual(byId(await standInDisputes('photos')));
    expect(new Set(stripe.requests.slice(before).map((request) => request.key))).toEqual(
      new Set([SECRETS.PHOTOS_STRIPE_KEY]),
    );
    const progress = slack.callsTo('chat.postMessage').slice(posts);
    expect(progress.map((call) => call.args.channel)).toEqual([PHOTOS_CHANNEL]);
    await waitFor(
      async () => slack.messages(PHOTOS_CHANNEL).find((message) => message.text.startsWith('Dispute sync finished')),
      { what: "the progress message in photos' channel to say the sync finished" },
    );

    // Named, from a channel of no product: interior, by its approver, its progress in its own channel.
    const named = await command(app, slack, 'sync interior', ALICE, CHANNEL);
    expect(await named.text()).toContain(`progress is shown in <#${INTERIOR_CHANNEL}>`);
    await finished('interior');
    expect(await storedDisputes()).toEqual(
      byId([...(await standInDisputes('interior')), ...(await standInDisputes('photos'))]),
    );
    expect(
      slack
        .callsTo('chat.postMessage')
        .slice(posts)
        .map((call) => call.args.channel),
    ).toEqual([PHOTOS_CHANNEL, INTERIOR_CHANNEL]);

    // Neither named nor typed in a product's channel: which product, with the list; nothing started.
    const runs = (await db.pool.query('SELECT id FROM sync_runs')).rows.length;
    const unsure = await (await command(app, slack, 'sync', ALICE, CHANNEL)).text();
    expect(unsure).toContain('Which product?');
    expect(unsure).toContain(`\`interior\` (<#${INTERIOR_CHANNEL}>)`);
    expect(unsure).toContain(`\`photos\` (<#${PHOTOS_CHANNEL}>)`);
    expect((await db.pool.query('SELECT id FROM sync_runs')).rows).toHaveLength(runs);
  });

  it('the nightly sync re-reads every product one after another, each with its own key and filed under it', async () => {
    const before = stripe.requests.length;
    const nightly = startNightlySync(
      {
        pool: db.pool,
        log: createLogger('silent'),
        products: (['interior', 'photos'] as const).map((id) => ({
          id,
          stripe: createStripeClient(OWN_ACCOUNTS[id].key, stripe.url),
        })),
      },
      '* * * * * *',
    );
    const done = async () =>
      (
        await db.pool.query<{ product: string }>(
          `SELECT DISTINCT product FROM sync_runs WHERE started_by = 'nightly' AND status = 'done' ORDER BY 1`,
        )
      ).rows.map((row) => row.product);
    try {
      await waitFor(async () => (await done()).length === 2, { timeoutMs: 30_000, what: 'a nightly sync of both' });
    } finally {
      await nightly.stop();
      // A run the schedule started before it stopped finishes on its own.
      await waitFor(
        async () => (await db.pool.query(`SELECT id FROM sync_runs WHERE status = 'running'`)).rows.length === 0,
        { timeoutMs: 30_000, what: 'the last nightly run to end' },
      );
    }
    expect(await done()).toEqual(['interior', 'photos']);
    expect(keysByAccount(before)).toEqual({
      [STUDIO]: [SECRETS.INTERIOR_STRIPE_KEY],
      [SHOP]: [SECRETS.INTERIOR_STRIPE_KEY],
      [PRINTS]: [SECRETS.PHOTOS_STRIPE_KEY],
    });
    // The last 180 days of each product's disputes, each under its own product.
    const truth = [...(await standInDisputes('interior')), ...(await standInDisputes('photos'))];
    const stored = await storedDisputes();
    expect(stored.length).toBeGreaterThan(0);
    expect(truth).toEqual(expect.arrayContaining(stored));
    expect(new Set(stored.map((row) => row.product))).toEqual(new Set(['interior', 'photos']));
  });
});
