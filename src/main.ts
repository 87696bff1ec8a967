import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverableFetcher } from './cases/deliverables.js';
import { draftCase } from './cases/draft.js';
import { prepareCase } from './cases/prepare.js';
import { startTimer } from './cases/timer.js';
import { type Settings, stripeKeyIsLive } from './config.js';
import { startEmbeddedPostgres } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createPool, type Pool } from './db/pool.js';
import { createLlmDrafter, DEFAULT_LLM_MAX_RETRIES, DEFAULT_LLM_TIMEOUT_MS } from './drafting/llm.js';
import type { ImageFetchPolicy } from './evidence/images.js';
import { defaultPacketThreads, startPacketThreads } from './evidence/packet/threads.js';
import { evidenceConfigFor } from './evidence/settings.js';
import { healthz, metricsRoute, readyz } from './http/health.js';
import { createHttpServer, type Route } from './http/server.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { type Queue, startQueue, type TaskHandler, type TaskName } from './queue.js';
import { createSlack } from './slack/index.js';
import { effectivenessOrder } from './stats/index.js';
import { createStripeClient } from './stripe/client.js';
import { processEvent } from './stripe/events.js';
import { stripeWebhookHandler } from './stripe/webhook.js';
import { startNightlySync } from './sync/index.js';

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
}

