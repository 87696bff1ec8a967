import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config.js';
import { DEFAULT_PRODUCT, loadProducts } from '../../src/products/config.js';
import { FileProblems } from '../../src/yaml-file.js';

const TWO_PRODUCTS = `products:
  - id: interior
    name: Roomcraft
    stripe:
      secret_key_env: INTERIOR_STRIPE_KEY
      webhook_secret_envs: [INTERIOR_WEBHOOK_SECRET, INTERIOR_CONNECT_WEBHOOK_SECRET]
    evidence: interior.evidence.yml
    app_database_url_env: INTERIOR_APP_DATABASE_URL
    slack: { channel: C0INTERIOR }
  - id: photos
    name: Snapwise
    stripe:
      secret_key_env: PHOTOS_STRIPE_KEY
      webhook_secret_envs: [PHOTOS_WEBHOOK_SECRET]
    slack: { channel: C0PHOTOS01, approvers: [U0BOB00001] }
    review_window: 24h
    unwinnable_action: hold
`;

const SECRETS = {
  INTERIOR_STRIPE_KEY: 'sk_test_interior',
  INTERIOR_WEBHOOK_SECRET: 'whsec_interior',
  INTERIOR_CONNECT_WEBHOOK_SECRET: 'whsec_interior_connect',
  INTERIOR_APP_DATABASE_URL: 'postgres://reader@db/interior',
  PHOTOS_STRIPE_KEY: 'rk_live_photos',
  PHOTOS_WEBHOOK_SECRET: 'whsec_photos',
};

async function productsFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rebut-products-'));
  const file = join(dir, 'rebut.products.yml');
  await writeFile(file, text);
  return file;
}

function problemsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof FileProblems) return error.problems;
    throw error;
  }
  throw new Error('expected the products file to be refused');
}

