import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCustomerFor, seedBusiness } from '../../sandbox/business/index.js';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { startTestApp, TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: Awaited<ReturnType<typeof startTestApp>>;
let workDir: string;
const CHANNEL = 'C0DISPUTES';

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  slack = await startSlackSandbox();
  workDir = await mkdtemp(join(tmpdir(), 'rebut-e2e-'));
  const example = await readFile('rebut.evidence.example.yml', 'utf8');
  const config = join(workDir, 'rebut.evidence.yml');
  await writeFile(config, example.replace('./.rebut/roomcraft/images', join(workDir, 'images')));
  app = await startTestApp({
    DATABASE_URL: db.url,
    APP_DATABASE_URL: db.url,
    EVIDENCE_CONFIG: config,
    STRIPE_API_URL: stripe.url,
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: 'slack-signing-secret',
    SLACK_CHANNEL_ID: CHANNEL,
    SLACK_APPROVERS: 'U0ALICE001',
  });
  stripe.setWebhook({ url: `${app.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
});
afterAll(async () => {
  await app.stop();
  await slack.close();
  await stripe.close();
  await db.drop();
  await rm(workDir, { recursive: true, force: true });
});

describe('the whole flow through the stand-ins', () => {
  it('a signed dispute webhook ends as a staged packet, a grounded draft and one case message in Slack', async () => {
    const scenario = stripe.createDispute({
      reason: 'fraudulent',
      amount: 2900,
      brand: 'visa',
      customer: { email: 'mara.lindqvist@example.com', name: 'Mara Lindqvist' },
      priorCharges: [{ daysAgo: 60 }, { daysAgo: 30 }],
      silent: true,
    });
    await seedBusiness(db.pool, { customers: [sampleCustomerFor(scenario)], imagesDir: join(workDir, 'images') });
    const event = stripe.emit('charge.dispute.created', scenario.dispute);
    await stripe.deliver(event);

    const caseRow = await waitFor(
      async () => {
        const { rows } = await db.pool.query<{
          id: number;
          state: string;
          slack_ts: string | null;
          problem: string | null;
        }>('SELECT id, state, slack_ts, problem FROM cases WHERE dispute_id = $1', [scenario.dispute.id]);
        return rows[0]?.slack_ts ? rows[0] : undefined;
      },
      { what: 'the case to be posted to Slack', timeoutMs: 30_000 },
    );
    expect(caseRow.state).toBe('awaiting_review');

    // Evidence: facts from Stripe and the business, PDFs stored, staged on Stripe without submitting.
    const kinds = await db.pool.query<{ kind: string }>('SELECT DISTINCT kind FROM evidence_items WHERE case_id = $1', [
      caseRow.id,
    ]);
    expect(kinds.rows.map((row) => row.kind)).toEqual(
      expect.arrayContaining(['charge', 'activity', 'deliverable', 'account']),
    );
    const files = await db.pool.query<{ field: string; content_type: string }>(
      'SELECT field, content_type FROM evidence_files WHERE case_id = $1',
      [caseRow.id],
    );
    expect(files.rows.map((row) => row.field)).toContain('service_documentation');
    const staged = stripe.dispute(scenario.dispute.id);
    expect(staged.evidence_details.has_evidence).toBe(true);
    expect(staged.evidence_details.submission_count).toBe(0);
    expect(staged.evidence.service_documentation).toBeTruthy();
    expect(staged.evidence.uncategorized_text).toBeTruthy();
    const updates = stripe.requests.filter(
      (r) => r.method === 'POST' && r.path === `/v1/disputes/${scenario.dispute.id}`,
    );
    expect(updates.every((r) => (r.body as { submit?: string }).submit === 'false')).toBe(true);

    // The draft: the template (no API key), grounded.
    const drafts = await db.pool.query<{ version: number; author: string; grounding: { ok: boolean } }>(
      'SELECT version, author, grounding FROM drafts WHERE case_id = $1',
      [caseRow.id],
    );
    expect(drafts.rows).toEqual([{ version: 1, author: 'template', grounding: expect.objectContaining({ ok: true }) }]);

    // One message in the channel, with the four decisions, and the evidence PDF in its thread.
    const posted = slack.callsTo('chat.postMessage').filter((call) => call.args.channel === CHANNEL);
    expect(posted).toHaveLength(1);
    const blocksJson = JSON.stringify(posted[0]?.args.blocks);
    for (const label of ['Approve & submit', 'Edit rebuttal', 'Auto', 'Accept']) expect(blocksJson).toContain(label);
    // The refund policy is configured but a fraud dispute's playbook does not use it: recorded with the packet,
    // not repeated on every case message.
    const triage = await db.pool.query<{ triage: { dropped: { what: string; byPlaybook?: boolean }[] } }>(
      'SELECT triage FROM cases WHERE id = $1',
      [caseRow.id],
    );
    expect(triage.rows[0]?.triage.dropped).toContainEqual(
      expect.objectContaining({ what: 'the refund policy', byPlaybook: true }),
    );
    expect(blocksJson).not.toContain('does not ask for');
    await waitFor(async () => slack.uploadedFiles.some((file) => file.name.endsWith('.pdf')), {
      what: 'the evidence PDF in the thread',
    });
  }, 60_000);
});
