import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { sampleCustomerFor, seedBusiness } from '../sandbox/business/index.js';
import { startSlackSandbox } from '../sandbox/slack/index.js';
import { startStripeSandbox } from '../sandbox/stripe/index.js';
import { freePort } from '../src/db/embedded.js';
import { createPool } from '../src/db/pool.js';
import { benchDatabase, percentile, report } from './support.js';

const DESIGNS = Number(process.env.BENCH_MEMORY_DESIGNS ?? 500);
const ACTIVITY_ROWS = Number(process.env.BENCH_MEMORY_ROWS ?? 1_000_000);
const SECRET = 'whsec_bench_memory';

/**
 * Memory under large but legitimate data: one dispute whose customer has 500 designs of 4.5 MB each and a million
 * activity rows, through a real `rebut serve` process (its packet thread included), while `/healthz` is asked every
 * 25 ms. Figures: the process's peak RSS (VmHWM) and the health check's latency while the case is prepared.
 */
export async function benchMemory(): Promise<void> {
  const database = await benchDatabase();
  const work = await mkdtemp(join(tmpdir(), 'rebut-bench-memory-'));
  const stripe = await startStripeSandbox();
  const slack = await startSlackSandbox({ rateLimit: false });
  const admin = createPool(database.url, { max: 2 });
  await admin.query('CREATE DATABASE rebut').catch(() => {});
  await admin.query('CREATE DATABASE business').catch(() => {});
  await admin.end();
  const rebutUrl = withDatabase(database.url, 'rebut');
  const businessUrl = withDatabase(database.url, 'business');

  // One 4.5 MB PNG of noise (incompressible, as photos are), which every design points at.
  const images = join(work, 'images');
  await mkdir(join(images, 'designs'), { recursive: true });
  const side = 1230;
  const noise = Buffer.alloc(side * side * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2_654_435_761) >>> 24;
  await writeFile(
    join(images, 'designs', 'big.png'),
    await sharp(noise, { raw: { width: side, height: side, channels: 3 } })
      .png()
      .toBuffer(),
  );

  const scenario = stripe.createDispute({ reason: 'fraudulent', brand: 'visa', silent: true });
  const business = createPool(businessUrl, { max: 2 });
  await seedBusiness(business, {
    customers: [sampleCustomerFor(scenario, { designs: 0, logins: 0 })],
    imagesDir: images,
  });
  await business.query(
    `INSERT INTO roomcraft.designs (user_id, created_at, room_type, style, prompt, image_path, ip)
     SELECT u.id, now() - make_interval(mins => n), 'living room', 'scandinavian', 'a bright room', 'designs/big.png', '203.0.113.9'
       FROM roomcraft.users u, generate_series(1, $1) AS n`,
    [DESIGNS],
  );
  await business.query(
    `INSERT INTO roomcraft.logins (user_id, at, ip, user_agent, device_id)
     SELECT u.id, now() - make_interval(secs => n), '203.0.113.9', repeat('Mozilla/5.0 ', 160), 'rc-web-0123456789ab'
       FROM roomcraft.users u, generate_series(1, $1) AS n`,
    [ACTIVITY_ROWS],
  );
  await business.end();

  const example = await readFile('rebut.evidence.example.yml', 'utf8');
  const config = join(work, 'rebut.evidence.yml');
  // Every design, and a day's window for the activity, so the queries match everything seeded.
  await writeFile(
    config,
    example
      .replace('./.rebut/roomcraft/images', images)
      .replace("interval '7 days'", "interval '10 years'")
      .replace('LIMIT 12', '')
      .replace(/ORDER BY at DESC\n\s+LIMIT 500/, 'ORDER BY at DESC'),
  );

  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      DATABASE_URL: rebutUrl,
      APP_DATABASE_URL: businessUrl,
      EVIDENCE_CONFIG: config,
      STRIPE_SECRET_KEY: 'sk_test_bench',
      STRIPE_WEBHOOK_SECRET: SECRET,
      STRIPE_API_URL: stripe.url,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: 'bench',
      SLACK_API_URL: slack.apiUrl,
      SLACK_CHANNEL_ID: 'C0DISPUTES',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await until(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.ok === true, 60_000);
    stripe.setWebhook({ url: `${url}/stripe/webhook`, secret: SECRET });
    const started = performance.now();
    await stripe.deliver(stripe.emit('charge.dispute.created', scenario.dispute));
    const latencies: number[] = [];
    const posted = () => slack.callsTo('chat.postMessage').length > 0;
    while (!posted()) {
      const asked = performance.now();
      await fetch(`${url}/healthz`).then((response) => response.arrayBuffer());
      latencies.push(performance.now() - asked);
      if (performance.now() - started > 600_000) throw new Error('the case was not posted within 10 minutes');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const seconds = (performance.now() - started) / 1000;
    // The case really carried the load: its packet left out most of the 500 designs, and the activity log was cut.
    const check = createPool(rebutUrl, { max: 1 });
    const { rows } = await check.query<{ dropped: { what: string }[] }>(
      `SELECT triage->'dropped' AS dropped FROM cases`,
    );
    await check.end();
    const dropped = JSON.stringify(rows[0]?.dropped ?? []);
    if (!dropped.includes(`of ${DESIGNS}`))
      throw new Error(`the packet did not weigh the ${DESIGNS} designs: ${dropped}`);
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const peakKb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
    latencies.sort((a, b) => a - b);
    const context = {
      designs: DESIGNS,
      designBytes: 4.5e6,
      activityRows: ACTIVITY_ROWS,
      command: 'npm run bench -- memory',
    };
    report('memory', 'peak_rss', peakKb / 1024, 'MB', context);
    report('memory', 'healthz_p50', percentile(latencies, 50), 'ms', context);
    report('memory', 'healthz_p99', percentile(latencies, 99), 'ms', { ...context, samples: latencies.length });
    report('memory', 'case_posted_after', seconds, 's', context);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await slack.close();
    await stripe.close();
    await database.stop();
    await rm(work, { recursive: true, force: true });
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
