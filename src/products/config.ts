// The products one rebut serves (README → Several products): each with its own Stripe account, webhook secrets,
// evidence, business database, Slack channel and, optionally, its own approvers and timings. Without a products
// file, the single-product settings make one product, `default`, and everything works as before.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { approverId, channelId, DEFAULT_PRODUCTS_CONFIG, parseDuration, type Settings } from '../config.js';
import { isLanguageSetting, LANGUAGE_EXPECTED, type LanguageSetting } from '../dispute/language.js';
import { DEFAULT_PRODUCT } from '../dispute/products.js';
import { envFileCuts } from '../env-file.js';
import { type FileProblem, FileProblems, readYaml } from '../yaml-file.js';

export { DEFAULT_PRODUCT };

export interface Product {
  /** A lower-case slug: in the webhook's path (`/stripe/webhook/<id>`), in commands, stored on disputes and cases. */
  id: string;
  name: string;
  stripeSecretKey: string;
  /** Every signing secret a webhook of this product may carry: the account endpoint's, the Connect endpoint's, and
   * during a rotation the old and the new. */
  webhookSecrets: string[];
  /** Its evidence file (rebut.evidence.yml format); undefined: EVIDENCE_CONFIG's rules (or none). */
  evidenceConfig: string | undefined;
  appDatabaseUrl: string | undefined;
  channel: string | undefined;
  approvers: string[];
  reviewWindowMs: number;
  submitBufferMs: number;
  unwinnableAction: Settings['UNWINNABLE_ACTION'];
  smartDisputes: Settings['SMART_DISPUTES'];
  /** What goes to the bank is written in this language; `auto`: the card issuer country's (dispute/language.ts). */
  language: LanguageSetting;
}

const envName = z
  .string()
  .regex(
    /^[A-Z_][A-Z0-9_]*$/,
    'expected the name of an environment variable such as INTERIOR_STRIPE_SECRET_KEY (secrets never sit in this file)',
  );

const duration = (example: string) =>
  z.string().refine((text) => (parseDuration(text) ?? 0) > 0, `expected a duration such as ${example}`);

const productSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'expected a lower-case slug such as interior (a-z, 0-9, -)'),
    name: z.string().min(1),
    stripe: z
      .object({
        secret_key_env: envName,
        /** The account endpoint's signing secret, the Connect endpoint's, and during a rotation the old one too. */
        webhook_secret_envs: z.array(envName).min(1),
      })
      .strict(),
    /** Its evidence file, relative to the products file. */
    evidence: z.string().min(1).optional(),
    app_database_url_env: envName.optional(),
    slack: z.object({ channel: channelId, approvers: z.array(approverId).optional() }).strict(),
    review_window: duration('48h').optional(),
    submit_buffer: duration('12h').optional(),
    unwinnable_action: z.enum(['accept', 'hold', 'submit']).optional(),
    smart_disputes: z.enum(['off', 'when_cheaper']).optional(),
    /** Checked below, where the refusal can name the product: a language set wrong sends every rebuttal in another. */
    language: z.string().optional(),
  })
  .strict();

const productsFileSchema = z
  .object({ products: z.array(productSchema).min(1) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.products.forEach((product, index) => {
      if (seen.has(product.id)) {
        ctx.addIssue({ code: 'custom', path: ['products', index, 'id'], message: `a second product ${product.id}` });
      }
      if (product.language !== undefined && !isLanguageSetting(product.language)) {
        ctx.addIssue({
          code: 'custom',
          path: ['products', index, 'language'],
          message: `product ${product.id}: ${LANGUAGE_EXPECTED}, got "${product.language}"`,
        });
      }
      seen.add(product.id);
    });
  });

/** The single product of a set-up without a products file, from the environment settings. */
export function defaultProduct(settings: Settings): Product {
  return {
    id: DEFAULT_PRODUCT,
    name: DEFAULT_PRODUCT,
    stripeSecretKey: settings.STRIPE_SECRET_KEY ?? '',
    webhookSecrets: settings.STRIPE_WEBHOOK_SECRET ? [settings.STRIPE_WEBHOOK_SECRET] : [],
    evidenceConfig: settings.EVIDENCE_CONFIG,
    appDatabaseUrl: settings.APP_DATABASE_URL,
    channel: settings.SLACK_CHANNEL_ID,
    approvers: settings.SLACK_APPROVERS,
    reviewWindowMs: settings.REVIEW_WINDOW,
    submitBufferMs: settings.SUBMIT_BUFFER,
    unwinnableAction: settings.UNWINNABLE_ACTION,
    smartDisputes: settings.SMART_DISPUTES,
    language: settings.REBUT_LANGUAGE,
  };
}

