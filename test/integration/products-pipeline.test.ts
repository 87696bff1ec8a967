// Two products on one rebut, end to end over HTTP: each dispute is read, prepared and staged with its own product's
// Stripe key and evidence, posted to its own product's channel, and decided only by its product's approvers and only
// from that channel; one product's failing evidence source never holds up the other's cases.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { DEFAULT_CONDITIONS, setAutopilot } from '../../src/cases/autopilot.js';
import { upsertDispute } from '../../src/db/disputes.js';
import { disputeEvent, postWebhook, startTestApp, stripeSignature, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { ALICE, BOB, caseMessagesIn, click, command, SIGNING_SECRET } from '../support/slack.js';

const SECRETS = {
  INTERIOR_STRIPE_KEY: 'sk_test_interior',
  INTERIOR_WEBHOOK_SECRET: 'whsec_interior_account',
  // Nothing answers here: the interior product's business database is down.
  INTERIOR_APP_DATABASE_URL: 'postgres://reader@127.0.0.1:1/interior',
  PHOTOS_STRIPE_KEY: 'sk_test_photos',
  PHOTOS_WEBHOOK_SECRET: 'whsec_photos_account',
  JOBS_STRIPE_KEY: 'sk_test_jobs',
  JOBS_WEBHOOK_SECRET: 'whsec_jobs_account',
};
const INTERIOR_CHANNEL = 'C0INTERIOR';
const PHOTOS_CHANNEL = 'C0PHOTOS01';
const JOBS_CHANNEL = 'C0JOBS0001';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  [db, stripe, slack] = await Promise.all([
    freshDatabase(),
    startStripeSandbox(),
    startSlackSandbox({
      channels: [
        { id: INTERIOR_CHANNEL, name: 'interior-disputes' },
        { id: PHOTOS_CHANNEL, name: 'photos-disputes' },
        { id: JOBS_CHANNEL, name: 'jobs-disputes' },
      ],
      rateLimit: false,
    }),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'rebut-products-'));
  const business = (name: string, sql: boolean) =>
    [
      'business:',
      `  name: ${name}`,
      '  product_description: a digital product',
      '  support_email: help@example.com',
      '  website: https://example.com',
      ...(sql ? ['sql:', '  queries:', '    account: { query: "SELECT $email::text AS email" }'] : []),
    ].join('\n');
  await writeFile(join(dir, 'interior.yml'), business('Roomcraft', true));
  await writeFile(join(dir, 'photos.yml'), business('Snapwise', false));
  await writeFile(join(dir, 'jobs.yml'), business('Hirewell', false));
  await writeFile(
    join(dir, 'rebut.products.yml'),
    `products:
  - id: interior
    name: Roomcraft
    stripe: { secret_key_env: INTERIOR_STRIPE_KEY, webhook_secret_envs: [INTERIOR_WEBHOOK_SECRET] }
    evidence: interior.yml
    app_database_url_env: INTERIOR_APP_DATABASE_URL
    slack: { channel: ${INTERIOR_CHANNEL}, approvers: [${ALICE}] }
  - id: photos
    name: Snapwise
    stripe: { secret_key_env: PHOTOS_STRIPE_KEY, webhook_secret_envs: [PHOTOS_WEBHOOK_SECRET] }
    evidence: photos.yml
    slack: { channel: ${PHOTOS_CHANNEL}, approvers: [${BOB}] }
    review_window: 2h
  - id: jobs
    name: Hirewell
    stripe: { secret_key_env: JOBS_STRIPE_KEY, webhook_secret_envs: [JOBS_WEBHOOK_SECRET] }
    evidence: jobs.yml
    slack: { channel: ${JOBS_CHANNEL}, approvers: [${ALICE}] }
    language: es
`,
  );
  app = await startTestApp(
    {
      DATABASE_URL: db.url,
      STRIPE_API_URL: stripe.url,
      PRODUCTS_CONFIG: join(dir, 'rebut.products.yml'),
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
    },
    { env: SECRETS },
  );
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([slack?.close(), stripe?.close()]);
  await db?.drop();
});

async function deliver(
  product: 'interior' | 'photos' | 'jobs',
  secret: string,
  reason: 'product_not_received' | 'fraudulent' | 'product_unacceptable' = 'product_not_received',
) {
  const { dispute } = stripe.createDispute({
    reason,
    silent: true,
    customer: { email: `${product}@customers.example`, name: 'Ada Lovelace' },
  });
  const payload = disputeEvent(dispute.id);
  const response = await postWebhook(
    app.url,
    payload,
    { 'stripe-signature': stripeSignature(payload, { secret }) },
    `/stripe/webhook/${product}`,
  );
  expect(response.status).toBe(200);
  return dispute.id;
}

const caseOf = (disputeId: string) =>
  db.pool.query<{ id: number; state: string; slack_channel: string | null; slack_ts: string | null }>(
    'SELECT id, state, slack_channel, slack_ts FROM cases WHERE dispute_id = $1',
    [disputeId],
  );

