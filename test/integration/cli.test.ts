import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedPostgres } from '../../src/db/embedded.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { rebut } from '../support/process.js';

const run = promisify(execFile);

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('the rebut command', () => {
  it('serve without settings exits 1 and names every missing setting once', async () => {
    const result = await rebut(['serve'], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('rebut cannot start');
    expect(result.stderr).toContain('STRIPE_SECRET_KEY: missing');
    expect(result.stderr).toContain('STRIPE_WEBHOOK_SECRET: missing');
    expect(result.stderr).toContain('SLACK_CHANNEL_ID: missing');
    expect(result.stderr).toContain('SLACK_BOT_TOKEN: missing');
  });

  it('serve without Slack does not start: no case would be seen by anyone', async () => {
    const result = await rebut(['serve'], {
      DATABASE_URL: db.url,
      STRIPE_SECRET_KEY: 'sk_test_123',
      STRIPE_WEBHOOK_SECRET: 'whsec_123',
      SLACK_CHANNEL_ID: 'C0DISPUTES',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SLACK_BOT_TOKEN: missing');
    expect(result.stderr).toContain('REBUT_HEADLESS=true');
    expect(result.stdout).not.toContain('listening');
  });

  it('a # inside a .env value is named with its line and the fix; a # after a space is a comment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebut-env-'));
    try {
      const envFile = join(dir, '.env');
      await writeFile(
        envFile,
        [
          'STRIPE_SECRET_KEY=sk_test_123 # the test key',
          'STRIPE_WEBHOOK_SECRET=whsec_123',
          'SLACK_BOT_TOKEN=xoxb-1',
          'SLACK_SIGNING_SECRET=8f2a#91bc',
          'SLACK_CHANNEL_ID=#C0DISPUTES',
        ].join('\n'),
      );
      const result = await rebut(['serve'], { DATABASE_URL: db.url, DOTENV_CONFIG_PATH: envFile });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'SLACK_SIGNING_SECRET: line 4 of .env has a # in its value, where .env starts a comment, so only 4 characters were read; put the value in quotes: SLACK_SIGNING_SECRET="…"',
      );
      expect(result.stderr).toContain('SLACK_CHANNEL_ID: line 5 of .env has a # in its value');
      expect(result.stderr).not.toContain('STRIPE_SECRET_KEY');
      expect(result.stderr).not.toContain('SLACK_CHANNEL_ID: missing');

      // Set in the environment itself, the value is not the file's: nothing to say about the file.
      const overridden = await rebut(['serve'], {
        DATABASE_URL: db.url,
        DOTENV_CONFIG_PATH: envFile,
        SLACK_SIGNING_SECRET: 's',
        SLACK_CHANNEL_ID: 'not a channel',
      });
      expect(overridden.code).toBe(1);
      expect(overridden.stderr).toContain('SLACK_CHANNEL_ID: expected a channel id');
      expect(overridden.stderr).not.toContain('# in its value');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a product's secret in .env cut at a # is named with its line, as a setting's is", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebut-env-products-'));
    try {
      await writeFile(
        join(dir, 'rebut.products.yml'),
        [
          'products:',
          '  - id: interior',
          '    name: Roomcraft',
          '    stripe: { secret_key_env: INTERIOR_KEY, webhook_secret_envs: [INTERIOR_WEBHOOK] }',
          '    slack: { channel: C0INTERIOR }',
        ].join('\n'),
      );
      const envFile = join(dir, '.env');
      await writeFile(
        envFile,
        [
          `PRODUCTS_CONFIG=${join(dir, 'rebut.products.yml')}`,
          'SLACK_BOT_TOKEN=xoxb-1',
          'SLACK_SIGNING_SECRET=s',
          'INTERIOR_KEY=sk_test_interior',
          'INTERIOR_WEBHOOK=whsec_ab#cd',
        ].join('\n'),
      );
      const result = await rebut(['serve'], { DATABASE_URL: db.url, DOTENV_CONFIG_PATH: envFile });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'INTERIOR_WEBHOOK: line 5 of .env has a # in its value, where .env starts a comment; put the value in quotes',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('migrate on a migrated database says it is up to date', async () => {
    const result = await rebut(['migrate'], { DATABASE_URL: db.url });
    expect(result.stdout.trim()).toBe('The database is up to date.');
    expect(result.code).toBe(0);
  });

  it('--help on any command says what it does and never runs it', async () => {
    // A database nobody answers at: a command that ran would fail on it.
    const nowhere = { DATABASE_URL: 'postgres://rebut@127.0.0.1:1/rebut', STRIPE_SECRET_KEY: 'sk_test_123' };
    for (const command of ['serve', 'migrate', 'sync', 'stats', 'evidence', 'doctor']) {
      for (const flag of ['--help', '-h']) {
        const result = await rebut([command, flag], nowhere);
        expect(result.code, `${command} ${flag}`).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`^rebut ${command}`));
      }
    }
  });

  it('--version prints the version; migrate refuses arguments it does not take', async () => {
    const version = await rebut(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^rebut \d+\.\d+\.\d+$/);
    const extra = await rebut(['migrate', '--dry-run'], { DATABASE_URL: db.url });
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('rebut migrate takes no arguments (got --dry-run)');
  });

  it('a database nobody answers at is named by its setting, without PostgreSQL or socket jargon', async () => {
    const result = await rebut(['migrate'], { DATABASE_URL: 'postgres://rebut:secret@127.0.0.1:1/rebut' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot connect to the database: nothing answers at the host and port');
    expect(result.stderr).toContain('Check DATABASE_URL');
    expect(result.stderr).not.toMatch(/ECONNREFUSED|secret/);
    const bare = await rebut(['migrate'], { DATABASE_URL: 'localhost:5432/rebut' });
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('DATABASE_URL: expected a postgres:// URL');
  });

  it('a start that fails after the embedded PostgreSQL started stops it again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rebut-cli-start-'));
    await chmod(dataDir, 0o755); // the embedded PostgreSQL runs as "postgres" and must pass through it
    try {
      const result = await rebut(['serve'], {
        REBUT_DATA_DIR: dataDir,
        PORT: String(await freePort()),
        STRIPE_SECRET_KEY: 'sk_test_123',
        STRIPE_WEBHOOK_SECRET: 'whsec_123',
        SLACK_CHANNEL_ID: 'C0DISPUTES',
        SLACK_BOT_TOKEN: 'xoxb-1-2-3',
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_API_URL: 'http://127.0.0.1:1/api/', // Slack cannot be reached: the start fails after the database
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('SLACK_BOT_TOKEN');
      const pids = (await readdir(dataDir, { recursive: true })).filter((name) => name.endsWith('postmaster.pid'));
      expect(pids).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('an unknown command prints the usage and exits 2', async () => {
    const result = await rebut(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "frobnicate"');
    expect(result.stderr).toContain('rebut serve');
  });
});

describe('the embedded PostgreSQL another run left behind', () => {
  async function serverIn(dir: string) {
    const server = await startEmbeddedPostgres(dir, { persistent: true });
    const pid = Number((await readFile(join(dir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    return { server, pid };
  }

  it('is shared, said, and left running when the rebut that started it still runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebut-shared-pg-'));
    const { server, pid } = await serverIn(dir);
    try {
      const result = await rebut(['stats', '--json'], { REBUT_DATA_DIR: dir });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`that another rebut process started (pid ${process.pid}`);
      expect(result.stderr).toContain('it keeps running when this one stops');
      expect(() => process.kill(pid, 0)).not.toThrow();
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is taken over, said, and stopped when the rebut that started it is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebut-orphan-pg-'));
    const { pid } = await serverIn(dir);
    try {
      // The owner file names a process that has exited: the server is an orphan, as after a SIGKILL.
      const gone = await run(process.execPath, ['-e', 'console.log(process.pid)']);
      await writeFile(join(dir, 'owner'), JSON.stringify({ pid: Number(gone.stdout), command: 'serve' }));
      const result = await rebut(['stats', '--json'], { REBUT_DATA_DIR: dir });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`was left running by a rebut that is gone (pid ${Number(gone.stdout)})`);
      expect(result.stderr).toContain('this run takes it over and stops it when it stops');
      expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
      await rm(dir, { recursive: true, force: true });
    }
  });
});
