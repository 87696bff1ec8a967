import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Settings, settingsSchema } from '../../src/config.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { createLogger } from '../../src/log.js';
import { type App, startApp } from '../../src/main.js';
import { CASE_EVENT_TYPE } from '../../src/slack/messages/find-posted.js';
import { plural } from '../../src/text.js';
import { sampleCustomerFor, seedBusiness } from '../business/index.js';
import {
  blockActionBody,
  type SlackSandbox,
  signSlackRequest,
  slashCommandBody,
  startSlackSandbox,
  viewSubmissionBody,
} from '../slack/index.js';
import { startStripeSandbox } from '../stripe/index.js';
import { bold, renderBlocks } from './render.js';

const STRIPE_KEY = 'sk_test_demo';
const WEBHOOK_SECRET = 'whsec_demo';
const SIGNING_SECRET = 'demo-signing-secret';
const CHANNEL = 'C0DISPUTES';
const APPROVER = 'U0ALICE001';
/** The demo's clock runs fast: a case nobody touches is submitted by the timer after this long. */
const DEMO_REVIEW_WINDOW = '20s';
/** Past disputes imported first, so the stats have a history to speak of: a few hundred, over six months. */
const HISTORY_DISPUTES = 300;
const HISTORY_DAYS = 183;
const DAY_SECONDS = 86_400;

export interface DemoOptions {
  /** Where the demo's PostgreSQL and images live; wiped at every start. */
  dataDir: string;
  /** Where PDFs, Block Kit JSON and the stats chart are written. */
  outputDir: string;
  port: number;
  openAiKey?: string;
  openAiBaseUrl?: string;
  openAiModel?: string;
  print?: (line: string) => void;
  /** Bold step titles (ANSI); the CLI sets it only for a terminal without NO_COLOR. Default off. */
  colour?: boolean;
}

interface Story {
  title: string;
  reason: 'fraudulent' | 'product_not_received' | 'subscription_canceled';
  customer: { email: string; name: string };
  amount: number;
  outcome: 'won' | 'lost';
  disputeId?: string;
  caseId?: number;
}

