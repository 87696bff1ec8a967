import client from 'prom-client';
import type { Pool } from './db/pool.js';
import { NEEDS_RESPONSE_STATUSES } from './dispute/statuses.js';
import { currencyDecimals } from './money.js';

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Prometheus metrics for one app instance. Each instance has its own registry (several apps can
 * run in one test process); queue depth is read from PostgreSQL at scrape time, so every
 * instance reports the shared queue.
 */
export function createMetrics(pool: Pool) {
  const registry = new client.Registry();
  // The standard names (process_*, nodejs_*), so stock Node.js dashboards find them.
  client.collectDefaultMetrics({ register: registry });
  // Read from PostgreSQL at scrape time. Without the database these are left out and `rebut_database_up` says why;
  // the in-process metrics are served all the same.
  const fromDatabase = (collect: () => Promise<void>) => collect().catch(() => {});
  const inUnits = (row: { currency: string; amount: string }) =>
    Number(row.amount) / 10 ** currencyDecimals(row.currency);
  // Every draft's usage (drafts.usage: the model's tokens and list-price cost), summed per model.
  const modelUsage = async () =>
    (
      await pool.query<{ model: string; prompt: string; completion: string; cost: string | null }>(
        `SELECT usage->>'model' AS model,
                sum((usage->>'promptTokens')::bigint)::text AS prompt,
                sum((usage->>'completionTokens')::bigint)::text AS completion,
                sum((usage->>'costUsd')::numeric)::text AS cost
           FROM drafts WHERE usage ? 'model' GROUP BY 1`,
      )
    ).rows;

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
  const caseStage = new client.Histogram({
    name: 'rebut_case_stage_seconds',
    help: "Each step of a case's way from webhook to Slack (evidence, packet, stage, draft, stage_rebuttal, post)",
    labelNames: ['stage'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  new client.Gauge({
    name: 'rebut_queue_jobs',
    help: 'Jobs in the queue by task and state (waiting, running, retrying, failed)',
    labelNames: ['task', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await fromDatabase(async () => {
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
      });
    },
  });
  new client.Gauge({
    name: 'rebut_submissions',
    help: 'Evidence submissions rebut made, by path (approve, autopilot, timer)',
    labelNames: ['path'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await fromDatabase(async () => {
        const { rows } = await pool.query<{ path: string; count: number }>(
          `SELECT trigger AS path, count(*)::int AS count FROM submissions GROUP BY 1`,
        );
        for (const row of rows) this.set({ path: row.path }, row.count);
      });
    },
  });
  new client.Gauge({
    name: 'rebut_disputes',
    help: "Disputes by Stripe's status (won, lost, needs_response, under_review, …)",
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await fromDatabase(async () => {
        const { rows } = await pool.query<{ status: string; count: number }>(
          `SELECT status, count(*)::int AS count FROM disputes GROUP BY 1`,
        );
        for (const row of rows) this.set({ status: row.status }, row.count);
      });
    },
  });
  new client.Gauge({
    name: 'rebut_disputes_awaiting_response',
    help: "Disputes that still need evidence, by time left until Stripe's deadline",
    labelNames: ['due_within'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await fromDatabase(async () => {
        const { rows } = await pool.query<{ due_within: string; count: number }>(
          `SELECT CASE WHEN due_by IS NULL THEN 'unknown'
                       WHEN due_by < now() THEN 'past'
                       WHEN due_by < now() + interval '24 hours' THEN '24h'
                       WHEN due_by < now() + interval '72 hours' THEN '72h'
                       ELSE 'later' END AS due_within,
                  count(*)::int AS count
             FROM disputes WHERE status = ANY($1) GROUP BY 1`,
          [NEEDS_RESPONSE_STATUSES],
        );
        for (const row of rows) this.set({ due_within: row.due_within }, row.count);
      });
    },
  });
  new client.Gauge({
    name: 'rebut_dispute_amount',
    help: "Disputed money by Stripe's status and currency, in the currency's units: won is recovered, lost is lost",
    labelNames: ['status', 'currency'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await fromDatabase(async () => {
        const { rows } = await pool.query<{ status: string; currency: string; amount: string }>(
          `SELECT status, currency, sum(amount)::text AS amount FROM disputes GROUP BY 1, 2`,
        );
        for (const row of rows) this.set({ status: row.status, currency: row.currency }, inUnits(row));
      });
    },
  });
  new client.Gauge({
    name: 'rebut_refunded_disputed_charges',
    help:
      'Money refunded on charges that are also disputed, by currency (a refund after a dispute does not end it: ' +
      'the customer can be paid twice)',
    labelNames: ['currency'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await fromDatabase(async () => {
        const { rows } = await pool.query<{ currency: string; amount: string }>(
          `SELECT currency, sum((stripe_object->'charge'->>'amount_refunded')::bigint)::text AS amount
             FROM disputes WHERE (stripe_object->'charge'->>'amount_refunded')::bigint > 0 GROUP BY 1`,
        );
        for (const row of rows) this.set({ currency: row.currency }, inUnits(row));
      });
    },
  });
  new client.Gauge({
    name: 'rebut_model_tokens',
    help: 'Tokens the model used for drafts, by model and kind (prompt, completion)',
    labelNames: ['model', 'kind'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await fromDatabase(async () => {
        for (const row of await modelUsage()) {
          this.set({ model: row.model, kind: 'prompt' }, Number(row.prompt));
          this.set({ model: row.model, kind: 'completion' }, Number(row.completion));
        }
      });
    },
  });
  new client.Gauge({
    name: 'rebut_model_cost_dollars',
    help: 'What the drafts cost at the model’s list price, in US dollars, by model (models without a known price: none)',
    labelNames: ['model'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await fromDatabase(async () => {
        for (const row of await modelUsage()) if (row.cost !== null) this.set({ model: row.model }, Number(row.cost));
      });
    },
  });
  new client.Gauge({
    name: 'rebut_database_up',
    help: 'Whether PostgreSQL answered the last scrape (the rebut_queue_jobs and dispute figures need it)',
    registers: [registry],
    async collect() {
      this.set(
        await pool.query('SELECT 1').then(
          () => 1,
          () => 0,
        ),
      );
    },
  });

  return {
    registry,
    stripeEvents,
    webhookAck,
    jobDuration,
    /** A case step's duration (cases/timing.ts), in milliseconds. */
    observeStage(stage: string, ms: number): void {
      caseStage.observe({ stage }, ms / 1000);
    },
    async render(): Promise<{ contentType: string; body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
