import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SlackSandbox, signSlackRequest, subteamMembersChangedBody } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { timerTick } from '../../src/cases/timer.js';
import { addDraft } from '../../src/db/drafts.js';
import { createLogger } from '../../src/log.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { queuePost, readyCase } from '../support/cases.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import {
  ALICE,
  APPROVER_GROUP,
  BOB,
  buttonOn,
  CAROL,
  CHANNEL,
  caseMessagesIn,
  click,
  ephemeralsFor,
  postedMessage,
  SIGNING_SECRET,
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
beforeEach(() => stripe.clearFaults());

/** A case posted to Slack and waiting for review; returns where its message is. */
async function postedCase(options: Parameters<typeof readyCase>[2] = {}) {
  const { caseId, disputeId } = await readyCase(db.pool, stripe, options);
  await queuePost(db.pool, caseId);
  const message = await waitFor(() => postedMessage(db.pool, caseId), { what: `case ${caseId} posted` });
  return { caseId, disputeId, ts: message.ts };
}

/** Requests that asked Stripe to submit this dispute's evidence, and whether Stripe took them. */
function submitRequests(disputeId: string) {
  return stripe.requests.filter(
    (request) =>
      request.method === 'POST' && request.path === `/v1/disputes/${disputeId}` && request.body.submit === 'true',
  );
}

async function caseRow(caseId: number) {
  const { rows } = await db.pool.query<{ state: string; problem: string | null; handled_by: string | null }>(
    'SELECT state, problem, handled_by FROM cases WHERE id = $1',
    [caseId],
  );
  return rows[0];
}

async function messageText(caseId: number): Promise<string> {
  const [message] = caseMessagesIn(slack, caseId);
  return JSON.stringify(message?.blocks ?? []);
}

async function waitForMessage(caseId: number, fragment: string): Promise<string> {
  return waitFor(
    async () => {
      const text = await messageText(caseId);
      return text.includes(fragment) ? text : undefined;
    },
    { what: `the message of case ${caseId} to say "${fragment}"` },
  );
}

/** Bob's edit stored as a new draft version, without the case message being updated (yet). */
function editedBehindTheMessage(caseId: number, text: string) {
  return addDraft(db.pool, {
    caseId,
    author: `slack:${BOB}`,
    text,
    citedFacts: [],
    grounding: { ok: true, findings: [] },
  });
}

async function waitForEphemeral(userId: string, fragment: string): Promise<string> {
  return waitFor(async () => ephemeralsFor(slack, userId).find((text) => text.includes(fragment)), {
    what: `an ephemeral to ${userId} saying "${fragment}"`,
  });
}

describe('deciding a case from Slack', () => {
  it('two approvers clicking Approve at the same moment submit to Stripe exactly once', async () => {
    const { caseId, disputeId, ts } = await postedCase();
    const [first, second] = await Promise.all([
      click(app, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: ts }),
      click(app, slack, { actionId: 'approve', caseId, userId: CAROL, messageTs: ts }),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await waitFor(async () => (await caseRow(caseId))?.state === 'submitted', { what: 'the case submitted' });
    await waitFor(async () => ephemeralsFor(slack, ALICE).length > 0 && ephemeralsFor(slack, CAROL).length > 0, {
      what: 'both approvers answered',
    });
    expect(submitRequests(disputeId)).toHaveLength(1);
    expect(stripe.dispute(disputeId).evidence_details.submission_count).toBe(1);
    const { rows } = await db.pool.query('SELECT actor FROM submissions WHERE case_id = $1', [caseId]);
    expect(rows).toHaveLength(1);
    const winner = rows[0].actor as string;
    expect([`slack:${ALICE}`, `slack:${CAROL}`]).toContain(winner);
    const text = await waitForMessage(caseId, 'Submitted to Stripe by');
    expect(text).toContain(`<@${winner.slice('slack:'.length)}>`);
    expect(text).not.toContain('"type":"actions"');
    expect(caseMessagesIn(slack, caseId)).toHaveLength(1);
  });

  it('a click racing the automatic submission still submits once', async () => {
    const { caseId, disputeId, ts } = await postedCase({ autoSubmitAt: new Date(Date.now() - 60_000) });
    const timerDeps = {
      pool: db.pool,
      stripe: createStripeClient(TEST_STRIPE_KEY, stripe.url),
      log: createLogger('silent'),
      unwinnable: 'accept',
      submitBufferMs: 12 * 3_600_000,
    } as const;
    const answered = ephemeralsFor(slack, ALICE).length;
    const [, tick] = await Promise.all([
      click(app, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: ts }),
      timerTick(timerDeps),
    ]);
    expect(tick.acted).toBe(true);
    await waitFor(async () => (await caseRow(caseId))?.state === 'submitted', { what: 'the case submitted' });
    await waitFor(async () => ephemeralsFor(slack, ALICE).length > answered, { what: 'the click answered' });
    expect(submitRequests(disputeId)).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT trigger FROM submissions WHERE case_id = $1', [caseId]);
    expect(rows).toHaveLength(1);
  });

  it('someone who is not an approver is refused, only they see it, nothing changes and the attempt is audited', async () => {
    const { caseId, disputeId, ts } = await postedCase();
    for (const actionId of ['approve', 'accept', 'auto', 'retry', 'edit']) {
      const response = await click(app, slack, { actionId, caseId, userId: BOB, messageTs: ts });
      expect(response.status).toBe(200);
    }
    await waitFor(async () => ephemeralsFor(slack, BOB).length >= 5, { what: 'five refusals' });
    expect(ephemeralsFor(slack, BOB).every((text) => text.includes('You cannot'))).toBe(true);
    expect(ephemeralsFor(slack, BOB)[0]).toContain('not one of the approvers');
    expect((await caseRow(caseId))?.state).toBe('awaiting_review');
    expect(submitRequests(disputeId)).toHaveLength(0);
    expect(stripe.requests.filter((r) => r.path === `/v1/disputes/${disputeId}/close`)).toHaveLength(0);
    expect(slack.callsTo('views.open').filter((call) => call.ok)).toHaveLength(0);
    const { rows } = await db.pool.query<{ actor: string; detail: { attempted: string } }>(
      `SELECT actor, detail FROM audit_log WHERE action = 'slack.refused' AND case_id = $1 ORDER BY id`,
      [caseId],
    );
    expect(rows.map((row) => row.actor)).toEqual(Array(5).fill(`slack:${BOB}`));
    // Each click is acknowledged before its check runs, so the refusals may be written in any order.
    expect(rows.map((row) => row.detail.attempted).sort()).toEqual(['accept', 'approve', 'auto', 'edit', 'retry']);
    const { rows: autopilot } = await db.pool.query('SELECT * FROM autopilot_rules');
    expect(autopilot).toHaveLength(0);
  });

  it('a refusal whose response URL no longer works (used five times) reaches the person by chat.postEphemeral', async () => {
    const { caseId, ts } = await postedCase();
    const spent = slack.responseUrl();
    for (let use = 0; use < 5; use += 1) {
      const answer = await fetch(spent, { method: 'POST', body: JSON.stringify({ text: `use ${use}` }) });
      expect(answer.status).toBe(200);
    }
    const before = slack.callsTo('chat.postEphemeral').length;
    const refusals = ephemeralsFor(slack, BOB).length;
    const response = await click(app, slack, {
      actionId: 'approve',
      caseId,
      userId: BOB,
      messageTs: ts,
      responseUrl: spent,
    });
    expect(response.status).toBe(200);
    await waitFor(async () => ephemeralsFor(slack, BOB).length > refusals, { what: 'the refusal' });
    expect(ephemeralsFor(slack, BOB).at(-1)).toContain('You cannot');
    const fallbacks = slack.callsTo('chat.postEphemeral').slice(before);
    expect(fallbacks.map((call) => [call.ok, call.args.user])).toEqual([[true, BOB]]);
    expect((await caseRow(caseId))?.state).toBe('awaiting_review');
  });

  it('a member of an approver user group may decide', async () => {
    const { caseId, ts } = await postedCase();
    await click(app, slack, { actionId: 'accept', caseId, userId: CAROL, messageTs: ts });
    await waitFor(async () => (await caseRow(caseId))?.state === 'accepted', { what: 'the case accepted' });
    await waitForEphemeral(CAROL, 'Accepted');
    const text = await waitForMessage(caseId, 'Accepted by');
    expect(text).toContain(`<@${CAROL}>`);
    expect(slack.callsTo('usergroups.users.list').length).toBeGreaterThan(0);
  });

  it('a dispute already submitted elsewhere is not sent again, and the message says why', async () => {
    const { caseId, disputeId, ts } = await postedCase();
    // Someone answers the dispute from the Stripe Dashboard first.
    await stripe
      .stripe()
      .disputes.update(disputeId, { evidence: { uncategorized_text: 'From the Dashboard' }, submit: true });
    const before = submitRequests(disputeId).length;
    await click(app, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: ts });
    const reply = await waitForEphemeral(ALICE, 'already submitted for this dispute');
    expect(reply).toContain('Nothing was sent');
    expect(submitRequests(disputeId)).toHaveLength(before);
    await waitForMessage(caseId, 'Not submitted by rebut. Evidence was already submitted');
  });

  it('a dispute past its deadline is not sent, and the message says it expired', async () => {
    const tenDaysAgo = Math.floor(Date.now() / 1000) - 10 * 86_400;
    const { caseId, disputeId, ts } = await postedCase({ created: tenDaysAgo, dueInDays: 9 });
    await click(app, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: ts });
    await waitForEphemeral(ALICE, 'The deadline to respond has passed');
    expect(submitRequests(disputeId)).toHaveLength(0);
    expect((await caseRow(caseId))?.state).toBe('expired');
    await waitForMessage(caseId, 'Expired.');
  });

  it('Stripe failing during submission shows the failure with a Retry button, and Retry then submits once', async () => {
    const { caseId, disputeId, ts } = await postedCase();
    stripe.failNext({ method: 'POST', path: `/v1/disputes/${disputeId}`, status: 500, times: 10 });
    await click(app, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: ts });
    await waitForEphemeral(ALICE, 'The submission failed');
    expect((await caseRow(caseId))?.state).toBe('failed');
    const failed = await waitForMessage(caseId, 'Submission failed.');
    expect(failed).toContain('"action_id":"retry"');
    expect(stripe.dispute(disputeId).evidence_details.submission_count).toBe(0);

    stripe.clearFaults();
    await click(app, slack, { actionId: 'retry', caseId, userId: ALICE, messageTs: ts });
    await waitFor(async () => (await caseRow(caseId))?.state === 'submitted', { what: 'the retry submitted' });
    const succeeded = submitRequests(disputeId).filter((request) => request.status === 200);
    expect(succeeded).toHaveLength(1);
    expect(stripe.dispute(disputeId).evidence_details.submission_count).toBe(1);
    const text = await waitForMessage(caseId, 'Submitted to Stripe by');
    expect(text).not.toContain('"action_id":"retry"');
  });

  it('Stripe failing an Accept: the case keeps the decision, the timer closes it again and never submits evidence', async () => {
    // Its automatic submission is already due: the timer must still not submit a case the team chose to concede.
    const { caseId, disputeId, ts } = await postedCase({ autoSubmitAt: new Date(Date.now() - 60_000) });
    const closePath = `/v1/disputes/${disputeId}/close`;
    stripe.failNext({ method: 'POST', path: closePath, status: 500, times: 10 });
    await click(app, slack, { actionId: 'accept', caseId, userId: ALICE, messageTs: ts });
    await waitForEphemeral(ALICE, 'Stripe could not close the dispute');
    expect(await caseRow(caseId)).toMatchObject({ state: 'failed', handled_by: 'accepted' });
    const failed = await waitForMessage(caseId, 'Accepting failed.');
    expect(failed).toContain('never submits evidence on it');
    // An Approve from an older copy of the message (a /disputes show reply keeps its buttons) submits nothing.
    await click(app, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: ts });
    await waitForEphemeral(ALICE, 'This dispute was accepted (conceded)');
    expect(submitRequests(disputeId)).toHaveLength(0);
    expect(await caseRow(caseId)).toMatchObject({ state: 'failed', handled_by: 'accepted' });

    // Five minutes later, Stripe still failing: the timer tries the close again, and submits nothing.
    const timerDeps = {
      pool: db.pool,
      stripe: createStripeClient(TEST_STRIPE_KEY, stripe.url),
      log: createLogger('silent'),
      unwinnable: 'accept',
      submitBufferMs: 12 * 3_600_000,
    } as const;
    const closes = () => stripe.requests.filter((request) => request.path === closePath).length;
    const before = closes();
    // Five minutes on (the timer reads the database's clock): the case's last attempt is moved back instead.
    await db.pool.query(`UPDATE cases SET updated_at = now() - interval '6 minutes' WHERE id = $1`, [caseId]);
    await timerTick(timerDeps);
    expect(closes()).toBeGreaterThan(before);
    expect(await caseRow(caseId)).toMatchObject({ state: 'failed', handled_by: 'accepted' });
    expect(submitRequests(disputeId)).toHaveLength(0);

    // Stripe back: the next tick closes it and the case is accepted.
    stripe.clearFaults();
    await db.pool.query(`UPDATE cases SET updated_at = now() - interval '6 minutes' WHERE id = $1`, [caseId]);
    await timerTick(timerDeps);
    expect(await caseRow(caseId)).toMatchObject({ state: 'accepted', handled_by: 'accepted' });
    expect(stripe.dispute(disputeId).status).toBe('lost');
    expect(submitRequests(disputeId)).toHaveLength(0);
    expect(stripe.dispute(disputeId).evidence_details.submission_count).toBe(0);
  });

  it('an Accept whose answer was lost after Stripe closed the dispute is recorded as accepted on Retry', async () => {
    const { caseId, disputeId, ts } = await postedCase();
    const closePath = `/v1/disputes/${disputeId}/close`;
    await click(app, slack, { actionId: 'accept', caseId, userId: ALICE, messageTs: ts });
    await waitFor(async () => (await caseRow(caseId))?.state === 'accepted', { what: 'the case accepted' });
    // As if the answer had been lost: the case back in failed-while-accepting, the dispute closed on Stripe.
    await db.pool.query(`UPDATE cases SET state = 'failed', problem = 'lost answer' WHERE id = $1`, [caseId]);
    await click(app, slack, { actionId: 'retry', caseId, userId: ALICE, messageTs: ts });
    await waitFor(async () => (await caseRow(caseId))?.state === 'accepted', { what: 'the retry recorded' });
    expect(stripe.requests.filter((request) => request.path === closePath && request.status === 200)).toHaveLength(1);
    expect(submitRequests(disputeId)).toHaveLength(0);
  });

  it('Approve on a message showing an older rebuttal than the latest sends nothing; on the updated message it sends that one', async () => {
    const { caseId, disputeId, ts } = await postedCase();
    const shown = buttonOn(slack, caseId, ts, 'approve');
    expect(shown?.value).toMatch(new RegExp(`^${caseId}:\\d+$`));
    // Someone saves a new version; the message in Slack still shows the old one.
    const edited = await editedBehindTheMessage(caseId, 'A version nobody has reviewed yet.');
    await click(app, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: ts });
    await waitForEphemeral(ALICE, 'The rebuttal changed since that message was shown');
    expect(submitRequests(disputeId)).toHaveLength(0);
    expect((await caseRow(caseId))?.state).toBe('awaiting_review');

    // The message is brought up to date; approving what it now shows sends it.
    await waitFor(async () => buttonOn(slack, caseId, ts, 'approve')?.value === `${caseId}:${edited.version}`, {
      what: 'the message to show the new version',
    });
    await click(app, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: ts });
    await waitFor(async () => (await caseRow(caseId))?.state === 'submitted', { what: 'the case submitted' });
    const { rows } = await db.pool.query('SELECT draft_version FROM submissions WHERE case_id = $1', [caseId]);
    expect(rows).toEqual([{ draft_version: edited.version }]);
    expect(stripe.dispute(disputeId).evidence.uncategorized_text).toBe('A version nobody has reviewed yet.');
  });

  it('a submission that landed with its answer lost, then an edit: Retry records the version Stripe got, not the edit', async () => {
    const { caseId, disputeId, ts } = await postedCase();
    const { rows: drafts } = await db.pool.query<{ version: number; text: string }>(
      'SELECT version, text FROM drafts WHERE case_id = $1 ORDER BY version DESC LIMIT 1',
      [caseId],
    );
    const sent = drafts[0];
    if (!sent) throw new Error('no draft');
    // What rebut did before the answer was lost: the attempt audited, the evidence submitted on Stripe.
    const key = `rebut:submit:${disputeId}:v${sent.version}:a1`;
    await db.pool.query(
      `INSERT INTO audit_log (actor, action, case_id, dispute_id, detail)
       VALUES ('slack:U0ALICE001', 'submission.attempt', $1, $2, $3)`,
      [caseId, disputeId, JSON.stringify({ trigger: 'approve', idempotencyKey: key, draftVersion: sent.version })],
    );
    await stripe.stripe().disputes.update(disputeId, { evidence: { uncategorized_text: sent.text }, submit: true });
    await db.pool.query(`UPDATE cases SET state = 'failed', problem = 'the answer was lost' WHERE id = $1`, [caseId]);
    const edited = await editedBehindTheMessage(caseId, 'An edit made after the submission had landed.');
    await click(app, slack, { actionId: 'retry', caseId, userId: ALICE, messageTs: ts });
    await waitFor(async () => (await caseRow(caseId))?.state === 'submitted', {
      what: 'the landed submission recorded',
    });
    const { rows } = await db.pool.query('SELECT draft_version, idempotency_key FROM submissions WHERE case_id = $1', [
      caseId,
    ]);
    expect(rows).toEqual([{ draft_version: sent.version, idempotency_key: key }]);
    expect(edited.version).toBeGreaterThan(sent.version);
    expect(submitRequests(disputeId).filter((request) => request.status === 200)).toHaveLength(1);
  });

  it('Auto submits this case and puts its reason on autopilot', async () => {
    const { caseId, disputeId, ts } = await postedCase({ reason: 'product_not_received' });
    await click(app, slack, { actionId: 'auto', caseId, userId: ALICE, messageTs: ts });
    await waitForEphemeral(ALICE, 'is on autopilot');
    await waitFor(async () => (await caseRow(caseId))?.state === 'submitted', { what: 'the case submitted' });
    expect(submitRequests(disputeId)).toHaveLength(1);
    const { rows } = await db.pool.query<{ enabled: boolean; set_by: string }>(
      `SELECT enabled, set_by FROM autopilot_rules WHERE reason = 'product_not_received'`,
    );
    expect(rows).toEqual([{ enabled: true, set_by: `slack:${ALICE}` }]);
    await waitForMessage(caseId, 'with *Auto*');
    await db.pool.query(`DELETE FROM autopilot_rules`);
  });

  it('a click on a case that changed meanwhile gets the reason, not an error', async () => {
    const { caseId, ts } = await postedCase();
    await click(app, slack, { actionId: 'accept', caseId, userId: ALICE, messageTs: ts });
    await waitFor(async () => (await caseRow(caseId))?.state === 'accepted', { what: 'the case accepted' });
    await click(app, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: ts });
    await waitForEphemeral(ALICE, 'This case is accepted and cannot be submitted');
    expect(slack.messages(CHANNEL).length).toBeGreaterThan(0);
  });

  describe('Stripe is the source of truth for what was submitted', () => {
    const timerDeps = () =>
      ({
        pool: db.pool,
        stripe: createStripeClient(TEST_STRIPE_KEY, stripe.url),
        log: createLogger('silent'),
        unwinnable: 'accept',
        submitBufferMs: 12 * 3_600_000,
      }) as const;
    const closeRequests = (disputeId: string) =>
      stripe.requests.filter((request) => request.path === `/v1/disputes/${disputeId}/close`).length;

    it('evidence submitted outside rebut, then Accept: settled as submitted outside rebut, and nothing is retried', async () => {
      const { caseId, disputeId, ts } = await postedCase();
      await stripe
        .stripe()
        .disputes.update(disputeId, { evidence: { uncategorized_text: 'From the Dashboard' }, submit: true });
      await click(app, slack, { actionId: 'accept', caseId, userId: ALICE, messageTs: ts });
      await waitForEphemeral(ALICE, 'already submitted for this dispute outside rebut');
      expect(await caseRow(caseId)).toMatchObject({ state: 'submitted', handled_by: 'outside' });
      expect(closeRequests(disputeId)).toBe(1);
      await db.pool.query(`UPDATE cases SET updated_at = now() - interval '6 minutes' WHERE id = $1`, [caseId]);
      await timerTick(timerDeps());
      expect(closeRequests(disputeId)).toBe(1);
      expect(submitRequests(disputeId)).toHaveLength(1); // the Dashboard's, not rebut's
      await waitForMessage(caseId, 'Not submitted by rebut');
    });

    it('a submission Stripe took but rebut never recorded is settled at once by the timer, as that attempt sent it', async () => {
      const { caseId, disputeId } = await postedCase();
      // As if killed between Stripe's answer and the write: the attempt audited, the case held, Stripe has it.
      await db.pool.query(
        `UPDATE cases SET state = 'submitting', updated_at = now() - interval '6 minutes' WHERE id = $1`,
        [caseId],
      );
      const key = `rebut:submit:${disputeId}:v1:a1`;
      await db.pool.query(
        `INSERT INTO audit_log (actor, action, case_id, dispute_id, detail) VALUES ($1, 'submission.attempt', $2, $3, $4)`,
        [
          `slack:${ALICE}`,
          caseId,
          disputeId,
          JSON.stringify({ trigger: 'approve', idempotencyKey: key, draftVersion: 1 }),
        ],
      );
      await stripe.stripe().disputes.update(disputeId, { evidence: { uncategorized_text: 'Ours' }, submit: true });
      await timerTick(timerDeps());
      expect(await caseRow(caseId)).toMatchObject({ state: 'submitted', handled_by: 'approved' });
      const { rows } = await db.pool.query(
        'SELECT draft_version, trigger, actor, idempotency_key FROM submissions WHERE case_id = $1',
        [caseId],
      );
      expect(rows).toEqual([{ draft_version: 1, trigger: 'approve', actor: `slack:${ALICE}`, idempotency_key: key }]);
      const text = await waitForMessage(caseId, 'Submitted');
      expect(text).not.toContain('"action_id":"approve"');
      expect(submitRequests(disputeId)).toHaveLength(1);
    });

    it('the charge.dispute.updated that shows a submission settles a case left in submitting', async () => {
      stripe.setWebhook({ url: `${app.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
      const { caseId, disputeId } = await postedCase();
      await db.pool.query(`UPDATE cases SET state = 'submitting' WHERE id = $1`, [caseId]);
      await stripe.stripe().disputes.update(disputeId, { evidence: { uncategorized_text: 'Ours' }, submit: true });
      await stripe.deliver(stripe.emit('charge.dispute.updated', stripe.dispute(disputeId)));
      await waitFor(async () => (await caseRow(caseId))?.state === 'submitted', { what: 'the case settled' });
      expect((await caseRow(caseId))?.handled_by).toBe('outside');
      stripe.setWebhook({ url: 'http://127.0.0.1:9/nowhere', secret: TEST_WEBHOOK_SECRET });
    });
  });

  it('someone removed from the approvers’ group may decide no longer once Slack says the group changed', async () => {
    const { caseId, disputeId, ts } = await postedCase();
    // Carol decides through the group: allowed (and the group's members are now cached).
    await click(app, slack, { actionId: 'hold', caseId, userId: CAROL, messageTs: ts });
    await waitForEphemeral(CAROL, 'On hold');
    slack.setUsergroupMembers(APPROVER_GROUP, []);
    const event = subteamMembersChangedBody({ subteamId: APPROVER_GROUP, removed: [CAROL] });
    const headers = { ...signSlackRequest(event, SIGNING_SECRET), 'content-type': 'application/json' };
    const delivered = await fetch(`${app.url}/slack/events`, { method: 'POST', headers, body: event });
    expect(delivered.status).toBe(200);
    await click(app, slack, { actionId: 'approve', caseId, userId: CAROL, messageTs: ts });
    await waitForEphemeral(CAROL, 'not one of the approvers');
    expect(submitRequests(disputeId)).toHaveLength(0);
    slack.setUsergroupMembers(APPROVER_GROUP, [CAROL]);
  });
});