/**
 * `npm run demo`: the whole flow offline. An embedded PostgreSQL, the Stripe, Slack and business
 * stand-ins, and the real server over HTTP: six months of decided disputes are imported with
 * `/disputes sync`; then three disputes arrive as signed webhooks; one is approved as drafted, one
 * edited then approved, one left alone and submitted by the timer; then Stripe closes them (won,
 * won, lost) and the stats, history included, are printed.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const print = options.print ?? ((line: string) => console.log(line));
  const started = Date.now();
  const step = (text: string) =>
    print(`\n${bold(`▸ ${text}`, options.colour ?? false)}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const outputDir = resolve(options.outputDir);
  const dataDir = resolve(options.dataDir);

  step('Starting clean: embedded PostgreSQL, the Stripe and Slack stand-ins');
  await resetDirectory(dataDir);
  await rm(outputDir, { recursive: true, force: true });
  await mkdir(outputDir, { recursive: true });
  const database = await startEmbeddedPostgres(dataDir, { persistent: false });
  const cleanups: (() => Promise<unknown>)[] = [() => database.stop()];
  let app: App | undefined;
  try {
    const admin = createPool(database.url, { max: 1 });
    await admin.query('CREATE DATABASE rebut');
    await admin.query('CREATE DATABASE roomcraft');
    await admin.end();
    const rebutUrl = withDatabase(database.url, 'rebut');
    const businessUrl = withDatabase(database.url, 'roomcraft');

    const stripe = await startStripeSandbox();
    cleanups.unshift(() => stripe.close());
    const slack = await startSlackSandbox({ rateLimit: false });
    cleanups.unshift(() => slack.close());

    step(
      `Seeding Stripe with ${HISTORY_DISPUTES} past disputes, decided (won or lost) over the last six months, with their charges`,
    );
    const nowSeconds = Math.floor(Date.now() / 1000);
    stripe.seedDisputes(HISTORY_DISPUTES, {
      from: nowSeconds - HISTORY_DAYS * DAY_SECONDS,
      to: nowSeconds - 14 * DAY_SECONDS,
      statuses: { won: 46, lost: 54 },
      reasons: {
        fraudulent: 40,
        product_not_received: 20,
        subscription_canceled: 20,
        product_unacceptable: 10,
        duplicate: 5,
        credit_not_processed: 5,
      },
      brands: { visa: 60, mastercard: 30, amex: 10 },
      variedEvidence: true,
      seed: 20_261_207,
    });
    const imagesDir = join(dataDir, 'roomcraft-images');
    const evidencePath = join(dataDir, 'rebut.evidence.yml');
    const example = await readFile(new URL('../../rebut.evidence.example.yml', import.meta.url), 'utf8');
    await writeFile(evidencePath, example.replace('./.rebut/roomcraft/images', imagesDir));

    step(
      `Starting rebut on port ${options.port} (drafts by ${options.openAiKey ? options.openAiModel : 'the template drafter'})`,
    );
    const settings: Settings = settingsSchema.parse({
      DATABASE_URL: rebutUrl,
      APP_DATABASE_URL: businessUrl,
      EVIDENCE_CONFIG: evidencePath,
      PORT: String(options.port),
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_CHANNEL_ID: CHANNEL,
      SLACK_APPROVERS: APPROVER,
      SLACK_API_URL: slack.apiUrl,
      OPENAI_API_KEY: options.openAiKey,
      OPENAI_BASE_URL: options.openAiBaseUrl,
      OPENAI_MODEL: options.openAiModel,
      REVIEW_WINDOW: DEMO_REVIEW_WINDOW,
      LOG_LEVEL: 'warn',
    });
    app = await startApp(settings, {
      log: createLogger('warn', { write: (line: string) => process.stderr.write(line) }),
      host: '127.0.0.1',
      timerSchedule: '*/2 * * * * *',
    });
    const running = app;
    cleanups.unshift(() => running.stop());
    stripe.setWebhook({ url: `${app.url}/stripe/webhook`, secret: WEBHOOK_SECRET });
    const pool = app.pool;

    step('Someone types /disputes sync in Slack: rebut imports the history through its own sync');
    await postSlack(
      app,
      slashCommandBody({ text: 'sync', userId: APPROVER, channelId: CHANNEL, responseUrl: slack.responseUrl() }),
    );
    const synced = await waitFor(
      async () => slack.messages(CHANNEL).find((message) => message.text.startsWith('Dispute sync finished')),
      'the sync to finish',
      60_000,
    );
    const history = await expectHistory(pool, HISTORY_DISPUTES);
    print(renderBlocks(synced.blocks));
    print(
      `  ${history.won} won and ${history.lost} lost since ${history.first} stored with their reasons and evidence fields; no case opened (all decided)`,
    );

    step('Seeding Roomcraft, a fictional AI interior-design app, and three disputes on Stripe');
    const stories: Story[] = [
      {
        title: 'a "fraudulent" chargeback, approved as drafted',
        reason: 'fraudulent',
        customer: { email: 'mara.lindqvist@example.com', name: 'Mara Lindqvist' },
        amount: 2900,
        outcome: 'won',
      },
      {
        title: 'a "product not received" chargeback, edited then approved',
        reason: 'product_not_received',
        customer: { email: 'tomas.okafor@example.com', name: 'Tomás Okafor' },
        amount: 2900,
        outcome: 'won',
      },
      {
        title: 'a "subscription canceled" chargeback nobody touches: the timer submits it',
        reason: 'subscription_canceled',
        customer: { email: 'jun.watanabe@example.com', name: 'Jun Watanabe' },
        amount: 2900,
        outcome: 'lost',
      },
    ];
    const businessPool = createPool(businessUrl, { max: 2 });
    const scenarios = stories.map((story) =>
      stripe.createDispute({
        reason: story.reason,
        amount: story.amount,
        brand: 'visa',
        customer: story.customer,
        priorCharges: [{ daysAgo: 62 }, { daysAgo: 31 }],
        subscription: true,
        silent: true,
      }),
    );
    await seedBusiness(businessPool, {
      customers: scenarios.map((scenario) => sampleCustomerFor(scenario)),
      imagesDir,
    });
    await businessPool.end();

    step('Stripe sends three signed charge.dispute.created webhooks');
    for (const [index, story] of stories.entries()) {
      const scenario = scenarios[index];
      if (!scenario) continue;
      story.disputeId = scenario.dispute.id;
      const [response] = await stripe.deliver(stripe.emit('charge.dispute.created', scenario.dispute));
      print(`  ${scenario.dispute.id} (${story.reason}, ${money(story.amount)}) → HTTP ${response?.status}`);
    }

    for (const [index, story] of stories.entries()) {
      const disputeId = story.disputeId ?? '';
      const posted = await waitFor(async () => {
        const { rows } = await pool.query<{ id: number; slack_ts: string | null }>(
          'SELECT id, slack_ts FROM cases WHERE dispute_id = $1',
          [disputeId],
        );
        return rows[0]?.slack_ts ? rows[0] : undefined;
      }, `the case of ${disputeId} to reach Slack`);
      story.caseId = posted.id;
      step(`Case ${index + 1}: ${story.title}`);
      print(`  Slack #disputes, as posted:`);
      print(renderBlocks(latestBlocks(slack, posted.slack_ts ?? '')));
      await writeFile(
        join(outputDir, `case-${index + 1}-${story.reason}-posted.json`),
        JSON.stringify(latestBlocks(slack, posted.slack_ts ?? ''), null, 2),
      );
      for (const file of await evidenceFiles(pool, posted.id)) {
        const name = `case-${index + 1}-${story.reason}-${file.field}.pdf`;
        await writeFile(join(outputDir, name), file.bytes);
        print(
          `  evidence file → demo-output/${name} (${file.pages} page${file.pages === 1 ? '' : 's'}, ${kb(file.bytes.length)})`,
        );
      }
    }

    const [fraud, notReceived, canceled] = stories;
    if (!fraud?.caseId || !notReceived?.caseId || !canceled?.caseId) throw new Error('the demo cases were not opened');

    step('Alice clicks "Approve & submit" on case 1');
    await click(app, slack, fraud.caseId, 'approve', pool);
    await waitForState(pool, fraud.caseId, 'submitted');
    await expectSubmission(pool, fraud.caseId, { trigger: 'approve', actor: `slack:${APPROVER}`, draftVersion: 1 });
    print(`  case 1 → submitted by Alice, rebuttal v1 (Stripe: ${stripe.dispute(fraud.disputeId ?? '').status})`);

    step('Alice clicks "Edit rebuttal" on case 2, adds a sentence, saves, then approves');
    await click(app, slack, notReceived.caseId, 'edit', pool);
    const opened = await waitFor(async () => slack.callsTo('views.open').at(-1), 'the edit modal to open');
    const view = opened.args.view as {
      blocks: { block_id: string; element?: { initial_value?: string } }[];
      private_metadata: string;
    };
    const inputs = view.blocks.filter((block) => block.element);
    const values: Record<string, Record<string, { type: 'plain_text_input'; value: string }>> = {};
    for (const [i, block] of inputs.entries()) {
      const original = block.element?.initial_value ?? '';
      const edited =
        i === 0 ? `Every design the customer generated stayed available in their account.\n\n${original}` : original;
      values[block.block_id] = { text: { type: 'plain_text_input', value: edited } };
    }
    await postSlack(
      app,
      viewSubmissionBody({
        callbackId: 'edit_rebuttal',
        privateMetadata: view.private_metadata,
        values,
        userId: APPROVER,
      }),
    );
    await waitFor(async () => {
      const { rows } = await pool.query(`SELECT 1 FROM drafts WHERE case_id = $1 AND author LIKE 'slack:%'`, [
        notReceived.caseId,
      ]);
      return rows.length > 0;
    }, 'the edited draft to be saved');
    print('  draft v2 saved by slack:U0ALICE001 (grounding checked)');
    const caseTwo = notReceived.caseId;
    // Alice approves what she now sees: the message updated to show v2 (an Approve on the v1 message is refused).
    await waitFor(
      async () => ((await approveVersion(slack, pool, caseTwo)) === 2 ? true : undefined),
      'the message to show v2',
    );
    await click(app, slack, notReceived.caseId, 'approve', pool);
    await waitForState(pool, notReceived.caseId, 'submitted');
    await expectSubmission(pool, notReceived.caseId, {
      trigger: 'approve',
      actor: `slack:${APPROVER}`,
      draftVersion: 2,
    });
    print('  case 2 → submitted by Alice, with the edited rebuttal (v2)');

    step(`Nobody touches case 3; the timer submits it when its review window (${DEMO_REVIEW_WINDOW} in the demo) ends`);
    await waitForState(pool, canceled.caseId, 'submitted', 60_000);
    await expectSubmission(pool, canceled.caseId, { trigger: 'timer', actor: 'timer', draftVersion: 1 });
    print('  case 3 → submitted by the timer, rebuttal v1');

    step('Weeks later, the banks decide: Stripe closes the disputes (won, won, lost)');
    for (const story of stories) stripe.setDisputeStatus(story.disputeId ?? '', story.outcome);
    for (const [index, story] of stories.entries()) {
      await waitForState(pool, story.caseId ?? 0, story.outcome);
      const { rows } = await pool.query<{ slack_ts: string }>('SELECT slack_ts FROM cases WHERE id = $1', [
        story.caseId,
      ]);
      const ts = rows[0]?.slack_ts ?? '';
      await waitFor(
        async () => (JSON.stringify(latestBlocks(slack, ts)).toLowerCase().includes(story.outcome) ? true : undefined),
        `the message of case ${index + 1} to show the outcome`,
      );
      await writeFile(
        join(outputDir, `case-${index + 1}-${story.reason}-final.json`),
        JSON.stringify(latestBlocks(slack, ts), null, 2),
      );
      print(`\n  Case ${index + 1} in Slack now:`);
      print(renderBlocks(latestBlocks(slack, ts)));
    }

    step('Someone types /disputes stats all in Slack');
    const uploadsBefore = slack.uploadedFiles.length;
    await postSlack(
      app,
      slashCommandBody({ text: 'stats all', userId: APPROVER, channelId: CHANNEL, responseUrl: slack.responseUrl() }),
    );
    const answer = await waitFor(
      async () => slack.responses.find((response) => response.response_type === 'in_channel'),
      'the stats answer',
    );
    // The history and the three cases, all counted: what the stats say is what was stored.
    const counted = plural(HISTORY_DISPUTES + stories.length, 'dispute');
    if (!JSON.stringify(answer.blocks).includes(counted)) {
      throw new Error(`the demo expected the stats to count ${counted}; they said ${JSON.stringify(answer.blocks)}`);
    }
    print(renderBlocks(answer.blocks));
    await writeFile(join(outputDir, 'stats.json'), JSON.stringify(answer.blocks, null, 2));
    const chart = await waitFor(
      async () => slack.uploadedFiles.slice(uploadsBefore).find((file) => file.name.endsWith('.png')),
      'the stats chart',
    );
    await writeFile(join(outputDir, 'stats-chart.png'), chart.bytes);
    print(`  chart → demo-output/stats-chart.png (${kb(chart.bytes.length)})`);

    const submissions = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM submissions');
    // Case messages only: the sync's progress message is in the channel too.
    const posts = slack
      .callsTo('chat.postMessage')
      .filter(
        (call) =>
          call.args.channel === CHANNEL &&
          !call.args.thread_ts &&
          (call.args.metadata as { event_type?: string } | undefined)?.event_type === CASE_EVENT_TYPE,
      );
    step(
      `Done: ${submissions.rows[0]?.n} submissions to Stripe (one per dispute), ${posts.length} case messages, outputs in ${outputDir}`,
    );
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Removes the demo's data folder, first stopping a PostgreSQL a crashed earlier demo left running in it. */
async function resetDirectory(dir: string): Promise<void> {
  const pidFile = join(dir, 'pg', 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 'SIGQUIT');
        for (let i = 0; i < 50; i++) {
          process.kill(pid, 0);
          await sleep(100);
        }
      } catch {
        // Not running (any more).
      }
    }
  }
  await rm(dir, { recursive: true, force: true });
}

