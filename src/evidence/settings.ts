import { existsSync, statSync } from 'node:fs';
import { type EvidenceConfig, loadEvidenceConfig, parseEvidenceConfig } from './config.js';

export const DEFAULT_EVIDENCE_CONFIG = 'rebut.evidence.yml';

/**
 * The business's evidence configuration: `EVIDENCE_CONFIG`, else `rebut.evidence.yml` when present.
 * Without either rebut still answers disputes from Stripe's own records, and says so at start.
 */
export function evidenceConfigFor(path: string | undefined): { config: EvidenceConfig; warning?: string } {
  if (path) return { config: loadEvidenceConfig(path) };
  if (existsSync(DEFAULT_EVIDENCE_CONFIG)) return { config: loadEvidenceConfig(DEFAULT_EVIDENCE_CONFIG) };
  return {
    config: parseEvidenceConfig(
      [
        'business:',
        '  name: the merchant',
        '  product_description: the digital product or service the customer bought',
        '  support_email: support@example.com',
        '  website: https://example.com',
      ].join('\n'),
      { file: '(built-in defaults)' },
    ),
    warning:
      'No evidence configuration (EVIDENCE_CONFIG or rebut.evidence.yml): only Stripe’s records will be used and the ' +
      'business is called "the merchant". Copy rebut.evidence.example.yml to rebut.evidence.yml and edit it.',
  };
}

/**
 * Configured evidence sources that cannot work with these settings, each in words that name the fix: they would
 * fail on every case, so `rebut serve` says so at start and `rebut doctor` fails on them.
 */
export function unworkableSources(
  config: EvidenceConfig,
  settings: { appDatabaseUrl: string | undefined; env: NodeJS.ProcessEnv },
): string[] {
  const { env } = settings;
  const problems: string[] = [];
  const queries = Object.keys(config.sql?.queries ?? {});
  if (queries.length > 0 && !settings.appDatabaseUrl) {
    problems.push(
      `the evidence file has SQL queries (${queries.join(', ')}) but APP_DATABASE_URL is not set: set it to a ` +
        'read-only connection to the business database, or remove the sql section',
    );
  }
  if (config.http && !env[config.http.secret_env]?.trim()) {
    problems.push(
      `the evidence file's http source signs its requests with ${config.http.secret_env} (http.secret_env), which is ` +
        'not set',
    );
  }
  const root = config.images.local_root;
  if (root !== undefined && !(existsSync(root) && statSync(root).isDirectory())) {
    problems.push(`images.local_root is ${root}, which is not a folder: every local image would be refused`);
  }
  if (
    config.sql?.queries.deliverables?.image_column &&
    root === undefined &&
    config.images.allowed_hosts.length === 0
  ) {
    problems.push(
      'deliverables.image_column names images, but images has neither allowed_hosts nor local_root: every image ' +
        'would be refused',
    );
  }
  return problems;
}
