import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Settings, stripeKeyIsLive } from './config.js';
import { startEmbeddedPostgres } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createPool, type Pool } from './db/pool.js';
import { healthz, metricsRoute, readyz } from './http/health.js';
import { createHttpServer, type Route } from './http/server.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { type Queue, startQueue, type TaskHandler, type TaskName } from './queue.js';
import { createStripeClient } from './stripe/client.js';
import { processEvent } from './stripe/events.js';
import { stripeWebhookHandler } from './stripe/webhook.js';

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

  const tasks: Partial<Record<TaskName, TaskHandler>> = {
    'process-event': async (payload) => {
      const { eventId } = payload as { eventId: string };
      await processEvent(
        { pool, stripe, log, reviewWindowMs: settings.REVIEW_WINDOW, submitBufferMs: settings.SUBMIT_BUFFER },
        eventId,
      );
    },
  };
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
  const server = createHttpServer(routes, log);
  const port = await listen(server, settings.PORT, options.host ?? '0.0.0.0');
  const url = `http://127.0.0.1:${port}`;
  log.info({ port }, `rebut is listening on port ${port}`);

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
        await closed;
        await queue?.stop();
        await pool.end();
        await database.stop();
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
