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
import { SNAPWISE_PACK, seedSnapwise } from '../business/snapwise/index.js';
import {
  blockActionBody,
  type SlackSandbox,
  signSlackRequest,
  slashCommandBody,
  startSlackSandbox,
  viewSubmissionBody,
} from '../slack/index.js';
import { type CreateDisputeInput, type StripeSandbox, startStripeSandbox } from '../stripe/index.js';
import { pdfPageToPng } from './page-image.js';
import { bold, renderBlocks } from './render.js';

const SIGNING_SECRET = 'demo-signing-secret';
const ALICE = 'U0ALICE001';
const BOB = 'U0BOB00001';
/** The demo's clock runs fast for Roomcraft: a case nobody touches is submitted by the timer after this long. */
const DEMO_REVIEW_WINDOW = '20s';
/** How long an early fraud warning waits for a person in the demo (24 hours by default). */
const DEMO_EFW_REVIEW_WINDOW = '6s';

/**
 * A sample product on the demo's one rebut: its own Stripe key and webhook secret (named by variables in the products
 * file), evidence file, business database, Slack channel and approver.
 */
interface DemoProduct {
  id: string;
  business: string;
  /** What the business is, as the demo introduces it. */
  kind: string;
  envPrefix: string;
  stripeKey: string;
  webhookSecret: string;
  /** Its business database (and the schema its tables live in) in the demo's PostgreSQL. */
  database: string;
  channel: string;
  channelName: string;
  /** Who decides its cases (the products file's `slack.approvers`). */
  approver: string;
}

const ROOMCRAFT: DemoProduct = {
  id: 'roomcraft',
  business: 'Roomcraft',
  kind: 'an AI interior-design app',
  envPrefix: 'ROOMCRAFT',
  stripeKey: 'sk_test_demo_roomcraft',
  webhookSecret: 'whsec_demo_roomcraft',
  database: 'roomcraft',
  channel: 'C0ROOMCRAFT',
  channelName: 'roomcraft-disputes',
  approver: ALICE,
};
const SNAPWISE: DemoProduct = {
  id: 'snapwise',
  business: 'Snapwise',
  kind: 'an AI headshot app',
  envPrefix: 'SNAPWISE',
  stripeKey: 'sk_test_demo_snapwise',
  webhookSecret: 'whsec_demo_snapwise',
  database: 'snapwise',
  channel: 'C0SNAPWISE',
  channelName: 'snapwise-disputes',
  approver: BOB,
};
const PRODUCTS = [ROOMCRAFT, SNAPWISE];
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
  product: DemoProduct;
  title: string;
  reason: 'fraudulent' | 'product_not_received' | 'subscription_canceled' | 'product_unacceptable';
  customer: { email: string; name: string };
  amount: number;
  /** How the charge was made: Roomcraft's are subscription renewals, Snapwise's a one-off pack. */
  charge: Pick<CreateDisputeInput, 'priorCharges' | 'subscription' | 'productName'>;
  outcome: 'won' | 'lost';
  disputeId?: string;
  caseId?: number;
}

