// `rebut doctor`: every setting checked live, each problem with what to change (README → rebut doctor).
import { ConfigError, loadSettings, type Settings } from '../config.js';
import { loadProducts, type Product, productsFile } from '../products/config.js';
import { FileProblems } from '../yaml-file.js';
import { type Check, fail, ok } from './checks.js';
import { checkAppDatabase, checkEvidenceFile, checkModel, checkRebutDatabase } from './local.js';
import { checkSlack } from './slack.js';
import { checkStripe } from './stripe.js';

/**
 * The settings as `rebut serve` would read them, and a failed check for each problem. A setting with a problem is
 * left out (as if unset), so the checks of every other setting still run.
 */
function settingsOf(env: NodeJS.ProcessEnv): { settings: Settings; checks: Check[] } {
  try {
    return {
      settings: loadSettings(env, 'serve'),
      checks: [
        {
          area: 'settings',
          name: 'settings',
          status: 'ok',
          detail: 'every setting rebut serve needs is set and well-formed',
        },
      ],
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const checks: Check[] = error.problems.map((problem) => {
      const [name = 'settings', ...rest] = problem.split(': ');
      return { area: 'settings', name, status: 'fail', detail: rest.join(': '), fix: name };
    });
    const usable = { ...env };
    for (const check of checks) delete usable[check.name];
    return { settings: loadSettings(usable), checks };
  }
}

/** The products file's products, or its problems as failed checks; undefined without a products file. */
function productsOf(settings: Settings, env: NodeJS.ProcessEnv, checks: Check[]): Product[] | undefined {
  const file = productsFile(settings);
  if (!file) return undefined;
  try {
    const products = loadProducts(settings, env);
    checks.push(ok('settings', 'products file', `${file}: ${products.map((product) => product.id).join(', ')}`));
    return products;
  } catch (error) {
    if (!(error instanceof FileProblems)) throw error;
    for (const problem of error.problems) {
      const where = `${problem.key}${problem.line ? ` (line ${problem.line})` : ''}`;
      checks.push(
        fail('settings', 'products file', `${where}: ${problem.message}`, `${file}, or the variable it names`),
      );
    }
    return [];
  }
}

/** One product's Stripe key, webhook endpoint, evidence file and business database, named by the product. */
async function productChecks(product: Product, settings: Settings, env: NodeJS.ProcessEnv, publicUrl?: string) {
  const evidence = checkEvidenceFile(
    { EVIDENCE_CONFIG: product.evidenceConfig, APP_DATABASE_URL: product.appDatabaseUrl },
    env,
  );
  const live = await Promise.all([
    checkStripe(
      {
        STRIPE_SECRET_KEY: product.stripeSecretKey,
        STRIPE_API_URL: settings.STRIPE_API_URL,
        EFW_CANCEL_SUBSCRIPTIONS: settings.EFW_CANCEL_SUBSCRIPTIONS,
      },
      { webhookPath: `/stripe/webhook/${product.id}`, ...(publicUrl ? { publicUrl } : {}) },
    ),
    checkAppDatabase(product.appDatabaseUrl, evidence.config),
  ]);
  return [...live.flat(), ...evidence.checks].map((check) => ({ ...check, name: `${product.id}: ${check.name}` }));
}

export async function runDoctor(env: NodeJS.ProcessEnv, options: { publicUrl?: string } = {}): Promise<Check[]> {
  const { settings, checks } = settingsOf(env);
  const products = productsOf(settings, env, checks);
  if (products) {
    const perProduct = await Promise.all(
      products.map((product) => productChecks(product, settings, env, options.publicUrl)),
    );
    const shared = await Promise.all([
      checkSlack(settings, {
        channels: products.flatMap((product) =>
          product.channel ? [{ product: product.id, channel: product.channel }] : [],
        ),
        approvers: [...new Set(products.flatMap((product) => product.approvers))],
      }),
      checkModel(settings).then((check) => [check]),
      checkRebutDatabase(settings).then((check) => [check]),
    ]);
    return [...checks, ...shared.flat(), ...perProduct.flat()];
  }
  const evidence = checkEvidenceFile(settings, env);
  const live = await Promise.all([
    checkStripe(settings, options),
    checkSlack(settings),
    checkModel(settings).then((check) => [check]),
    checkRebutDatabase(settings).then((check) => [check]),
    checkAppDatabase(settings.APP_DATABASE_URL, evidence.config),
  ]);
  // A check that found its setting unset because it was left out for a problem points at that problem instead.
  const leftOut = checks.filter((check) => check.status === 'fail').map((check) => check.name);
  return [...checks, ...live.flat(), ...evidence.checks].map((check) => {
    const name = leftOut.find((setting) => new RegExp(`(^|[^A-Z_])${setting} is not set`).test(check.detail));
    return name && check.area !== 'settings'
      ? {
          area: check.area,
          name: check.name,
          status: 'skip',
          detail: `not checked: ${name} has a problem (see Settings)`,
        }
      : check;
  });
}

const MARK: Record<Check['status'], string> = { ok: '✓', warn: '!', fail: '✗', skip: '·' };
const AREAS: Record<Check['area'], string> = {
  settings: 'Settings',
  stripe: 'Stripe',
  slack: 'Slack',
  model: 'Model',
  database: 'Databases',
  evidence: 'Evidence',
};

/** The checks grouped by area, one line each, what to change under a problem, and a verdict. */
export function formatChecks(checks: Check[]): string {
  const lines: string[] = [];
  for (const area of Object.keys(AREAS) as Check['area'][]) {
    const inArea = checks.filter((check) => check.area === area);
    if (inArea.length === 0) continue;
    lines.push(AREAS[area]);
    for (const check of inArea) {
      lines.push(`  ${MARK[check.status]} ${check.name}: ${check.detail}`);
      if (check.fix && check.status !== 'ok') lines.push(`      fix: ${check.fix}`);
    }
  }
  const failed = checks.filter((check) => check.status === 'fail').length;
  const warned = checks.filter((check) => check.status === 'warn').length;
  lines.push(
    '',
    failed === 0
      ? `Ready${warned ? `, with ${warned} ${warned === 1 ? 'warning' : 'warnings'}` : ''}.`
      : `${failed} ${failed === 1 ? 'problem' : 'problems'} to fix${warned ? `, ${warned} ${warned === 1 ? 'warning' : 'warnings'}` : ''}: change what each ✗ line says, then run rebut doctor again.`,
  );
  return lines.join('\n');
}

/** `--json` and `--url https://…`; anything else is refused. */
function parseArgs(args: string[]): { json: boolean; publicUrl?: string } | undefined {
  const parsed: { json: boolean; publicUrl?: string } = { json: false };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const next = args[index + 1];
    if (arg === '--json') parsed.json = true;
    else if (arg === '--url' && next && URL.canParse(next)) {
      parsed.publicUrl = next;
      index++;
    } else return undefined;
  }
  return parsed;
}

export async function doctorCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (!parsed) {
    console.error(`rebut doctor: expected [--json] [--url https://your.host], got "${args.join(' ')}"`);
    return 2;
  }
  const checks = await runDoctor(process.env, parsed.publicUrl ? { publicUrl: parsed.publicUrl } : {});
  const failed = checks.some((check) => check.status === 'fail');
  if (parsed.json) console.log(JSON.stringify({ ok: !failed, checks }, null, 2));
  else console.log(formatChecks(checks));
  return failed ? 1 : 0;
}
