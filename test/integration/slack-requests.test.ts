import { request } from 'node:http';
import type { ViewStateValue } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackSandbox, signSlackRequest, slashCommandBody } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { waitFor } from '../support/app.js';
import { queuePost, readyCase } from '../support/cases.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import {
  ALICE,
  BOB,
  CHANNEL,
  caseMessagesIn,
  click,
  command,
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

async function postedCase(options: Parameters<typeof readyCase>[2] = {}) {
  const { caseId, disputeId } = await readyCase(db.pool, stripe, options);
  await queuePost(db.pool, caseId);
  const message = await waitFor(() => postedMessage(db.pool, caseId), { what: `case ${caseId} posted` });
  return { caseId, disputeId, ts: message.ts };
}

async function drafts(caseId: number) {
  const { rows } = await db.pool.query<{ version: number; author: string; text: string }>(
    'SELECT version, author, text FROM drafts WHERE case_id = $1 ORDER BY version',
    [caseId],
  );
  return rows;
}

/** Opens the edit modal through a real click and returns the view Slack now shows. */
async function openEditModal(caseId: number, ts: string) {
  const before = slack.views().size;
  const triggerId = slack.issueTriggerId();
  const response = await click(app, slack, { actionId: 'edit', caseId, userId: ALICE, messageTs: ts, triggerId });
  expect(response.status).toBe(200);
  await waitFor(async () => slack.views().size > before, { what: 'the modal opened' });
  const view = [...slack.views().values()].at(-1);
  if (!view) throw new Error('no view');
  return view as {
    callback_id: string;
    private_metadata: string;
    blocks: { type: string; block_id: string; element?: { initial_value?: string } }[];
  };
}

function inputValues(parts: string[]): Record<string, Record<string, ViewStateValue>> {
  return Object.fromEntries(
    parts.map((part, index) => [`rebuttal_${index}`, { text: { type: 'plain_text_input', value: part } }]),
  );
}