function latestBlocks(slack: SlackSandbox, ts: string): unknown {
  for (const message of slack.messages(CHANNEL)) if (message.ts === ts) return message.blocks;
  return [];
}

async function evidenceFiles(pool: Pool, caseId: number) {
  const { rows } = await pool.query<{ field: string; pages: number; bytes: Buffer }>(
    'SELECT field, pages, bytes FROM evidence_files WHERE case_id = $1 ORDER BY id',
    [caseId],
  );
  return rows;
}

/** The demo says only what happened: the one submission of the case, by whom and with which version. */
async function expectSubmission(
  pool: Pool,
  caseId: number,
  expected: { trigger: string; actor: string; draftVersion: number },
): Promise<void> {
  const { rows } = await pool.query<{ trigger: string; actor: string; draft_version: number }>(
    'SELECT trigger, actor, draft_version FROM submissions WHERE case_id = $1',
    [caseId],
  );
  const actual = rows.map((row) => ({ trigger: row.trigger, actor: row.actor, draftVersion: row.draft_version }));
  if (actual.length !== 1 || JSON.stringify(actual[0]) !== JSON.stringify(expected)) {
    throw new Error(
      `the demo expected case ${caseId} submitted once as ${JSON.stringify(expected)}; it was ${JSON.stringify(actual)}`,
    );
  }
}

