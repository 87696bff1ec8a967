// Every log line of a whole run at LOG_LEVEL=trace — webhook, evidence from Stripe and the business database, a model
// draft, Slack post, edit, approval and submission, with failures on the way (Stripe, Slack and the model answering
// 500, a forged webhook, a forged Slack request) — holds no secret, no full card number and no full email address.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCustomerFor, seedBusiness } from '../../sandbox/business/index.js';
import { type OpenAiSandbox, startOpenAiSandbox } from '../../sandbox/openai/index.js';
import {
  blockActionBody,
  type SlackSandbox,
  signSlackRequest,
  slashCommandBody,
  startSlackSandbox,
  viewSubmissionBody,
} from '../../sandbox/slack/index.js';
import { type StripeSandbox, signStripePayload, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { createLogger } from '../../src/log.js';
import { type App, startApp } from '../../src/main.js';
import { testSettings, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

// Secrets shaped like the real ones (base62 keys, a hex signing secret), so the masks are tried on what they meet.
const STRIPE_KEY = 'sk_test_51LogsTestKey9xQ2mZr7vNpB4kWdE3';
const WEBHOOK_SECRET = 'whsec_LogsTestSecret7hG2kP9qR4tV6wX8yZ';
const SLACK_TOKEN = 'xoxb-1234567890-0987654321-LogsTestTokenAbCdEf';
const SIGNING_SECRET = '8f2b6c1d9e4a7f3b5c0d2e1f6a9b8c7d';
const OPENAI_KEY = 'sk-proj-LogsTestOpenAiKey1234567890abcdefGHIJ';
const CHANNEL = 'C0DISPUTES';
const ALICE = 'U0ALICE001';
const CARDS = ['4242424242424242', '378282246310005', '5555555555554444'];

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let openai: OpenAiSandbox;
let app: App;
let workDir: string;
const lines: string[] = [];

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  slack = await startSlackSandbox({ botToken: SLACK_TOKEN, rateLimit: false });
  openai = await startOpenAiSandbox({ apiKey: OPENAI_KEY });
  workDir = await mkdtemp(join(tmpdir(), 'rebut-logs-'));
  const example = await readFile('rebut.evidence.example.yml', 'utf8');
  const config = join(workDir, 'rebut.evidence.yml');
  await writeFile(config, example.replace('./.rebut/roomcraft/images', join(workDir, 'images')));
  const log = createLogger('trace', { write: (line: string) => lines.push(line) });
  app = await startApp(
    testSettings({
      DATABASE_URL: db.url,
      APP_DATABASE_URL: db.url,
      EVIDENCE_CONFIG: config,
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      SLACK_CHANNEL_ID: CHANNEL,
      SLACK_APPROVERS: ALICE,
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: openai.url,
      LOG_LEVEL: 'trace',
    }),
    { log, host: '127.0.0.1' },
  );
});
afterAll(async () => {
  await app?.stop(); // stopping twice is harmless; a test that failed early must not leave the app on a dropped database
  await openai.close();
  await slack.close();
  await stripe.close();
  await db.drop();
  await rm(workDir, { recursive: true, force: true });
});

function signedSlack(body: string): Promise<Response> {
  return fetch(`${app.url}/slack/events`, { method: 'POST', headers: signSlackRequest(body, SIGNING_SECRET), body });
}

/**
 * Digits with optional single spaces or dashes between them, not touching other digits and not part of a decimal
 * number: a float like 12.781696999999998 (a duration) is not a card, and the mask leaves decimals whole.
 */
