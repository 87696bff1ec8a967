import { mkdtemp, rm } from 'node:fs/promises';
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

/** A throwaway embedded PostgreSQL for one benchmark (BENCH_DATABASE_URL to use your own server). */
export async function benchDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'rebut-bench-'));
  const server = await startEmbeddedPostgres(dir, { persistent: false });
  return {
    url: server.url,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
