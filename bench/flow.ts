import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleCustomerFor, seedBusiness } from '../sandbox/business/index.js';
import { startSlackSandbox } from '../sandbox/slack/index.js';
import { startStripeSandbox } from '../sandbox/stripe/index.js';
import { caseTimeline } from '../src/cases/timing.js';
import { createPool } from '../src/db/pool.js';
import { benchDatabase, percentile, processCpuSeconds, report } from './support.js';

const DISPUTES = Number(process.env.BENCH_FLOW_DISPUTES ?? 200);
/** BENCH_FLOW_PRODUCTS=10: the same disputes spread over that many products (own key, secret, channel, route). */
const PRODUCTS = Number(process.env.BENCH_FLOW_PRODUCTS ?? 1);
const CONCURRENCY = 10;
const SECRET = 'whsec_bench_flow';
const productIds = Array.from({ length: PRODUCTS }, (_, index) => `p${index + 1}`);
/** Where the bench compiles the app (in the repository, beside node_modules; ignored by git). */
const BUILD_DIR = join(process.cwd(), '.rebut', 'bench-dist');

/**
 * `rebut serve` in a child process on a free port, ready once /readyz says so; its peak RSS read from Linux. It runs
 * compiled (`npm run build`), as the Docker image runs it: through tsx the process also holds the TypeScript loader's
 * own thread and caches. BENCH_FLOW_TSX=1 runs the sources through tsx instead.
 */
