import { Agent, request } from 'node:http';
import Stripe from 'stripe';
import { settingsSchema } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startApp } from '../src/main.js';
import { benchDatabase, percentile, report } from './support.js';

const TOTAL = Number(process.env.BENCH_WEBHOOKS ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const SECRET = 'whsec_bench';

/**
 * 5,000 signed `charge.dispute.created` webhooks at concurrency 50 against the running app on
 * embedded PostgreSQL: events/s and acknowledgement latency. Queue workers are off so the figure
 * is the webhook path alone (verify, store event + job, answer); the jobs stay queued.
 */
export async function benchWebhooks(): Promise<void> {
  const database = await benchDatabase();
  const settings = settingsSchema.parse({
    DATABASE_URL: database.url,
    PORT: '0',
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: SECRET,
    STRIPE_API_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'warn',
  });
  const app = await startApp(settings, {
    log: createLogger('warn', process.stderr),
    host: '127.0.0.1',
    workers: false,
  });
  const bodies = Array.from({ length: TOTAL }, (_, index) => {
    const payload = JSON.stringify({
      id: `evt_bench_${index}`,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      type: 'charge.dispute.created',
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: {
        object: { id: `du_bench_${index}`, object: 'dispute', amount: 4900, currency: 'usd', status: 'needs_response' },
      },
    });
    return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }) };
  });

  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const post = (body: { payload: string; signature: string }) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = request(
        `${app.url}/stripe/webhook`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body.payload),
            'stripe-signature': body.signature,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body.payload);
    });

  // Warm up connections and the JIT on a few events that are not counted.
  await Promise.all(bodies.slice(0, CONCURRENCY).map(post));
  const measured = bodies.slice(CONCURRENCY);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < measured.length) {
        const body = measured[next++];
        if (body) latencies.push(await post(body));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const stored = await app.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM stripe_events');
  const context = { events: measured.length, concurrency: CONCURRENCY, command: 'npm run bench -- webhook' };
  report('webhook_ack', 'throughput', measured.length / seconds, 'events/s', context);
  report('webhook_ack', 'p50', percentile(latencies, 50), 'ms', context);
  report('webhook_ack', 'p99', percentile(latencies, 99), 'ms', context);
  if (stored.rows[0]?.n !== TOTAL) throw new Error(`stored ${stored.rows[0]?.n} events, expected ${TOTAL}`);
  agent.destroy();
  await app.stop();
  await database.stop();
}
