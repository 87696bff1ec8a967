// Stats of two products on one rebut, over HTTP and from a terminal: `/disputes stats` answers with a line per product
// and the total, or one product's own when it is named, and lists the products when the name is not one of them;
// `rebut stats` does the same, its JSON keyed by product.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { upsertDispute } from '../../src/db/disputes.js';
import { startTestApp, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { ALICE, BOB, CHANNEL, command, SIGNING_SECRET } from '../support/slack.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

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
        { id: CHANNEL, name: 'disputes' },
        { id: 'C0INTERIOR', name: 'interior-disputes' },
        { id: 'C0PHOTOS01', name: 'photos-disputes' },
      ],
      rateLimit: false,
    }),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'rebut-products-stats-'));
  productsFile = join(dir, 'rebut.products.yml');
  await writeFile(
    productsFile,
    `products:
  - id: interior
    name: Roomcraft
    stripe: { secret_key_env: INTERIOR_STRIPE_KEY, webhook_secret_envs: [INTERIOR_WEBHOOK_SECRET] }
    slack: { channel: C0INTERIOR }
  - id: photos
    name: Snapwise
    stripe: { secret_key_env: PHOTOS_STRIPE_KEY, webhook_secret_envs: [PHOTOS_WEBHOOK_SECRET] }
    slack: { channel: C0PHOTOS01, approvers: [${BOB}] }
`,
  );
  // Fraudulent disputes decided earlier: Roomcraft won 3 of 4 (and has one open), Snapwise 1 of 4; together 4 of 8.
  const store = async (product: string, status: 'won' | 'lost' | null) => {
    const { dispute } = stripe.createDispute({ reason: 'fraudulent', silent: true });
    if (status) stripe.setDisputeStatus(dispute.id, status);
    const read = await stripe.stripe().disputes.retrieve(dispute.id, { expand: ['charge'] });
    await upsertDispute(db.pool, read, null, new Date(), product);
  };
  for (const status of ['won', 'won', 'won', 'lost', null] as const) await store('interior', status);
  for (const status of ['won', 'lost', 'lost', 'lost'] as const) await store('photos', status);

  app = await startTestApp(
    {
      DATABASE_URL: db.url,
      STRIPE_API_URL: stripe.url,
      PRODUCTS_CONFIG: productsFile,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_APPROVERS: ALICE,
    },
    {
      workers: false,
      env: {
        INTERIOR_STRIPE_KEY: 'sk_test_interior',
        INTERIOR_WEBHOOK_SECRET: 'whsec_interior',
        PHOTOS_STRIPE_KEY: 'sk_test_photos',
        PHOTOS_WEBHOOK_SECRET: 'whsec_photos',
      },
    },
  );
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([slack?.close(), stripe?.close()]);
  await db?.drop();
});

/** The in-channel answer to a `/disputes` command, as its blocks' text. */
async function statsAnswer(text: string, userId = ALICE): Promise<string> {
  const answered = slack.responses.length;
  const response = await command(app, slack, text, userId);
  expect(response.status).toBe(200);
  const answer = await waitFor(
    async () => slack.responses.slice(answered).find((candidate) => candidate.response_type === 'in_channel'),
    { what: `the answer to ${text}` },
  );
  return JSON.stringify(answer.blocks);
}

/** `rebut stats …` from a terminal, with the products file and none of the products' secrets. */
function rebutStats(args: string[]) {
  return run(process.execPath, ['bin/rebut.js', 'stats', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', DATABASE_URL: db.url, PRODUCTS_CONFIG: productsFile },
  });
}

describe('stats of two products', () => {
  it('/disputes stats: a line per product with its own win rate, then all products together, and a chart', async () => {
    const uploads = slack.uploadedFiles.length;
    const blocks = await statsAnswer('stats all');
    expect(blocks).toContain('*By product*');
    expect(blocks).toContain('Roomcraft — *75%*');
    expect(blocks).toContain('3 of 4 decided');
    expect(blocks).toContain('Snapwise — *25%*');
    expect(blocks).toContain('1 of 4 decided');
    expect(blocks).toContain('*All products* — *50%*');
    expect(blocks).toContain('4 of 8 decided');
    expect(blocks).toContain('*50.0%* of decided disputes won');
    const chart = await waitFor(
      async () => slack.uploadedFiles.slice(uploads).find((file) => file.name.endsWith('.png')),
      {
        what: 'the chart',
      },
    );
    expect(chart.name).toBe('rebut-stats-all.png');
  });

  it("/disputes stats <product>: that product's figures alone, for its own approvers too", async () => {
    // Bob approves Snapwise's cases only: he may see its stats, not every product's.
    const blocks = await statsAnswer('stats photos all', BOB);
    expect(blocks).toContain('Dispute stats — Snapwise — all time');
    expect(blocks).toContain('*25.0%* of decided disputes won');
    expect(blocks).toContain('4 disputes');
    expect(blocks).not.toContain('Roomcraft');
    expect(await (await command(app, slack, 'stats all', BOB)).text()).toContain('You cannot see dispute stats');
  });

  it('/disputes stats with a product rebut does not have: the answer lists the products', async () => {
    const answer = await (await command(app, slack, 'stats garden 90d')).text();
    expect(answer).toContain('rebut has no product `garden`');
    expect(answer).toContain('`interior` (Roomcraft), `photos` (Snapwise)');
  });

  it('rebut stats: a row per product and the total; --json keyed by product; --product alone; an unknown one named', async () => {
    const table = await rebutStats([]);
    const row = (label: string) => table.stdout.split('\n').find((line) => line.startsWith(label)) ?? '';
    expect(row('Roomcraft').split(/\s+/)).toEqual(['Roomcraft', '5', '4', '3', '75.0%', expect.any(String)]);
    expect(row('Snapwise').split(/\s+/)).toEqual(['Snapwise', '4', '4', '1', '25.0%', expect.any(String)]);
    expect(row('All products').split(/\s+/)).toEqual(['All', 'products', '9', '8', '4', '50.0%', expect.any(String)]);

    const json = JSON.parse((await rebutStats(['--json'])).stdout);
    expect(Object.keys(json.products)).toEqual(['interior', 'photos']);
    expect(json.products.interior).toMatchObject({ name: 'Roomcraft', disputes: 5, winRate: { won: 3, decided: 4 } });
    expect(json.products.photos).toMatchObject({ name: 'Snapwise', disputes: 4, winRate: { won: 1, decided: 4 } });
    expect(json.total).toMatchObject({ disputes: 9, winRate: { won: 4, decided: 8 } });

    const photos = JSON.parse((await rebutStats(['--json', '--product', 'photos'])).stdout);
    expect(Object.keys(photos.products)).toEqual(['photos']);
    expect(photos.products.photos).toMatchObject({ disputes: 4, winRate: { won: 1, decided: 4 } });
    expect(photos.total).toBeUndefined();

    const unknown = await rebutStats(['--product', 'garden']).catch((error: { code: number; stderr: string }) => error);
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.stderr).toContain('no product "garden"; the products are interior (Roomcraft), photos (Snapwise)');
  });
});
