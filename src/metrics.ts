import client from 'prom-client';
import type { Pool } from './db/pool.js';

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Prometheus metrics for one app instance. Each instance has its own registry (several apps can
 * run in one test process); queue depth is read from PostgreSQL at scrape time, so every
 * instance reports the shared queue.
 */
export function createMetrics(pool: Pool) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'rebut_' });

  const stripeEvents = new client.Counter({
    name: 'rebut_stripe_events_total',
    help: 'Stripe webhook deliveries by outcome (received, duplicate, rejected, ignored, poison, unavailable)',
    labelNames: ['outcome', 'reason'] as const,
    registers: [registry],
  });
  const webhookAck = new client.Histogram({
    name: 'rebut_stripe_webhook_ack_seconds',
    help: 'Time from request to acknowledgement of a Stripe webhook',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const jobDuration = new client.Histogram({
    name: 'rebut_job_duration_seconds',
    help: 'Queue job run time by task and outcome',
    labelNames: ['task', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers: [registry],
  });
  new client.Gauge({
    name: 'rebut_queue_jobs',
    help: 'Jobs in the queue by task and state (waiting, running, retrying, failed)',
    labelNames: ['task', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await pool.query<{ task: string; state: string; count: number }>(
        `SELECT task_identifier AS task,
                CASE WHEN locked_at IS NOT NULL THEN 'running'
                     WHEN attempts >= max_attempts THEN 'failed'
                     WHEN attempts > 0 THEN 'retrying'
                     ELSE 'waiting' END AS state,
                count(*)::int AS count
           FROM graphile_worker.jobs GROUP BY 1, 2`,
      );
      for (const row of rows) this.set({ task: row.task, state: row.state }, row.count);
    },
  });

  return {
    registry,
    stripeEvents,
    webhookAck,
    jobDuration,
    async render(): Promise<{ contentType: string; body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
