// What a stranger, or a member of the workspace who may not decide, can send to POST /slack/events: unsigned or
// forged requests, unknown actions, buttons and forms carrying another or a made-up case, metadata that is not
// rebut's, slash commands with absurd text. Each is refused or answered harmlessly: no case, draft, autopilot rule
// or submission changes, refusals by people are audited, replies escape what they echo, and the app keeps answering.
import { request as httpRequest } from 'node:http';
import type { ViewStateValue } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  blockActionBody,
  type SlackSandbox,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionBody,
} from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { MAX_SLACK_BODY_BYTES } from '../../src/slack/index.js';
import { waitFor } from '../support/app.js';
import { queuePost, readyCase } from '../support/cases.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { submitRequestsByDispute } from '../support/faults.js';
import {
  ALICE,
  BOB,
  CHANNEL,
  ephemeralsFor,
  postedMessage,
  postSigned,
  SIGNING_SECRET,
  startSlackApp,
  startSlackSandboxForTests,
  submitView,
  type TestApp,
} from '../support/slack.js';

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: TestApp;
/** A case waiting for review, and one already submitted. */
let open: { caseId: number; disputeId: string; ts: string };
let decided: { caseId: number; disputeId: string };

beforeAll(async () => {
  db = await freshDatabase();
  stripe = await startStripeSandbox();
  slack = await startSlackSandboxForTests();
  app = await startSlackApp(db, stripe, slack);
  const ready = await readyCase(db.pool, stripe);
  await queuePost(db.pool, ready.caseId);
  const message = await waitFor(() => postedMessage(db.pool, ready.caseId), { what: 'the case posted' });
  open = { ...ready, ts: message.ts };
  decided = await readyCase(db.pool, stripe, { state: 'submitted' });
});
afterAll(async () => {
  await app.stop();
  await slack.close();
  await stripe.close();
  await db.drop();
});

/** Everything a refused request must leave as it was. */
async function snapshot() {
  const { rows } = await db.pool.query<{ cases: string; drafts: number; rules: number; submissions: number }>(
    `SELECT (SELECT string_agg(id || ':' || state, ',' ORDER BY id) FROM cases) AS cases,
            (SELECT count(*)::int FROM drafts) AS drafts,
            (SELECT count(*)::int FROM autopilot_rules) AS rules,
            (SELECT count(*)::int FROM submissions) AS submissions`,
  );
  return { ...rows[0], stripeSubmits: [...submitRequestsByDispute(stripe).values()].reduce((a, b) => a + b, 0) };
}

async function refusals(): Promise<{ actor: string; detail: Record<string, unknown> }[]> {
  const { rows } = await db.pool.query<{ actor: string; detail: Record<string, unknown> }>(
    `SELECT actor, detail FROM audit_log WHERE action = 'slack.refused' ORDER BY id`,
  );
  return rows;
}

let before: Awaited<ReturnType<typeof snapshot>>;
beforeEach(async () => {
  before = await snapshot();
});

async function unchanged(): Promise<void> {
  expect(await snapshot()).toEqual(before);
  expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
}

function press(actionId: string, value: string, userId = ALICE): Promise<Response> {
  return postSigned(
    app,
    blockActionBody({
      actionId,
      value,
      blockId: `case_${open.caseId}_v1_actions`,
      userId,
      channelId: CHANNEL,
      messageTs: open.ts,
      responseUrl: slack.responseUrl(undefined, { channel: CHANNEL, messageTs: open.ts, userId }),
      triggerId: slack.issueTriggerId(),
    }),
  );
}

function slashCommand(text: string, userId = ALICE): Promise<Response> {
  return postSigned(
    app,
    slashCommandBody({
      text,
      userId,
      channelId: CHANNEL,
      responseUrl: slack.responseUrl(undefined, { channel: CHANNEL, userId }),
    }),
  );
}

const rebuttal = (text: string): Record<string, Record<string, ViewStateValue>> => ({
  rebuttal_0: { text: { type: 'plain_text_input', value: text } },
});