/**
 * `npm run demo`: the whole flow offline. An embedded PostgreSQL, the Stripe, Slack and business stand-ins, and the
 * real server over HTTP, serving two products (Roomcraft and Snapwise, each with its own Stripe key, webhook route,
 * evidence, business database and channel): six months of Roomcraft's decided disputes are imported with
 * `/disputes sync`; then four disputes arrive as signed webhooks, each on its product's route; in Roomcraft's channel
 * one is approved as drafted, one edited then approved, one left alone and submitted by the timer; in Snapwise's
 * channel its approver approves its case; then Stripe closes them (won, won, lost, won) and the stats, history
 * included, are printed.
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
    for (const product of PRODUCTS) await admin.query(`CREATE DATABASE ${product.database}`);
    await admin.end();
    const rebutUrl = withDatabase(database.url, 'rebut');
    const businessUrl = (product: DemoProduct) => withDatabase(database.url, product.database);

    const stripe = await startStripeSandbox();
    cleanups.unshift(() => stripe.close());
    const slack = await startSlackSandbox({
      rateLimit: false,
      channels: PRODUCTS.map((product) => ({ id: product.channel, name: product.channelName })),
    });
    cleanups.unshift(() => slack.close());

    step(
      `Seeding Stripe with ${HISTORY_DISPUTES} past disputes of Roomcraft's, decided (won or lost) over the last six months, with their charges`,
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
    const imagesDir = (product: DemoProduct) => join(dataDir, `${product.id}-images`);
    const productsFile = await writeProductsFile(dataDir, imagesDir);

    step(
      `Starting one rebut for two products on port ${options.port} (drafts by ${options.openAiKey ? options.openAiModel : 'the template drafter'})`,
    );
    for (const product of PRODUCTS) {
      print(
        `  ${product.business}: ${product.kind}, its own Stripe key, webhook route /stripe/webhook/${product.id}, evidence, database and #${product.channelName}`,
      );
    }
    const settings: Settings = settingsSchema.parse({
      DATABASE_URL: rebutUrl,
      PRODUCTS_CONFIG: productsFile,
      PORT: String(options.port),
      STRIPE_API_URL: stripe.url,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      // Alice may run the commands that span products (stats); each product's cases are decided by its own approvers.
      SLACK_APPROVERS: ALICE,
      OPENAI_API_KEY: options.openAiKey,
      OPENAI_BASE_URL: options.openAiBaseUrl,
      OPENAI_MODEL: options.openAiModel,
      EFW_REVIEW_WINDOW: DEMO_EFW_REVIEW_WINDOW,
      LOG_LEVEL: 'warn',
    });
    // The secrets the products file names, as the environment would hold them.
    const env: NodeJS.ProcessEnv = {};
    for (const product of PRODUCTS) {
      env[`${product.envPrefix}_STRIPE_SECRET_KEY`] = product.stripeKey;
      env[`${product.envPrefix}_STRIPE_WEBHOOK_SECRET`] = product.webhookSecret;
      env[`${product.envPrefix}_APP_DATABASE_URL`] = businessUrl(product);
    }
    app = await startApp(settings, {
      log: createLogger('warn', { write: (line: string) => process.stderr.write(line) }),
      host: '127.0.0.1',
      timerSchedule: '*/2 * * * * *',
      env,
    });
    const running = app;
    cleanups.unshift(() => running.stop());
    const pool = app.pool;

    // The stand-in is one Stripe for both keys: its history is all Roomcraft's, and Snapwise's dispute is created after
    // the sync, so only Roomcraft is synced (a Snapwise sync would list Roomcraft's disputes too, which Stripe never does).
    step(`Alice types /disputes sync in #${ROOMCRAFT.channelName}: rebut imports Roomcraft's history with its key`);
    await postSlack(
      app,
      slashCommandBody({ text: 'sync', userId: ALICE, channelId: ROOMCRAFT.channel, responseUrl: slack.responseUrl() }),
    );
    const synced = await waitFor(
      async () => slack.messages(ROOMCRAFT.channel).find((message) => message.text.startsWith('Dispute sync finished')),
      'the sync to finish',
      60_000,
    );
    const history = await expectHistory(pool, stripe, ROOMCRAFT, HISTORY_DISPUTES);
    print(renderBlocks(synced.blocks));
    print(
      `  ${history.won} won and ${history.lost} lost since ${history.first} stored under ${ROOMCRAFT.id} with their reasons and evidence fields, listed with Roomcraft's key only; no case opened (all decided)`,
    );

    step('Seeding the two businesses (Roomcraft: an interior-design app, Snapwise: a headshot app) and four disputes');
    const stories: Story[] = [
      {
        product: ROOMCRAFT,
        title: 'a "fraudulent" chargeback, approved as drafted',
        reason: 'fraudulent',
        customer: { email: 'mara.lindqvist@example.com', name: 'Mara Lindqvist' },
        amount: 2900,
        charge: { priorCharges: [{ daysAgo: 62 }, { daysAgo: 31 }], subscription: true },
        outcome: 'won',
      },
      {
        product: ROOMCRAFT,
        title: 'a "product not received" chargeback, edited then approved',
        reason: 'product_not_received',
        customer: { email: 'tomas.okafor@example.com', name: 'Tomás Okafor' },
        amount: 2900,
        charge: { priorCharges: [{ daysAgo: 62 }, { daysAgo: 31 }], subscription: true },
        outcome: 'won',
      },
      {
        product: ROOMCRAFT,
        title: 'a "subscription canceled" chargeback nobody touches: the timer submits it',
        reason: 'subscription_canceled',
        customer: { email: 'jun.watanabe@example.com', name: 'Jun Watanabe' },
        amount: 2900,
        charge: { priorCharges: [{ daysAgo: 62 }, { daysAgo: 31 }], subscription: true },
        outcome: 'lost',
      },
      {
        product: SNAPWISE,
        title: 'a "product unacceptable" chargeback on a headshot pack, approved by Bob',
        reason: 'product_unacceptable',
        customer: { email: 'priya.raman@example.com', name: 'Priya Raman' },
        amount: 3900,
        charge: { productName: SNAPWISE_PACK },
        outcome: 'won',
      },
    ];
    const scenarios = stories.map((story) =>
      stripe.createDispute({
        reason: story.reason,
        amount: story.amount,
        brand: 'visa',
        customer: story.customer,
        ...story.charge,
        silent: true,
      }),
    );
    const customersOf = (product: DemoProduct) => scenarios.filter((_, index) => stories[index]?.product === product);
    const roomcraftPool = createPool(businessUrl(ROOMCRAFT), { max: 2 });
    const snapwisePool = createPool(businessUrl(SNAPWISE), { max: 2 });
    await Promise.all([
      seedBusiness(roomcraftPool, {
        customers: customersOf(ROOMCRAFT).map((scenario) => sampleCustomerFor(scenario)),
        imagesDir: imagesDir(ROOMCRAFT),
      }),
      seedSnapwise(snapwisePool, {
        customers: customersOf(SNAPWISE).map((scenario) => {
          const customer = sampleCustomerFor(scenario);
          const paid = customer.purchases?.at(-1)?.daysAgo ?? 21;
          // She asks for her money back three days after her pack; support offers a new pack, as the policy says.
          return {
            ...customer,
            messages: [
              {
                daysAgo: paid - 3,
                direction: 'inbound',
                subject: 'Refund for my headshots?',
                body: 'Hi, I downloaded my pack but two of the headshots do not really look like me. Can I get my money back?',
              },
              {
                daysAgo: paid - 3.2,
                direction: 'outbound',
                subject: 'Re: Refund for my headshots?',
                body: 'Sorry to hear that! A generated pack is not refunded, but we will gladly generate a new pack from new selfies free of charge. Just reply and we will set it up.',
              },
            ],
          };
        }),
        imagesDir: imagesDir(SNAPWISE),
      }),
    ]);
    await Promise.all([roomcraftPool.end(), snapwisePool.end()]);

    step("Stripe sends four signed charge.dispute.created webhooks, each to its product's route with its secret");
    for (const [index, story] of stories.entries()) {
      const scenario = scenarios[index];
      if (!scenario) continue;
      story.disputeId = scenario.dispute.id;
      const route = `/stripe/webhook/${story.product.id}`;
      const [response] = await stripe.deliver(stripe.emit('charge.dispute.created', scenario.dispute), {
        url: `${app.url}${route}`,
        secret: story.product.webhookSecret,
      });
      // One after another, each once its case is open, so the case numbers follow the stories.
      story.caseId = await waitFor(async () => {
        const { rows } = await pool.query<{ id: number }>('SELECT id FROM cases WHERE dispute_id = $1', [
          scenario.dispute.id,
        ]);
        return rows[0]?.id;
      }, `the case of ${scenario.dispute.id} to open`);
      print(
        `  ${scenario.dispute.id} (${story.product.business}, ${story.reason}, ${money(story.amount)}) → ${route}: HTTP ${response?.status}, case ${story.caseId}`,
      );
    }

    // Page 1 of each case's service documentation, drawn once the run is over (the demo's timing is the flow's).
    const covers: { name: string; pdf: Uint8Array }[] = [];
    for (const story of stories) {
      const disputeId = story.disputeId ?? '';
      const posted = await waitFor(async () => {
        const { rows } = await pool.query<{ id: number; slack_ts: string | null }>(
          'SELECT id, slack_ts FROM cases WHERE dispute_id = $1',
          [disputeId],
        );
        return rows[0]?.slack_ts ? rows[0] : undefined;
      }, `the case of ${disputeId} to reach Slack`);
      const channel = story.product.channel;
      expectShownIn(slack, posted.id, story.product);
      step(`Case ${posted.id} (${story.product.business}): ${story.title}`);
      print(`  Slack #${story.product.channelName}, as posted (and in no other channel):`);
      const blocks = latestBlocks(slack, channel, posted.slack_ts ?? '');
      print(renderBlocks(blocks));
      await writeFile(
        join(outputDir, `case-${posted.id}-${story.reason}-posted.json`),
        JSON.stringify(blocks, null, 2),
      );
      for (const file of await evidenceFiles(pool, posted.id)) {
        const name = `case-${posted.id}-${story.reason}-${file.field}.pdf`;
        await writeFile(join(outputDir, name), file.bytes);
        print(
          `  evidence file → demo-output/${name} (${file.pages} page${file.pages === 1 ? '' : 's'}, ${kb(file.bytes.length)})`,
        );
        if (file.field === 'service_documentation')
          covers.push({ name: `case-${posted.id}-${story.reason}-page1.png`, pdf: file.bytes });
      }
    }

    const [fraud, notReceived, canceled, headshots] = stories;
    if (!fraud?.caseId || !notReceived?.caseId || !canceled?.caseId || !headshots?.caseId)
      throw new Error('the demo cases were not opened');

    step(`Alice clicks "Approve & submit" on case ${fraud.caseId}`);
    await click(app, slack, fraud, 'approve', pool);
    await waitForState(pool, fraud.caseId, 'submitted');
    await expectSubmission(pool, fraud.caseId, { trigger: 'approve', actor: `slack:${ALICE}`, draftVersion: 1 });
    print(
      `  case ${fraud.caseId} → submitted by Alice, rebuttal v1 (Stripe: ${stripe.dispute(fraud.disputeId ?? '').status})`,
    );

    step(`Alice clicks "Edit rebuttal" on case ${notReceived.caseId}, adds a sentence, saves, then approves`);
    await click(app, slack, notReceived, 'edit', pool);
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
        userId: ALICE,
      }),
    );
    await waitFor(async () => {
      const { rows } = await pool.query(`SELECT 1 FROM drafts WHERE case_id = $1 AND author LIKE 'slack:%'`, [
        notReceived.caseId,
      ]);
      return rows.length > 0;
    }, 'the edited draft to be saved');
    print(`  draft v2 saved by slack:${ALICE} (grounding checked)`);
    // Alice approves what she now sees: the message updated to show v2 (an Approve on the v1 message is refused).
    await waitFor(
      async () => ((await approveVersion(slack, pool, notReceived)) === 2 ? true : undefined),
      'the message to show v2',
    );
    await click(app, slack, notReceived, 'approve', pool);
    await waitForState(pool, notReceived.caseId, 'submitted');
    await expectSubmission(pool, notReceived.caseId, {
      trigger: 'approve',
      actor: `slack:${ALICE}`,
      draftVersion: 2,
    });
    print(`  case ${notReceived.caseId} → submitted by Alice, with the edited rebuttal (v2)`);

    step(`Bob, Snapwise's approver, clicks "Approve & submit" on case ${headshots.caseId} in #${SNAPWISE.channelName}`);
    await click(app, slack, headshots, 'approve', pool);
    await waitForState(pool, headshots.caseId, 'submitted');
    await expectSubmission(pool, headshots.caseId, { trigger: 'approve', actor: `slack:${BOB}`, draftVersion: 1 });
    expectOwnKey(stripe, headshots);
    print(
      `  case ${headshots.caseId} → submitted by Bob with Snapwise's key, rebuttal v1 (Stripe: ${stripe.dispute(headshots.disputeId ?? '').status})`,
    );

    step(
      `Nobody touches case ${canceled.caseId}; the timer submits it when Roomcraft's review window (${DEMO_REVIEW_WINDOW} in the demo) ends`,
    );
    await waitForState(pool, canceled.caseId, 'submitted', 60_000);
    await expectSubmission(pool, canceled.caseId, { trigger: 'timer', actor: 'timer', draftVersion: 1 });
    print(`  case ${canceled.caseId} → submitted by the timer, rebuttal v1`);

    step(`Weeks later, the banks decide: Stripe closes the disputes (${stories.map((s) => s.outcome).join(', ')})`);
    for (const story of stories) await decide(stripe, app, story);
    for (const story of stories) {
      await waitForState(pool, story.caseId ?? 0, story.outcome);
      const { rows } = await pool.query<{ slack_ts: string }>('SELECT slack_ts FROM cases WHERE id = $1', [
        story.caseId,
      ]);
      const ts = rows[0]?.slack_ts ?? '';
      const channel = story.product.channel;
      await waitFor(
        async () =>
          JSON.stringify(latestBlocks(slack, channel, ts))
            .toLowerCase()
            .includes(story.outcome)
            ? true
            : undefined,
        `the message of case ${story.caseId} to show the outcome`,
      );
      await writeFile(
        join(outputDir, `case-${story.caseId}-${story.reason}-final.json`),
        JSON.stringify(latestBlocks(slack, channel, ts), null, 2),
      );
      print(`\n  Case ${story.caseId} in #${story.product.channelName} now:`);
      print(renderBlocks(latestBlocks(slack, channel, ts)));
    }

    const warningAmount = 900;
    step(
      `An issuer reports a ${money(warningAmount)} Roomcraft payment as made with a stolen card: Stripe raises an early fraud warning`,
    );
    stripe.setWebhook({ url: `${app.url}/stripe/webhook/${ROOMCRAFT.id}`, secret: ROOMCRAFT.webhookSecret });
    const warned = stripe.createEarlyFraudWarning({
      amount: warningAmount,
      customer: { email: 'lee.marsh@example.com', name: 'Lee Marsh' },
    });
    const warningPost = await waitFor(async () => {
      const { rows } = await pool.query<{ slack_ts: string | null; recommendation: string }>(
        'SELECT slack_ts, recommendation FROM early_fraud_warnings WHERE id = $1',
        [warned.warning.id],
      );
      return rows[0]?.slack_ts ? { ts: rows[0].slack_ts, recommendation: rows[0].recommendation } : undefined;
    }, 'the early fraud warning in Slack');
    print(renderBlocks(latestBlocks(slack, ROOMCRAFT.channel, warningPost.ts)));
    step(
      `Nobody clicks Refund or Leave; when EFW_REVIEW_WINDOW (${DEMO_EFW_REVIEW_WINDOW} in the demo) ends, the policy refunds it (at most the 15.00 USD dispute fee)`,
    );
    const refund = await waitFor(async () => {
      const { rows } = await pool.query<{ state: string; refund_id: string | null; decided_by: string | null }>(
        'SELECT state, refund_id, decided_by FROM early_fraud_warnings WHERE id = $1',
        [warned.warning.id],
      );
      return rows[0]?.state === 'refunded' ? rows[0] : undefined;
    }, 'the early fraud warning refunded');
    await waitFor(
      async () =>
        JSON.stringify(latestBlocks(slack, ROOMCRAFT.channel, warningPost.ts)).includes('Refunded') ? true : undefined,
      'the warning message to show the refund',
    );
    await stripe.webhooksSettled();
    stripe.setWebhook(undefined);
    const refunds = await stripe.stripe().refunds.list({ charge: warned.charge.id });
    if (refunds.data.length !== 1 || refund.decided_by !== 'policy') {
      throw new Error(`the demo expected one refund by the policy; Stripe holds ${refunds.data.length}`);
    }
    print(renderBlocks(latestBlocks(slack, ROOMCRAFT.channel, warningPost.ts)));
    print(
      `  early fraud warning → refunded ${money(warningAmount)} by the policy (${refund.refund_id}), one refund on Stripe, no dispute to answer`,
    );

    step(`Alice types /disputes stats all in #${ROOMCRAFT.channelName}`);
    const uploadsBefore = slack.uploadedFiles.length;
    await postSlack(
      app,
      slashCommandBody({
        text: 'stats all',
        userId: ALICE,
        channelId: ROOMCRAFT.channel,
        responseUrl: slack.responseUrl(),
      }),
    );
    const answer = await waitFor(
      async () => slack.responses.find((response) => response.response_type === 'in_channel'),
      'the stats answer',
    );
    // The history and the four cases, both products' together: what the stats say is what was stored.
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

    for (const story of stories) expectOwnKey(stripe, story);
    // What each channel holds, as Slack shows it: every product's cases in its own channel only.
    const perChannel: string[] = [];
    let caseMessages = 0;
    for (const product of PRODUCTS) {
      const messages = slack.messages(product.channel);
      await writeFile(join(outputDir, `slack-${product.channelName}.json`), JSON.stringify(messages, null, 2));
      const posts = messages.filter((message) => caseIdOf(message) !== undefined).length;
      caseMessages += posts;
      perChannel.push(`${posts} in #${product.channelName}`);
    }
    step('Page 1 of each case’s service documentation, as the issuer’s analyst first sees it');
    for (const cover of covers) {
      const png = await pdfPageToPng(cover.pdf);
      await writeFile(join(outputDir, cover.name), png);
      print(`  cover → demo-output/${cover.name} (${kb(png.length)})`);
    }
    const submissions = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM submissions');
    step(
      `Done: ${submissions.rows[0]?.n} submissions to Stripe (one per dispute, each with its product's key), ${caseMessages} case messages (${perChannel.join(', ')}), outputs in ${outputDir}`,
    );
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  }
}