describe('two products on one rebut', () => {
  it("posts each case to its product's channel, worked with its product's key; A's failing source never holds B up", async () => {
    const interior = await deliver('interior', SECRETS.INTERIOR_WEBHOOK_SECRET);
    const photos = await deliver('photos', SECRETS.PHOTOS_WEBHOOK_SECRET);

    const posted = await waitFor(async () => (await caseOf(photos)).rows.find((row) => row.slack_ts), {
      what: "the photos product's case posted",
    });
    expect(posted.slack_channel).toBe(PHOTOS_CHANNEL);
    expect(caseMessagesIn(slack, posted.id, PHOTOS_CHANNEL)).toHaveLength(1);
    expect(caseMessagesIn(slack, posted.id, INTERIOR_CHANNEL)).toHaveLength(0);
    // Its dispute was read, its files uploaded and its evidence staged with the photos key only.
    const keys = (disputeId: string) =>
      new Set(stripe.requests.filter((request) => request.path.includes(disputeId)).map((request) => request.key));
    expect(keys(photos)).toEqual(new Set([SECRETS.PHOTOS_STRIPE_KEY]));
    const uploads = stripe.requests.filter((request) => request.path === '/v1/files' && request.method === 'POST');
    expect(uploads.some((request) => request.key === SECRETS.PHOTOS_STRIPE_KEY)).toBe(true);

    // Meanwhile the interior case waits on its business database (asked again, then shown to a person), never posted
    // anywhere else, never read with the photos key.
    const waiting = (await caseOf(interior)).rows[0];
    expect(waiting?.slack_channel ?? INTERIOR_CHANNEL).toBe(INTERIOR_CHANNEL);
    expect(caseMessagesIn(slack, waiting?.id ?? 0, PHOTOS_CHANNEL)).toHaveLength(0);
    expect(keys(interior)).toEqual(new Set([SECRETS.INTERIOR_STRIPE_KEY]));
  });

  it("only the product's approvers decide its case, and only from its channel", async () => {
    const photos = await deliver('photos', SECRETS.PHOTOS_WEBHOOK_SECRET);
    const row = await waitFor(async () => (await caseOf(photos)).rows.find((candidate) => candidate.slack_ts), {
      what: 'posted',
    });
    const messageTs = row.slack_ts ?? '';

    // Alice approves the interior product's cases, not these.
    await click(app, slack, {
      actionId: 'approve',
      caseId: row.id,
      userId: ALICE,
      messageTs,
      channelId: PHOTOS_CHANNEL,
    });
    // Bob may decide photos cases, but a click carrying this case from the interior channel is not this message's.
    await click(app, slack, {
      actionId: 'approve',
      caseId: row.id,
      userId: BOB,
      messageTs,
      channelId: INTERIOR_CHANNEL,
    });
    const refusals = await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ reason: string }>(
          `SELECT detail->>'reason' AS reason FROM audit_log WHERE action = 'slack.refused' AND case_id = $1`,
          [row.id],
        );
        return rows.length >= 2 ? rows.map((refusal) => refusal.reason) : undefined;
      },
      { what: 'both clicks refused' },
    );
    expect(refusals).toEqual(
      expect.arrayContaining([
        expect.stringContaining('not one of the approvers'),
        `case ${row.id} is not shown in this channel`,
      ]),
    );
    expect((await caseOf(photos)).rows[0]?.state).toBe('awaiting_review');
    expect(stripe.dispute(photos).evidence_details.submission_count).toBe(0);

    await click(app, slack, { actionId: 'approve', caseId: row.id, userId: BOB, messageTs, channelId: PHOTOS_CHANNEL });
    await waitFor(async () => (await caseOf(photos)).rows[0]?.state === 'submitted', { what: 'submitted by Bob' });
    expect(stripe.dispute(photos).evidence_details.submission_count).toBe(1);
  });

  it('autopilot on for fraudulent in one product leaves fraudulent cases of another to a person', async () => {
    // Whatever triage says of these thin sample cases: the rule is what differs between the products.
    await setAutopilot(db.pool, 'photos', 'fraudulent', true, `slack:${BOB}`, {
      ...DEFAULT_CONDITIONS,
      verdict: 'any',
    });
    const photos = await deliver('photos', SECRETS.PHOTOS_WEBHOOK_SECRET, 'fraudulent');
    const jobs = await deliver('jobs', SECRETS.JOBS_WEBHOOK_SECRET, 'fraudulent');
    for (const disputeId of [photos, jobs]) {
      await waitFor(async () => (await caseOf(disputeId)).rows.find((row) => row.slack_ts), { what: 'posted' });
    }
    expect((await caseOf(photos)).rows[0]?.state).toBe('submitted');
    expect((await caseOf(jobs)).rows[0]?.state).toBe('awaiting_review');
    expect(stripe.dispute(jobs).evidence_details.submission_count).toBe(0);
    const posted = (await caseOf(jobs)).rows[0];
    expect(posted?.slack_channel).toBe(JOBS_CHANNEL);
  });

  it('/disputes auto works on the product of the channel it is typed in, or the one it names; elsewhere it asks which', async () => {
    const answer = async (text: string, userId: string, channel: string) =>
      (await command(app, slack, text, userId, channel)).text();
    expect(await answer('auto on duplicate', ALICE, JOBS_CHANNEL)).toContain('Autopilot is on');
    expect(await answer('auto on duplicate photos', BOB, 'C0ELSEWHERE')).toContain('Autopilot is on');
    // Alice approves jobs, not photos: naming photos does not let her change its rules.
    expect(await answer('auto off duplicate photos', ALICE, JOBS_CHANNEL)).toContain('You cannot turn autopilot off');
    expect(await answer('auto on duplicate', ALICE, 'C0ELSEWHERE')).toContain('Which product?');
    const rules = await db.pool.query<{ product: string; enabled: boolean }>(
      `SELECT product, enabled FROM autopilot_rules WHERE reason = 'duplicate' ORDER BY product`,
    );
    expect(rules.rows).toEqual([
      { product: 'jobs', enabled: true },
      { product: 'photos', enabled: true },
    ]);
  });

  it("each product's language: a jobs case goes to the bank in Spanish, a photos case in English", async () => {
    const photos = await deliver('photos', SECRETS.PHOTOS_WEBHOOK_SECRET);
    const jobs = await deliver('jobs', SECRETS.JOBS_WEBHOOK_SECRET);
    for (const disputeId of [photos, jobs]) {
      await waitFor(async () => (await caseOf(disputeId)).rows.find((row) => row.slack_ts), { what: 'posted' });
    }
    const staged = (disputeId: string) => stripe.dispute(disputeId).evidence.uncategorized_text ?? '';
    expect(staged(jobs)).toMatch(/^Hirewell impugna la disputa du_\w+ sobre el cargo ch_\w+ por 49,00 US\$\./);
    expect(staged(photos)).toMatch(/^Snapwise contests dispute du_\w+ on charge ch_\w+ for \$49\.00\./);
    // Stripe's text evidence fields too: rebut's sentences in the product's language.
    const described = (disputeId: string) => stripe.dispute(disputeId).evidence.product_description ?? '';
    expect(described(jobs)).toContain('El pago correspondía a: ');
    expect(described(jobs)).not.toContain('The payment was for');
    expect(described(photos)).toContain('The payment was for: ');
    const row = (await caseOf(jobs)).rows[0];
    expect(JSON.stringify(caseMessagesIn(slack, row?.id ?? 0, JOBS_CHANNEL).at(-1)?.blocks)).toContain(
      '*Rebuttal* (in Spanish, version 1',
    );
  });

  it("each product's review window sets when rebut acts alone on its cases", async () => {
    const photos = await deliver('photos', SECRETS.PHOTOS_WEBHOOK_SECRET);
    const jobs = await deliver('jobs', SECRETS.JOBS_WEBHOOK_SECRET);
    const windowOf = async (disputeId: string) =>
      waitFor(
        async () =>
          (
            await db.pool.query<{ hours: number }>(
              `SELECT extract(epoch FROM c.auto_submit_at - c.posted_at) / 3600 AS hours
                 FROM cases c WHERE c.dispute_id = $1 AND c.posted_at IS NOT NULL`,
              [disputeId],
            )
          ).rows[0]?.hours,
        { what: 'the review window started' },
      );
    expect(Number(await windowOf(photos))).toBe(2);
    expect(Number(await windowOf(jobs))).toBe(48);
  });

  it("triage weighs a product's case by that product's own record for the reason, never another product's", async () => {
    // Disputes over the product decided earlier: jobs has won 10 of 12, photos 1 of 12 (together 11 of 24, 46%).
    const decided = async (product: 'jobs' | 'photos', won: number) => {
      for (let index = 0; index < 12; index++) {
        const { dispute } = stripe.createDispute({ reason: 'product_unacceptable', silent: true });
        stripe.setDisputeStatus(dispute.id, index < won ? 'won' : 'lost');
        const read = await stripe.stripe().disputes.retrieve(dispute.id, { expand: ['charge'] });
        await upsertDispute(db.pool, read, null, new Date(), product);
      }
    };
    await decided('jobs', 10);
    await decided('photos', 1);

    const jobs = await deliver('jobs', SECRETS.JOBS_WEBHOOK_SECRET, 'product_unacceptable');
    const row = await waitFor(async () => (await caseOf(jobs)).rows.find((candidate) => candidate.slack_ts), {
      what: "the jobs product's case posted",
    });
    const message = JSON.stringify(caseMessagesIn(slack, row.id, JOBS_CHANNEL).at(-1)?.blocks);
    expect(message).toContain('This business wins 83% of product_unacceptable disputes (12 decided)');
    expect(message).not.toContain('24 decided');
  });
});