/** Composition root: settings → database → clients → HTTP server and queue workers. */
export async function startApp(settings: Settings, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(settings.LOG_LEVEL);
  const stripeKey = settings.STRIPE_SECRET_KEY;
  const webhookSecret = settings.STRIPE_WEBHOOK_SECRET;
  if (!stripeKey || !webhookSecret)
    throw new Error('STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are required to serve');

  const database = settings.DATABASE_URL
    ? { url: settings.DATABASE_URL, stop: async () => {} }
    : await startEmbeddedPostgres(settings.REBUT_DATA_DIR);
  const pool = createPool(database.url, { max: 20 });
  const applied = await migrate(pool, (line) => log.warn(line));
  if (applied.length > 0) log.info({ applied }, `applied ${applied.length} migration(s)`);

  const stripe = createStripeClient(stripeKey, settings.STRIPE_API_URL);
  const metrics = createMetrics(pool);
  const evidence = evidenceConfigFor(settings.EVIDENCE_CONFIG);
  if (evidence.warning) log.warn(evidence.warning);
  const business = {
    name: evidence.config.business.name,
    productDescription: evidence.config.business.product_description,
  };
  const llm = settings.OPENAI_API_KEY
    ? createLlmDrafter({
        apiKey: settings.OPENAI_API_KEY,
        baseURL: settings.OPENAI_BASE_URL,
        model: settings.OPENAI_MODEL,
        timeoutMs: DEFAULT_LLM_TIMEOUT_MS,
        maxRetries: DEFAULT_LLM_MAX_RETRIES,
      })
    : undefined;
  log.info(
    llm
      ? `rebuttals are drafted by ${settings.OPENAI_MODEL}`
      : 'no OPENAI_API_KEY: the template drafter writes the rebuttals',
  );

  // Slack is optional per process: without a bot token the instance serves webhooks and jobs only.
  const slack = settings.SLACK_BOT_TOKEN ? await createSlack({ settings, pool, stripe, log, business }) : undefined;

  // Evidence effectiveness changes slowly: measured at most every ten minutes per reason.
  const effectivenessCache = new Map<string, { at: number; value: Awaited<ReturnType<typeof effectivenessOrder>> }>();
  const measuredEffectiveness = async (reason: string) => {
    const cached = effectivenessCache.get(reason);
    if (cached && Date.now() - cached.at < 600_000) return cached.value;
    const value = await effectivenessOrder(pool, reason);
    effectivenessCache.set(reason, { at: Date.now(), value });
    return value;
  };

  // Evidence PDFs are built off the main thread, which then stays free for webhooks and the other jobs.
  const packets =
    options.workers === false
      ? undefined
      : startPacketThreads({ threads: settings.REBUT_PACKET_THREADS ?? defaultPacketThreads(), log });

  const caseId = (payload: unknown) => (payload as { caseId: number }).caseId;
  const tasks: Partial<Record<TaskName, TaskHandler>> = {
    'prepare-case': async (payload) => {
      await prepareCase(
        {
          pool,
          stripe,
          log,
          evidence: evidence.config,
          appDatabaseUrl: settings.APP_DATABASE_URL,
          env: process.env,
          fetchDeliverables: deliverableFetcher(evidence.config, options.imagePolicy),
          effectiveness: measuredEffectiveness,
          buildPacket: packets?.build,
        },
        caseId(payload),
      );
    },
    'draft-case': async (payload) => {
      await draftCase({ pool, stripe, log, llm, business }, caseId(payload));
    },
    ...slack?.tasks,
    'process-event': async (payload) => {
      const { eventId } = payload as { eventId: string };
      await processEvent(
        { pool, stripe, log, reviewWindowMs: settings.REVIEW_WINDOW, submitBufferMs: settings.SUBMIT_BUFFER },
        eventId,
      );
    },
  };
  // The first packets would otherwise wait for the threads to load and warm up (about a second).
  await packets?.ready();
  const queue =
    options.workers === false
      ? undefined
      : await startQueue({ pool, tasks, log, metrics, leaseMs: settings.REBUT_WORKER_LEASE });

  const routes: Route[] = [
    {
      method: 'POST',
      path: '/stripe/webhook',
      handler: stripeWebhookHandler({
        pool,
        stripe,
        webhookSecret,
        liveKey: stripeKeyIsLive(stripeKey),
        metrics,
        log,
      }),
    },
    { method: 'GET', path: '/healthz', handler: healthz },
    { method: 'GET', path: '/readyz', handler: readyz(pool) },
    { method: 'GET', path: '/metrics', handler: metricsRoute(metrics) },
  ];
  // Anything else goes to Slack's handler, which serves POST /slack/events only.
  const server = createHttpServer(routes, log, slack?.httpHandler);
  let port: number;
  try {
    port = await listen(server, settings.PORT, options.host ?? '0.0.0.0');
    await slack?.start();
  } catch (error) {
    // Started but not serving: release what is running so the caller is left with nothing half-open.
    server.close();
    await slack?.stop().catch(() => {});
    await queue?.stop(5_000).catch(() => {});
    await packets?.close().catch(() => {});
    await pool.end().catch(() => {});
    await database.stop().catch(() => {});
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  log.info({ port }, `rebut is listening on port ${port}`);
  const timer =
    options.workers === false
      ? undefined
      : startTimer({ pool, stripe, log }, options.timerSchedule ?? settings.REBUT_TIMER_SCHEDULE);
  // The nightly sync keeps the history (and so the stats and the drafter's examples) current.
  const nightly =
    options.workers === false
      ? undefined
      : startNightlySync({
          pool,
          stripe,
          log,
          reviewWindowMs: settings.REVIEW_WINDOW,
          submitBufferMs: settings.SUBMIT_BUFFER,
        });

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    pool,
    log,
    metrics,
    queue,
    stop() {
      // Every step is bounded: a stuck connection or job must never keep an instance from stopping.
      const step = async (what: string, work: Promise<unknown> | undefined, ms: number) => {
        const finished = await Promise.race([
          Promise.resolve(work).then(
            () => true,
            (error: unknown) => {
              log.warn({ err: error }, `stopping: ${what} failed`);
              return true;
            },
          ),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
        ]);
        if (!finished) log.warn(`stopping: ${what} took over ${ms / 1000} s; going on`);
      };
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await step('closing HTTP connections', closed, 5_000);
        server.closeAllConnections();
        await step('the timer', timer?.stop(), 5_000);
        await step('the nightly sync', nightly?.stop(), 5_000);
        await step('Slack', slack?.stop(), 5_000);
        await step('the queue workers', queue?.stop(), 20_000);
        await step('the packet threads', packets?.close(), 5_000);
        // A client still held by an abandoned job must not keep the process from exiting.
        await step('the database pool', pool.end(), 5_000);
        await step('the embedded PostgreSQL', database.stop(), 10_000);
      })();
      return stopping;
    },
  };
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
