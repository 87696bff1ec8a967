// Stripe, Slack and the model failing for a while (5xx, 429, hangs, unreachable): the work finishes once they are
// back, retries are bounded (counted in the stand-ins' records) and the trouble shows while it lasts (a job's
// last_error, /metrics, or the case's problem).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAiSandbox, startOpenAiSandbox } from '../../sandbox/openai/index.js';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { startTestApp, TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { casePostsByCase, sleep } from '../support/faults.js';

const CHANNEL = 'C0DISPUTES';
const MODEL = 'gpt-4.1-mini';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let openai: OpenAiSandbox;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  slack = await startSlackSandbox({ rateLimit: false });
  openai = await startOpenAiSandbox();
  app = await startTestApp({
    DATABASE_URL: db.url,
    STRIPE_API_URL: stripe.url,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: 'dependencies-down-signing-secret',
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNEL_ID: CHANNEL,
    SLACK_APPROVERS: 'U0ALICE001',
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_BASE_URL: openai.url,
    OPENAI_MODEL: MODEL,
  });
});
afterAll(async () => {
  await app.stop();
  await openai.close();
  await slack.close();
  await stripe.close();
  await db.drop();
});

interface CaseRow {
  id: number;
  state: string;
  problem: string | null;
  slack_ts: string | null;
}

async function caseOf(disputeId: string): Promise<CaseRow | undefined> {
  const { rows } = await db.pool.query<CaseRow>(
    'SELECT id, state, problem, slack_ts FROM cases WHERE dispute_id = $1',
    [disputeId],
  );
  return rows[0];
}

/** A new dispute on Stripe and its `charge.dispute.created` webhook, acknowledged by the app. */
async function openDispute(reason = 'fraudulent'): Promise<string> {
  const { dispute } = stripe.createDispute({ reason, silent: true });
  const [ack] = await stripe.deliver(stripe.emit('charge.dispute.created', dispute), {
    url: `${app.url}/stripe/webhook`,
    secret: TEST_WEBHOOK_SECRET,
  });
  expect(ack?.status).toBe(200);
  return dispute.id;
}

function posted(disputeId: string, timeoutMs = 30_000): Promise<CaseRow> {
  return waitFor(
    async () => {
      const row = await caseOf(disputeId);
      return row?.slack_ts ? row : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `the case of ${disputeId} to be posted` },
  );
}

async function job(task: string): Promise<{ attempts: number; last_error: string | null } | undefined> {
  const { rows } = await db.pool.query<{ attempts: number; last_error: string | null }>(
    'SELECT attempts, last_error FROM graphile_worker.jobs WHERE task_identifier = $1 ORDER BY id DESC LIMIT 1',
    [task],
  );
  return rows[0];
}

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

function stripeCalls(method: string, path: string | RegExp) {
  return stripe.requests.filter(
    (request) =>
      request.method === method && (typeof path === 'string' ? request.path === path : path.test(request.path)),
  );
}

