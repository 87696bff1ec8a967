import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverableFetcher } from './cases/deliverables.js';
import type { DraftDeps } from './cases/draft.js';
import type { ProductEvidence } from './cases/prepare.js';
import { startTimer } from './cases/timer.js';
import { digestSchedule, type Settings, stripeKeyIsLive } from './config.js';
import { databaseFor } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createPool, type Pool } from './db/pool.js';
import { DEFAULT_PRODUCT } from './dispute/products.js';
import { createLlmDrafter, DEFAULT_LLM_MAX_RETRIES, type LlmDrafter } from './drafting/llm.js';
import type { ImageFetchPolicy } from './evidence/images.js';
import { defaultPacketThreads, startPacketThreads } from './evidence/packet/threads.js';
import { evidenceConfigFor, unworkableSources } from './evidence/settings.js';
import { businessDatabases } from './evidence/sources/business-databases.js';
import { healthz, metricsRoute, readyz } from './http/health.js';
import { createHttpServer, type Route } from './http/server.js';
import { jobHandlers } from './jobs/handlers.js';
import { type Queue, startQueue } from './jobs/runner.js';
import { stopInOrder } from './lifecycle.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { productClients } from './products/clients.js';
import { loadProducts } from './products/config.js';
import { createSlack } from './slack/index.js';
import { cachedEffectiveness } from './stats/index.js';
import { createStripeClient } from './stripe/client.js';
import { startNightlySync } from './sync/index.js';
import { createEventStore } from './webhooks/event-store.js';
import { stripeWebhookHandler } from './webhooks/stripe.js';

export interface App {
  url: string;
  port: number;
  pool: Pool;
  log: Logger;
  metrics: Metrics;
  queue: Queue | undefined;
  stop(): Promise<void>;
}