describe('the products file', () => {
  it('reads each product with its secrets from the variables it names, and the defaults for what it leaves out', async () => {
    const file = await productsFile(TWO_PRODUCTS);
    const settings = loadSettings({ PRODUCTS_CONFIG: file, SLACK_APPROVERS: 'U0ALICE001', REVIEW_WINDOW: '48h' });
    const [interior, photos] = loadProducts(settings, SECRETS);
    expect(interior).toMatchObject({
      id: 'interior',
      stripeSecretKey: 'sk_test_interior',
      webhookSecrets: ['whsec_interior', 'whsec_interior_connect'],
      evidenceConfig: join(file, '..', 'interior.evidence.yml'),
      appDatabaseUrl: 'postgres://reader@db/interior',
      channel: 'C0INTERIOR',
      approvers: ['U0ALICE001'],
      reviewWindowMs: 48 * 3_600_000,
      unwinnableAction: 'accept',
    });
    expect(photos).toMatchObject({
      approvers: ['U0BOB00001'],
      reviewWindowMs: 24 * 3_600_000,
      unwinnableAction: 'hold',
    });
  });

  it("reads each product's language, REBUT_LANGUAGE for a product that sets none, and English by default", async () => {
    const file = await productsFile(
      TWO_PRODUCTS.replace('    unwinnable_action: hold', '    unwinnable_action: hold\n    language: auto'),
    );
    const [interior, photos] = loadProducts(loadSettings({ PRODUCTS_CONFIG: file }), SECRETS);
    expect([interior?.language, photos?.language]).toEqual(['en', 'auto']);
    const withDefault = loadProducts(loadSettings({ PRODUCTS_CONFIG: file, REBUT_LANGUAGE: 'de' }), SECRETS);
    expect(withDefault.map((product) => product.language)).toEqual(['de', 'auto']);
  });

  it('refuses a language it does not write, naming the product, the key and the line', async () => {
    const file = await productsFile(
      TWO_PRODUCTS.replace('    unwinnable_action: hold', '    unwinnable_action: hold\n    language: pt'),
    );
    expect(problemsOf(() => loadProducts(loadSettings({ PRODUCTS_CONFIG: file }), SECRETS))).toEqual([
      {
        key: 'products.1.language',
        line: 18,
        message: `product photos: expected en, fr, de, es, or auto (the language of the card issuer's country), got "pt"`,
      },
    ]);
  });

  it('names the product key and line of every problem at once: a variable not set, a malformed one, a bad id', async () => {
    const file = await productsFile(TWO_PRODUCTS.replace('id: photos', 'id: Photos App'));
    const settings = loadSettings({ PRODUCTS_CONFIG: file });
    expect(problemsOf(() => loadProducts(settings, SECRETS))).toEqual([
      { key: 'products.1.id', line: 10, message: 'expected a lower-case slug such as interior (a-z, 0-9, -)' },
    ]);
    const good = await productsFile(TWO_PRODUCTS);
    const { PHOTOS_WEBHOOK_SECRET: _, ...missing } = SECRETS;
    expect(
      problemsOf(() =>
        loadProducts(loadSettings({ PRODUCTS_CONFIG: good }), { ...missing, INTERIOR_STRIPE_KEY: 'pk_test_oops' }),
      ),
    ).toEqual([
      {
        key: 'products.0.stripe.secret_key_env',
        line: 5,
        message: 'INTERIOR_STRIPE_KEY: expected a key starting sk_test_, sk_live_, rk_test_ or rk_live_',
      },
      { key: 'products.1.stripe.webhook_secret_envs.0', line: 14, message: 'PHOTOS_WEBHOOK_SECRET is not set' },
    ]);
  });

  it('refuses a secret in the file, two products with one id, and one signing secret shared by two products', async () => {
    const inline = await productsFile(
      TWO_PRODUCTS.replace('secret_key_env: PHOTOS_STRIPE_KEY', 'secret_key_env: sk_test_x'),
    );
    expect(problemsOf(() => loadProducts(loadSettings({ PRODUCTS_CONFIG: inline }), SECRETS))[0]?.message).toContain(
      'secrets never sit in this file',
    );
    const twice = await productsFile(TWO_PRODUCTS.replace('id: photos', 'id: interior'));
    expect(problemsOf(() => loadProducts(loadSettings({ PRODUCTS_CONFIG: twice }), SECRETS))).toEqual([
      { key: 'products.1.id', line: 10, message: 'a second product interior' },
    ]);
    const file = await productsFile(TWO_PRODUCTS);
    const shared = problemsOf(() =>
      loadProducts(loadSettings({ PRODUCTS_CONFIG: file }), { ...SECRETS, PHOTOS_WEBHOOK_SECRET: 'whsec_interior' }),
    );
    expect(shared).toEqual([
      {
        key: 'products.1.stripe.webhook_secret_envs.0',
        line: 14,
        message: "the same signing secret as product interior: each product's endpoints have their own",
      },
    ]);
  });

  it('without a products file, the environment settings make the one product they always made', () => {
    const settings = loadSettings({
      STRIPE_SECRET_KEY: 'sk_test_one',
      STRIPE_WEBHOOK_SECRET: 'whsec_one',
      SLACK_CHANNEL_ID: 'C0DISPUTES',
    });
    expect(loadProducts(settings, {})).toEqual([
      expect.objectContaining({
        id: DEFAULT_PRODUCT,
        stripeSecretKey: 'sk_test_one',
        webhookSecrets: ['whsec_one'],
        channel: 'C0DISPUTES',
      }),
    ]);
  });

  it('serving with a products file needs no single-product Stripe or channel settings', async () => {
    const file = await productsFile(TWO_PRODUCTS);
    expect(() =>
      loadSettings({ PRODUCTS_CONFIG: file, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, 'serve'),
    ).not.toThrow();
    expect(() => loadSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, 'serve')).toThrow(
      /STRIPE_SECRET_KEY: missing/,
    );
  });

  it('rebut.products.example.yml is a valid products file', () => {
    const example = new URL('../../rebut.products.example.yml', import.meta.url).pathname;
    const env = {
      INTERIOR_STRIPE_SECRET_KEY: 'sk_test_1',
      INTERIOR_STRIPE_WEBHOOK_SECRET: 'whsec_1',
      INTERIOR_STRIPE_CONNECT_WEBHOOK_SECRET: 'whsec_2',
      INTERIOR_APP_DATABASE_URL: 'postgres://reader@db/interior',
      PHOTOS_STRIPE_SECRET_KEY: 'sk_test_2',
      PHOTOS_STRIPE_WEBHOOK_SECRET: 'whsec_3',
      PHOTOS_APP_DATABASE_URL: 'postgres://reader@db/photos',
    };
    const products = loadProducts(loadSettings({ PRODUCTS_CONFIG: example }), env);
    expect(products.map((product) => product.id)).toEqual(['interior', 'photos']);
  });
});