describe('requests from Slack', () => {
  it('a signed request is answered', async () => {
    const response = await command(app, slack, 'help');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('/disputes show <dispute id>');
  });

  it('a forged signature, a stale and a future timestamp get 401 and run nothing', async () => {
    const body = slashCommandBody({ text: 'auto on fraudulent', userId: ALICE, responseUrl: slack.responseUrl() });
    const forged = await fetch(`${app.url}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest(body, 'not-the-signing-secret'),
      body,
    });
    expect(forged.status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    expect((await postSigned(app, body, now - 6 * 60)).status).toBe(401);
    // Bolt alone accepts this one: its check only looks backwards.
    expect((await postSigned(app, body, now + 6 * 60)).status).toBe(401);
    const unsigned = await fetch(`${app.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(unsigned.status).toBe(401);
    const { rows } = await db.pool.query('SELECT * FROM autopilot_rules');
    expect(rows).toHaveLength(0);
  });

  it('a body over 1 MiB gets 413: refused unread when declared, cut off at 1 MiB when sent without a length', async () => {
    const body = slashCommandBody({ text: 'auto on fraudulent', userId: ALICE, responseUrl: slack.responseUrl() });
    const signed = signSlackRequest(body, SIGNING_SECRET);
    // 2 MiB announced, a few bytes sent: the answer comes without waiting for the rest.
    const huge = await rawRequest({ ...signed, 'content-length': String(2 * 1024 * 1024) }, body.slice(0, 10));
    expect(huge).toMatchObject({ status: 413, closed: true });
    expect(huge.body).toContain('1048576');
    // Chunked (as a proxy may send it), 1 MiB and a byte: Bolt stops reading at its limit.
    const padded = `${body}&pad=${'x'.repeat(1024 * 1024 - body.length)}`;
    const chunked = await rawRequest(
      { ...signSlackRequest(padded, SIGNING_SECRET), 'transfer-encoding': 'chunked' },
      padded,
      true,
    );
    expect(chunked.status).toBe(413);
    const { rows } = await db.pool.query('SELECT * FROM autopilot_rules');
    expect(rows).toHaveLength(0);
    // A normal signed request still goes through.
    expect((await command(app, slack, 'help')).status).toBe(200);
  });

  it('only POST /slack/events reaches Slack: other unknown paths are 404', async () => {
    expect((await fetch(`${app.url}/slack/other`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${app.url}/nothing-here`)).status).toBe(404);
  });
});

describe('editing a rebuttal', () => {
  it('the edit modal opens within the trigger window with the whole draft, split across inputs', async () => {
    const draft = `${'The customer logged in and used the product every day. '.repeat(90)}\n\nSecond paragraph.`;
    const { caseId, ts } = await postedCase({ draft });
    const view = await openEditModal(caseId, ts);
    expect(view.callback_id).toBe('edit_rebuttal');
    const opened = slack.callsTo('views.open').at(-1);
    expect(opened?.ok).toBe(true);
    const inputs = view.blocks.filter((block) => block.type === 'input');
    expect(inputs.length).toBeGreaterThanOrEqual(3);
    const shown = inputs.map((block) => block.element?.initial_value ?? '').filter(Boolean);
    expect(shown.join('').replace(/\s/g, '')).toBe(draft.replace(/\s/g, ''));
  });

  it('a saved edit becomes a new draft version by that person, and the message shows it with its findings', async () => {
    const { caseId, ts } = await postedCase();
    const view = await openEditModal(caseId, ts);
    const edited = 'The customer paid $5,000 and received the product. They used it for a month.';
    const response = await submitView(app, { privateMetadata: view.private_metadata, values: inputValues([edited]) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    const versions = await drafts(caseId);
    expect(versions.at(-1)).toMatchObject({ version: 2, author: `slack:${ALICE}`, text: edited });
    const text = await waitFor(
      async () => {
        const blocks = JSON.stringify(caseMessagesIn(slack, caseId)[0]?.blocks ?? []);
        return blocks.includes('edited by') ? blocks : undefined;
      },
      { what: 'the message to show the edit' },
    );
    expect(text).toContain('They used it for a month.');
    expect(text).toContain('not backed by the evidence');
    expect(text).toContain('"action_id":"approve"');
    await waitFor(
      async () => ephemeralsFor(slack, ALICE).find((line) => line.includes('Saved as rebuttal version 2')),
      {
        what: 'the saved note',
      },
    );
  });

  it('an edit keeping a claim no fact backs is saved, and each such claim is listed on the message and in the audit log', async () => {
    const { caseId, ts } = await postedCase();
    const view = await openEditModal(caseId, ts);
    const edited = 'As requested, we refunded the customer. We spoke with the cardholder by phone.';
    await submitView(app, { privateMetadata: view.private_metadata, values: inputValues([edited]) });
    const text = await waitFor(
      async () => {
        const blocks = JSON.stringify(caseMessagesIn(slack, caseId)[0]?.blocks ?? []);
        return blocks.includes('edited by') ? blocks : undefined;
      },
      { what: 'the message to show the edit' },
    );
    expect(text).toContain('claims not backed by the evidence');
    const { rows } = await db.pool.query<{ detail: { unbacked: string[] } }>(
      `SELECT detail FROM audit_log WHERE case_id = $1 AND action = 'draft.edited'`,
      [caseId],
    );
    const unbacked = rows[0]?.detail.unbacked ?? [];
    expect(unbacked.some((line) => line.startsWith('"As requested, we refunded the customer."'))).toBe(true);
    expect(unbacked.some((line) => line.startsWith('"We spoke with the cardholder by phone."'))).toBe(true);
  });

  it('two people saving an edit of the same version at once: one version is saved, the other person is told', async () => {
    const { caseId, ts } = await postedCase();
    const first = await openEditModal(caseId, ts);
    const second = await openEditModal(caseId, ts);
    const responses = await Promise.all(
      [first, second].map((view, index) =>
        submitView(app, {
          privateMetadata: view.private_metadata,
          values: inputValues([`The customer paid on the disputed charge. Edit ${index + 1}.`]),
        }),
      ),
    );
    const bodies = await Promise.all(responses.map((response) => response.text()));
    expect((await drafts(caseId)).map((draft) => draft.version)).toEqual([1, 2]);
    expect(bodies.filter((body) => body.includes('Someone saved version 2'))).toHaveLength(1);
  });

  it('a rebuttal over 20,000 characters is refused in the modal and nothing is stored', async () => {
    const { caseId, ts } = await postedCase();
    const view = await openEditModal(caseId, ts);
    const parts = Array.from({ length: 7 }, () => 'x'.repeat(3000));
    const response = await submitView(app, { privateMetadata: view.private_metadata, values: inputValues(parts) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      response_action: 'errors',
      // Seven full inputs joined by blank lines: 7 × 3,000 + 6 × 2.
      errors: { rebuttal_0: 'The rebuttal is 21,012 characters; Stripe allows at most 20,000.' },
    });
    expect(await drafts(caseId)).toHaveLength(1);
  });

  it('a tampered form or a person who may not decide cannot save, and the attempt is audited', async () => {
    const { caseId, ts } = await postedCase();
    const view = await openEditModal(caseId, ts);
    const values = inputValues(['A rebuttal by someone else.']);

    const byBob = await submitView(app, { privateMetadata: view.private_metadata, values, userId: BOB });
    const bobAnswer = (await byBob.json()) as { response_action: string; errors: Record<string, string> };
    expect(bobAnswer.response_action).toBe('errors');
    expect(bobAnswer.errors.rebuttal_0).toContain('not one of the approvers');

    const tampered = await submitView(app, { privateMetadata: '{"caseId":"1; DROP TABLE cases"}', values });
    expect(((await tampered.json()) as { response_action: string }).response_action).toBe('errors');

    expect(await drafts(caseId)).toHaveLength(1);
    const { rows } = await db.pool.query<{ actor: string }>(
      `SELECT actor FROM audit_log WHERE action = 'slack.refused' ORDER BY id DESC LIMIT 2`,
    );
    expect(rows.map((row) => row.actor).sort()).toEqual([`slack:${ALICE}`, `slack:${BOB}`]);
  });

  it('an edit of a case decided meanwhile is refused in the modal', async () => {
    const { caseId, ts } = await postedCase();
    const view = await openEditModal(caseId, ts);
    await db.pool.query(`UPDATE cases SET state = 'submitted' WHERE id = $1`, [caseId]);
    const response = await submitView(app, {
      privateMetadata: view.private_metadata,
      values: inputValues(['Too late.']),
    });
    const answer = (await response.json()) as { errors: Record<string, string> };
    expect(answer.errors.rebuttal_0).toContain('This case is submitted now');
    expect(await drafts(caseId)).toHaveLength(1);
  });
});

describe('/disputes', () => {
  it('auto on and off by an approver changes the rule; auto alone lists it', async () => {
    const on = await command(app, slack, 'auto on subscription_canceled');
    expect(await on.text()).toContain('Autopilot is on for *Subscription canceled*');
    const listed = await command(app, slack, 'auto');
    expect(await listed.text()).toContain('`subscription_canceled`');
    const off = await command(app, slack, 'auto off subscription_canceled');
    expect(await off.text()).toContain('Autopilot is off');
    const { rows } = await db.pool.query(
      `SELECT enabled, set_by FROM autopilot_rules WHERE reason = 'subscription_canceled'`,
    );
    expect(rows).toEqual([{ enabled: false, set_by: `slack:${ALICE}` }]);
  });

  it('auto by someone who may not decide is refused and audited', async () => {
    const response = await command(app, slack, 'auto on general', BOB);
    expect(await response.text()).toContain('You cannot turn autopilot on');
    const { rows } = await db.pool.query(`SELECT * FROM autopilot_rules WHERE reason = 'general'`);
    expect(rows).toHaveLength(0);
    const audit = await db.pool.query<{ detail: { attempted: string } }>(
      `SELECT detail FROM audit_log WHERE action = 'slack.refused' AND actor = $1 ORDER BY id DESC LIMIT 1`,
      [`slack:${BOB}`],
    );
    expect(audit.rows[0]?.detail.attempted).toBe('auto on');
  });

  it('show answers with the case message, only to the caller', async () => {
    const { disputeId } = await postedCase();
    const response = await command(app, slack, `show ${disputeId}`);
    const body = (await response.json()) as { response_type: string; text: string; blocks: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain(disputeId);
    expect(JSON.stringify(body.blocks)).toContain('"action_id":"approve"');
    const unknown = await command(app, slack, 'show dp_unknown');
    expect(await unknown.text()).toContain('no case for `dp_unknown`');
  });

  it("sync imports Stripe's disputes with one progress message, updated, never one per page", async () => {
    stripe.seedDisputes(250);
    const before = slack.callsTo('chat.postMessage').length;
    const ack = await command(app, slack, 'sync');
    expect(await ack.text()).toContain('Syncing disputes from Stripe');
    await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ status: string }>(
          `SELECT status FROM sync_runs ORDER BY id DESC LIMIT 1`,
        );
        return rows[0]?.status === 'done';
      },
      { what: 'the sync to finish', timeoutMs: 30_000 },
    );
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM disputes');
    expect(rows[0]?.n).toBeGreaterThanOrEqual(250);
    const posts = slack.callsTo('chat.postMessage').slice(before);
    expect(posts).toHaveLength(1);
    await waitFor(
      async () =>
        slack.callsTo('chat.update').find((call) => String(call.args.text).startsWith('Dispute sync finished')),
      { what: 'the progress message to say the sync finished' },
    );
    expect(slack.messages(CHANNEL).filter((message) => message.text.startsWith('Dispute sync finished'))).toHaveLength(
      1,
    );
  });

  it('sync by someone who may not decide is refused; a bad date is explained', async () => {
    expect(await (await command(app, slack, 'sync', BOB)).text()).toContain('You cannot sync disputes');
    expect(await (await command(app, slack, 'sync yesterday')).text()).toContain('YYYY-MM-DD');
  });

  it('a second sync while one runs is told so and not started', async () => {
    await db.pool.query(`INSERT INTO sync_runs (status, started_by) VALUES ('running', 'slack:U0OTHER001')`);
    const lock = await db.pool.connect();
    try {
      // The default product's sync lock (src/sync/runs.ts), held as a running sync holds it.
      await lock.query(`SELECT pg_advisory_lock($1, hashtext('default'))`, [0x73796e63]);
      const response = await command(app, slack, 'sync');
      expect(await response.text()).toContain('already running');
    } finally {
      await lock.query(`SELECT pg_advisory_unlock($1, hashtext('default'))`, [0x73796e63]);
      lock.release();
      await db.pool.query(`UPDATE sync_runs SET status = 'failed' WHERE status = 'running'`);
    }
  });

  it('a run left marked running by a process that died does not block the next sync', async () => {
    const dead = await db.pool.query<{ id: number }>(
      `INSERT INTO sync_runs (status, started_by) VALUES ('running', 'slack:U0OTHER001') RETURNING id`,
    );
    const response = await command(app, slack, 'sync');
    expect(await response.text()).toContain('Syncing disputes from Stripe');
    await waitFor(
      async () => {
        // Not just "nothing running": between marking the dead run failed and recording its own, there is none.
        const { rows } = await db.pool.query<{ running: number; done: number }>(
          `SELECT count(*) FILTER (WHERE status = 'running')::int AS running,
                  count(*) FILTER (WHERE status = 'done' AND started_by = $1 AND id > $2)::int AS done FROM sync_runs`,
          [`slack:${ALICE}`, dead.rows[0]?.id],
        );
        return rows[0]?.running === 0 && (rows[0]?.done ?? 0) > 0;
      },
      { what: 'the dead run marked failed and the new one finished' },
    );
    const { rows } = await db.pool.query<{ status: string; started_by: string }>(
      'SELECT status, started_by FROM sync_runs ORDER BY id DESC LIMIT 2',
    );
    expect(rows).toEqual([
      { status: 'done', started_by: `slack:${ALICE}` },
      { status: 'failed', started_by: 'slack:U0OTHER001' },
    ]);
  });

  it('stats by someone who may not decide is refused to them alone: the answer would list open cases to the channel', async () => {
    const answered = slack.responses.length;
    const uploads = slack.uploadedFiles.length;
    const response = await command(app, slack, 'stats all', BOB);
    expect(await response.text()).toContain('You cannot see dispute stats');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.responses.slice(answered).filter((r) => r.response_type === 'in_channel')).toEqual([]);
    expect(slack.uploadedFiles.slice(uploads).filter((file) => file.name.startsWith('rebut-stats'))).toEqual([]);
  });

  it('stats answers in the channel with the win rates, and uploads the chart', async () => {
    const uploads = slack.uploadedFiles.length;
    const response = await command(app, slack, 'stats all');
    expect(response.status).toBe(200);
    const answer = await waitFor(async () => slack.responses.find((r) => r.response_type === 'in_channel'), {
      what: 'the stats answer',
    });
    expect(JSON.stringify(answer.blocks)).toContain('Dispute stats');
    await waitFor(async () => slack.uploadedFiles.slice(uploads).find((file) => file.name.endsWith('.png')), {
      what: 'the chart',
    });
    expect(await (await command(app, slack, 'stats forever')).text()).toContain('30d');
  });
});

/** A POST to /slack/events with exactly these headers, the body written (and ended only when asked). */
function rawRequest(
  headers: Record<string, string>,
  body: string,
  end = false,
): Promise<{ status: number; body: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.url}/slack/events`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: text, closed: res.headers.connection === 'close' });
        req.destroy();
      });
    });
    req.on('error', reject);
    if (end) req.end(body);
    else req.write(body);
  });
}