describe('Stripe failing for a while', () => {
  it('uploads failing with 500s: preparing is retried, the job says why meanwhile, and the packet is staged once', async () => {
    // The SDK tries each request 3 times: 3 failures fail one attempt of prepare-case, the next gets through.
    stripe.failNext({ method: 'POST', path: '/v1/files', status: 500, times: 3 });
    const disputeId = await openDispute();
    const failing = await waitFor(
      async () => {
        const current = await job('prepare-case');
        return current?.last_error ? current : undefined;
      },
      { what: 'prepare-case to fail once' },
    );
    expect(failing.last_error).toMatch(/500|error/i);
    expect(await metric('rebut_queue_jobs', 'task="prepare-case",state="retrying"')).toBe(1);

    const row = await posted(disputeId);
    expect(row.state).toBe('awaiting_review');
    const uploads = stripeCalls('POST', '/v1/files');
    expect(uploads.filter((request) => request.status === 500)).toHaveLength(3);
    // Bounded: one successful round of uploads (each file once), retried under the same idempotency keys.
    const succeeded = uploads.filter((request) => request.status === 200);
    expect(new Set(succeeded.map((request) => request.idempotencyKey)).size).toBe(succeeded.length);
    expect(stripe.dispute(disputeId).evidence_details.has_evidence).toBe(true);
  }, 45_000);

  /** A Visa fraud dispute with two earlier payments from the same IP and customer: CE 3.0 evidence qualifies. */
  function ce3EligibleDispute() {
    return stripe.createDispute({
      reason: 'fraudulent',
      silent: true,
      ip: '203.0.113.7',
      customer: { email: 'jenny@example.com', name: 'Jenny Rosen' },
      priorCharges: [{ daysAgo: 150 }, { daysAgo: 200 }],
    });
  }

  /** The CE 3.0 outcome prepare-case recorded in the case's triage. */
  async function ce3Status(caseId: number): Promise<string | undefined> {
    const { rows } = await db.pool.query<{ status: string }>(
      "SELECT triage->'ce3'->>'status' AS status FROM cases WHERE id = $1",
      [caseId],
    );
    return rows[0]?.status;
  }

  it('staging failing after the uploads: preparing runs again, the uploads replay under their keys (each file created once) and CE 3.0 is still staged', async () => {
    const { dispute } = ce3EligibleDispute();
    // Three 500s: the SDK's three tries of the staging update, so prepare-case fails once after its uploads.
    stripe.failNext({ method: 'POST', path: `/v1/disputes/${dispute.id}`, status: 500, times: 3 });
    const filesBefore = new Set(stripe.fileIds());
    const [ack] = await stripe.deliver(stripe.emit('charge.dispute.created', dispute), {
      url: `${app.url}/stripe/webhook`,
      secret: TEST_WEBHOOK_SECRET,
    });
    expect(ack?.status).toBe(200);
    const row = await posted(dispute.id);

    const uploads = stripeCalls('POST', '/v1/files').filter((request) =>
      request.idempotencyKey?.startsWith(`rebut:file:${row.id}:`),
    );
    const keys = new Set(uploads.map((request) => request.idempotencyKey));
    expect(keys.size).toBeGreaterThan(0);
    // Each file was uploaded twice, before the failed staging and again after it, under the same key ...
    expect(uploads).toHaveLength(2 * keys.size);
    expect(uploads.every((request) => request.status === 200)).toBe(true);
    // ... and Stripe created it once: the second upload was a replay.
    expect(stripe.fileIds().filter((id) => !filesBefore.has(id))).toHaveLength(keys.size);
    expect(await ce3Status(row.id)).toBe('staged');
    expect(stripe.dispute(dispute.id).evidence.enhanced_evidence?.visa_compelling_evidence_3).toBeTruthy();
  }, 45_000);

  it('Stripe refusing the CE 3.0 evidence (400): the rest is staged without it, and the case says so', async () => {
    const { dispute } = ce3EligibleDispute();
    stripe.failNext({ method: 'POST', path: `/v1/disputes/${dispute.id}`, status: 400, times: 1 });
    const [ack] = await stripe.deliver(stripe.emit('charge.dispute.created', dispute), {
      url: `${app.url}/stripe/webhook`,
      secret: TEST_WEBHOOK_SECRET,
    });
    expect(ack?.status).toBe(200);
    const row = await posted(dispute.id);
    expect(await ce3Status(row.id)).toBe('refused');
    const staged = stripe.dispute(dispute.id);
    expect(staged.evidence_details.has_evidence).toBe(true);
    expect(staged.evidence.enhanced_evidence?.visa_compelling_evidence_3 ?? null).toBeFalsy();
  }, 45_000);

  it('every request rate-limited (429) for a while: five disputes still reach Slack, each once', async () => {
    stripe.setRateLimit(2);
    const disputes = await Promise.all(Array.from({ length: 5 }, () => openDispute('subscription_canceled')));
    await waitFor(async () => stripe.requests.some((request) => request.status === 429), {
      what: 'a 429 from Stripe',
    });
    setTimeout(() => stripe.setRateLimit(undefined), 3_000);
    for (const id of disputes) await posted(id, 40_000);
    const limited = stripe.requests.filter((request) => request.status === 429).length;
    expect(limited).toBeGreaterThan(0);
    // Bounded: the SDK's 3 tries per request and the job's backoff keep the 429s to a handful per dispute.
    expect(limited).toBeLessThan(disputes.length * 20);
    const posts = casePostsByCase(slack, CHANNEL);
    for (const id of disputes) expect(posts.get((await caseOf(id))?.id ?? 0)).toBe(1);
  }, 60_000);

  it('a re-read hanging longer than the worker lease is not run a second time by the same live instance', async () => {
    const { dispute } = stripe.createDispute({ reason: 'general', silent: true });
    const path = `/v1/disputes/${dispute.id}`;
    stripe.delay({ method: 'GET', path, ms: 5_000, times: 1 });
    await stripe.deliver(stripe.emit('charge.dispute.created', dispute), {
      url: `${app.url}/stripe/webhook`,
      secret: TEST_WEBHOOK_SECRET,
    });
    const sent = Date.now();
    await waitFor(async () => (await caseOf(dispute.id)) !== undefined, { timeoutMs: 15_000, what: 'the case' });
    // With REBUT_WORKER_LEASE 2s, a second run would have read the dispute (undelayed) and opened the case first.
    expect(Date.now() - sent).toBeGreaterThanOrEqual(4_500);
    await sleep(6_000 - (Date.now() - sent));
    expect(stripeCalls('GET', path)).toHaveLength(1);
    const opened = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'case.opened' AND dispute_id = $1`,
      [dispute.id],
    );
    expect(opened.rows[0]?.n).toBe(1);
  }, 30_000);
});

describe('Slack failing for a while', () => {
  it('Slack unreachable: the post fails visibly, and once Slack is back the case is posted once', async () => {
    const errorsBefore = await metric('rebut_job_duration_seconds_count', 'task="post-case",outcome="error"');
    slack.down(true);
    const disputeId = await openDispute();
    await waitFor(
      async () => (await metric('rebut_job_duration_seconds_count', 'task="post-case",outcome="error"')) > errorsBefore,
      { timeoutMs: 20_000, what: 'post-case to fail while Slack is down' },
    );
    const failing = await job('post-case');
    expect(failing?.last_error).toBeTruthy();
    expect(await metric('rebut_queue_jobs', 'task="post-case",state="retrying"')).toBe(1);
    slack.down(false);

    const row = await posted(disputeId);
    expect(casePostsByCase(slack, CHANNEL).get(row.id)).toBe(1);
    const attempts = await metric('rebut_job_duration_seconds_count', 'task="post-case",outcome="error"');
    expect(attempts - errorsBefore).toBeLessThanOrEqual(2);
  }, 45_000);

  it('Slack answering 500 and then 429: the post is retried a bounded number of times and lands once', async () => {
    const before = slack.callsTo('chat.postMessage').length;
    slack.failNext({ method: 'chat.postMessage', status: 500, times: 4 });
    slack.failNext({ method: 'chat.postMessage', status: 429, retryAfter: 1, times: 2 });
    const disputeId = await openDispute();
    const row = await posted(disputeId);
    const calls = slack.callsTo('chat.postMessage').slice(before);
    expect(calls.filter((call) => call.status === 500)).toHaveLength(4);
    expect(calls.filter((call) => call.status === 429)).toHaveLength(2);
    expect(calls.filter((call) => call.ok)).toHaveLength(1);
    expect(casePostsByCase(slack, CHANNEL).get(row.id)).toBe(1);
  }, 45_000);
});

describe('the model failing', () => {
  async function draftOf(caseId: number) {
    const { rows } = await db.pool.query<{ author: string }>('SELECT author FROM drafts WHERE case_id = $1', [caseId]);
    return rows;
  }

  it.each([
    ['server errors', 'server_error', /model server error \(500\) after 3 attempts/],
    ['rate limits', 'rate_limit', /model rate-limited \(429\) after 3 attempts/],
    ['an unreachable server', 'down', /model server unreachable/],
  ] as const)(
    '%s: the template drafts the case, flagged, after at most 3 model requests',
    async (_name, mode, why) => {
      openai.behave(mode, { times: 3, retryAfterSeconds: 1 });
      const before = openai.completionRequests().length;
      const disputeId = await openDispute();
      const row = await posted(disputeId);
      expect(row.problem).toMatch(why);
      expect(await draftOf(row.id)).toEqual([{ author: 'template' }]);
      expect(openai.completionRequests().length - before).toBe(3);
    },
    30_000,
  );

  it('hanging: the case is drafted by the template within the drafting limit, then the next gets a model draft', async () => {
    openai.behave('hang', { times: 3 });
    const before = openai.completionRequests().length;
    const hung = await openDispute();
    const row = await posted(hung, 45_000);
    expect(row.problem).toMatch(/model did not finish within the 30 s drafting limit/);
    expect(await draftOf(row.id)).toEqual([{ author: 'template' }]);
    expect(openai.completionRequests().length - before).toBeLessThanOrEqual(3);

    openai.behave('normal');
    const next = await posted(await openDispute());
    expect(next.problem).toBeNull();
    expect(await draftOf(next.id)).toEqual([{ author: `llm:${MODEL}` }]);
  }, 60_000);
});
