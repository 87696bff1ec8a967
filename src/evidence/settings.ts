import { existsSync } from 'node:fs';
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
