import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadSettings, type Settings } from '../config.js';
import { databaseFor } from '../db/embedded.js';
import { migrate } from '../db/migrate.js';
import { createPool, type Pool } from '../db/pool.js';
import { messageOf } from '../errors.js';
import { createLogger } from '../log.js';
import { loadProducts, type Product, productNames, productsFile } from '../products/config.js';
import { createStripeClient } from '../stripe/client.js';
import { runSync, type SyncDeps, type SyncOptions, type SyncResult, sinceDay } from '../sync/index.js';
import {
  type AccountCounts,
  accountLabel,
  accountState,
  accountsToShow,
  runFraction,
  type SyncProgress,
} from '../sync/progress.js';
import { renderStatsChart } from './chart.js';
import { formatStatsJson, formatStatsTable, textBar } from './format.js';
import { knownProducts, pickProduct, productList, statsFor } from './index.js';
import { STATS_WINDOWS, type StatsWindow } from './summarise.js';

/** `rebut sync` and `rebut stats`: the same work as the slash commands, from a terminal. */

export class UsageError extends Error {
  override name = 'UsageError';
}

/** The database the way `rebut migrate` finds it (DATABASE_URL, or the embedded one), migrated. */
async function openDatabase(
  settings: Settings,
  log: (line: string) => void,
): Promise<{ pool: Pool; close(): Promise<void> }> {
  const database = await databaseFor(settings, log);
  const pool = createPool(database.url, { max: 4, applicationName: 'rebut-cli' });
  try {
    await migrate(pool, log);
  } catch (error) {
    await pool.end();
    await database.stop();
    throw error;
  }
  return {
    pool,
    async close() {
      await pool.end();
      await database.stop();
    },
  };
}

/** `2024-01-31` → that day, 00:00 UTC. */
export function parseSince(text: string): Date {
  const date = sinceDay(text);
  if (!date) throw new UsageError(`--since expects a past date as YYYY-MM-DD, got "${text}"`);
  return date;
}

/** Accounts named one per line under the summary; the rest are counted. */
const ACCOUNTS_LISTED = 20;

function syncLine(progress: SyncProgress): string {
  const fraction = runFraction(progress);
  const share = fraction === null ? '    ' : `${String(Math.round(fraction * 100)).padStart(3)}%`;
  const listing =
    progress.phase === 'catch_up'
      ? 'catching up on new disputes'
      : progress.reachedBack
        ? `back to ${progress.reachedBack.toISOString().slice(0, 10)}`
        : 'listing';
  const position = progress.accounts.findIndex((entry) => entry.account === progress.account) + 1;
  const stage =
    progress.accounts.length > 1
      ? `${accountLabel(progress.account)} (${position}/${progress.accounts.length}) ${listing}`
      : listing;
  return `${textBar(fraction, progress.pages, 30)} ${share} | ${progress.seen.toLocaleString('en-US')} disputes | ${progress.pages} pages | ${Math.round(progress.rate).toLocaleString('en-US')}/s | ${stage}`;
}

/** What a sync did, in a few lines; `again` is the command that continues it (`rebut sync --product interior`). */
export function syncSummary(result: SyncResult, again = 'rebut sync'): string {
  if (result.status === 'busy') {
    const running = result.running;
    return running
      ? `A sync is already running (run ${running.runId}, started by ${running.startedBy} at ${running.startedAt.toISOString()}, ${running.seen.toLocaleString('en-US')} disputes so far). Try again when it has finished.`
      : 'A sync is already running. Try again when it has finished.';
  }
  const what = `${result.seen.toLocaleString('en-US')} disputes in ${(result.ms / 1000).toFixed(1)} s`;
  const extra = [
    `${result.inserted.toLocaleString('en-US')} new`,
    `${result.casesOpened} cases opened`,
    `${result.casesClosed} cases closed`,
    ...(result.resumedFrom !== null ? [`continued run ${result.resumedFrom}`] : []),
  ].join(', ');
  const accounts = accountLines(result.accounts, result.accountsNotListed);
  if (result.status === 'done') return `Synced ${what} (${extra}).${accounts}`;
  if (result.status === 'stopped')
    return `Stopped after ${what} (${extra}).${accounts}\nRun \`${again}\` again to continue where it stopped.`;
  return `The sync failed after ${what} (${extra}): ${result.error}${accounts}\nRun \`${again}\` again to continue where it stopped.`;
}

