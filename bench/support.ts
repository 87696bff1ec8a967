import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/db/embedded.js';

/** One line of JSON per figure: what `npm run bench` prints and the README table is built from. */
export function report(
  bench: string,
  figure: string,
  value: number,
  unit: string,
  extra: Record<string, unknown> = {},
) {
  console.log(JSON.stringify({ bench, figure, value: Math.round(value * 100) / 100, unit, ...extra }));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** CPU seconds a process has used (Linux, /proc/<pid>/stat at 100 ticks a second), with its reaped children's if asked; 0 elsewhere. */
export async function processCpuSeconds(pid: number, withExitedChildren = false): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (!fields) return 0;
  const own = Number(fields[11]) + Number(fields[12]);
  return (withExitedChildren ? own + Number(fields[13]) + Number(fields[14]) : own) / 100;
}

/**
 * CPU seconds the embedded PostgreSQL in `pgData` has used: the postmaster, every backend and helper running
 * now, and every one that has exited (Linux); undefined when it cannot be read.
 */
async function postgresCpuSeconds(pgData: string): Promise<number | undefined> {
  const pid = Number((await readFile(join(pgData, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (!pid) return undefined;
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => undefined);
  if (children === undefined) return undefined;
  const running = children.trim().split(' ').filter(Boolean).map(Number);
  const times = await Promise.all(running.map((child) => processCpuSeconds(child)));
  return times.reduce((sum, seconds) => sum + seconds, await processCpuSeconds(pid, true));
}

/**
 * A throwaway embedded PostgreSQL for one benchmark (BENCH_DATABASE_URL to use your own server); `cpuSeconds`
 * reads the CPU its processes have used so far (undefined for your own server, or off Linux).
 */
export async function benchDatabase(): Promise<{
  url: string;
  stop(): Promise<void>;
  cpuSeconds(): Promise<number | undefined>;
}> {
  if (process.env.BENCH_DATABASE_URL) {
    return { url: process.env.BENCH_DATABASE_URL, stop: async () => {}, cpuSeconds: async () => undefined };
  }
  const dir = await mkdtemp(join(tmpdir(), 'rebut-bench-'));
  const server = await startEmbeddedPostgres(dir, { persistent: false });
  return {
    url: server.url,
    cpuSeconds: () => postgresCpuSeconds(join(dir, 'pg')),
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
