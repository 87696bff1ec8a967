import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { setAutopilot } from '../../src/cases/autopilot.js';
import { enqueue, queueDraft, queuePost } from '../../src/jobs/enqueue.js';
import { createLogger } from '../../src/log.js';
import { createSlack } from '../../src/slack/index.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { TEST_STRIPE_KEY, testSettings, waitFor } from '../support/app.js';
import { readyCase, samplePdf } from '../support/cases.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import {
  ALICE,
  APPROVER_GROUP,
  CHANNEL,
  caseMessagesIn,
  postedMessage,
  slackSettings,
  startSlackApp,
  startSlackSandboxForTests,
  type TestApp,
} from '../support/slack.js';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: TestApp;

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  slack = await startSlackSandboxForTests();
  app = await startSlackApp(db, stripe, slack);
});
afterAll(async () => {
  await app.stop();
  await slack.close();
  await stripe.close();
  await db.drop();
});

/** The post-case job of a case, while it waits for a retry. */
async function postJob(caseId: number) {
  const { rows } = await db.pool.query<{ attempts: number; last_error: string | null }>(
    `SELECT attempts, last_error FROM graphile_worker.jobs WHERE key = $1`,
    [`post-case:${caseId}`],
  );
  return rows[0];
}

function postCallsFor(caseId: number) {
  return slack.callsTo('chat.postMessage').filter((call) => {
    const metadata = call.args.metadata as { event_payload?: { case_id?: number } } | undefined;
    return metadata?.event_payload?.case_id === caseId;
  });
}

