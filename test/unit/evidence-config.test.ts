import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compileNamedQuery,
  EvidenceConfigError,
  loadEvidenceConfig,
  parseEvidenceConfig,
} from '../../src/evidence/config.js';
import { unworkableSources } from '../../src/evidence/settings.js';

const minimal = `business:
  name: Roomcraft
  product_description: AI interior designs
  support_email: support@roomcraft.example
  website: https://roomcraft.example
`;

function problemsOf(text: string): { key: string; line: number | null; message: string }[] {
  try {
    parseEvidenceConfig(text);
  } catch (error) {
    if (error instanceof EvidenceConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('evidence config', () => {
  it('the shipped example loads, with every policy, query and timeout filled in', () => {
    const config = loadEvidenceConfig(join(import.meta.dirname, '../../rebut.evidence.example.yml'));
    expect(config.business.name).toBe('Roomcraft');
    expect(config.business.merchandise_or_services).toBe('services');
    expect(Object.keys(config.sql?.queries ?? {}).sort()).toEqual([
      'account',
      'activity',
      'communications',
      'deliverables',
      'policy_acceptance',
    ]);
    expect(config.sql?.queries.deliverables?.image_column).toBe('image_path');
    expect(config.sql?.statement_timeout).toBe(5_000);
    expect(config.policies.refund?.text).toContain('within 7 days');
    expect(config.policies.cancellation?.shown_at).toContain('checkout_page');
    expect(config.images.local_root).toMatch(/^\/.*\.rebut\/roomcraft\/images$/);
    expect(config.sources.stripe.timeout).toBe(20_000);
    expect(config.http).toBeUndefined();
  });

  it('named parameters become positional ones, each name keeping one number', () => {
    const compiled = compileNamedQuery(
      'SELECT 1 WHERE a = $customer_id OR b = lower($email) AND c < $charge_at::timestamptz AND d = $customer_id',
    );
    expect(compiled).toEqual({
      text: 'SELECT 1 WHERE a = $1 OR b = lower($2) AND c < $3::timestamptz AND d = $1',
      params: ['customer_id', 'email', 'charge_at'],
    });
    expect(compileNamedQuery('SELECT $1, $user')).toEqual({ unknown: ['$1', '$user'] });
  });

  it('an unknown key is refused with its name and line', () => {
    const problems = problemsOf(`${minimal}imagez:\n  allowed_hosts: []\n`);
    expect(problems).toEqual([{ key: 'imagez', line: 6, message: 'unknown key (imagez)' }]);
  });

  it('a query with an unknown parameter is refused at the line of that query', () => {
    const problems = problemsOf(
      `${minimal}sql:\n  queries:\n    activity: SELECT * FROM logins WHERE user_id = $user\n`,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.key).toBe('sql.queries.activity.query');
    expect(problems[0]?.line).toBe(8);
    expect(problems[0]?.message).toContain('$user');
  });

  it('a missing required key is reported where its parent is', () => {
    const problems = problemsOf('business:\n  name: Roomcraft\n  support_email: nope\n  website: https://x.example\n');
    const keys = problems.map((problem) => problem.key);
    expect(keys).toEqual(expect.arrayContaining(['business.product_description', 'business.support_email']));
    expect(problems.find((problem) => problem.key === 'business.support_email')?.line).toBe(3);
    expect(problems.find((problem) => problem.key === 'business.product_description')?.line).toBe(1);
  });

  it('a policy needs exactly one of text or file, and a shown_at from the known places', () => {
    expect(problemsOf(`${minimal}policies:\n  refund:\n    shown_at: [footer]\n    text: Refunds.\n`)).toEqual([
      expect.objectContaining({ key: 'policies.refund.shown_at.0', line: 8 }),
    ]);
    expect(problemsOf(`${minimal}policies:\n  refund:\n    shown_at: [checkout_page]\n`)).toEqual([
      { key: 'policies.refund', line: 7, message: 'give exactly one of text or file' },
    ]);
  });

  it('a policy file is read relative to the config file, and a missing one names its key and line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebut-evidence-config-'));
    await writeFile(join(dir, 'refund.md'), 'Refunds within 14 days.\n');
    await writeFile(
      join(dir, 'rebut.evidence.yml'),
      `${minimal}policies:\n  refund:\n    file: refund.md\n    shown_at: [checkout_page]\n  terms:\n    file: missing.md\n    shown_at: [terms_link]\n`,
    );
    try {
      loadEvidenceConfig(join(dir, 'rebut.evidence.yml'));
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(EvidenceConfigError);
      const problems = (error as EvidenceConfigError).problems;
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ key: 'policies.terms.file', line: 11 });
      expect((error as Error).message).toContain('policies.terms.file (line 11)');
    }
    await writeFile(
      join(dir, 'ok.yml'),
      `${minimal}policies:\n  refund:\n    file: refund.md\n    shown_at: [checkout_page]\n`,
    );
    expect(loadEvidenceConfig(join(dir, 'ok.yml')).policies.refund?.text).toBe('Refunds within 14 days.');
  });

  it('a YAML syntax error is reported with its line', () => {
    const problems = problemsOf(`${minimal}sql:\n  queries: [unclosed\n`);
    expect(problems[0]?.line).toBeGreaterThanOrEqual(7);
  });

  it('durations accept 5s / 2m / milliseconds and refuse nonsense', () => {
    const config = parseEvidenceConfig(
      `${minimal}http:\n  url: https://x.example/e\n  secret_env: EVIDENCE_SECRET\n  timeout: 2m\n`,
    );
    expect(config.http?.timeout).toBe(120_000);
    const problems = problemsOf(
      `${minimal}http:\n  url: https://x.example/e\n  secret_env: EVIDENCE_SECRET\n  timeout: soon\n`,
    );
    expect(problems[0]).toMatchObject({ key: 'http.timeout', line: 9 });
  });
});