/**
 * The demo says only what happened: every seeded dispute stored by the sync, each decided, and no case opened for
 * any of them.
 */
async function expectHistory(pool: Pool, expected: number): Promise<{ won: number; lost: number; first: string }> {
  const { rows } = await pool.query<{ disputes: number; won: number; lost: number; cases: number; first: Date }>(
    `SELECT count(*)::int AS disputes,
            count(*) FILTER (WHERE status = 'won')::int AS won,
            count(*) FILTER (WHERE status = 'lost')::int AS lost,
            (SELECT count(*)::int FROM cases) AS cases,
            min(created) AS first
       FROM disputes`,
  );
  const found = rows[0];
  if (!found || found.disputes !== expected || found.won + found.lost !== expected || found.cases !== 0) {
    throw new Error(
      `the demo expected the sync to store ${expected} decided disputes and open no case; it found ${JSON.stringify(found)}`,
    );
  }
  return { won: found.won, lost: found.lost, first: found.first.toISOString().slice(0, 10) };
}

/** The draft version the case message's Approve button would send (its value is `<case>:<version>`). */
async function approveVersion(slack: SlackSandbox, pool: Pool, caseId: number): Promise<number | undefined> {
  const { rows } = await pool.query<{ slack_ts: string }>('SELECT slack_ts FROM cases WHERE id = $1', [caseId]);
  const blocks = latestBlocks(slack, rows[0]?.slack_ts ?? '') as {
    elements?: { action_id: string; value?: string }[];
  }[];
  const value = blocks.flatMap((block) => block.elements ?? []).find((e) => e.action_id === 'approve')?.value;
  const version = value?.split(':')[1];
  return version === undefined ? undefined : Number(version);
}

