import { parseArgs } from 'node:util';
import { deliverableFetcher } from '../cases/deliverables.js';
import { loadSettings, type Settings } from '../config.js';
import { formatIsoDate } from '../dates.js';
import { DISPUTE_REASONS, isDisputeReason, reasonInWords } from '../dispute/reasons.js';
import { messageOf } from '../errors.js';
import { formatMoney } from '../money.js';
import { defaultProduct, loadProducts, type Product, productsFile } from '../products/config.js';
import { UsageError, withUsage } from '../stats/cli.js';
import { createStripeClient } from '../stripe/client.js';
import { plural } from '../text.js';
import { EvidenceConfigError } from './config.js';
import { evidenceConfigFor } from './settings.js';
import {
  DEFAULT_TRIAL_REASONS,
  type EvidenceTrial,
  type TrialLookup,
  TrialLookupError,
  type TrialSource,
  tryEvidence,
} from './try.js';

/** `rebut evidence try`: what the evidence sources find for a customer, before any dispute of theirs exists. */

/** The setting that decides whether a source can answer, named beside its failure. */
const SETTING_OF: Record<string, string> = {
  sql: 'APP_DATABASE_URL and sql: in EVIDENCE_CONFIG',
  http: 'http: in EVIDENCE_CONFIG',
  stripe: 'STRIPE_SECRET_KEY',
};

function parseLookup(values: { customer?: string; email?: string; charge?: string }): TrialLookup {
  const given = (['customer', 'email', 'charge'] as const).filter((key) => values[key]?.trim());
  if (given.length !== 1) {
    throw new UsageError(
      given.length === 0
        ? 'say whose evidence to gather: --customer cus_…, --email … or --charge ch_…'
        : `give one of --customer, --email and --charge, not ${given.map((key) => `--${key}`).join(' and ')}`,
    );
  }
  const key = given[0] ?? 'customer';
  const value = values[key]?.trim() ?? '';
  if (key === 'customer' && !value.startsWith('cus_'))
    throw new UsageError(`--customer expects a cus_… id, got "${value}"`);
  if (key === 'charge' && !/^(ch|py)_/.test(value)) throw new UsageError(`--charge expects a ch_… id, got "${value}"`);
  if (key === 'email' && !value.includes('@')) throw new UsageError(`--email expects an email address, got "${value}"`);
  return key === 'customer' ? { customer: value } : key === 'email' ? { email: value } : { charge: value };
}

function parseReasons(given: string[] | undefined): string[] {
  if (!given || given.length === 0) return [...DEFAULT_TRIAL_REASONS];
  const reasons = given.flatMap((text) => text.split(',')).map((text) => text.trim());
  for (const reason of reasons) {
    if (!isDisputeReason(reason))
      throw new UsageError(`--reason expects one of ${DISPUTE_REASONS.join(', ')}, got "${reason}"`);
  }
  return [...new Set(reasons)];
}

/** Stripe's own errors, said with the setting to check. */
function stripeProblem(error: unknown, settings: Settings): string | null {
  const type = (error as { type?: string } | null)?.type;
  if (type === 'StripeAuthenticationError' || type === 'StripePermissionError')
    return `Stripe refused the key: ${messageOf(error)} Check STRIPE_SECRET_KEY.`;
  if (type === 'StripeConnectionError')
    return `cannot reach Stripe at ${settings.STRIPE_API_URL ?? 'api.stripe.com'}: ${messageOf(error)} Check STRIPE_API_URL and the network.`;
  return null;
}

/**
 * `rebut evidence try --customer cus_… | --email … | --charge ch_… [--reason R]… [--product P] [--account acct_…]
 * [--json]`; exit 1 when nothing is found.
 */
export function evidenceCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return withUsage(async () => {
    const [sub, ...rest] = args;
    if (sub !== 'try') throw new UsageError(`rebut evidence has one command, try (got "${sub ?? ''}")`);
    return trial(rest, env);
  });
}

async function trial(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      customer: { type: 'string' },
      email: { type: 'string' },
      charge: { type: 'string' },
      reason: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      product: { type: 'string' },
      account: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  const lookup = parseLookup(values);
  const reasons = parseReasons(values.reason);
  const account = values.account?.trim();
  if (account !== undefined && !/^acct_\w+$/.test(account))
    throw new UsageError(`--account expects a connected account's acct_… id, got "${account}"`);
  // With a products file (as `rebut sync` reads it) the product's key, evidence file and database; else the settings'.
  const settings = loadSettings(env, 'sync');
  const product = trialProduct(settings, env, values.product);
  const secretKey = product.stripeSecretKey;
  if (!secretKey) throw new UsageError('STRIPE_SECRET_KEY is required');
  // An invalid evidence file is named with each problem and the setting that points at it; none at all is a warning.
  let evidence: ReturnType<typeof evidenceConfigFor>;
  try {
    evidence = evidenceConfigFor(product.evidenceConfig);
  } catch (error) {
    if (!(error instanceof EvidenceConfigError)) throw error;
    console.error(
      `rebut: ${error.message}\nCheck EVIDENCE_CONFIG${settings.EVIDENCE_CONFIG ? '' : ' (unset: rebut.evidence.yml in this folder was read)'}.`,
    );
    return 1;
  }
  if (evidence.warning) console.error(`rebut: warning: ${evidence.warning}`);

  let result: EvidenceTrial;
  try {
    result = await tryEvidence(
      {
        // One attempt per call: a person is waiting, and a failed part is shown, not retried.
        stripe: createStripeClient(secretKey, settings.STRIPE_API_URL, { maxNetworkRetries: 0 }),
        ...(account ? { account } : {}),
        config: evidence.config,
        appDatabaseUrl: product.appDatabaseUrl,
        env,
        fetchDeliverables: deliverableFetcher(evidence.config),
      },
      lookup,
      reasons,
    );
  } catch (error) {
    const problem = error instanceof TrialLookupError ? error.message : stripeProblem(error, settings);
    if (!problem) throw error;
    console.error(`rebut: ${problem}`);
    return 1;
  }
  process.stdout.write(
    values.json ? `${JSON.stringify(result, null, 2)}\n` : formatTrial(result, evidence.config.path),
  );
  return 0;
}