describe('posting cases to Slack', () => {
  it('a ready case is posted once, with text and blocks, its ts stored and the evidence PDFs in its thread', async () => {
    const files = [
      {
        field: 'service_documentation',
        filename: 'service-documentation.pdf',
        bytes: await samplePdf('Service'),
        pages: 3,
      },
      { field: 'receipt', filename: 'receipt.pdf', bytes: await samplePdf('Receipt') },
    ];
    const { caseId, disputeId } = await readyCase(db.pool, stripe, { files });
    await queuePost(db.pool, caseId);
    const posted = await waitFor(() => postedMessage(db.pool, caseId), { what: 'the case posted' });
    const [message] = caseMessagesIn(slack, caseId);
    expect(message?.ts).toBe(posted.ts);
    expect(message?.text).toContain(disputeId);
    expect(JSON.stringify(message?.blocks)).toContain('"action_id":"approve"');
    const { rows } = await db.pool.query('SELECT slack_channel, slack_version FROM cases WHERE id = $1', [caseId]);
    expect(rows[0]).toEqual({ slack_channel: CHANNEL, slack_version: 1 });

    const uploaded = await waitFor(
      async () => {
        const inThread = slack.uploadedFiles.filter((file) => file.thread_ts === posted.ts);
        return inThread.length === 2 ? inThread : undefined;
      },
      { what: 'two files in the thread' },
    );
    expect(uploaded.map((file) => file.name).sort()).toEqual(['receipt.pdf', 'service-documentation.pdf']);
    expect(uploaded.find((file) => file.name === 'receipt.pdf')?.bytes.equals(files[1]?.bytes ?? Buffer.alloc(0))).toBe(
      true,
    );
    expect(uploaded.every((file) => file.channel === CHANNEL)).toBe(true);
  });

  it('with Slack down when a case is ready, the post is retried and one message exists', async () => {
    const { caseId } = await readyCase(db.pool, stripe);
    slack.down(true);
    try {
      await queuePost(db.pool, caseId);
      await waitFor(async () => (await postJob(caseId))?.last_error, { what: 'a failed attempt', timeoutMs: 20_000 });
    } finally {
      slack.down(false);
    }
    await waitFor(() => postedMessage(db.pool, caseId), {
      what: 'the case posted after the outage',
      timeoutMs: 20_000,
    });
    expect(caseMessagesIn(slack, caseId)).toHaveLength(1);
    expect(postCallsFor(caseId).filter((call) => call.ok)).toHaveLength(1);
  });

  it('with Slack answering 429, the post is retried with backoff and one message exists', async () => {
    const { caseId } = await readyCase(db.pool, stripe);
    // More 429s than the client's own retries: the job fails once and its retry posts.
    slack.failNext({ method: 'chat.postMessage', status: 429, retryAfter: 1, times: 5 });
    await queuePost(db.pool, caseId);
    await waitFor(() => postedMessage(db.pool, caseId), { what: 'the case posted after the 429s', timeoutMs: 30_000 });
    expect(slack.callsTo('chat.postMessage').filter((call) => call.status === 429).length).toBe(5);
    expect(caseMessagesIn(slack, caseId)).toHaveLength(1);
  }, 40_000);

  it('a packet upload that fails after the post is retried on its own: one message, one upload', async () => {
    const { caseId } = await readyCase(db.pool, stripe, {
      files: [{ field: 'receipt', filename: 'receipt.pdf', bytes: await samplePdf('Receipt') }],
    });
    const updatesBefore = slack.callsTo('chat.update').length;
    slack.failNext({ method: 'files.getUploadURLExternal', error: 'internal_error' });
    await queuePost(db.pool, caseId);
    const posted = await waitFor(() => postedMessage(db.pool, caseId), { what: 'the case posted' });
    await waitFor(async () => slack.uploadedFiles.some((file) => file.thread_ts === posted.ts), {
      what: 'the packet uploaded by the retry',
      timeoutMs: 20_000,
    });
    expect(postCallsFor(caseId)).toHaveLength(1);
    expect(caseMessagesIn(slack, caseId)).toHaveLength(1);
    // The upload is the post-packet job's, retried alone: the message is neither posted again nor touched.
    expect(slack.callsTo('chat.update').length).toBe(updatesBefore);
    expect(slack.uploadedFiles.filter((file) => file.thread_ts === posted.ts)).toHaveLength(1);
  });

  it('a retry whose earlier attempt posted but never stored the ts finds the message by its metadata', async () => {
    const { caseId } = await readyCase(db.pool, stripe);
    const settings = testSettings({ DATABASE_URL: db.url, STRIPE_API_URL: stripe.url, ...slackSettings(slack) });
    const own = await createSlack({
      settings,
      pool: db.pool,
      stripe: createStripeClient(TEST_STRIPE_KEY, stripe.url),
      log: createLogger('silent'),
    });
    await own.messages.post(caseId, { attempts: 1, maxAttempts: 12 });
    const first = await postedMessage(db.pool, caseId);
    // The process died between chat.postMessage and storing its answer.
    await db.pool.query('UPDATE cases SET slack_ts = NULL, slack_channel = NULL WHERE id = $1', [caseId]);
    await own.messages.post(caseId, { attempts: 2, maxAttempts: 12 });
    expect(await postedMessage(db.pool, caseId)).toEqual(first);
    expect(caseMessagesIn(slack, caseId)).toHaveLength(1);
    expect(slack.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect(postCallsFor(caseId)).toHaveLength(1);
  });

  it('under autopilot a drafted case is submitted, then its message is a notice of what was submitted', async () => {
    await setAutopilot(db.pool, 'default', 'duplicate', true, `slack:${ALICE}`);
    const { caseId, disputeId } = await readyCase(db.pool, stripe, { reason: 'duplicate', state: 'drafting' });
    await db.pool.query('DELETE FROM drafts WHERE case_id = $1', [caseId]);
    // What prepare-case queues: drafting decides, under the autopilot rule, to submit before posting.
    await queueDraft(db.pool, caseId);
    await waitFor(() => postedMessage(db.pool, caseId), { what: 'the notice posted' });
    const [message] = caseMessagesIn(slack, caseId);
    expect(JSON.stringify(message?.blocks)).toContain('Submitted to Stripe by autopilot');
    expect(JSON.stringify(message?.blocks)).not.toContain('"type":"actions"');
    const { rows } = await db.pool.query('SELECT trigger, actor FROM submissions WHERE case_id = $1', [caseId]);
    expect(rows).toEqual([{ trigger: 'autopilot', actor: 'autopilot' }]);
    expect(stripe.dispute(disputeId).evidence_details.submission_count).toBe(1);
  });

  it('every update of the message gets the next version and new block ids', async () => {
    const { caseId } = await readyCase(db.pool, stripe);
    await queuePost(db.pool, caseId);
    const posted = await waitFor(() => postedMessage(db.pool, caseId), { what: 'the case posted' });
    await db.pool.query(
      `UPDATE cases SET state = 'expired', problem = 'The deadline to respond has passed.' WHERE id = $1`,
      [caseId],
    );
    await enqueue(db.pool, 'update-case-message', { caseId });
    const blocks = await waitFor(
      async () => {
        const text = JSON.stringify(caseMessagesIn(slack, caseId)[0]?.blocks ?? []);
        return text.includes('Expired.') ? text : undefined;
      },
      { what: 'the message updated' },
    );
    expect(blocks).toContain(`case_${caseId}_v2_`);
    expect(blocks).not.toContain(`case_${caseId}_v1_`);
    const update = slack.callsTo('chat.update').find((call) => call.args.ts === posted.ts);
    expect(typeof update?.args.text).toBe('string');
    const { rows } = await db.pool.query('SELECT slack_version FROM cases WHERE id = $1', [caseId]);
    expect(rows[0]?.slack_version).toBe(2);
  });

  it('the reminder before the automatic submission is a thread reply that mentions the approvers', async () => {
    const { caseId } = await readyCase(db.pool, stripe, { autoSubmitAt: new Date(Date.now() + 5 * 3_600_000) });
    await queuePost(db.pool, caseId);
    const posted = await waitFor(() => postedMessage(db.pool, caseId), { what: 'the case posted' });
    await enqueue(db.pool, 'remind-case', { caseId });
    const reply = await waitFor(
      async () => caseMessagesIn(slack, caseId)[0]?.replies.find((r) => r.text.includes('alarm_clock')),
      {
        what: 'the reminder',
      },
    );
    expect(reply.thread_ts).toBe(posted.ts);
    expect(reply.text).toContain(`<@${ALICE}>`);
    expect(reply.text).toContain(`<!subteam^${APPROVER_GROUP}>`);
    expect(reply.text).toContain('in 5 hours');
  });
});

describe('starting the Slack side', () => {
  function settingsWith(overrides: Record<string, string>) {
    return testSettings({ DATABASE_URL: db.url, STRIPE_API_URL: stripe.url, ...slackSettings(slack, overrides) });
  }
  const deps = () => ({ pool: db.pool, stripe: createStripeClient(TEST_STRIPE_KEY, stripe.url) });

  it('says at start that nobody may decide when SLACK_APPROVERS is empty', async () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => lines.push(line) });
    const own = await createSlack({ settings: settingsWith({ SLACK_APPROVERS: '' }), ...deps(), log });
    await own.start();
    await own.stop();
    expect(lines.join('')).toContain('nobody may decide cases: every click will be refused');
  });

  it('a token Slack refuses stops the start with a clear error instead of an unhandled rejection', async () => {
    const settings = settingsWith({ SLACK_BOT_TOKEN: 'xoxb-not-the-token' });
    await expect(createSlack({ settings, ...deps(), log: createLogger('silent') })).rejects.toThrow(
      'Slack refused SLACK_BOT_TOKEN (invalid_auth)',
    );
  });

  it('with an app-level token the app uses Socket Mode and serves no HTTP endpoint', async () => {
    const own = await createSlack({
      settings: settingsWith({ SLACK_APP_TOKEN: 'xapp-1-A0REBUTAPP-1-secret', SLACK_SIGNING_SECRET: '' }),
      ...deps(),
      log: createLogger('silent'),
    });
    expect(own.httpHandler).toBeUndefined();
    expect(Object.keys(own.messages).sort()).toEqual([
      'digest',
      'notice',
      'outcome',
      'packet',
      'post',
      'remind',
      'update',
      'warning',
      'warningUpdate',
    ]);
  });
});