/** The products file the settings name (PRODUCTS_CONFIG, else rebut.products.yml when present), or undefined. */
export function productsFile(settings: Settings): string | undefined {
  if (settings.PRODUCTS_CONFIG) return settings.PRODUCTS_CONFIG;
  return existsSync(DEFAULT_PRODUCTS_CONFIG) ? DEFAULT_PRODUCTS_CONFIG : undefined;
}

/**
 * The products rebut serves: those of the products file, each secret read from the variable it names, or the one
 * product of the environment settings. Every problem (a bad key, a variable not set) names the product, the key and
 * the line, all at once.
 */
export function loadProducts(settings: Settings, env: NodeJS.ProcessEnv): Product[] {
  const file = productsFile(settings);
  if (!file) return [defaultProduct(settings)];
  const { data, lineOf } = readProductsFile(file);
  const baseDir = dirname(resolve(file));
  const problems: FileProblem[] = [];
  const secret = (path: (string | number)[], name: string, pattern: RegExp, expected: string): string => {
    const value = env[name]?.trim();
    // A value .env cut at an unquoted # (src/env-file.ts) may still look right: half a signing secret fails every
    // webhook, so it is named like any other problem.
    const cut = envFileCuts.find((candidate) => candidate.name === name && candidate.read === env[name]);
    const problem = cut
      ? `${name}: line ${cut.line} of .env has a # in its value, where .env starts a comment; put the value in quotes`
      : !value
        ? `${name} is not set`
        : pattern.test(value)
          ? undefined
          : `${name}: ${expected}`;
    if (problem) problems.push({ key: path.join('.'), line: lineOf(path), message: problem });
    return value ?? '';
  };
  const products = data.products.map((product, index): Product => {
    const at = (...path: (string | number)[]) => ['products', index, ...path];
    const appDatabaseEnv = product.app_database_url_env;
    return {
      id: product.id,
      name: product.name,
      stripeSecretKey: secret(
        at('stripe', 'secret_key_env'),
        product.stripe.secret_key_env,
        /^(sk|rk)_(test|live)_\w+$/,
        'expected a key starting sk_test_, sk_live_, rk_test_ or rk_live_',
      ),
      webhookSecrets: product.stripe.webhook_secret_envs.map((name, position) =>
        secret(at('stripe', 'webhook_secret_envs', position), name, /^whsec_/, 'expected a signing secret (whsec_…)'),
      ),
      evidenceConfig:
        product.evidence === undefined
          ? undefined
          : isAbsolute(product.evidence)
            ? product.evidence
            : resolve(baseDir, product.evidence),
      appDatabaseUrl: appDatabaseEnv
        ? secret(at('app_database_url_env'), appDatabaseEnv, /^postgres(ql)?:\/\//, 'expected a postgres:// URL')
        : undefined,
      channel: product.slack.channel,
      approvers: product.slack.approvers ?? settings.SLACK_APPROVERS,
      reviewWindowMs: product.review_window ? (parseDuration(product.review_window) ?? 0) : settings.REVIEW_WINDOW,
      submitBufferMs: product.submit_buffer ? (parseDuration(product.submit_buffer) ?? 0) : settings.SUBMIT_BUFFER,
      unwinnableAction: product.unwinnable_action ?? settings.UNWINNABLE_ACTION,
      smartDisputes: product.smart_disputes ?? settings.SMART_DISPUTES,
      language: isLanguageSetting(product.language) ? product.language : settings.REBUT_LANGUAGE,
    };
  });
  // One signing secret in two products would make an event's product ambiguous on /stripe/webhook.
  const owners = new Map<string, string>();
  products.forEach((product, index) => {
    product.webhookSecrets.forEach((value, position) => {
      const other = value ? owners.get(value) : undefined;
      if (other && other !== product.id) {
        const path = webhookSecretPath(index, position);
        problems.push({
          key: path.join('.'),
          line: lineOf(path),
          message: `the same signing secret as product ${other}: each product's endpoints have their own`,
        });
      }
      if (value) owners.set(value, product.id);
    });
  });
  if (problems.length > 0) throw new FileProblems(file, problems);
  return products;
}

function readProductsFile(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FileProblems(file, [{ key: '', line: null, message: `cannot read: ${(error as Error).message}` }]);
  }
  return readYaml(productsFileSchema, text, file);
}

/**
 * The products file's products by id and display name, without a secret read: for what only names them (`rebut
 * stats` runs where the Stripe keys may not be set). Undefined without a products file.
 */
export function productNames(settings: Settings): Pick<Product, 'id' | 'name'>[] | undefined {
  const file = productsFile(settings);
  if (!file) return undefined;
  return readProductsFile(file).data.products.map(({ id, name }) => ({ id, name }));
}

/** Where a product's webhook secret variable is named in the file. */
function webhookSecretPath(index: number, position: number): (string | number)[] {
  return ['products', index, 'stripe', 'webhook_secret_envs', position];
}