const DIGIT_RUNS = /(?<!\d)(?<!\d\.)\d(?:[ -]?\d){14,18}(?!\d)(?!\.\d)/g;

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/** A whole address: at least two characters before the @ (the mask keeps one, then "…"). */
const FULL_EMAIL = /[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

describe('the log of a whole run', () => {
  it('holds no secret, card number or email address at any level', async () => {
    const scenario = stripe.createDispute({
      reason: 'fraudulent',
      amount: 2900,
      customer: { email: 'mara.lindqvist@example.com', name: 'Mara Lindqvist' },
      priorCharges: [{ daysAgo: 60 }],
      silent: true,
    });
    const disputeId = scenario.dispute.id;
    await seedBusiness(db.pool, {
      customers: [
        sampleCustomerFor(scenario, {
          messages: [
            {
              daysAgo: 2,
              direction: 'inbound',
              subject: 'Charge',
              // A card number after a newline: JSON writes it as "\n4242…", with no word boundary before the digits.
              body: 'I never bought this. My card:\n4242 4242 4242 4242 and my amex 3782-822463-10005.\nWrite to mara.private@example.net',
            },
          ],
        }),
      ],
      imagesDir: join(workDir, 'images'),
    });

    // Failures on the way, so error paths log their error objects too.
    stripe.failNext({ method: 'POST', path: '/v1/files', status: 500, times: 3 });
    slack.failNext({ method: 'chat.postMessage', status: 500, times: 4 });
    openai.behave('server_error', { times: 1 });

    const event = stripe.emit('charge.dispute.created', scenario.dispute);
    const payload = JSON.stringify(event);
    const forged = await fetch(`${app.url}/stripe/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(payload, 'whsec_wrong') },
      body: payload,
    });
    expect(forged.status).toBe(400);
    const [ack] = await stripe.deliver(event, { url: `${app.url}/stripe/webhook`, secret: WEBHOOK_SECRET });
    expect(ack?.status).toBe(200);

    const posted = await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ id: string; slack_ts: string | null }>(
          'SELECT id, slack_ts FROM cases WHERE dispute_id = $1',
          [disputeId],
        );
        return rows[0]?.slack_ts ? { caseId: Number(rows[0].id), ts: rows[0].slack_ts } : undefined;
      },
      { what: 'the case to be posted', timeoutMs: 45_000 },
    );

    // A forged Slack request, a look-up, an edit and the approval.
    const forgedSlack = slashCommandBody({
      text: 'auto on fraudulent',
      userId: ALICE,
      responseUrl: slack.responseUrl(),
    });
    const refused = await fetch(`${app.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(forgedSlack, 'not-the-secret'),
      body: forgedSlack,
    });
    expect(refused.status).toBe(401);
    const show = slashCommandBody({ text: `show ${disputeId}`, userId: ALICE, responseUrl: slack.responseUrl() });
    expect((await signedSlack(show)).status).toBe(200);

    const { rows: drafts } = await db.pool.query<{ version: number }>(
      'SELECT max(version) AS version FROM drafts WHERE case_id = $1',
      [posted.caseId],
    );
    const edit = viewSubmissionBody({
      callbackId: 'edit_rebuttal',
      privateMetadata: JSON.stringify({ caseId: posted.caseId, draftVersion: drafts[0]?.version ?? 1, joins: [] }),
      values: {
        rebuttal_0: {
          text: {
            type: 'plain_text_input',
            value:
              // The card number after a line break: JSON writes it as "\n5555…", with no word boundary before it.
              'Mara Lindqvist (mara.lindqvist@example.com) paid with this card:\n5555 5555 5555 4444',
          },
        },
      },
      userId: ALICE,
    });
    expect((await signedSlack(edit)).status).toBe(200);
    const approve = blockActionBody({
      actionId: 'approve',
      value: String(posted.caseId),
      blockId: `case_${posted.caseId}_v1_actions`,
      userId: ALICE,
      channelId: CHANNEL,
      messageTs: posted.ts,
      responseUrl: slack.responseUrl(undefined, { channel: CHANNEL, messageTs: posted.ts, userId: ALICE }),
    });
    expect((await signedSlack(approve)).status).toBe(200);
    await waitFor(async () => stripe.dispute(disputeId).evidence_details.submission_count === 1, {
      what: 'the submission',
      timeoutMs: 20_000,
    });
    await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM graphile_worker.jobs');
        return rows[0]?.n === 0;
      },
      { what: 'the queue to empty', timeoutMs: 20_000 },
    );
    await app.stop();

    // The run was logged in depth: every level, the failures, and the sensitive values in masked form.
    const levels = new Set(lines.map((line) => (JSON.parse(line) as { level: number }).level));
    // Configured at trace; rebut itself logs from debug up.
    expect([...levels].sort()).toEqual(expect.arrayContaining([20, 30, 40]));
    expect(lines.length).toBeGreaterThan(100);
    const all = lines.join('\n');
    expect(all).toContain('will be retried with backoff');
    expect(all).toContain('signature verification failed');
    expect(all).toMatch(/m…@example\.com/);
    expect(all).toContain('…4444');

    const password = decodeURIComponent(new URL(db.url).password);
    expect(password.length).toBeGreaterThan(8);
    const secrets = { STRIPE_KEY, WEBHOOK_SECRET, SLACK_TOKEN, SIGNING_SECRET, OPENAI_KEY, password, url: db.url };
    const leaks: string[] = [];
    for (const [index, line] of lines.entries()) {
      for (const [name, secret] of Object.entries(secrets)) if (line.includes(secret)) leaks.push(`${index}: ${name}`);
      const joined = line.replace(/[ -]/g, '');
      for (const card of CARDS) if (joined.includes(card)) leaks.push(`${index}: card ${card.slice(-4)}`);
      for (const run of line.match(DIGIT_RUNS) ?? []) {
        if (passesLuhn(run.replace(/\D/g, ''))) leaks.push(`${index}: card-like ${run}`);
      }
      const email = FULL_EMAIL.exec(line);
      if (email) leaks.push(`${index}: email ${email[0]}`);
    }
    expect(
      leaks,
      leaks.map((leak) => `${leak}\n${lines[Number(leak.split(':')[0])]?.slice(0, 400)}`).join('\n'),
    ).toEqual([]);
  }, 120_000);
});
