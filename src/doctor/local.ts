// The model, the two databases and the evidence file, checked live (connections, one harmless read each).
import OpenAI from 'openai';
import pg from 'pg';
import { pendingMigrations } from '../db/migrate.js';
import { whyUnreachable } from '../db/unreachable.js';
import { messageOf } from '../errors.js';
import { BUSINESS_EVIDENCE_KINDS, compileNamedQuery, type EvidenceConfig } from '../evidence/config.js';
import { evidenceConfigFor, unworkableSources } from '../evidence/settings.js';
import { oneStatement } from '../evidence/sources/sql.js';
import { type Check, fail, ok, skip, warn } from './checks.js';

const CONNECT_TIMEOUT_MS = 5_000;

export async function checkModel(settings: {
  OPENAI_API_KEY?: string | undefined;
  OPENAI_BASE_URL?: string | undefined;
  OPENAI_MODEL: string;
}): Promise<Check> {
  if (!settings.OPENAI_API_KEY) {
    return skip('model', 'model', 'OPENAI_API_KEY is not set: the template drafter writes every rebuttal');
  }
  const client = new OpenAI({
    apiKey: settings.OPENAI_API_KEY,
    ...(settings.OPENAI_BASE_URL ? { baseURL: settings.OPENAI_BASE_URL } : {}),
    timeout: 10_000,
    maxRetries: 0,
  });
  try {
    await client.models.retrieve(settings.OPENAI_MODEL);
    return ok('model', 'model', `${settings.OPENAI_MODEL} is available`);
  } catch (error) {
    if (error instanceof OpenAI.AuthenticationError) {
      return fail('model', 'model', `the API refused the key (${error.status})`, 'OPENAI_API_KEY');
    }
    if (error instanceof OpenAI.NotFoundError) {
      return fail('model', 'model', `the API has no model ${settings.OPENAI_MODEL}`, 'OPENAI_MODEL');
    }
    if (error instanceof OpenAI.APIConnectionError) {
      return fail(
        'model',
        'model',
        `the API could not be reached at ${settings.OPENAI_BASE_URL ?? 'api.openai.com'}: ${error.message}`,
        settings.OPENAI_BASE_URL ? 'OPENAI_BASE_URL' : 'the network',
      );
    }
    return warn('model', 'model', `not checked: ${messageOf(error)}`);
  }
}

/** rebut's own database: reachable, and its migrations applied (or `rebut serve` applies them). */
export async function checkRebutDatabase(settings: { DATABASE_URL?: string | undefined; REBUT_DATA_DIR: string }) {
  const name = "rebut's database";
  if (!settings.DATABASE_URL) {
    return skip(
      'database',
      name,
      `DATABASE_URL is not set: rebut serve starts its embedded PostgreSQL in ${settings.REBUT_DATA_DIR} (REBUT_DATA_DIR)`,
    );
  }
  const pool = new pg.Pool({
    connectionString: settings.DATABASE_URL,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    max: 1,
  });
  pool.on('error', () => {});
  try {
    const pending = await pendingMigrations(pool);
    return pending.length === 0
      ? ok('database', name, 'reachable, migrations applied')
      : warn(
          'database',
          name,
          `reachable; ${pending.length} migrations to apply`,
          'rebut serve or rebut migrate applies them',
        );
  } catch (error) {
    return fail('database', name, `cannot connect: ${whyUnreachable(error)}`, 'DATABASE_URL');
  } finally {
    await pool.end();
  }
}

/** The evidence file parses, and every source it configures can work. */
export function checkEvidenceFile(
  settings: { EVIDENCE_CONFIG?: string | undefined; APP_DATABASE_URL?: string | undefined },
  env: NodeJS.ProcessEnv,
): { checks: Check[]; config?: EvidenceConfig } {
  let evidence: ReturnType<typeof evidenceConfigFor>;
  try {
    evidence = evidenceConfigFor(settings.EVIDENCE_CONFIG);
  } catch (error) {
    return { checks: [fail('evidence', 'evidence file', messageOf(error), 'EVIDENCE_CONFIG or rebut.evidence.yml')] };
  }
  const checks: Check[] = [
    evidence.warning
      ? warn('evidence', 'evidence file', evidence.warning)
      : ok('evidence', 'evidence file', `valid (${evidence.config.business.name})`),
  ];
  for (const problem of unworkableSources(evidence.config, { appDatabaseUrl: settings.APP_DATABASE_URL, env })) {
    checks.push(fail('evidence', 'evidence source', problem));
  }
  return { checks, config: evidence.config };
}

/**
 * The business database: reachable, every configured query valid against its schema (EXPLAIN, which runs
 * nothing), and the role able to read only. rebut reads in read-only transactions whatever the role may do, so a
 * role that could write is a warning.
 */
export async function checkAppDatabase(url: string | undefined, config: EvidenceConfig | undefined): Promise<Check[]> {
  const name = 'business database';
  if (!url) return [skip('database', name, 'APP_DATABASE_URL is not set')];
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'rebut-doctor',
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    return [fail('database', name, `cannot connect: ${whyUnreachable(error)}`, 'APP_DATABASE_URL')];
  }
  try {
    const checks: Check[] = [];
    await client.query('BEGIN TRANSACTION READ ONLY');
    const writable = await client.query<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_%' AND has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
        ORDER BY 1`,
    );
    const tables = writable.rows.map((row) => row.name);
    checks.push(
      tables.length === 0
        ? ok('database', name, 'reachable; the role can only read')
        : warn(
            'database',
            name,
            `reachable; the role can change ${tables.length} tables (${tables.slice(0, 3).join(', ')}${tables.length > 3 ? ', …' : ''}). rebut only reads, in read-only transactions`,
            'APP_DATABASE_URL: a role with SELECT only (README → Evidence)',
          ),
    );
    for (const kind of BUSINESS_EVIDENCE_KINDS) {
      const query = config?.sql?.queries[kind]?.query;
      if (!query) continue;
      const compiled = compileNamedQuery(query);
      if ('unknown' in compiled) {
        checks.push(fail('evidence', `query ${kind}`, `unknown parameter ${compiled.unknown.join(', ')}`));
        continue;
      }
      await client.query('SAVEPOINT probe');
      try {
        await client.query(
          oneStatement(
            `EXPLAIN ${compiled.text}`,
            compiled.params.map(() => null),
          ),
        );
        checks.push(ok('evidence', `query ${kind}`, 'valid against the business database'));
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT probe');
        checks.push(fail('evidence', `query ${kind}`, messageOf(error), `sql.queries.${kind} in the evidence file`));
      }
    }
    return checks;
  } finally {
    await client.end().catch(() => {});
  }
}
