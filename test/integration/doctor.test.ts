// `rebut doctor` against the stand-ins: each broken setting is found, named, and given its fix; nothing is changed.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBusiness } from '../../sandbox/business/index.js';
import { type OpenAiSandbox, startOpenAiSandbox } from '../../sandbox/openai/index.js';
import { type SlackSandbox, startSlackSandbox } from '../../sandbox/slack/index.js';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import type { Check } from '../../src/doctor/checks.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

const PUBLIC_URL = 'https://rebut.example.com';
const RESTRICTED = 'rk_test_doctorRestricted01';
const EVERY_PERMISSION = [
  'dispute_write',
  'file_write',
  'charge_read',
  'customer_read',
  'payment_intent_read',
  'refund_write',
  'radar_early_fraud_warning_read',
  'subscription_read',
  'invoice_read',
];

let stripe: StripeSandbox;
let slack: SlackSandbox;
let openai: OpenAiSandbox;
let db: TestDatabase;
let business: TestDatabase;
let dir: string;
let readOnlyUrl: string;

beforeAll(async () => {
  [stripe, slack, openai, db, business] = await Promise.all([
    startStripeSandbox({ webhook: { url: `${PUBLIC_URL}/stripe/webhook`, secret: 'whsec_doctor' } }),
    startSlackSandbox({
      channels: [
        { id: 'C0DISPUTES', name: 'disputes' },
        { id: 'C0UNINVITE', name: 'elsewhere', botIsMember: false },
      ],
      usergroups: { S0APPROVE1: ['U0ALICE001'] },
    }),
    startOpenAiSandbox(),
    freshDatabase(),
    freshDatabase(),
  ]);
  stripe.restrictKey(RESTRICTED, EVERY_PERMISSION);
  dir = await mkdtemp(join(tmpdir(), 'rebut-doctor-'));
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'images'));
  await seedBusiness(business.pool, { customers: [] });
  // A role that may only read the business's tables, as README → Evidence asks for.
  const role = `doctor_ro_${Date.now()}`;
  await business.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'readonly'`);
  await business.pool.query(`GRANT USAGE ON SCHEMA roomcraft TO ${role}`);
  await business.pool.query(`GRANT SELECT ON ALL TABLES IN SCHEMA roomcraft TO ${role}`);
  const url = new URL(business.url);
  url.username = role;
  url.password = 'readonly';
  readOnlyUrl = url.toString();
  await writeFile(
    join(dir, 'evidence.yml'),
    evidenceFile('SELECT id, email FROM roomcraft.users WHERE email = $email'),
  );
});

afterAll(async () => {
  await Promise.all([stripe?.close(), slack?.close(), openai?.close()]);
  await business?.drop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function evidenceFile(accountQuery: string): string {
  return [
    'business:',
    '  name: Roomcraft',
    '  product_description: AI room designs',
    '  support_email: help@roomcraft.example',
    '  website: https://roomcraft.example',
    'sql:',
    '  queries:',
    '    account:',
    '      query: |',
    `        ${accountQuery}`,
    'images:',
    `  local_root: ${join(dir, 'images')}`,
  ].join('\n');
}

/** Settings under which every check passes. */
function goodEnv(): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    STRIPE_SECRET_KEY: RESTRICTED,
    STRIPE_WEBHOOK_SECRET: 'whsec_doctor',
    STRIPE_API_URL: stripe.url,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: 'signing-secret',
    SLACK_CHANNEL_ID: 'C0DISPUTES',
    SLACK_APPROVERS: 'S0APPROVE1,U0ALICE001',
    SLACK_API_URL: slack.apiUrl,
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_BASE_URL: openai.url,
    EVIDENCE_CONFIG: join(dir, 'evidence.yml'),
    APP_DATABASE_URL: readOnlyUrl,
  };
}

async function doctor(env: Record<string, string>, args: string[] = ['--json', '--url', PUBLIC_URL]) {
  try {
    const { stdout } = await run(process.execPath, ['bin/rebut.js', 'doctor', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: '/tmp', ...env },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function checks(env: Record<string, string>): Promise<{ code: number; checks: Check[] }> {
  const result = await doctor(env);
  const parsed = JSON.parse(result.stdout) as { ok: boolean; checks: Check[] };
  expect(parsed.ok).toBe(result.code === 0);
  return { code: result.code, checks: parsed.checks };
}

const named = (list: Check[], name: string) => list.find((check) => check.name === name);
const failures = (list: Check[]) => list.filter((check) => check.status === 'fail');

describe('rebut doctor', () => {
  it('passes every check of a good set-up, exit 0, and changes nothing on Stripe', async () => {
    const writesBefore = stripe.requests.filter((request) => request.method === 'POST').length;
    const result = await checks(goodEnv());
    expect(failures(result.checks)).toEqual([]);
    expect(result.code).toBe(0);
    expect(named(result.checks, 'API key')?.detail).toContain('test mode, restricted key');
    expect(named(result.checks, 'Charges: Read')?.status).toBe('ok');
    expect(named(result.checks, 'webhook endpoint')?.status).toBe('skip'); // a restricted key may not list them
    // Without Connect read, sync reads the platform's own disputes only: worth knowing, not a failure.
    expect(named(result.checks, 'Connect: Read')?.status).toBe('warn');
    expect(named(result.checks, 'channel')?.status).toBe('ok');
    expect(named(result.checks, 'approver S0APPROVE1')?.detail).toBe('a user group of 1');
    expect(named(result.checks, 'model')?.status).toBe('ok');
    expect(named(result.checks, 'business database')?.detail).toContain('can only read');
    expect(named(result.checks, 'query account')?.status).toBe('ok');
    // The writes it tries name objects that do not exist (a dispute, a refund's charge): 404, nothing changed.
    const writes = stripe.requests.filter((request) => request.method === 'POST').slice(writesBefore);
    expect(writes.map((request) => [request.path, request.status]).sort()).toEqual([
      ['/v1/disputes/dp_rebut_doctor_probe', 404],
      ['/v1/refunds', 404],
    ]);
  });

  it('names a permission the restricted key lacks, with where to grant it', async () => {
    stripe.restrictKey(
      'rk_test_doctorNoCharges',
      EVERY_PERMISSION.filter((name) => name !== 'charge_read'),
    );
    const result = await checks({ ...goodEnv(), STRIPE_SECRET_KEY: 'rk_test_doctorNoCharges' });
    expect(result.code).toBe(1);
    expect(failures(result.checks).map((check) => check.name)).toEqual(['Charges: Read']);
    expect(named(result.checks, 'Charges: Read')?.detail).toContain("'rak_charge_read'");
    expect(named(result.checks, 'Charges: Read')?.fix).toContain('API keys');
  });

  it('with EFW_CANCEL_SUBSCRIPTIONS=true, checks that the key may cancel subscriptions; without it, does not ask', async () => {
    const cancelling = { ...goodEnv(), EFW_CANCEL_SUBSCRIPTIONS: 'true' };
    let result = await checks(cancelling);
    expect(failures(result.checks).map((check) => check.name)).toEqual(['Subscriptions: Write']);
    expect(named(result.checks, 'Subscriptions: Write')?.detail).toContain("'rak_subscription_write'");
    stripe.restrictKey('rk_test_doctorCancels', [...EVERY_PERMISSION, 'subscription_write']);
    result = await checks({ ...cancelling, STRIPE_SECRET_KEY: 'rk_test_doctorCancels' });
    expect(named(result.checks, 'Subscriptions: Write')?.status).toBe('ok');
    expect(named((await checks(goodEnv())).checks, 'Subscriptions: Write')).toBeUndefined();
  });

  it('a key Stripe refuses is one failure naming STRIPE_SECRET_KEY', async () => {
    stripe.revokeKey('sk_test_doctorRolled');
    const result = await checks({ ...goodEnv(), STRIPE_SECRET_KEY: 'sk_test_doctorRolled' });
    expect(result.code).toBe(1);
    const key = named(result.checks, 'API key');
    expect(key?.status).toBe('fail');
    expect(key?.fix).toContain('STRIPE_SECRET_KEY');
  });

  it('checks the webhook endpoint: at --url, with every dispute event, in rebut’s API version', async () => {
    const full = { ...goodEnv(), STRIPE_SECRET_KEY: 'sk_test_doctorFull' };
    let result = await checks(full);
    expect(named(result.checks, 'API key')?.status).toBe('warn'); // a full secret key: a restricted one is advised
    expect(named(result.checks, 'webhook endpoint')?.status).toBe('ok');
    expect(named(result.checks, 'Connect: Read')?.status).toBe('ok');

    stripe.setWebhook({
      url: `${PUBLIC_URL}/stripe/webhook`,
      secret: 'whsec_doctor',
      enabledEvents: ['charge.dispute.created', 'charge.dispute.updated'],
      apiVersion: null,
    });
    try {
      result = await checks(full);
      const endpoint = named(result.checks, 'webhook endpoint');
      expect(endpoint?.status).toBe('fail');
      expect(endpoint?.detail).toContain('charge.dispute.closed');
      expect(endpoint?.detail).toContain('charge.dispute.funds_reinstated');
      expect(endpoint?.detail).toContain('radar.early_fraud_warning.created');
      expect(endpoint?.detail).not.toContain('charge.dispute.created');

      const elsewhere = await doctor(full, ['--json', '--url', 'https://other.example.com']);
      const other = JSON.parse(elsewhere.stdout) as { checks: Check[] };
      expect(named(other.checks, 'webhook endpoint')?.detail).toContain(
        'no endpoint sends to https://other.example.com/stripe/webhook',
      );
    } finally {
      stripe.setWebhook({ url: `${PUBLIC_URL}/stripe/webhook`, secret: 'whsec_doctor' });
    }
  });

  it('finds the bot not invited to the channel, a missing scope, an unknown approver group', async () => {
    let result = await checks({ ...goodEnv(), SLACK_CHANNEL_ID: 'C0UNINVITE' });
    expect(named(result.checks, 'channel')).toMatchObject({
      status: 'fail',
      fix: 'type /invite @rebut in that channel',
    });
    result = await checks({ ...goodEnv(), REBUT_DIGEST_CHANNEL: 'C0UNINVITE' });
    expect(named(result.checks, 'channel')?.status).toBe('ok');
    expect(named(result.checks, 'digest channel')).toMatchObject({
      status: 'fail',
      detail: "rebut's bot is not in C0UNINVITE",
    });

    result = await checks({ ...goodEnv(), SLACK_APPROVERS: 'S0NOBODY01' });
    expect(named(result.checks, 'approver S0NOBODY01')?.status).toBe('fail');
    expect(result.code).toBe(1);

    const narrow = await startSlackSandbox({
      scopes: ['commands', 'chat:write', 'chat:write.public', 'channels:history'],
    });
    try {
      result = await checks({
        ...goodEnv(),
        SLACK_API_URL: narrow.apiUrl,
        SLACK_BOT_TOKEN: narrow.botToken,
        SLACK_APPROVERS: 'U0ALICE001',
      });
      expect(named(result.checks, 'scopes')).toMatchObject({ status: 'fail', detail: 'missing files:write' });
    } finally {
      await narrow.close();
    }
  });

  it('a refused Slack token, an unknown model and an unreachable business database each name their setting', async () => {
    const result = await checks({
      ...goodEnv(),
      SLACK_BOT_TOKEN: 'xoxb-not-this-one',
      OPENAI_MODEL: 'gpt-nonexistent',
      APP_DATABASE_URL: 'postgres://rebut@127.0.0.1:1/business',
    });
    expect(named(result.checks, 'bot token')).toMatchObject({ status: 'fail' });
    expect(named(result.checks, 'bot token')?.detail).toContain('invalid_auth');
    expect(named(result.checks, 'model')).toMatchObject({ status: 'fail', fix: 'OPENAI_MODEL' });
    expect(named(result.checks, 'business database')).toMatchObject({ status: 'fail', fix: 'APP_DATABASE_URL' });
  });

  it('a role that may write to the business database is a warning; a query the schema cannot run fails', async () => {
    const broken = join(dir, 'broken.yml');
    await writeFile(broken, evidenceFile('SELECT id, nickname FROM roomcraft.users WHERE email = $email'));
    const result = await checks({ ...goodEnv(), APP_DATABASE_URL: business.url, EVIDENCE_CONFIG: broken });
    expect(named(result.checks, 'business database')?.status).toBe('warn');
    expect(named(result.checks, 'business database')?.detail).toMatch(/the role can change \d+ tables/);
    expect(named(result.checks, 'query account')?.status).toBe('fail');
    expect(named(result.checks, 'query account')?.detail).toContain('nickname');
  });

  it('checks a query as one statement: one that ends its transaction and writes fails, and writes nothing', async () => {
    const escaping = join(dir, 'escaping.yml');
    await writeFile(
      escaping,
      evidenceFile('SELECT 1 AS account_id; COMMIT; CREATE TABLE roomcraft.doctor_escaped (x int); SELECT 1'),
    );
    const result = await checks({ ...goodEnv(), APP_DATABASE_URL: business.url, EVIDENCE_CONFIG: escaping });
    expect(named(result.checks, 'query account')).toMatchObject({ status: 'fail' });
    expect(named(result.checks, 'query account')?.detail).toContain('cannot insert multiple commands');
    const made = await business.pool.query(`SELECT to_regclass('roomcraft.doctor_escaped') IS NOT NULL AS made`);
    expect(made.rows[0]).toEqual({ made: false });
  });

  it('an evidence file with SQL queries and no APP_DATABASE_URL fails; a malformed setting does not stop the other checks', async () => {
    const env = goodEnv();
    delete (env as Partial<typeof env>).APP_DATABASE_URL;
    const result = await checks({ ...env, SLACK_CHANNEL_ID: '#disputes' });
    const source = result.checks.find((check) => check.name === 'evidence source');
    expect(source?.detail).toContain('APP_DATABASE_URL is not set');
    expect(named(result.checks, 'SLACK_CHANNEL_ID')).toMatchObject({ area: 'settings', status: 'fail' });
    expect(named(result.checks, 'Charges: Read')?.status).toBe('ok');
  });

  it('prints one line per check and a verdict in a terminal; --help runs nothing', async () => {
    const text = await doctor({ ...goodEnv(), SLACK_CHANNEL_ID: 'C0UNINVITE' }, ['--url', PUBLIC_URL]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("✗ channel: rebut's bot is not in C0UNINVITE");
    expect(text.stdout).toContain('      fix: type /invite @rebut in that channel');
    expect(text.stdout).toMatch(/1 problem to fix/);

    const before = stripe.requests.length;
    const help = await doctor(goodEnv(), ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^rebut doctor/);
    expect(stripe.requests.length).toBe(before);
  });

  it('with a products file, checks each product: its key and permissions, its endpoint, its channel, its evidence', async () => {
    stripe.restrictKey(
      'rk_test_doctorPhotos',
      EVERY_PERMISSION.filter((name) => name !== 'charge_read'),
    );
    const file = join(dir, 'rebut.products.yml');
    await writeFile(
      file,
      `products:
  - id: interior
    name: Roomcraft
    stripe: { secret_key_env: INTERIOR_KEY, webhook_secret_envs: [INTERIOR_WEBHOOK] }
    evidence: evidence.yml
    app_database_url_env: INTERIOR_APP_DATABASE_URL
    slack: { channel: C0DISPUTES }
  - id: photos
    name: Snapwise
    stripe: { secret_key_env: PHOTOS_KEY, webhook_secret_envs: [PHOTOS_WEBHOOK] }
    slack: { channel: C0UNINVITE }