/**
 * The products file the demo's rebut serves, with each product's evidence file beside it: Roomcraft's is
 * `rebut.evidence.example.yml`, Snapwise's `sandbox/business/snapwise.evidence.yml`, each reading its images from the
 * folder the demo renders them into.
 */
async function writeProductsFile(dataDir: string, imagesDir: (product: DemoProduct) => string): Promise<string> {
  const evidence = [
    { product: ROOMCRAFT, source: '../../rebut.evidence.example.yml', root: './.rebut/roomcraft/images' },
    { product: SNAPWISE, source: '../business/snapwise.evidence.yml', root: './.rebut/snapwise/images' },
  ];
  for (const { product, source, root } of evidence) {
    // The folder exists before rebut starts, which otherwise warns that every local image would be refused.
    await mkdir(imagesDir(product), { recursive: true });
    const text = await readFile(new URL(source, import.meta.url), 'utf8');
    await writeFile(join(dataDir, `${product.id}.evidence.yml`), text.replace(root, imagesDir(product)));
  }
  const file = join(dataDir, 'rebut.products.yml');
  await writeFile(
    file,
    `products:
${PRODUCTS.map(
  (product) => `  - id: ${product.id}
    name: ${product.business} (${product.kind})
    stripe:
      secret_key_env: ${product.envPrefix}_STRIPE_SECRET_KEY
      webhook_secret_envs: [${product.envPrefix}_STRIPE_WEBHOOK_SECRET]
    evidence: ${product.id}.evidence.yml
    app_database_url_env: ${product.envPrefix}_APP_DATABASE_URL
    slack: { channel: ${product.channel}, approvers: [${product.approver}] }
${product === ROOMCRAFT ? `    review_window: ${DEMO_REVIEW_WINDOW} # the demo's clock runs fast for Roomcraft\n` : ''}`,
).join('')}`,
  );
  return file;
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

function latestBlocks(slack: SlackSandbox, channel: string, ts: string): unknown {
  for (const message of slack.messages(channel)) if (message.ts === ts) return message.blocks;
  return [];
}

/** The case a Slack message shows, from the metadata rebut posts it with; undefined for any other message. */
function caseIdOf(message: { metadata?: unknown }): number | undefined {
  const metadata = message.metadata as { event_type?: string; event_payload?: { case_id?: number } } | undefined;
  return metadata?.event_type === CASE_EVENT_TYPE ? metadata.event_payload?.case_id : undefined;
}

/** The demo says only what happened: the case's message is in its product's channel, and in no other. */
function expectShownIn(slack: SlackSandbox, caseId: number, product: DemoProduct): void {
  const channels = PRODUCTS.filter((candidate) =>
    slack.messages(candidate.channel).some((message) => caseIdOf(message) === caseId),
  ).map((candidate) => `#${candidate.channelName}`);
  if (channels.length !== 1 || channels[0] !== `#${product.channelName}`) {
    throw new Error(
      `the demo expected case ${caseId} in #${product.channelName} only; it is in ${channels.join(', ') || 'no channel'}`,
    );
  }
}

/** The demo says only what happened: every Stripe request about the dispute carried its own product's key. */
function expectOwnKey(stripe: StripeSandbox, story: Story): void {
  const keys = new Set(
    stripe.requests
      .filter((request) => story.disputeId && request.path.includes(story.disputeId))
      .map((request) => request.key),
  );
  if (keys.size !== 1 || !keys.has(story.product.stripeKey)) {
    throw new Error(
      `the demo expected every request about ${story.disputeId} made with ${story.product.business}'s key; they carried ${[...keys].join(', ')}`,
    );
  }
}

/**
 * Stripe decides the dispute. Each product is its own Stripe account with its own endpoint; the stand-in is one Stripe
 * for both keys, so its webhook is pointed at the dispute's product (its route, its secret) while that one's events go.
 */
async function decide(stripe: StripeSandbox, app: App, story: Story): Promise<void> {
  stripe.setWebhook({ url: `${app.url}/stripe/webhook/${story.product.id}`, secret: story.product.webhookSecret });
  stripe.setDisputeStatus(story.disputeId ?? '', story.outcome);
  await stripe.webhooksSettled();
  stripe.setWebhook(undefined);
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
 * The demo says only what happened: every seeded dispute stored by the sync under the product it was typed for, each
 * decided, listed from Stripe with that product's key only, and no case opened for any of them.
 */
async function expectHistory(
  pool: Pool,
  stripe: StripeSandbox,
  product: DemoProduct,
  expected: number,
): Promise<{ won: number; lost: number; first: string }> {
  const { rows } = await pool.query<{
    disputes: number;
    won: number;
    lost: number;
    cases: number;
    first: Date;
    products: string[];
    runs: string[];
  }>(
    `SELECT count(*)::int AS disputes,
            count(*) FILTER (WHERE status = 'won')::int AS won,
            count(*) FILTER (WHERE status = 'lost')::int AS lost,
            (SELECT count(*)::int FROM cases) AS cases,
            min(created) AS first,
            array_agg(DISTINCT product) AS products,
            (SELECT array_agg(product) FROM sync_runs) AS runs
       FROM disputes`,
  );
  const found = rows[0];
  const listedWith = new Set(
    stripe.requests.filter((request) => request.path.startsWith('/v1/disputes')).map((request) => request.key),
  );
  if (
    !found ||
    found.disputes !== expected ||
    found.won + found.lost !== expected ||
    found.cases !== 0 ||
    JSON.stringify(found.products) !== JSON.stringify([product.id]) ||
    JSON.stringify(found.runs) !== JSON.stringify([product.id]) ||
    listedWith.size !== 1 ||
    !listedWith.has(product.stripeKey)
  ) {
    throw new Error(
      `the demo expected the ${product.id} sync to store ${expected} decided disputes, listed with its key, and open no case; it found ${JSON.stringify({ ...found, listedWith: [...listedWith] })}`,
    );
  }
  return { won: found.won, lost: found.lost, first: found.first.toISOString().slice(0, 10) };
}

/** The draft version the case message's Approve button would send (its value is `<case>:<version>`). */
async function approveVersion(slack: SlackSandbox, pool: Pool, story: Story): Promise<number | undefined> {
  const { rows } = await pool.query<{ slack_ts: string }>('SELECT slack_ts FROM cases WHERE id = $1', [story.caseId]);
  const blocks = latestBlocks(slack, story.product.channel, rows[0]?.slack_ts ?? '') as {
    elements?: { action_id: string; value?: string }[];
  }[];
  const value = blocks.flatMap((block) => block.elements ?? []).find((e) => e.action_id === 'approve')?.value;
  const version = value?.split(':')[1];
  return version === undefined ? undefined : Number(version);
}

/** A signed button click from the product's approver in the product's channel, exactly as Slack sends it. */
async function click(app: App, slack: SlackSandbox, story: Story, actionId: string, pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ slack_ts: string }>('SELECT slack_ts FROM cases WHERE id = $1', [story.caseId]);
  const ts = rows[0]?.slack_ts ?? '';
  const blocks = latestBlocks(slack, story.product.channel, ts) as {
    type: string;
    block_id: string;
    elements?: { action_id: string; value?: string }[];
  }[];
  const actions = blocks.find(
    (block) => block.type === 'actions' && block.elements?.some((e) => e.action_id === actionId),
  );
  const button = actions?.elements?.find((element) => element.action_id === actionId);
  if (!actions || !button) throw new Error(`no "${actionId}" button on case ${story.caseId}`);
  await postSlack(
    app,
    blockActionBody({
      actionId,
      value: button.value,
      blockId: actions.block_id,
      userId: story.product.approver,
      channelId: story.product.channel,
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
