import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { migrate } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { createStripeClient } from '../src/stripe/client.js';
import { PAGE_SIZE } from '../src/sync/pages.js';
import { benchDatabase, processCpuSeconds, report } from './support.js';

const DISPUTES = Number(process.env.BENCH_SYNC_DISPUTES ?? 100_000);
const COMMAND = 'npm run bench -- sync';
/** Pages kept in memory for the replayed run, an even sample of the listing (about 4 MB of JSON each 10). */
const REPLAY_PAGES = 100;
const root = fileURLToPath(new URL('..', import.meta.url));

/** The Stripe stand-in, in its own process so its memory and CPU are not counted as rebut's. */
const STAND_IN = `
import { startStripeSandbox } from './sandbox/stripe/index.ts';
const sandbox = await startStripeSandbox();
sandbox.seedDisputes(Number(process.env.DISPUTES), { seed: 20260101 });
process.stdout.write(JSON.stringify({ url: sandbox.url }) + '\\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

/**
 * The sync, in a process of its own that loads what a sync needs (not the other benchmarks), so its
 * peak RSS is the sync's. It reports its own figures as one JSON line.
 */
const SYNC = `
import { readFile } from 'node:fs/promises';
import { createPool } from './src/db/pool.ts';
import { createLogger } from './src/log.ts';
import { createStripeClient } from './src/stripe/client.ts';
import { runSync } from './src/sync/index.ts';
const vm = async (field) => Number(/\\d+/.exec((await readFile('/proc/self/status', 'utf8').catch(() => '')).split('\\n').find((line) => line.startsWith(field)) ?? '')?.[0] ?? 0) / 1024;
const pool = createPool(process.env.DATABASE_URL, { max: 4 });
let stripe = createStripeClient('sk_test_bench', process.env.STRIPE_API_URL);
if (process.env.REPLAY_PAGES) {
  // rebut's own ceiling: pages fetched from the stand-in beforehand (as JSON text), served again in a loop
  // with fresh ids, so the sync pays for parsing and storing each page but no stand-in runs meanwhile.
  // An even sample of the whole listing (every n-th page), so open and closed disputes come in their real mix.
  const pages = [];
  const every = Math.max(1, Math.round(Number(process.env.DISPUTES) / 100 / Number(process.env.REPLAY_PAGES)));
  let after;
  for (let index = 0; ; index++) {
    const query = new URLSearchParams({ limit: '100', 'expand[0]': 'data.charge', 'expand[1]': 'data.payment_intent', ...(after ? { starting_after: after } : {}) });
    const text = await (await fetch(process.env.STRIPE_API_URL + '/v1/disputes?' + query, { headers: { authorization: 'Bearer sk_test_bench' } })).text();
    const page = JSON.parse(text);
    if (index % every === 0) pages.push(text);
    after = page.data.at(-1)?.id;
    if (!page.has_more || !after) break;
  }
  const total = Number(process.env.DISPUTES);
  let served = 0;
  // A platform with no connected accounts: the sync lists them first (Connect), then the platform's own disputes.
  stripe = { accounts: { list: async () => ({ data: [], has_more: false }) }, disputes: { list: async () => {
    const cycle = Math.floor(served / 100 / pages.length);
    const page = JSON.parse(pages[(served / 100) % pages.length]);
    for (const dispute of page.data) dispute.id = dispute.id + '_' + cycle;
    served += page.data.length;
    return { data: page.data, has_more: served < total };
  } } };
}
const rssBefore = process.memoryUsage().rss / 1048576;
const cpu = process.cpuUsage();
const started = performance.now();
const result = await runSync(
  { pool, product: { id: 'default', stripe }, log: createLogger('warn', process.stderr) },
  { startedBy: 'bench', requestsPerSecond: Number.POSITIVE_INFINITY },
);
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ result, seconds, rssBefore, peakRss: await vm('VmHWM'), cpuSeconds: (used.user + used.system) / 1e6 }) + '\\n');
await pool.end();
`;

interface SyncFigures {
  result: { status: string; seen: number; casesOpened: number };
  seconds: number;
  rssBefore: number;
  peakRss: number;
  cpuSeconds: number;
}

function tsxProcess(code: string, env: Record<string, string>) {
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

async function firstLine(stream: NodeJS.ReadableStream, what: string): Promise<string> {
  for await (const line of createInterface({ input: stream })) return line;
  throw new Error(`${what} exited without answering`);
}

/** Peak resident memory of a process (Linux: VmHWM), in MB; undefined elsewhere. */
async function peakRssMb(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const match = status ? /VmHWM:\s+(\d+) kB/.exec(status) : null;
  return match ? Number(match[1]) / 1024 : undefined;
}

/**
 * `rebut sync` of 100,000 disputes (charge expanded, 1,000 pages) from the Stripe stand-in into
 * embedded PostgreSQL, with no request ceiling so the figure is rebut's and the stand-in's, not the
 * rate limit's: disputes/s, peak RSS and CPU of the process doing the sync. Then the stand-in's own
 * ceiling: the same pages listed by the same SDK client, one at a time, stored nowhere. Stand-in,
 * sync and PostgreSQL each run in their own process, but share the machine's cores; so rebut's own
 * ceiling is measured too: the sync again, fed pages fetched beforehand while the stand-in is idle.
 */
export async function benchSync(): Promise<void> {
  const standIn = tsxProcess(STAND_IN, { DISPUTES: String(DISPUTES) });
  const database = await benchDatabase();
  const context = { disputes: DISPUTES, pageSize: PAGE_SIZE, command: COMMAND };
  try {
    const { url } = JSON.parse(await firstLine(standIn.stdout, 'the Stripe stand-in')) as { url: string };
    // rebut's own ceiling first, on a server of its own that is stopped before the real run.
    const replayDatabase = await benchDatabase();
    let replay: SyncFigures;
    try {
      const replayPool = createPool(replayDatabase.url, { max: 2 });
      await migrate(replayPool);
      await replayPool.end();
      const replaying = tsxProcess(SYNC, {
        DATABASE_URL: replayDatabase.url,
        STRIPE_API_URL: url,
        REPLAY_PAGES: String(REPLAY_PAGES),
        DISPUTES: String(DISPUTES),
      });
      replaying.stdin.end();
      replay = JSON.parse(await firstLine(replaying.stdout, 'the replayed sync')) as SyncFigures;
      if (replay.result.status !== 'done') throw new Error(`the replayed sync ended ${replay.result.status}`);
    } finally {
      await replayDatabase.stop();
    }

    const pool = createPool(database.url, { max: 2 });
    await migrate(pool);

    const standInCpuBefore = await processCpuSeconds(standIn.pid ?? 0);
    const postgresCpuBefore = await database.cpuSeconds();
    const sync = tsxProcess(SYNC, { DATABASE_URL: database.url, STRIPE_API_URL: url });
    sync.stdin.end();
    const figures = JSON.parse(await firstLine(sync.stdout, 'the sync')) as SyncFigures;
    const standInCpu = (await processCpuSeconds(standIn.pid ?? 0)) - standInCpuBefore;
    const postgresCpuAfter = await database.cpuSeconds();
    if (figures.result.status !== 'done') throw new Error(`sync ended ${figures.result.status}`);
    const stored = await pool.query<{ n: number; bytes: string }>(
      "SELECT count(*)::int AS n, pg_total_relation_size('disputes')::text AS bytes FROM disputes",
    );
    await pool.end();
    if (stored.rows[0]?.n !== DISPUTES) throw new Error(`stored ${stored.rows[0]?.n} disputes, expected ${DISPUTES}`);

    const stripe = createStripeClient('sk_test_bench', url);
    let listed = 0;
    let after: string | undefined;
    const listStarted = performance.now();
    for (;;) {
      const page = await stripe.disputes.list({
        limit: PAGE_SIZE,
        expand: ['data.charge', 'data.payment_intent'],
        ...(after ? { starting_after: after } : {}),
      });
      listed += page.data.length;
      after = page.data[page.data.length - 1]?.id;
      if (!page.has_more || !after) break;
    }
    const ceiling = listed / ((performance.now() - listStarted) / 1000);

    // The nightly case: everything is stored already and (nearly) nothing changed.
    const again = tsxProcess(SYNC, { DATABASE_URL: database.url, STRIPE_API_URL: url });
    again.stdin.end();
    const resync = JSON.parse(await firstLine(again.stdout, 'the second sync')) as SyncFigures;
    if (resync.result.status !== 'done') throw new Error(`second sync ended ${resync.result.status}`);

    const rate = figures.result.seen / figures.seconds;
    report('sync', 'throughput', rate, 'disputes/s', {
      ...context,
      share_of_stand_in_ceiling: Math.round((rate / ceiling) * 100) / 100,
      casesOpened: figures.result.casesOpened,
    });
    report('sync', 'duration', figures.seconds, 's', context);
    report('resync', 'throughput', resync.result.seen / resync.seconds, 'disputes/s', {
      ...context,
      note: 'the same 100,000 again, all stored and unchanged (what the nightly re-read meets)',
    });
    report('sync', 'disputes_table', Number(stored.rows[0]?.bytes) / 1048576, 'MB', {
      ...context,
      note: 'the disputes table on disk after the sync, with its indexes and TOAST',
    });
    report('sync', 'peak_rss', figures.peakRss, 'MB', {
      ...context,
      rss_before_sync_mb: Math.round(figures.rssBefore),
    });
    report('sync', 'cpu_per_1000', (figures.cpuSeconds / figures.result.seen) * 1_000_000, 'ms', {
      ...context,
      note: "the sync's process only; PostgreSQL and the stand-in run in their own",
    });
    report('sync_stand_in', 'throughput', ceiling, 'disputes/s', { ...context, note: 'listing only, nothing stored' });
    report('sync_rebut_alone', 'throughput', replay.result.seen / replay.seconds, 'disputes/s', {
      ...context,
      note: `${REPLAY_PAGES} pages sampled across the listing beforehand, replayed with fresh ids: parsing and storing, no stand-in running`,
      share_of_stand_in_ceiling: Math.round((replay.result.seen / replay.seconds / ceiling) * 100) / 100,
    });
    if (postgresCpuBefore !== undefined && postgresCpuAfter !== undefined) {
      report(
        'sync_postgres',
        'cpu_per_1000',
        ((postgresCpuAfter - postgresCpuBefore) / figures.result.seen) * 1_000_000,
        'ms',
        {
          ...context,
          note: "the embedded PostgreSQL's processes during the sync",
        },
      );
    }
    if (standInCpu > 0) {
      report('sync_stand_in', 'cpu_per_1000', (standInCpu / figures.result.seen) * 1_000_000, 'ms', {
        ...context,
        note: 'serving the sync',
      });
    }
    const standInRss = standIn.pid ? await peakRssMb(standIn.pid) : undefined;
    if (standInRss !== undefined) report('sync_stand_in', 'peak_rss', standInRss, 'MB', context);
  } finally {
    standIn.stdin.end();
    await database.stop();
  }
}