/** Under the summary: one line per account when there are connected accounts, and why they were not listed. */
function accountLines(accounts: readonly AccountCounts[], notListed: string | null): string {
  const lines: string[] = [];
  if (accounts.length > 1) {
    const { shown, rest } = accountsToShow(accounts, ACCOUNTS_LISTED);
    for (const entry of shown) lines.push(`  ${accountLabel(entry.account)}: ${accountState(entry)}`);
    if (rest) lines.push(`  ${rest}`);
  }
  if (notListed) {
    lines.push(
      `  Connected accounts were not listed (Stripe: ${notListed}); only the platform's own disputes were synced.`,
    );
  }
  return lines.length > 0 ? `\n${lines.join('\n')}` : '';
}

/** A wrong flag or value: said in one line, exit code 2 (as for an unknown command). `rebut evidence` uses it too. */
export async function withUsage(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    const parseError = error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
    if (!(error instanceof UsageError) && !parseError) throw error;
    console.error(`rebut: ${messageOf(error)}`);
    return 2;
  }
}

/**
 * `rebut sync [--product ID] [--since YYYY-MM-DD] [--json]`; exit code 0 when every product's sync is done, 130 when
 * stopped with Ctrl-C, 1 when one failed or was already running.
 */
export function syncCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return withUsage(() => sync(args, env));
}

/** The products `--product` names (every product when it is not given); an unknown one is a usage error naming them. */
function productsToSync(products: readonly Product[], named: string | undefined): Product[] {
  if (named === undefined) return [...products];
  const product = products.find((candidate) => candidate.id === named);
  if (!product) {
    throw new UsageError(
      `there is no product "${named}": the products are ${products.map((candidate) => candidate.id).join(', ')}`,
    );
  }
  return [product];
}

async function sync(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { since: { type: 'string' }, json: { type: 'boolean' }, product: { type: 'string' } },
    strict: true,
  });
  const since = values.since ? parseSince(values.since) : undefined;
  // With a products file each product's key is read from the variable it names; without one, STRIPE_SECRET_KEY.
  const settings = loadSettings(env, 'sync');
  const byFile = productsFile(settings) !== undefined;
  const products = productsToSync(loadProducts(settings, env), values.product);
  // Quiet by default: the progress bar says what is happening; warnings (retries, backoff) still show.
  const log = cliLogger(env, settings);
  const database = await openDatabase(settings, (line) => log.warn(line));

  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nStopping after the page being stored (Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const results: SyncResult[] = [];
  try {
    // One product after another: each with its own key, its disputes filed under it, its own progress and summary.
    for (const product of products) {
      if (controller.signal.aborted) break;
      const named = byFile ? `${product.id}: ` : '';
      const result = await syncProduct(
        {
          pool: database.pool,
          product: { id: product.id, stripe: createStripeClient(product.stripeSecretKey, settings.STRIPE_API_URL) },
          log,
        },
        {
          ...(since ? { since } : {}),
          startedBy: 'cli',
          signal: controller.signal,
        },
        values.json ? undefined : named,
      );
      results.push(result);
      if (!values.json) {
        const summary = `${named}${syncSummary(result, byFile ? `rebut sync --product ${product.id}` : 'rebut sync')}`;
        if (result.status === 'done') console.log(summary);
        else console.error(summary);
      }
    }
    // With --json the output is data: one JSON value on stdout at the end; with a products file, a result per product.
    if (values.json) process.stdout.write(`${JSON.stringify(byFile ? results : results[0])}\n`);
    if (results.every((result) => result.status === 'done')) return 0;
    return results.some((result) => result.status === 'stopped') ? 130 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    await database.close();
  }
}