`,
    );
    const {
      STRIPE_SECRET_KEY: _key,
      STRIPE_WEBHOOK_SECRET: _secret,
      SLACK_CHANNEL_ID: _channel,
      ...shared
    } = goodEnv();
    const result = await checks({
      ...shared,
      PRODUCTS_CONFIG: file,
      INTERIOR_KEY: RESTRICTED,
      INTERIOR_WEBHOOK: 'whsec_interior',
      INTERIOR_APP_DATABASE_URL: readOnlyUrl,
      PHOTOS_KEY: 'rk_test_doctorPhotos',
      PHOTOS_WEBHOOK: 'whsec_photos',
    });
    expect(result.code).toBe(1);
    expect(failures(result.checks).map((check) => check.name)).toEqual(['photos: channel', 'photos: Charges: Read']);
    expect(named(result.checks, 'interior: Charges: Read')?.status).toBe('ok');
    expect(named(result.checks, 'interior: query account')?.status).toBe('ok');
    expect(named(result.checks, 'products file')?.detail).toContain('interior, photos');

    const broken = await checks({ ...shared, PRODUCTS_CONFIG: file, INTERIOR_KEY: RESTRICTED });
    expect(failures(broken.checks).map((check) => check.detail)).toEqual(
      expect.arrayContaining([expect.stringContaining('PHOTOS_KEY is not set')]),
    );
  });
});