export interface AppOptions {
  log?: Logger;
  /** Start queue workers in this process (default true); a web-only instance sets false. */
  workers?: boolean;
  host?: string;
  /** The auto-submit timer's cron schedule (default every minute; the demo ticks faster). */
  timerSchedule?: string;
  /** Extra image-fetch rules (the demo and tests serve images from loopback). */
  imagePolicy?: Partial<ImageFetchPolicy>;
  /** Where the products' secrets (and the evidence sources' variables) are read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** What an instance without Slack says at start and in `/readyz`. */
export const HEADLESS_NOTE =
  'running without Slack (no SLACK_BOT_TOKEN): this instance shows no case to anyone; cases wait for an instance ' +
  "with Slack, and only the owner's autopilot rules submit on their own";

/** Composition root: settings → database → clients → HTTP server, queue workers, timer and nightly sync. */
export async function startApp(settings: Settings, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(settings.LOG_LEVEL);
  // Each product's Stripe key and secrets: from the products file, or the one product of the environment settings.
  const env = options.env ?? process.env;
  const products = loadProducts(settings, env);
  const productOf = (id: string) => products.find((product) => product.id === id);
  const unkeyed = products.find((product) => !product.stripeSecretKey || product.webhookSecrets.length === 0);
  if (unkeyed) throw new Error('STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are required to serve');
  const workers = options.workers !== false;

  // What can be checked without starting anything is checked first: a bad evidence file starts no database.
  // Each product's evidence: its own file and business database (the default product: EVIDENCE_CONFIG's).
  const several = products.length > 1 || products[0]?.id !== DEFAULT_PRODUCT;
  const evidenceByProduct = new Map(
    products.map((product) => {
      const loaded = evidenceConfigFor(product.evidenceConfig);
      const say = (line: string) => log.warn(several ? `product ${product.id}: ${line}` : line);
      if (loaded.warning) say(loaded.warning);
      for (const problem of unworkableSources(loaded.config, { appDatabaseUrl: product.appDatabaseUrl, env })) {
        say(`evidence: ${problem}`);
      }
      const own: ProductEvidence & { business: DraftDeps['business'] } = {
        evidence: loaded.config,
        appDatabaseUrl: product.appDatabaseUrl,
        fetchDeliverables: deliverableFetcher(loaded.config, options.imagePolicy),
        language: product.language,
        business: {
          name: loaded.config.business.name,
          productDescription: loaded.config.business.product_description,
          language: product.language,
        },
      };
      return [product.id, own] as const;
    }),
  );
  const evidenceOf = (product: string) => {
    const own = evidenceByProduct.get(product);
    if (!own) throw new Error(`no product ${product} is configured (PRODUCTS_CONFIG): its dispute is left alone`);
    return own;
  };
  const first = evidenceOf(products[0]?.id ?? DEFAULT_PRODUCT);
  const business = first.business;
  const llm = llmDrafterFor(settings, log);
  const clients = productClients(products, (product) =>
    createStripeClient(product.stripeSecretKey, settings.STRIPE_API_URL),
  );
  // The first product's client serves what belongs to no product yet; all else goes by the dispute's product.
  const stripe = clients.stripe(products[0]?.id ?? DEFAULT_PRODUCT);

  const database = await databaseFor(settings, (line) => log.warn(line));
  const pool = createPool(database.url, { max: 20 });
  const metrics = createMetrics(pool);
  let slack: Awaited<ReturnType<typeof createSlack>> | undefined;
  try {
    const applied = await migrate(pool, (line) => log.warn(line));
    if (applied.length > 0) log.info({ applied }, `applied ${applied.length} migration(s)`);
    // Without a bot token (`rebut serve` allows that only with REBUT_HEADLESS=true) the instance serves webhooks and
    // jobs only: it shows no case to anyone, so it says so.
    slack = settings.SLACK_BOT_TOKEN
      ? await createSlack({
          settings,
          pool,
          stripe,
          log,
          business,
          ...(several ? { products: { list: products, clients } } : {}),
          observeStage: metrics.observeStage,
        })
      : undefined;
  } catch (error) {
    // A failed start leaves nothing running: the embedded PostgreSQL it started is stopped again.
    await stopInOrder(log, [
      { what: 'the database pool', stop: () => pool.end(), ms: 5_000 },
      { what: 'the embedded PostgreSQL', stop: () => database.stop(), ms: 10_000 },
    ]);
    throw error;
  }
  if (!slack) log.warn(HEADLESS_NOTE);
  // Evidence PDFs are built off the main thread, which then stays free for webhooks and the other jobs.
  const packets = workers
    ? startPacketThreads({ threads: settings.REBUT_PACKET_THREADS ?? defaultPacketThreads(), log })
    : undefined;

  // The business's own databases: a few connections each, kept while the app runs (evidence/sources/business-databases.ts).
  const appDatabases = businessDatabases();

  // The early fraud warning policy's settings (README → Early fraud warnings).
  const warnings = {
    refundUpToFees: settings.EFW_REFUND_UP_TO_FEES,
    disputeRate: settings.EFW_DISPUTE_RATE,
    fees: settings.COUNTERED_FEES,
    cancelSubscriptions: settings.EFW_CANCEL_SUBSCRIPTIONS,
  };
  // The business's own records, asked about a warned charge as about a disputed one.
  const usageSources = (product: string) => {
    const own = evidenceOf(product);
    return { config: own.evidence, appDatabaseUrl: own.appDatabaseUrl, appDatabases, env };
  };
  const handlers = jobHandlers({
    events: { pool, stripe, products: clients, log, warnings, usageSources },
    warnings: { pool, stripe, products: clients, log, warnings },
    prepare: {
      pool,
      stripe,
      products: clients,
      evidenceOf,
      log,
      // What evidenceOf gives the first product: every dispute's own product is looked up there.
      evidence: first.evidence,
      appDatabaseUrl: first.appDatabaseUrl,
      appDatabases,
      env,
      fetchDeliverables: first.fetchDeliverables,
      effectiveness: cachedEffectiveness(pool),
      buildPacket: packets?.build,
      counteredFees: settings.COUNTERED_FEES,
      smartDisputes: (product) => productOf(product)?.smartDisputes ?? settings.SMART_DISPUTES,
      observeStage: metrics.observeStage,
      language: first.language,
    },
    draft: {
      pool,
      stripe,
      products: clients,
      log,
      llm,
      business,
      businessOf: (product) => evidenceOf(product).business,
      draftTimeoutMs: settings.DRAFT_TIMEOUT,
      rebuttalMaxChars: settings.REBUT_REBUTTAL_MAX_CHARS,
      observeStage: metrics.observeStage,
    },
    autopilot: { pool, stripe, products: clients, log },
    messages: slack?.messages,
  });
  // The first packets would otherwise wait for the threads to load and warm up (about a second).
  await packets?.ready();
  const queue = workers
    ? await startQueue({
        pool,
        handlers,
        log,
        metrics,
        leaseMs: settings.REBUT_WORKER_LEASE,
        ...(settings.REBUT_WORKER_CONCURRENCY ? { concurrency: settings.REBUT_WORKER_CONCURRENCY } : {}),
      })
    : undefined;

  const webhookProducts = products.map((product) => ({
    id: product.id,
    secrets: product.webhookSecrets,
    liveKey: stripeKeyIsLive(product.stripeSecretKey),
  }));
  // One event store for every route: a burst of several products' events is written in as few statements as one's.
  const store = createEventStore(pool);
  const webhookRoute = (path: string, accepted: typeof webhookProducts): Route => ({
    method: 'POST',
    path,
    handler: stripeWebhookHandler({ pool, store, stripe, products: accepted, metrics, log }),
  });
  const routes: Route[] = [
    // Any product's secret: the event is filed under the product whose secret signed it.
    webhookRoute('/stripe/webhook', webhookProducts),
    // One product's secrets only: an event signed for another product is refused here.
    ...webhookProducts.map((product) => webhookRoute(`/stripe/webhook/${product.id}`, [product])),
    { method: 'GET', path: '/healthz', handler: healthz },
    { method: 'GET', path: '/readyz', handler: readyz(pool, slack ? {} : { headless: HEADLESS_NOTE }) },
    { method: 'GET', path: '/metrics', handler: metricsRoute(metrics, settings.METRICS_TOKEN) },
  ];
  // Anything else goes to Slack's handler, which serves POST /slack/events only.
  const server = createHttpServer(routes, log, slack?.httpHandler);
  let port: number;
  try {
    port = await listen(server, settings.PORT, options.host ?? settings.HOST);
    await slack?.start();
  } catch (error) {
    // Started but not serving: release what is running so the caller is left with nothing half-open.
    server.close();
    await stopInOrder(log, [
      { what: 'Slack', stop: () => slack?.stop(), ms: 5_000 },
      { what: 'the queue workers', stop: () => queue?.stop(5_000), ms: 6_000 },
      { what: 'the packet threads', stop: () => packets?.close(), ms: 5_000 },
      { what: 'the business databases', stop: () => appDatabases.close(), ms: 5_000 },
      { what: 'the database pool', stop: () => pool.end(), ms: 5_000 },
      { what: 'the embedded PostgreSQL', stop: () => database.stop(), ms: 10_000 },
    ]);
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  log.info({ port }, `rebut is listening on port ${port}`);
  const timer = workers
    ? startTimer(
        {
          pool,
          stripe,
          products: clients,
          log,
          unwinnable: (id) => productOf(id)?.unwinnableAction ?? settings.UNWINNABLE_ACTION,
          submitBufferMs: (id) => productOf(id)?.submitBufferMs ?? settings.SUBMIT_BUFFER,
          productIds: products.map((product) => product.id),
          // Queued only where Slack is: an instance without it leaves the week to one that can post it.
          digest: slack ? digestSchedule(settings) : undefined,
        },
        options.timerSchedule ?? settings.REBUT_TIMER_SCHEDULE,
      )
    : undefined;
  // The nightly sync keeps the history (and so the stats and the drafter's examples) current: every product's, one
  // after another, each with its own key and filed under it.
  const nightly = workers
    ? startNightlySync({
        pool,
        log,
        products: products.map((product) => ({ id: product.id, stripe: clients.stripe(product.id) })),
      })
    : undefined;

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    pool,
    log,
    metrics,
    queue,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await stopInOrder(log, [{ what: 'closing HTTP connections', stop: () => closed, ms: 5_000 }]);
        server.closeAllConnections();
        await stopInOrder(log, [
          { what: 'the timer', stop: () => timer?.stop(), ms: 5_000 },
          { what: 'the nightly sync', stop: () => nightly?.stop(), ms: 5_000 },
          { what: 'Slack', stop: () => slack?.stop(), ms: 5_000 },
          { what: 'the queue workers', stop: () => queue?.stop(), ms: 20_000 },
          { what: 'the packet threads', stop: () => packets?.close(), ms: 5_000 },
          { what: 'the business databases', stop: () => appDatabases.close(), ms: 5_000 },
          // A client still held by an abandoned job must not keep the process from exiting.
          { what: 'the database pool', stop: () => pool.end(), ms: 5_000 },
          { what: 'the embedded PostgreSQL', stop: () => database.stop(), ms: 10_000 },
        ]);
      })();
      return stopping;
    },
  };
}

/** The model drafter when `OPENAI_API_KEY` is set; without it the template drafter writes the rebuttals. */
function llmDrafterFor(settings: Settings, log: Logger): LlmDrafter | undefined {
  const llm = settings.OPENAI_API_KEY
    ? createLlmDrafter({
        apiKey: settings.OPENAI_API_KEY,
        baseURL: settings.OPENAI_BASE_URL,
        model: settings.OPENAI_MODEL,
        timeoutMs: settings.LLM_REQUEST_TIMEOUT,
        maxRetries: DEFAULT_LLM_MAX_RETRIES,
      })
    : undefined;
  log.info(
    llm
      ? `rebuttals are drafted by ${settings.OPENAI_MODEL}`
      : 'no OPENAI_API_KEY: the template drafter writes the rebuttals',
  );
  return llm;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`port ${port} is already in use: stop what is using it or set PORT to another port`));
      } else reject(error);
    });
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