/** A signed button click from the approver, exactly as Slack sends it. */
async function click(app: App, slack: SlackSandbox, caseId: number, actionId: string, pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ slack_ts: string }>('SELECT slack_ts FROM cases WHERE id = $1', [caseId]);
  const ts = rows[0]?.slack_ts ?? '';
  const blocks = latestBlocks(slack, ts) as {
    type: string;
    block_id: string;
    elements?: { action_id: string; value?: string }[];
  }[];
  const actions = blocks.find(
    (block) => block.type === 'actions' && block.elements?.some((e) => e.action_id === actionId),
  );
  const button = actions?.elements?.find((element) => element.action_id === actionId);
  if (!actions || !button) throw new Error(`no "${actionId}" button on case ${caseId}`);
  await postSlack(
    app,
    blockActionBody({
      actionId,
      value: button.value,
      blockId: actions.block_id,
      userId: APPROVER,
      channelId: CHANNEL,
      messageTs: ts,
      responseUrl: slack.responseUrl(),
      triggerId: slack.issueTriggerId(),
    }),
  );
}

async function postSlack(app: App, body: string): Promise<void> {
  const response = await fetch(`${app.url}/slack/events`, {
    method: 'POST',
    headers: signSlackRequest(body, SIGNING_SECRET),
    body,
  });
  if (!response.ok) throw new Error(`Slack request refused: HTTP ${response.status}`);
}

async function waitForState(pool: Pool, caseId: number, state: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await pool.query<{ state: string; problem: string | null }>(
        'SELECT state, problem FROM cases WHERE id = $1',
        [caseId],
      );
      if (rows[0]?.state === 'failed') throw new Error(`case ${caseId} failed: ${rows[0].problem}`);
      return rows[0]?.state === state ? true : undefined;
    },
    `case ${caseId} to be ${state}`,
    timeoutMs,
  );
}

async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`the demo timed out waiting for ${what}`);
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function money(minor: number): string {
  return `$${(minor / 100).toFixed(2)}`;
}

function kb(bytes: number): string {
  return `${Math.round(bytes / 1024)} kB`;
}