async function serveInItsOwnProcess(env: Record<string, string>) {
  const compiled = !process.env.BENCH_FLOW_TSX;
  if (compiled) execFileSync(process.execPath, ['scripts/build.mjs', BUILD_DIR], { stdio: 'ignore' });
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  let output = '';
  // BENCH_FLOW_CPU_PROF=<dir>: a V8 CPU profile of the app (and of each packet thread) per run, to read with DevTools.
  const profile = process.env.BENCH_FLOW_CPU_PROF
    ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_FLOW_CPU_PROF]
    : [];
  const entry = compiled ? [join(BUILD_DIR, 'cli.js')] : ['--import', 'tsx', 'src/cli.ts'];
  // BENCH_FLOW_NODE_ARGS: flags on the app's command line, for V8 flags NODE_OPTIONS refuses (--heap-growing-percent=50).
  const flags = process.env.BENCH_FLOW_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...flags, ...profile, ...entry, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      PORT: String(port),
      // BENCH_FLOW_NODE_OPTIONS: V8 flags for the app only (e.g. --max-old-space-size=256), to see memory against speed.
      ...(process.env.BENCH_FLOW_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_FLOW_NODE_OPTIONS } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`rebut serve exited early (${child.exitCode}):\n${output}`);
    if (
      await fetch(`${url}/readyz`).then(
        (response) => response.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`rebut serve was not ready within 60 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    /** CPU seconds the app has used so far, all its threads (Linux); 0 elsewhere. */
    cpuSeconds: () => processCpuSeconds(child.pid ?? 0),
    /** VmHWM: the most resident memory the process ever had (Linux); NaN elsewhere. */
    async peakRssMb(): Promise<number> {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
      const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
      return kb / 1024;
    },
    /** Where its memory is now: the main thread's V8 heap and external memory (its /metrics), anonymous and file RSS. */
    async memoryNowMb(): Promise<Record<string, number>> {
      const metrics = await fetch(`${url}/metrics`).then(
        (response) => response.text(),
        () => '',
      );
      const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]) / 2 ** 20;
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1024;
      return {
        main_heap: metric('nodejs_heap_size_total_bytes'),
        main_external: metric('nodejs_external_memory_bytes'),
        rss_anonymous: kb('RssAnon'),
        rss_file: kb('RssFile'),
      };
    },
    async stop(): Promise<void> {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * From a signed `charge.dispute.created` webhook to the case message in Slack: evidence from
 * Stripe and the sample business (with design images), packet PDFs, the template draft, staging
 * on Stripe, the post. All stand-ins on loopback; the Slack stand-in's per-channel rate limit is
 * off (with Slack's real ~1 message/s per channel, posting 200 cases takes 200 s whatever rebut does).
 */
export async function benchFlow(): Promise<void> {
  const database = await benchDatabase();
  const work = await mkdtemp(join(tmpdir(), 'rebut-bench-flow-'));
  const stripe = await startStripeSandbox();
  // The case message (not a thread reply) of each dispute, as the Slack stand-in receives it.
  const postedAt = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const slackCalls = new Map<string, number>();
  const slack = await startSlackSandbox({
    channels: [
      { id: 'C0DISPUTES', name: 'disputes' },
      ...productIds.map((id) => ({ id: `C0BENCH${id.toUpperCase()}`, name: id })),
    ],
    rateLimit: false,
    onCall(call) {
      slackCalls.set(call.method, (slackCalls.get(call.method) ?? 0) + 1);
      if (call.method !== 'chat.postMessage' || !call.ok || call.args.thread_ts) return;
      const metadata = call.args.metadata as { event_payload?: { dispute_id?: string } } | undefined;
      const disputeId = metadata?.event_payload?.dispute_id;
      if (!disputeId || postedAt.has(disputeId)) return;
      postedAt.set(disputeId, call.at.getTime());
      waiting.get(disputeId)?.();
    },
  });
  const config = join(work, 'rebut.evidence.yml');
  const example = await readFile('rebut.evidence.example.yml', 'utf8');
  await writeFile(config, example.replace('./.rebut/roomcraft/images', join(work, 'images')));

  const scenarios = Array.from({ length: DISPUTES }, (_, index) =>
    stripe.createDispute({
      reason: (['fraudulent', 'product_not_received', 'subscription_canceled'] as const)[index % 3] ?? 'fraudulent',
      customer: { email: `customer${index}@example.com`, name: `Customer ${index}` },
      subscription: index % 3 === 2,
      silent: true,
    }),
  );
  const business = createPool(database.url, { max: 2 });
  await seedBusiness(business, {
    customers: scenarios.map((scenario) => sampleCustomerFor(scenario, { designs: 2, logins: 5 })),
    imagesDir: join(work, 'images'),
  });
  await business.end();

  // Several products: each its own key, webhook secret, route and channel, the same evidence file and business.
  const productsFile = join(work, 'rebut.products.yml');
  const secrets: Record<string, string> = { BENCH_APP_DATABASE_URL: database.url };
  if (PRODUCTS > 1) {
    for (const id of productIds) {
      secrets[`${id.toUpperCase()}_KEY`] = `sk_test_bench_${id}`;
      secrets[`${id.toUpperCase()}_WEBHOOK`] = `whsec_bench_${id}`;
    }
    await writeFile(
      productsFile,
      `products:\n${productIds
        .map(
          (id) =>
            `  - id: ${id}\n    name: Product ${id}\n` +
            `    stripe: { secret_key_env: ${id.toUpperCase()}_KEY, webhook_secret_envs: [${id.toUpperCase()}_WEBHOOK] }\n` +
            `    evidence: ${config}\n    app_database_url_env: BENCH_APP_DATABASE_URL\n` +
            `    slack: { channel: C0BENCH${id.toUpperCase()} }`,
        )
        .join('\n')}\n`,
    );
  }
  // The app in its own process (`rebut serve`), as it runs in production; the stand-ins and this driver stay here, so
  // the peak RSS is the app's own.
  const app = await serveInItsOwnProcess({
    ...secrets,
    ...(PRODUCTS > 1 ? { PRODUCTS_CONFIG: productsFile } : {}),
    DATABASE_URL: database.url,
    APP_DATABASE_URL: database.url,
    EVIDENCE_CONFIG: config,
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: SECRET,
    STRIPE_API_URL: stripe.url,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: 'bench',
    SLACK_CHANNEL_ID: 'C0DISPUTES',
    SLACK_API_URL: slack.apiUrl,
    LOG_LEVEL: 'warn',
    // Neither the weekly digest (on its day and hour) nor a timer tick (every minute) is part of webhook → Slack:
    // either would land in the middle of some runs and not others.
    REBUT_DIGEST_CHANNEL: 'off',
    REBUT_TIMER_SCHEDULE: '0 0 1 1 *',
  });
  const pool = createPool(database.url, { max: 2 });
  // Dispute i belongs to product i mod PRODUCTS, and is delivered to that product's route with its secret. Only the
  // created events are delivered, with one product as with ten: the stand-in has one webhook endpoint, not one per
  // account, so its automatic `charge.dispute.updated` events (after staging) could reach only one product's route,
  // and the two runs would not do the same work.
  const route = (index: number) => {
    if (PRODUCTS === 1) return { url: `${app.url}/stripe/webhook`, secret: SECRET };
    const id = productIds[index % PRODUCTS] ?? 'p1';
    return { url: `${app.url}/stripe/webhook/${id}`, secret: `whsec_bench_${id}` };
  };

  const sentAt = new Map<string, number>();
  let next = 0;
  const memoryBefore = await app.memoryNowMb();
  const cpuBefore = { app: await app.cpuSeconds(), postgres: await database.cpuSeconds(), here: process.cpuUsage() };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < scenarios.length) {
        const index = next++;
        const scenario = scenarios[index];
        if (!scenario) continue;
        const id = scenario.dispute.id;
        const posted = new Promise<void>((resolve, reject) => {
          const timeout = setTimeout(() => reject(new Error(`dispute ${id} was not posted within 60 s`)), 60_000);
          waiting.set(id, () => {
            clearTimeout(timeout);
            resolve();
          });
        });
        const event = stripe.emit('charge.dispute.created', scenario.dispute);
        sentAt.set(id, Date.now());
        await stripe.deliver(event, route(index));
        // Each of the 10 senders waits for its case to reach Slack before sending the next.
        await posted;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const here = process.cpuUsage(cpuBefore.here);
  const cpuAfter = { app: await app.cpuSeconds(), postgres: await database.cpuSeconds() };
  // In the order the disputes were sent: the first ones meet a cold process.
  const latencies = scenarios.map(
    ({ dispute }) => (postedAt.get(dispute.id) ?? Number.NaN) - (sentAt.get(dispute.id) ?? 0),
  );
  if (process.env.BENCH_FLOW_TRACE) console.error(JSON.stringify(latencies));
  if (latencies.some(Number.isNaN)) throw new Error('a dispute was sent but its post was not seen');
  latencies.sort((a, b) => a - b);
  const context = {
    disputes: DISPUTES,
    concurrency: CONCURRENCY,
    products: PRODUCTS,
    command: PRODUCTS > 1 ? `BENCH_FLOW_PRODUCTS=${PRODUCTS} npm run bench -- flow` : 'npm run bench -- flow',
  };
  report('webhook_to_slack', 'p50', percentile(latencies, 50), 'ms', context);
  report('webhook_to_slack', 'p99', percentile(latencies, 99), 'ms', context);
  report('webhook_to_slack', 'throughput', DISPUTES / seconds, 'cases/s', context);
  // Where the 2 cores went during the run, per case: the app (every thread), PostgreSQL, and this process (the Stripe
  // and Slack stand-ins and the senders).
  const perCase = (cpuSeconds: number) => (cpuSeconds / DISPUTES) * 1000;
  report('webhook_to_slack_cpu', 'app', perCase(cpuAfter.app - cpuBefore.app), 'ms per case', context);
  if (cpuBefore.postgres !== undefined && cpuAfter.postgres !== undefined) {
    report('webhook_to_slack_cpu', 'postgres', perCase(cpuAfter.postgres - cpuBefore.postgres), 'ms per case', context);
  }
  report('webhook_to_slack_cpu', 'stand_ins', perCase((here.user + here.system) / 1e6), 'ms per case', context);
  // What a case asks of Stripe and Slack, by endpoint: every call is CPU on both ends of the loopback, so one call more
  // a case shows here before it shows in the throughput.
  const byEndpoint = (counts: Map<string, number>) =>
    Object.fromEntries(
      [...counts].sort((a, b) => b[1] - a[1]).map(([what, n]) => [what, Math.round((n / DISPUTES) * 100) / 100]),
    );
  // The packets' files go to each case's thread after its post: the queue drains before the calls are counted.
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM graphile_worker.jobs');
    if (rows[0]?.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const stripeCalls = new Map<string, number>();
  for (const { method, path } of stripe.requests) {
    const what = `${method} ${path.replace(/\/[a-z]+_[A-Za-z0-9]{12,}/g, '/{id}')}`;
    stripeCalls.set(what, (stripeCalls.get(what) ?? 0) + 1);
  }
  const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0) / DISPUTES;
  report('webhook_to_slack_calls', 'stripe', total(stripeCalls), 'requests per case', {
    ...context,
    by: byEndpoint(stripeCalls),
  });
  report('webhook_to_slack_calls', 'slack', total(slackCalls), 'calls per case', {
    ...context,
    by: byEndpoint(slackCalls),
  });
  // Where the time went, step by step, from every case's audit trail (cases/timing.ts).
  const { rows: cases } = await pool.query<{ id: number }>('SELECT id FROM cases ORDER BY id');
  const bySegment = new Map<string, number[]>();
  for (const { id } of cases) {
    for (const segment of (await caseTimeline(pool, id))?.segments ?? []) {
      bySegment.set(segment.what, [...(bySegment.get(segment.what) ?? []), segment.ms]);
    }
  }
  for (const [what, values] of bySegment) {
    values.sort((a, b) => a - b);
    report('webhook_to_slack_stage', what, percentile(values, 50), 'ms p50', {
      ...context,
      p99: percentile(values, 99),
    });
  }
  // What the rest is: the packet thread's heap, native memory (images, PDFs, libvips) and allocator arenas; and what
  // the app held, ready and idle, before the first webhook.
  for (const [figure, mb] of Object.entries(await app.memoryNowMb())) {
    report('webhook_to_slack_memory_at_end', figure, Math.round(mb), 'MB', {
      ...context,
      before_the_run: Math.round(memoryBefore[figure] ?? Number.NaN),
    });
  }
  report('webhook_to_slack', 'peak_rss', await app.peakRssMb(), 'MB', {
    ...context,
    note: `the app's own process (rebut serve, ${process.env.BENCH_FLOW_TSX ? 'through tsx' : 'compiled, as in the Docker image'}); the stand-ins and the driver run in the bench's`,
  });
  await pool.end();
  await app.stop();
  await slack.close();
  await stripe.close();
  await database.stop();
  await rm(work, { recursive: true, force: true });
}
