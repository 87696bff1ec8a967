import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCustomerFor, seedBusiness } from '../../sandbox/business/index.js';
import { type DisputeScenario, type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import type { EvidenceTrial } from '../../src/evidence/try.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { rebut } from '../support/process.js';

// `rebut evidence try` against the Stripe stand-in and Roomcraft's database, as a new user runs it before any dispute.

let business: TestDatabase;
let stripe: StripeSandbox;
let work: string;
let known: DisputeScenario;
let env: Record<string, string>;

beforeAll(async () => {
  business = await freshDatabase();
  stripe = await startStripeSandbox();
  work = await mkdtemp(join(tmpdir(), 'rebut-evidence-try-'));
  const imagesDir = join(work, 'images');
  const example = await readFile(new URL('../../rebut.evidence.example.yml', import.meta.url), 'utf8');
  const evidencePath = join(work, 'rebut.evidence.yml');
  await writeFile(evidencePath, example.replace('./.rebut/roomcraft/images', imagesDir));
  known = stripe.createDispute({
    reason: 'general',
    brand: 'visa',
    customer: { email: 'mara.lindqvist@example.com', name: 'Mara Lindqvist' },
    priorCharges: [{ daysAgo: 62 }, { daysAgo: 31 }],
    subscription: true,
    silent: true,
  });
  await seedBusiness(business.pool, { customers: [sampleCustomerFor(known)], imagesDir });
  env = {
    STRIPE_SECRET_KEY: 'sk_test_sandbox',
    STRIPE_API_URL: stripe.url,
    EVIDENCE_CONFIG: evidencePath,
    APP_DATABASE_URL: business.url,
  };
});
afterAll(async () => {
  await stripe?.close();
  await business?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('rebut evidence try', () => {
  it('a known customer: the facts from Stripe, the evidence file and the database, the images and both checklists', async () => {
    const result = await rebut(['evidence', 'try', '--customer', known.customer.id], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain(
      `what rebut would gather for ${known.customer.id} (Mara Lindqvist, mara.lindqvist@example.com)`,
    );
    expect(out).toContain(`As if charge ${known.charge.id} ($49.00`);
    expect(out).toMatch(/^ {2}stripe {2}ok — \d+ facts/m);
    expect(out).toMatch(/^ {2}sql {5}ok — \d+ facts, \d+ files/m);
    expect(out).toMatch(/^ {2}config {2}ok/m);
    // Facts from each source, worded as the drafter sees them.
    expect(out).toContain(`Charge ${known.charge.id} of 49.00 USD succeeded`);
    expect(out).toContain('The customer made 2 earlier payments');
    expect(out).toMatch(/sql +.*login/);
    expect(out).toContain('Refund policy');
    // What answered with nothing is named: no refunds on Stripe, no support messages in the database.
    expect(out).toMatch(/nothing from: .*refunds/);
    expect(out).toContain('communications (no rows)');
    // The designs' images were read from the images folder, as the packet would read them.
    expect(out).toMatch(/Images of what was delivered \((\d+) of \1 read\)/);
    expect(out).toContain('If the dispute were "Fraudulent" (fraudulent)');
    expect(out).toContain('If the dispute were "Product not received" (product_not_received)');
    expect(out).toMatch(/service_documentation: Service documentation.*\d+ images?\)/);
    expect(out).toContain('[x] Logins or use after the payment, with IP addresses and times');
    // The dispute that does not exist is not shown as a fact.
    expect(out).not.toContain('no dispute yet');
  }, 60_000);

  it('--email finds the customer; --reason picks the checklist; --json is the same as data', async () => {
    const result = await rebut(
      ['evidence', 'try', '--email', 'mara.lindqvist@example.com', '--reason', 'subscription_canceled', '--json'],
      env,
    );
    expect(result.code).toBe(0);
    const trial = JSON.parse(result.stdout) as EvidenceTrial;
    expect(trial.customer?.id).toBe(known.customer.id);
    expect(trial.charge.id).toBe(known.charge.id);
    expect(trial.playbooks.map((playbook) => playbook.reason)).toEqual(['subscription_canceled']);
    expect(trial.playbooks[0]?.checklist.length).toBeGreaterThan(0);
    expect(trial.sources.map((source) => source.source)).toEqual(['stripe', 'config', 'sql']);
    expect(trial.sources.every((source) => source.problem === undefined)).toBe(true);
    expect(trial.facts.some((fact) => fact.source === 'sql' && fact.kind === 'activity')).toBe(true);
    expect(trial.images.length).toBeGreaterThan(0);
    expect(trial.images.every((image) => image.status === 'read')).toBe(true);
  }, 60_000);

  it("--account: a connected account's customer, every Stripe call on that account; without it, not found", async () => {
    const connected = stripe.createDispute({
      reason: 'general',
      account: 'acct_1TryConnected0001',
      customer: { email: 'oskar.berg@example.com', name: 'Oskar Berg' },
      silent: true,
    });
    const before = stripe.requests.length;
    const result = await rebut(
      ['evidence', 'try', '--customer', connected.customer.id, '--account', 'acct_1TryConnected0001', '--json'],
      env,
    );
    expect(result.code).toBe(0);
    const trial = JSON.parse(result.stdout) as EvidenceTrial;
    expect(trial.charge.id).toBe(connected.charge.id);
    const made = stripe.requests.slice(before);
    expect(made.length).toBeGreaterThan(2);
    expect(made.every((request) => request.account === 'acct_1TryConnected0001')).toBe(true);

    const platform = await rebut(['evidence', 'try', '--customer', connected.customer.id], env);
    expect(platform.code).toBe(1);
    expect(platform.stderr).toContain(`Stripe has no customer ${connected.customer.id}`);
    const wrong = await rebut(['evidence', 'try', '--customer', 'cus_x', '--account', 'cus_notAnAccount'], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--account expects a connected account's acct_… id");
  }, 60_000);

  it('with a products file: --product picks its key and evidence file; none named among several is a usage error', async () => {
    const file = join(work, 'rebut.products.yml');
    await writeFile(
      file,
      `products:
  - id: interior
    name: Roomcraft
    stripe: { secret_key_env: INTERIOR_KEY, webhook_secret_envs: [INTERIOR_WEBHOOK] }
    evidence: ${env.EVIDENCE_CONFIG}
    app_database_url_env: INTERIOR_DB
    slack: { channel: C0INTERIOR }
  - id: photos
    name: Snapwise
    stripe: { secret_key_env: PHOTOS_KEY, webhook_secret_envs: [PHOTOS_WEBHOOK] }
    slack: { channel: C0PHOTOS }
`,
    );
    const products = {
      STRIPE_API_URL: stripe.url,
      PRODUCTS_CONFIG: file,
      INTERIOR_KEY: 'sk_test_tryInterior',
      INTERIOR_WEBHOOK: 'whsec_try_interior',
      INTERIOR_DB: business.url,
      PHOTOS_KEY: 'sk_test_tryPhotos',
      PHOTOS_WEBHOOK: 'whsec_try_photos',
    };
    const unnamed = await rebut(['evidence', 'try', '--charge', known.charge.id], products);
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toContain('--product interior, photos');
    const before = stripe.requests.length;
    const result = await rebut(
      ['evidence', 'try', '--charge', known.charge.id, '--product', 'interior', '--json'],
      products,
    );
    expect(result.code).toBe(0);
    const trial = JSON.parse(result.stdout) as EvidenceTrial;
    expect(trial.sources.map((source) => source.source)).toEqual(['stripe', 'config', 'sql']);
    expect(stripe.requests.slice(before).every((request) => request.key === 'sk_test_tryInterior')).toBe(true);
    const unknown = await rebut(['evidence', 'try', '--charge', known.charge.id, '--product', 'shoes'], products);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('there is no product "shoes"');
  }, 60_000);

  it('an unknown customer is said plainly, exit code 1', async () => {
    const result = await rebut(['evidence', 'try', '--customer', 'cus_nobodyHere'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Stripe has no customer cus_nobodyHere');
    expect(result.stderr).toContain('STRIPE_SECRET_KEY');
    expect(result.stdout).toBe('');
    const email = await rebut(['evidence', 'try', '--email', 'nobody@example.com'], env);
    expect(email.code).toBe(1);
    expect(email.stderr).toContain('No Stripe customer has the email nobody@example.com');
  }, 60_000);

  it('a database nobody answers at is listed as failed, with the error and the setting; the other sources still show', async () => {
    const result = await rebut(['evidence', 'try', '--charge', known.charge.id], {
      ...env,
      APP_DATABASE_URL: 'postgres://roomcraft@127.0.0.1:1/roomcraft',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}sql {5}FAILED — 0 facts/m);
    expect(result.stdout).toMatch(/error: .*ECONNREFUSED.*\(check APP_DATABASE_URL/);
    expect(result.stdout).toMatch(/^ {2}stripe {2}ok/m);
    expect(result.stdout).toContain(`Charge ${known.charge.id} of 49.00 USD succeeded`);
    expect(result.stdout).toContain('Images of what was delivered: none found.');
  }, 60_000);

  it('a wrong flag or a missing key is a usage error naming what to fix, before anything runs', async () => {
    const both = await rebut(['evidence', 'try', '--customer', 'cus_1', '--charge', 'ch_1'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give one of --customer, --email and --charge');
    const reason = await rebut(['evidence', 'try', '--customer', 'cus_1', '--reason', 'stolen'], env);
    expect(reason.code).toBe(2);
    expect(reason.stderr).toContain('--reason expects one of');
    const noKey = await rebut(['evidence', 'try', '--customer', known.customer.id], { ...env, STRIPE_SECRET_KEY: '' });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('STRIPE_SECRET_KEY: missing');
    const badFile = await rebut(['evidence', 'try', '--customer', known.customer.id], {
      ...env,
      EVIDENCE_CONFIG: join(work, 'missing.yml'),
    });
    expect(badFile.code).toBe(1);
    expect(badFile.stderr).toContain('missing.yml is not valid');
    expect(badFile.stderr).toContain('Check EVIDENCE_CONFIG');
    const nowhere = await rebut(['evidence', 'try', '--customer', known.customer.id], {
      ...env,
      STRIPE_API_URL: 'http://127.0.0.1:1',
    });
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('cannot reach Stripe at http://127.0.0.1:1');
    expect(nowhere.stderr).toContain('Check STRIPE_API_URL');
    // `cus_1` itself: the known customer's random id may start with it too.
    expect(stripe.requests.filter((request) => request.path === '/v1/customers/cus_1')).toEqual([]);
  }, 60_000);

  it('--help says what it does and runs nothing', async () => {
    const before = stripe.requests.length;
    const result = await rebut(['evidence', 'try', '--customer', known.customer.id, '--help'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^rebut evidence try/);
    expect(stripe.requests.length).toBe(before);
  }, 60_000);
});
