// The Docker image runs the compiled JavaScript (`npm run build` → dist/), not the sources through tsx. This runs
// that build the way the image does: a dispute's webhook in, its packet built on a packet thread (the compiled
// thread entry), the case and its files in Slack, the migrations read from beside the compiled code.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { freePort } from '../../src/db/embedded.js';
import { TEST_WEBHOOK_SECRET, waitFor } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { type AppProcess, serveEnv, spawnApp } from '../support/process.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository, as dist/ is: the compiled code finds node_modules and package.json from there.
const out = join(root, `.build-test-${randomBytes(4).toString('hex')}`);

let db: TestDatabase;
let stripe: StripeSandbox;
let slack: SlackSandbox;
let app: AppProcess | undefined;

beforeAll(async () => {
  [db, stripe, slack] = await Promise.all([
    freshDatabase(),
    startStripeSandbox(),
    startSlackSandbox({ rateLimit: false }),
  ]);
  await run(process.execPath, ['scripts/build.mjs', out], { cwd: root });
}, 60_000);
afterAll(async () => {
  await app?.kill();
  await Promise.all([slack?.close(), stripe?.close()]);
  await db?.drop();
  await rm(out, { recursive: true, force: true });
});

describe('the compiled build', () => {
  it('prints its version and serves a dispute end to end, its packet built on a packet thread', async () => {
    const version = await run(process.execPath, [join(out, 'cli.js'), '--version'], { cwd: root });
    expect(version.stdout.trim()).toMatch(/^rebut \d+\.\d+\.\d+$/);

    app = await spawnApp(
      serveEnv({ databaseUrl: db.url, stripeUrl: stripe.url, slack }, { REBUT_PACKET_THREADS: '1' }),
      await freePort(),
      { entry: join(out, 'cli.js') },
    );
    stripe.setWebhook({ url: `${app.url}/stripe/webhook`, secret: TEST_WEBHOOK_SECRET });
    const { dispute } = stripe.createDispute({
      reason: 'product_not_received',
      customer: { email: 'grace@compiled.example', name: 'Grace Hopper' },
    });
    const posted = await waitFor(
      async () =>
        (
          await db.pool.query<{ id: number }>('SELECT id FROM cases WHERE dispute_id = $1 AND slack_ts IS NOT NULL', [
            dispute.id,
          ])
        ).rows[0],
      { timeoutMs: 30_000, what: 'the case posted' },
    );
    const files = await waitFor(
      async () =>
        (
          await db.pool.query(`SELECT 1 FROM audit_log WHERE case_id = $1 AND action = 'slack.packet_posted'`, [
            posted.id,
          ])
        ).rowCount,
      { timeoutMs: 30_000, what: 'the packet files posted' },
    );
    expect(files).toBe(1);
    expect(app.output()).not.toMatch(/packet thread (failed|stopped)/);
  });
});