describe('sources that cannot work with the settings (said at start, failed by rebut doctor)', () => {
  const base = [
    'business:',
    '  name: Roomcraft',
    '  product_description: AI room designs',
    '  support_email: help@roomcraft.example',
    '  website: https://roomcraft.example',
  ];

  it('names SQL queries without APP_DATABASE_URL, an unset HTTP secret, a missing image folder and images nobody may fetch', () => {
    const config = parseEvidenceConfig(
      [
        ...base,
        'sql:',
        '  queries:',
        '    account: { query: "SELECT 1 WHERE $email IS NOT NULL" }',
        '    deliverables: { query: "SELECT 1 WHERE $email IS NOT NULL", image_column: image }',
        'http:',
        '  url: https://roomcraft.example/evidence',
        '  secret_env: ROOMCRAFT_SECRET',
      ].join('\n'),
    );
    const problems = unworkableSources(config, { appDatabaseUrl: undefined, env: {} });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('SQL queries (account, deliverables) but APP_DATABASE_URL is not set');
    expect(problems[1]).toContain('ROOMCRAFT_SECRET (http.secret_env), which is not set');
    expect(problems[2]).toContain('neither allowed_hosts nor local_root');
    expect(
      unworkableSources(config, { appDatabaseUrl: 'postgres://x@h/db', env: { ROOMCRAFT_SECRET: 's' } }),
    ).toHaveLength(1);

    const missingFolder = parseEvidenceConfig(
      [...base, 'images:', '  local_root: /nonexistent/rebut-images'].join('\n'),
    );
    expect(unworkableSources(missingFolder, { appDatabaseUrl: undefined, env: {} })).toEqual([
      'images.local_root is /nonexistent/rebut-images, which is not a folder: every local image would be refused',
    ]);
    expect(unworkableSources(parseEvidenceConfig(base.join('\n')), { appDatabaseUrl: undefined, env: {} })).toEqual([]);
  });
});
