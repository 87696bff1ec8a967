import { Agent, request } from 'node:http';
import Stripe from 'stripe';
import { settingsSchema } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startApp } from '../src/main.js';
import { startBareWebhookServer } from './bare-webhook.js';
import { benchDatabase, percentile, report } from './support.js';

const TOTAL = Number(process.env.BENCH_WEBHOOKS ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const SECRET = 'whsec_bench';

/**
 * 5,000 signed `charge.dispute.created` webhooks at concurrency 50 against the running app on
 * embedded PostgreSQL: events/s and acknowledgement latency. Queue workers are off so the figure
 * is the webhook path alone (verify, store event + job, answer); the jobs stay queued. The same bodies go first to a
 * bare server doing only the durable minimum on the same PostgreSQL (bare-webhook.ts); the ratios are printed.
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
  const post = (url: string, body: { payload: string; signature: string }) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = request(
        url,
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

  /** Every body to `url`, CONCURRENCY at a time, after a warm-up on the first CONCURRENCY that is not counted. */
  const drive = async (url: string) => {
    await Promise.all(bodies.slice(0, CONCURRENCY).map((body) => post(url, body)));
    const measured = bodies.slice(CONCURRENCY);
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < measured.length) {
          const body = measured[next++];
          if (body) latencies.push(await post(url, body));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return { throughput: measured.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  };

  // Side by side on the same PostgreSQL and cores: the bare server (bare-webhook.ts), then rebut.
  const bare = await startBareWebhookServer(database.url, SECRET);
  const floor = await drive(bare.url);
  if ((await bare.stored()) !== TOTAL) throw new Error(`the bare server stored ${await bare.stored()} of ${TOTAL}`);
  await bare.stop();
  const rebut = await drive(`${app.url}/stripe/webhook`);

  const stored = await app.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM stripe_events');
  const context = { events: TOTAL - CONCURRENCY, concurrency: CONCURRENCY, command: 'npm run bench -- webhook' };
  report('webhook_ack', 'throughput', rebut.throughput, 'events/s', context);
  report('webhook_ack', 'p50', rebut.p50, 'ms', context);
  report('webhook_ack', 'p99', rebut.p99, 'ms', context);
  report('webhook_ack_bare', 'throughput', floor.throughput, 'events/s', context);
  report('webhook_ack_bare', 'p50', floor.p50, 'ms', context);
  report('webhook_ack_bare', 'p99', floor.p99, 'ms', context);
  report('webhook_ack_vs_bare', 'throughput_ratio', rebut.throughput / floor.throughput, 'x', context);
  report('webhook_ack_vs_bare', 'p99_ratio', rebut.p99 / floor.p99, 'x', context);
  if (stored.rows[0]?.n !== TOTAL) throw new Error(`stored ${stored.rows[0]?.n} events, expected ${TOTAL}`);
  agent.destroy();
  await app.stop();
  await database.stop();
}