describe('requests Slack did not sign', () => {
  it('no signature, another secret’s, another body’s or an altered timestamp: 401 and nothing runs', async () => {
    const body = blockActionBody({
      actionId: 'approve',
      value: String(open.caseId),
      blockId: 'b',
      messageTs: open.ts,
      responseUrl: slack.responseUrl(),
    });
    const signed = signSlackRequest(body, SIGNING_SECRET);
    const attempts: Record<string, string>[] = [
      { 'content-type': 'application/x-www-form-urlencoded' },
      signSlackRequest(body, 'not-the-signing-secret'),
      signSlackRequest(`${body}&extra=1`, SIGNING_SECRET),
      { ...signed, 'x-slack-request-timestamp': String(Number(signed['x-slack-request-timestamp']) - 1) },
      { ...signed, 'x-slack-signature': 'v1=deadbeef' },
      { ...signed, 'x-slack-signature': `${signed['x-slack-signature']}00` },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${app.url}/slack/events`, { method: 'POST', headers, body });
      expect(response.status).toBe(401);
    }
    await unchanged();
  });

  it('the body limit sits at exactly 1 MiB: a signed request of 1 MiB is answered, one byte more gets 413', async () => {
    const send = (size: number) => {
      const command = slashCommandBody({
        text: 'help',
        userId: 'U0ALICE001',
        responseUrl: 'https://hooks.slack.test/x',
      });
      const body = `${command}&pad=${'a'.repeat(size - command.length - 5)}`;
      const headers = { ...signSlackRequest(body, SIGNING_SECRET), 'content-length': String(body.length) };
      return new Promise<number>((resolve, reject) => {
        // node:http, not fetch: a refusal comes while the body is still unread, and must be seen then.
        const request = httpRequest(`${app.url}/slack/events`, { method: 'POST', headers }, (response) => {
          resolve(response.statusCode ?? 0);
          request.destroy();
        });
        request.on('error', reject);
        request.end(body);
      });
    };
    expect(await send(MAX_SLACK_BODY_BYTES)).toBe(200);
    expect(await send(MAX_SLACK_BODY_BYTES + 1)).toBe(413);
    await unchanged();
  });
});

describe('signed requests that are not what rebut asked for', () => {
  it('an action rebut never offered is not run', async () => {
    const response = await press('delete_all_cases', String(open.caseId));
    // Bolt answers an unhandled action with 404 once its 3 s wait for a listener is over.
    expect(response.status).toBe(404);
    await unchanged();
  });

  it('an interaction payload that is not JSON, or of no known type, is refused', async () => {
    const notJson = 'payload=%7Bnot%20json';
    expect((await postSigned(app, notJson)).status).toBe(400);
    const unknown = `payload=${encodeURIComponent(JSON.stringify({ type: 'workflow_step_execute', callback_id: 'x' }))}`;
    expect((await postSigned(app, unknown)).status).toBe(404);
    await unchanged();
  });

  it.each([
    ['SQL', '1 OR 1=1'],
    ['a negative id', '-5'],
    ['an id beyond any integer', '99999999999999999999'],
    ['nothing', ''],
    ['a mention', '<!channel>'],
  ])('a button whose case id is %s belongs to no case: the clicker is told, nothing changes', async (_name, value) => {
    const told = ephemeralsFor(slack, ALICE).length;
    expect((await press('approve', value)).status).toBe(200);
    const answer = await waitFor(async () => ephemeralsFor(slack, ALICE).slice(told)[0], { what: 'the answer' });
    expect(answer).toContain('does not belong to a case rebut knows');
    await unchanged();
  });

  it('Approve, Auto and Accept on a case id that does not exist change nothing and submit nothing', async () => {
    for (const action of ['approve', 'auto', 'accept']) {
      const told = ephemeralsFor(slack, ALICE).length;
      expect((await press(action, '987654')).status).toBe(200);
      await waitFor(async () => ephemeralsFor(slack, ALICE).length > told, { what: `the answer to ${action}` });
    }
    await unchanged();
  });

  it('someone who may not decide is refused on every button, and each refusal is audited', async () => {
    const audited = (await refusals()).length;
    for (const action of ['approve', 'auto', 'accept', 'edit']) {
      expect((await press(action, String(open.caseId), BOB)).status).toBe(200);
    }
    await waitFor(async () => (await refusals()).length === audited + 4, { what: 'four audited refusals' });
    const latest = (await refusals()).slice(audited);
    expect(latest.map((row) => row.actor)).toEqual(Array(4).fill(`slack:${BOB}`));
    expect(latest.map((row) => row.detail.attempted).sort()).toEqual(['accept', 'approve', 'auto', 'edit']);
    await unchanged();
  });
});

describe('edit forms rebut did not make, or for cases that cannot change', () => {
  const errorsOf = async (response: Response) =>
    ((await response.json()) as { response_action?: string; errors?: Record<string, string> }).errors?.rebuttal_0 ?? '';

  it('metadata naming a case already submitted is refused in the form', async () => {
    const metadata = JSON.stringify({ caseId: decided.caseId, draftVersion: 1, joins: [] });
    const response = await submitView(app, { privateMetadata: metadata, values: rebuttal('Submit this instead.') });
    expect(await errorsOf(response)).toContain('This case is submitted now');
    await unchanged();
  });

  it('metadata naming a case that does not exist is refused in the form', async () => {
    const metadata = JSON.stringify({ caseId: 987_654, draftVersion: 1, joins: [] });
    const response = await submitView(app, { privateMetadata: metadata, values: rebuttal('Hello.') });
    expect(await errorsOf(response)).toContain('rebut has no such case');
    await unchanged();
  });

  it('metadata that is not rebut’s (not JSON, wrong shape, oversized, a prototype trick) is refused and audited', async () => {
    const audited = (await refusals()).length;
    const forged = [
      '{"caseId": 1,',
      JSON.stringify({ caseId: '1; DROP TABLE cases', draftVersion: 1, joins: [] }),
      JSON.stringify({ caseId: -1, draftVersion: 1, joins: [] }),
      JSON.stringify({ caseId: open.caseId, draftVersion: 1, joins: [], pad: 'x'.repeat(100_000) }).replace(
        '"joins":[]',
        '"joins":"nope"',
      ),
      `{"__proto__": {"caseId": ${open.caseId}, "draftVersion": 1, "joins": []}}`,
      '\u202E\u0000',
    ];
    for (const privateMetadata of forged) {
      const response = await submitView(app, { privateMetadata, values: rebuttal('A forged rebuttal.') });
      expect(await errorsOf(response)).toContain('not one rebut made');
    }
    const latest = (await refusals()).slice(audited);
    expect(latest).toHaveLength(forged.length);
    // What was sent is kept for the reviewer, cut to 200 characters.
    for (const row of latest) expect(String(row.detail.privateMetadata ?? '').length).toBeLessThanOrEqual(200);
    await unchanged();
  });

  it('someone who may not decide cannot save a rebuttal for any case, and it is audited', async () => {
    const audited = (await refusals()).length;
    const metadata = JSON.stringify({ caseId: open.caseId, draftVersion: 1, joins: [] });
    const response = await submitView(app, { privateMetadata: metadata, values: rebuttal('Mine.'), userId: BOB });
    expect(await errorsOf(response)).toContain('not one of the approvers');
    expect((await refusals()).slice(audited).map((row) => row.actor)).toEqual([`slack:${BOB}`]);
    await unchanged();
  });

  it('a form with another callback id is not taken for an edit', async () => {
    const body = viewSubmissionBody({
      callbackId: 'edit_rebuttal_v2',
      privateMetadata: JSON.stringify({ caseId: open.caseId, draftVersion: 1, joins: [] }),
      values: rebuttal('Sideways.'),
      userId: ALICE,
    });
    expect((await postSigned(app, body)).status).toBe(404);
    await unchanged();
  });
});

describe('/disputes with absurd text', () => {
  /** The ephemeral answer: Bolt sends a string acknowledgement as the body itself, an object as JSON. */
  const reply = async (response: Response) => {
    expect(response.status).toBe(200);
    const text = await response.text();
    return text.startsWith('{') ? ((JSON.parse(text) as { text?: string }).text ?? '') : text;
  };

  it.each([
    ['SQL in the reason', "auto on '); DROP TABLE autopilot_rules;--"],
    ['SQL in a dispute id', "show '; DROP TABLE cases;--"],
    ['a mention as a dispute id', 'show <!channel>'],
    ['a link as the subcommand', '<https://evil.example|help>'],
    ['bidi, zero-width and NUL', 'auto on \u202Efraudulent\u200B\u0000'],
    ['40,000 characters', `show ${'x'.repeat(40_000)}`],
    ['only whitespace and emoji', '   \t 🙂🙂🙂   '],
  ])('%s: an answer that escapes what it echoes, and no change', async (_name, text) => {
    const answer = await reply(await slashCommand(text));
    expect(answer).not.toMatch(/<!channel>|<https:\/\/evil/);
    // What is echoed is short and visible: a long or hostile argument is not sent back whole.
    expect(answer.length).toBeLessThan(3_000);
    expect(answer).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    const tables = await db.pool.query<{ rules: string | null; cases: string | null }>(
      `SELECT to_regclass('autopilot_rules')::text AS rules, to_regclass('cases')::text AS cases`,
    );
    expect(tables.rows[0]).toEqual({ rules: 'autopilot_rules', cases: 'cases' });
    await unchanged();
  });

  it('a 300,000-character argument with a right-to-left override: a short answer, and a capped audit row', async () => {
    const audited = (await refusals()).length;
    const text = `show dp_\u202e${'A'.repeat(300_000)}`;
    const answer = await reply(await slashCommand(text, BOB));
    expect(answer.length).toBeLessThan(1_000);
    const latest = (await refusals()).slice(audited);
    const stored = JSON.stringify(latest);
    expect(stored.length).toBeLessThan(4_000);
    expect(stored).toContain('more characters not kept');
    const ours = await reply(await slashCommand(`show dp_\u202e${'B'.repeat(300_000)}`));
    expect(ours.length).toBeLessThan(1_000);
    expect(ours).not.toContain('\u202e');
  });

  it('a command for approvers, sent by someone who may not decide, is refused and audited even with a NUL', async () => {
    const audited = (await refusals()).length;
    const answer = await reply(await slashCommand('show dp_\u0000<!channel>', BOB));
    expect(answer).toContain('not one of the approvers');
    const latest = (await refusals()).slice(audited);
    expect(latest).toEqual([
      { actor: `slack:${BOB}`, detail: expect.objectContaining({ attempted: 'show', command: 'show dp_<!channel>' }) },
    ]);
    await unchanged();
  });
});