/** The product whose evidence is tried: the one named, the only one, or the settings' single product. */
function trialProduct(settings: Settings, env: NodeJS.ProcessEnv, named: string | undefined): Product {
  const byFile = productsFile(settings) !== undefined;
  if (!byFile) {
    if (named !== undefined) throw new UsageError('--product needs a products file (PRODUCTS_CONFIG)');
    return defaultProduct(settings);
  }
  const products = loadProducts(settings, env);
  const ids = products.map((candidate) => candidate.id).join(', ');
  if (named === undefined) {
    const [only] = products;
    if (products.length === 1 && only) return only;
    throw new UsageError(`say whose evidence file to try: --product ${ids}`);
  }
  const product = products.find((candidate) => candidate.id === named);
  if (!product) throw new UsageError(`there is no product "${named}": the products are ${ids}`);
  return product;
}

function indent(lines: string[], prefix = '  '): string {
  return lines.map((line) => `${prefix}${line}`).join('\n');
}

function sourceLines(source: TrialSource): string[] {
  const found = `${plural(source.facts, 'fact')}${source.files > 0 ? `, ${plural(source.files, 'file')}` : ''}`;
  const lines = [
    `${source.source.padEnd(7)} ${source.problem ? (source.facts > 0 ? 'partly failed' : 'FAILED') : 'ok'} — ${found}`,
  ];
  if (source.problem) {
    const setting = SETTING_OF[source.source];
    lines.push(`          error: ${source.problem}${setting && source.facts === 0 ? ` (check ${setting})` : ''}`);
  }
  if (source.empty.length > 0) lines.push(`          nothing from: ${source.empty.join(', ')}`);
  return lines;
}

/** The trial as a person reads it in a terminal: who, the sources, the facts, the files, each reason's checklist. */
export function formatTrial(trial: EvidenceTrial, evidenceFile: string | undefined): string {
  const { charge, customer } = trial;
  const who = customer
    ? `${customer.id}${customer.name ? ` (${customer.name}${customer.email ? `, ${customer.email}` : ''})` : customer.email ? ` (${customer.email})` : ''}`
    : 'a charge without a Stripe customer';
  const sections = [
    `rebut evidence try — what rebut would gather for ${who}`,
    [
      `As if charge ${charge.id} (${formatMoney(charge.amount, charge.currency)} on ${formatIsoDate(charge.created)}${charge.description ? `, "${charge.description}"` : ''}) were disputed today.`,
      ...trial.notes.map((note) => `Charge chosen: ${note}.`),
      `Evidence file: ${evidenceFile ?? '(none: built-in defaults)'}. Nothing was written to Stripe or to rebut's database.`,
    ].join('\n'),
    `Sources\n${indent(trial.sources.flatMap(sourceLines))}`,
    `Facts (${trial.facts.length})\n${indent(
      trial.facts.map((fact) => `${fact.source.padEnd(6)} ${fact.text}${fact.untrusted ? '  [customer text]' : ''}`),
    )}`,
    imagesText(trial),
    ...trial.playbooks.map(
      (playbook) =>
        `If the dispute were "${reasonInWords(playbook.reason)}" (${playbook.reason})\n${indent([
          `Argument: ${playbook.strategyText}`,
          'Files it would attach:',
          ...(playbook.files.length > 0
            ? playbook.files.map(
                (file) =>
                  `  ${file.field}: ${file.title} (${plural(file.facts, 'fact')}${file.images > 0 ? `, ${plural(file.images, 'image')}` : ''})`,
              )
            : ['  none: no facts for any file this playbook asks for']),
          'Checklist, strongest first:',
          ...playbook.checklist.map(
            (item) =>
              `  ${item.found ? '[x]' : '[ ]'} ${item.item}${item.core && !item.found ? '  (the case stands on this)' : ''}`,
          ),
        ])}`,
    ),
  ];
  return `${sections.filter(Boolean).join('\n\n')}\n`;
}

function imagesText(trial: EvidenceTrial): string {
  if (trial.images.length === 0) return 'Images of what was delivered: none found.';
  const read = trial.images.filter((image) => image.status === 'read').length;
  return `Images of what was delivered (${read} of ${trial.images.length} read)\n${indent([
    ...trial.images.map(
      (image) =>
        `${image.status === 'read' ? 'read      ' : image.status.padEnd(10)} ${image.at ? `${formatIsoDate(image.at)} ` : ''}${image.title}`,
    ),
    ...trial.imageProblems.map((problem) => `error: ${problem}`),
  ])}`;
}