/** One product's sync, with its progress bar in a terminal (`label` names the product); none with --json. */
async function syncProduct(deps: SyncDeps, options: SyncOptions, label: string | undefined): Promise<SyncResult> {
  if (label === undefined) return runSync(deps, options);
  const bar = new cliProgress.SingleBar({
    format: (_options, _params, payload: { line?: string }) =>
      `${label}${payload.line ?? 'Listing disputes on Stripe…'}`,
    hideCursor: true,
    clearOnComplete: false,
    fps: 5,
  });
  bar.start(1, 0, { line: 'Listing disputes on Stripe…' });
  try {
    return await runSync(deps, {
      ...options,
      onProgress: (progress) => bar.update(progress.done ? 1 : 0, { line: syncLine(progress) }),
    });
  } finally {
    bar.stop();
  }
}

/** The database the settings name, without credentials: `db.example:5432/rebut`, or the embedded one's folder. */
function databaseName(settings: Settings): string {
  if (!settings.DATABASE_URL) return `the embedded PostgreSQL in ${settings.REBUT_DATA_DIR} (DATABASE_URL is not set)`;
  const url = new URL(settings.DATABASE_URL);
  return `DATABASE_URL (${url.host}${url.pathname})`;
}

/**
 * The CLI's log, on stderr: warnings only unless LOG_LEVEL is set, and in a terminal as plain lines (JSON, with stack
 * traces, for LOG_LEVEL=debug or trace, or when stderr is not a terminal).
 */
function cliLogger(env: NodeJS.ProcessEnv, settings: Settings) {
  const level = env.LOG_LEVEL ? settings.LOG_LEVEL : 'warn';
  const human = Boolean(process.stderr.isTTY) && level !== 'debug' && level !== 'trace';
  return createLogger(level, process.stderr, { human });
}

function parseWindow(text: string): StatsWindow {
  if (!(STATS_WINDOWS as readonly string[]).includes(text)) {
    throw new UsageError(`--window expects one of ${STATS_WINDOWS.join(', ')}, got "${text}"`);
  }
  return text as StatsWindow;
}

/**
 * `rebut stats [--product ID] [--json] [--window 30d|90d|all] [--chart file.png]` (or the window alone: `rebut stats
 * 90d`). With several products and none named: every product, a row each, and the total.
 */
export function statsCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return withUsage(() => stats(args, env));
}

async function stats(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      json: { type: 'boolean' },
      window: { type: 'string' },
      chart: { type: 'string' },
      product: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 1) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  const window = parseWindow(values.window ?? positionals[0] ?? 'all');
  const settings = loadSettings(env);
  // Display names only: stats need none of the products' secrets.
  const configured = productNames(settings);
  const log = cliLogger(env, settings);
  const database = await openDatabase(settings, (line) => log.warn(line));
  try {
    const known = await knownProducts(database.pool, configured);
    const choice = pickProduct(known, values.product);
    if ('unknown' in choice) {
      throw new UsageError(
        `--product: no product "${choice.unknown}"; the products are ${productList(known, (id) => id)}`,
      );
    }
    const { stats: figures, scope } = await statsFor(database.pool, { window, known, product: choice.product });
    process.stdout.write(values.json ? formatStatsJson(figures, scope) : formatStatsTable(figures, scope));
    // Which database was read, on stderr (JSON on stdout stays clean): an unset DATABASE_URL reads the embedded one.
    console.error(`Read from ${databaseName(settings)}.`);
    if (values.chart) {
      await writeFile(values.chart, await renderStatsChart(figures, scope));
      if (!values.json) console.log(`Chart written to ${values.chart}`);
    }
    return 0;
  } finally {
    await database.close();
  }
}
