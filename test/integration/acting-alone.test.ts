// Trustworthy autopilot, through the real app: triage decides what happens at auto_submit_at, a person can hold or
// overrule it, a case that cannot be prepared is shown to a person before its deadline, and the review window starts
// when a person can first see the case. Signed Slack clicks in, Stripe's and Slack's stand-ins, real PostgreSQL.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { SIGNATURE_HEADER, verifyEvidenceSignature } from '../../src/evidence/sources/http.js';
import { createLogger } from '../../src/log.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { runSync } from '../../src/sync/index.js';
import { TEST_STRIPE_KEY, TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { queuePost, readyCase, sampleTriage } from '../support/cases.js';
import { freshDatabase } from '../support/db.js';
import {
  ALICE,
  buttonOn,
  caseMessagesIn,
  click,
  postedMessage,
  startSlackApp,
  startSlackSandboxForTests,
} from '../support/slack.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SECRET = 'business-endpoint-secret';

let stripe: StripeSandbox;
let slack: SlackSandbox;
let business: Server;
let businessUp = true;
let workDir: string;
let evidenceConfig: string;

/** The business's evidence endpoint: answers as documented while up, 503 while down. */
async function startBusiness(): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = request.headers[SIGNATURE_HEADER.toLowerCase()];
      if (!businessUp) return void response.writeHead(503).end('maintenance');
      if (!verifyEvidenceSignature(typeof header === 'string' ? header : undefined, body, SECRET)) {
        return void response.writeHead(401).end('bad signature');
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          account: { account_id: 'usr_1', email: 'x@example.com', created_at: '2025-01-02T03:04:05Z' },
          activity: [{ at: new Date().toISOString(), event: 'login', ip: '198.51.100.7' }],
          deliverables: [],
          communications: [],
          policy_acceptance: [],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

beforeAll(async () => {
  stripe = await startStripeSandbox();
  business = await startBusiness();
  workDir = await mkdtemp(join(tmpdir(), 'rebut-alone-'));
  evidenceConfig = join(workDir, 'rebut.evidence.yml');
  const url = `http://127.0.0.1:${(business.address() as AddressInfo).port}/rebut-evidence`;
  await writeFile(
    evidenceConfig,
    `business:\n  name: Roomcraft\n  product_description: AI interior designs.\n  support_email: help@roomcraft.example\n  website: https://roomcraft.example\n` +
      `http:\n  url: ${url}\n  secret_env: ROOMCRAFT_EVIDENCE_SECRET\n  timeout: 2s\n`,
  );
  process.env.ROOMCRAFT_EVIDENCE_SECRET = SECRET;
});
afterAll(async () => {
  business.closeAllConnections();
  await new Promise((resolve) => business.close(resolve));
  await stripe.close();
  await rm(workDir, { recursive: true, force: true });
});

/** A fresh database, Slack workspace and the app on them, its timer ticking every second, with these settings. */
async function world(overrides: Record<string, string> = {}) {
  const db = await freshDatabase();
  slack = await startSlackSandboxForTests();
  const app = await startSlackApp(db, stripe, slack, {
    REBUT_TIMER_SCHEDULE: '* * * * * *',
    EVIDENCE_CONFIG: evidenceConfig,
    ...overrides,
  });
  stripe.setWebhook({ url: `${app.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
  return {
    db,
    app,
    async stop() {
      await app.stop();
      await slack.close();
      await db.drop();
    },
  };
}

type World = Awaited<ReturnType<typeof world>>;

async function postedCase(w: World, options: Parameters<typeof readyCase>[2]) {
  const { caseId, disputeId } = await readyCase(w.db.pool, stripe, options);
  await queuePost(w.db.pool, caseId);
  const message = await waitFor(() => postedMessage(w.db.pool, caseId), { what: `case ${caseId} posted` });
  return { caseId, disputeId, ts: message.ts };
}

function stripeCalls(disputeId: string) {
  const mine = stripe.requests.filter((request) => request.method === 'POST' && request.path.includes(disputeId));
  return {
    submits: mine.filter((request) => request.body.submit === 'true').length,
    closes: mine.filter((request) => request.path.endsWith('/close')).length,
  };
}

async function caseRow(w: World, caseId: number) {
  const { rows } = await w.db.pool.query<{
    state: string;
    held_by: string | null;
    posted_at: Date | null;
    auto_submit_at: Date | null;
    urgent: boolean;
    problem: string | null;
    slack_ts: string | null;
  }>('SELECT state, held_by, posted_at, auto_submit_at, urgent, problem, slack_ts FROM cases WHERE id = $1', [caseId]);
  const row = rows[0];
  if (!row) throw new Error(`no case ${caseId}`);
  return row;
}

const messageOf = (caseId: number) => JSON.stringify(caseMessagesIn(slack, caseId)[0]?.blocks ?? []);
const doNotFight = {
  ...sampleTriage(),
  decision: 'do_not_fight',
  reasons: ['None of the evidence this reason stands on was found'],
};
/** Ticks of the app's timer (every second) to let pass when checking that nothing happened. */
const ticks = (n: number) => new Promise((resolve) => setTimeout(resolve, n * 1_100));

describe('triage decides what happens when nobody does', () => {
  it('a case triage says not to fight, left alone, is accepted at auto_submit_at: nothing is submitted', async () => {
    const w = await world();
    try {
      const { caseId, disputeId } = await postedCase(w, {
        reason: 'fraudulent',
        triage: doNotFight,
        autoSubmitAt: new Date(Date.now() - 60_000),
      });
      // Accepted, then (the stand-in closing it as Stripe does) lost.
      await waitFor(async () => ['accepted', 'lost'].includes((await caseRow(w, caseId)).state), {
        what: 'the case accepted',
      });
      expect(stripeCalls(disputeId)).toEqual({ submits: 0, closes: 1 });
      const audit = await w.db.pool.query('SELECT actor FROM audit_log WHERE case_id = $1 AND action = $2', [
        caseId,
        'case.accepted',
      ]);
      expect(audit.rows).toEqual([{ actor: 'timer' }]);
    } finally {
      await w.stop();
    }
  });

  it('with UNWINNABLE_ACTION=hold it is left to a person: nothing sent to Stripe, and the message says so', async () => {
    const w = await world({ UNWINNABLE_ACTION: 'hold' });
    try {
      const { caseId, disputeId } = await postedCase(w, {
        reason: 'fraudulent',
        triage: doNotFight,
        autoSubmitAt: new Date(Date.now() - 60_000),
      });
      await waitFor(async () => (await caseRow(w, caseId)).held_by === 'timer', { what: 'the case held' });
      await ticks(2);
      expect((await caseRow(w, caseId)).state).toBe('awaiting_review');
      expect(stripeCalls(disputeId)).toEqual({ submits: 0, closes: 0 });
      await waitFor(async () => messageOf(caseId).includes('*On hold* (rebut leaves it to a person)'), {
        what: 'the message on hold',
      });
    } finally {
      await w.stop();
    }
  });

  it('Fight anyway on a case triage says to drop submits it once, however often it is clicked', async () => {
    const w = await world();
    try {
      const { caseId, disputeId, ts } = await postedCase(w, {
        reason: 'fraudulent',
        triage: doNotFight,
        autoSubmitAt: new Date(Date.now() + 2 * DAY),
      });
      expect(buttonOn(slack, caseId, ts, 'approve')).toBeUndefined();
      const clicks = await Promise.all(
        [1, 2, 3].map(() => click(w.app, slack, { actionId: 'fight_anyway', caseId, userId: ALICE, messageTs: ts })),
      );
      for (const response of clicks) expect(response.status).toBe(200);
      await waitFor(async () => (await caseRow(w, caseId)).state === 'submitted', { what: 'the case submitted' });
      await ticks(1);
      expect(stripeCalls(disputeId)).toEqual({ submits: 1, closes: 0 });
      const { rows } = await w.db.pool.query('SELECT trigger, actor FROM submissions WHERE case_id = $1', [caseId]);
      expect(rows).toEqual([{ trigger: 'approve', actor: `slack:${ALICE}` }]);
    } finally {
      await w.stop();
    }
  });
});

describe('two instances, the timer and a click racing', () => {
  it('on a case triage says to drop: Fight anyway and the automatic accept end in one outcome, one call to Stripe', async () => {
    const w = await world();
    const other = await startSlackApp(w.db, stripe, slack, { REBUT_TIMER_SCHEDULE: '* * * * * *' });
    try {
      for (let round = 0; round < 3; round++) {
        const { caseId, disputeId, ts } = await postedCase(w, {
          reason: 'fraudulent',
          triage: doNotFight,
          autoSubmitAt: new Date(Date.now() + 1_000 + round * 300),
        });
        // Clicked on one instance about when the other's timer accepts the case.
        await new Promise((resolve) => setTimeout(resolve, 900 + round * 300));
        await click(w.app, slack, { actionId: 'fight_anyway', caseId, userId: ALICE, messageTs: ts });
        await waitFor(
          async () => !['awaiting_review', 'submitting', 'accepting'].includes((await caseRow(w, caseId)).state),
          {
            what: 'one outcome',
          },
        );
        await ticks(2);
        const calls = stripeCalls(disputeId);
        expect(calls.submits + calls.closes, `round ${round}: ${JSON.stringify(calls)}`).toBe(1);
        const { rows } = await w.db.pool.query('SELECT 1 FROM submissions WHERE case_id = $1', [caseId]);
        expect(rows).toHaveLength(calls.submits);
      }
    } finally {
      await other.stop();
      await w.stop();
    }
  });

  it('on a held case: the timers of both instances send nothing, and one click decides it once', async () => {
    const w = await world();
    const other = await startSlackApp(w.db, stripe, slack, { REBUT_TIMER_SCHEDULE: '* * * * * *' });
    try {
      const { caseId, disputeId, ts } = await postedCase(w, {
        reason: 'fraudulent',
        autoSubmitAt: new Date(Date.now() + 2 * DAY),
      });
      await click(other, slack, { actionId: 'hold', caseId, userId: ALICE, messageTs: ts });
      await waitFor(async () => (await caseRow(w, caseId)).held_by !== null, { what: 'the case held' });
      await w.db.pool.query(`UPDATE cases SET auto_submit_at = now() - interval '1 minute' WHERE id = $1`, [caseId]);
      await ticks(2);
      expect(stripeCalls(disputeId)).toEqual({ submits: 0, closes: 0 });
      await Promise.all([
        click(w.app, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: ts }),
        click(other, slack, { actionId: 'approve', caseId, userId: ALICE, messageTs: ts }),
      ]);
      await waitFor(async () => (await caseRow(w, caseId)).state === 'submitted', { what: 'the case submitted' });
      await ticks(1);
      expect(stripeCalls(disputeId)).toEqual({ submits: 1, closes: 0 });
    } finally {
      await other.stop();
      await w.stop();
    }
  });
});

describe('Hold', () => {
  it('then nobody acts: nothing is submitted, a last reminder says what is lost, and the deadline records the loss', async () => {
    const w = await world();
    try {
      // Due in 5 hours: inside the last reminder's window once held.
      const { caseId, disputeId, ts } = await postedCase(w, {
        reason: 'fraudulent',
        dueInDays: 9,
        created: Math.floor((Date.now() - 9 * DAY + 5 * HOUR) / 1000),
        autoSubmitAt: new Date(Date.now() + 2 * HOUR),
      });
      const response = await click(w.app, slack, { actionId: 'hold', caseId, userId: ALICE, messageTs: ts });
      expect(response.status).toBe(200);
      await waitFor(async () => (await caseRow(w, caseId)).held_by === `slack:${ALICE}`, { what: 'the case held' });
      // Its review window ends: the timer does nothing with a held case.
      await w.db.pool.query(`UPDATE cases SET auto_submit_at = now() - interval '1 minute' WHERE id = $1`, [caseId]);
      const reminder = await waitFor(
        async () => caseMessagesIn(slack, caseId)[0]?.replies.find((reply) => reply.text.includes('lost by default')),
        { what: 'the last reminder' },
      );
      expect(reminder.text).toContain('It is on hold, so rebut will not act on it');
      expect(stripeCalls(disputeId)).toEqual({ submits: 0, closes: 0 });
      // Stripe's deadline passes with nobody deciding.
      await w.db.pool.query(`UPDATE disputes SET due_by = now() - interval '1 second' WHERE id = $1`, [disputeId]);
      await waitFor(async () => (await caseRow(w, caseId)).state === 'expired', { what: 'the case expired' });
      const { rows } = await w.db.pool.query<{ detail: { lostByDefault: boolean } }>(
        `SELECT detail FROM audit_log WHERE case_id = $1 AND action = 'case.expired'`,
        [caseId],
      );
      expect(rows[0]?.detail.lostByDefault).toBe(true);
      expect(stripeCalls(disputeId)).toEqual({ submits: 0, closes: 0 });
      await waitFor(async () => messageOf(caseId).includes('lost by default'), { what: 'the message to say so' });
    } finally {
      await w.stop();
    }
  });
});

describe('the deadline safety net', () => {
  it('an evidence source failing for good: shown as needing attention with Retry; Retry once it is back gives a normal case', async () => {
    const w = await world();
    businessUp = false;
    try {
      const scenario = stripe.createDispute({ reason: 'fraudulent', silent: true });
      await stripe.deliver(stripe.emit('charge.dispute.created', scenario.dispute));
      const stuck = await waitFor(
        async () => {
          const { rows } = await w.db.pool.query<{ id: number; slack_ts: string | null; problem: string | null }>(
            'SELECT id, slack_ts, problem FROM cases WHERE dispute_id = $1',
            [scenario.dispute.id],
          );
          return rows[0]?.slack_ts ? rows[0] : undefined;
        },
        { what: 'the stuck case posted', timeoutMs: 40_000 },
      );
      expect(stuck.problem).toContain('An evidence source did not answer (http:');
      expect(stuck.problem).toContain('answered 503');
      const ts = stuck.slack_ts ?? '';
      expect(messageOf(stuck.id)).toContain('*Needs attention.*');
      expect(buttonOn(slack, stuck.id, ts, 'retry')).toBeDefined();
      expect((await caseRow(w, stuck.id)).state).toBe('new');

      businessUp = true;
      const response = await click(w.app, slack, { actionId: 'retry', caseId: stuck.id, userId: ALICE, messageTs: ts });
      expect(response.status).toBe(200);
      await waitFor(async () => (await caseRow(w, stuck.id)).state === 'awaiting_review', {
        what: 'the case prepared after Retry',
        timeoutMs: 30_000,
      });
      await waitFor(async () => buttonOn(slack, stuck.id, ts, 'approve'), { what: 'the normal case message' });
      expect(caseMessagesIn(slack, stuck.id)).toHaveLength(1);
      expect(stripeCalls(scenario.dispute.id).submits).toBe(0);
    } finally {
      businessUp = true;
      await w.stop();
    }
  });

  it('a dispute arriving past its deadline, or answered outside rebut, gets one short notice and no case', async () => {
    const w = await world();
    try {
      const late = stripe.createDispute({
        reason: 'fraudulent',
        dueInDays: 9,
        created: Math.floor((Date.now() - 10 * DAY) / 1000),
        silent: true,
      });
      const answered = stripe.createDispute({ reason: 'duplicate', status: 'under_review', silent: true });
      for (const scenario of [late, answered, late]) {
        await stripe.deliver(stripe.emit('charge.dispute.updated', scenario.dispute));
      }
      const notices = () =>
        slack
          .callsTo('chat.postMessage')
          .map((call) => String(call.args.text ?? ''))
          .filter((text) => text.includes(late.dispute.id) || text.includes(answered.dispute.id));
      await waitFor(async () => notices().length >= 2, { what: 'two notices' });
      await ticks(2);
      expect(notices()).toHaveLength(2);
      expect(notices().find((text) => text.includes(late.dispute.id))).toContain('reached rebut after its deadline');
      expect(notices().find((text) => text.includes(answered.dispute.id))).toContain('already answered outside rebut');
      const { rows } = await w.db.pool.query('SELECT dispute_id FROM cases');
      expect(rows).toEqual([]);
    } finally {
      await w.stop();
    }
  });

  it('a dispute arriving 6 h before due_by with SUBMIT_BUFFER=12h is posted at once, marked urgent, and given MIN_REVIEW_TIME', async () => {
    const w = await world({ SUBMIT_BUFFER: '12h' });
    try {
      const scenario = stripe.createDispute({
        reason: 'fraudulent',
        dueInDays: 9,
        created: Math.floor((Date.now() - 9 * DAY + 6 * HOUR) / 1000),
        silent: true,
      });
      await stripe.deliver(stripe.emit('charge.dispute.created', scenario.dispute));
      const id = await waitFor(
        async () => {
          const { rows } = await w.db.pool.query<{ id: number; posted_at: Date | null }>(
            'SELECT id, posted_at FROM cases WHERE dispute_id = $1',
            [scenario.dispute.id],
          );
          return rows[0]?.posted_at ? rows[0].id : undefined;
        },
        { what: 'the case posted', timeoutMs: 30_000 },
      );
      const row = await caseRow(w, id);
      expect(row.urgent).toBe(true);
      // Acted on after MIN_REVIEW_TIME (1 h by default), not at once although due_by − SUBMIT_BUFFER is past.
      expect((row.auto_submit_at?.getTime() ?? 0) - (row.posted_at?.getTime() ?? 0)).toBe(HOUR);
      expect(messageOf(id)).toContain('*Less time than usual.*');
      await ticks(2);
      expect((await caseRow(w, id)).state).toBe('awaiting_review');
      expect(stripeCalls(scenario.dispute.id).submits).toBe(0);
    } finally {
      await w.stop();
    }
  });

  it('a sync importing 50 open disputes posts 50 cases, none acted on before its review window', async () => {
    const w = await world();
    try {
      const created = Math.floor(Date.now() / 1000) - 3 * 86_400;
      const scenarios = Array.from({ length: 50 }, () =>
        stripe.createDispute({ reason: 'product_not_received', created, silent: true }),
      );
      const ids = new Set(scenarios.map((scenario) => scenario.dispute.id));
      await runSync(
        {
          pool: w.db.pool,
          product: { id: 'default', stripe: createStripeClient(TEST_STRIPE_KEY, stripe.url) },
          log: createLogger('silent'),
        },
        { startedBy: 'test', requestsPerSecond: Number.POSITIVE_INFINITY },
      );
      const rows = await waitFor(
        async () => {
          const { rows } = await w.db.pool.query<{ dispute_id: string; posted_at: Date | null; auto_submit_at: Date }>(
            'SELECT dispute_id, posted_at, auto_submit_at FROM cases WHERE posted_at IS NOT NULL',
          );
          const mine = rows.filter((row) => ids.has(row.dispute_id));
          return mine.length === 50 ? mine : undefined;
        },
        { what: '50 cases posted', timeoutMs: 120_000 },
      );
      for (const row of rows) {
        // The review window (48 h) counts from posting, not from the dispute's creation three days ago.
        expect((row.auto_submit_at.getTime() - (row.posted_at?.getTime() ?? 0)) / HOUR).toBe(48);
      }
      await ticks(2);
      for (const id of ids) expect(stripeCalls(id).submits).toBe(0);
    } finally {
      await w.stop();
    }
  }, 180_000);
});
