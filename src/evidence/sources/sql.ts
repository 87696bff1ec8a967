import pg from 'pg';
import { BUSINESS_EVIDENCE_KINDS, compileNamedQuery, type QueryParameter } from '../config.js';
import type { Artefact, Fact, SourceResult } from '../types.js';
import { SQL_CONNECT_TIMEOUT_MS } from './business-databases.js';
import { type CustomerKeys, customerKeys, type EvidenceContext, errorMessage } from './context.js';
import { rowsToEvidence } from './row-facts.js';
import { parseRow } from './rows.js';

export { SQL_CONNECT_TIMEOUT_MS } from './business-databases.js';

function parameterValue(parameter: QueryParameter, keys: CustomerKeys): string | null {
  if (parameter === 'email') return keys.email;
  if (parameter === 'customer_id') return keys.customerId;
  return keys.chargeAt;
}

/**
 * The business's own PostgreSQL (`APP_DATABASE_URL`): runs each configured named query in one
 * read-only transaction with a statement timeout, and maps the rows to facts and artefacts.
 * Never throws: a failing query is reported and the other queries still count.
 */
export async function gatherSqlEvidence(ctx: EvidenceContext): Promise<SourceResult> {
  const result: SourceResult = { source: 'sql', facts: [], artefacts: [] };
  const sql = ctx.config.sql;
  if (!sql) return result;
  if (!ctx.appDatabaseUrl) {
    return { ...result, problem: 'sql queries are configured but APP_DATABASE_URL is not set' };
  }
  const keys = customerKeys(ctx.dispute);
  const problems: string[] = [];
  const facts: Fact[] = [];
  const artefacts: Artefact[] = [];

  // The app's pool of connections to the database when it has one (main.ts); else one connection for this case.
  const url = ctx.appDatabaseUrl;
  let own: pg.Client | undefined;
  let pooled: pg.PoolClient | undefined;
  let closed = false;
  /** Done with the connection; `spent`: closed rather than handed to the next case. */
  const close = async (spent: boolean) => {
    if (closed) return;
    closed = true;
    if (pooled) pooled.release(spent);
    else await own?.end().catch(() => {});
  };
  // Out of time: the connection is closed under a running query (that stops it), and never used again.
  const stop = () => {
    void close(true);
  };
  ctx.signal?.addEventListener('abort', stop, { once: true });
  try {
    if (ctx.signal?.aborted) throw new Error('aborted before it started');
    let client: pg.ClientBase;
    if (ctx.appDatabases) {
      const connection = await ctx.appDatabases.connect(url);
      // Out of time while waiting for it: it goes back closed, unused.
      if (closed) connection.release(true);
      pooled = connection;
      client = connection;
    } else {
      own = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: SQL_CONNECT_TIMEOUT_MS,
        application_name: 'rebut-evidence',
      });
      own.on('error', () => {});
      client = own;
      await own.connect();
    }
    if (ctx.signal?.aborted) throw new Error('aborted before it started');
    // Read-only whatever the configured SQL says: rebut must never change the business's data. Opened with its
    // timeout in one round trip; a query that fails ends it, and the next query opens another, so one failing query
    // does not abort the others (without a savepoint's two round trips around every query).
    const begin = `BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${Math.max(1, Math.round(sql.statement_timeout))}`;
    let open = false;
    for (const kind of BUSINESS_EVIDENCE_KINDS) {
      const configured = sql.queries[kind];
      if (!configured) continue;
      const compiled = compileNamedQuery(configured.query);
      if ('unknown' in compiled) {
        problems.push(`${kind}: unknown parameter ${compiled.unknown.join(', ')}`);
        continue;
      }
      if (!open) await client.query(begin);
      open = true;
      let rows: Record<string, unknown>[];
      try {
        // At most one row more than is kept: a query that matches a million rows must not bring them all into
        // memory (or run into the statement timeout) only to be cut to max_rows.
        const answer = await client.query<Record<string, unknown>>(
          oneStatement(
            withRowLimit(compiled.text, sql.max_rows + 1),
            compiled.params.map((parameter) => parameterValue(parameter, keys)),
          ),
        );
        rows = answer.rows;
      } catch (error) {
        if (ctx.signal?.aborted) throw error;
        problems.push(`${kind}: ${errorMessage(error)}`);
        await client.query('ROLLBACK');
        open = false;
        continue;
      }
      if (rows.length > sql.max_rows) {
        problems.push(`${kind}: more than ${sql.max_rows} rows; kept the first ${sql.max_rows} (sql.max_rows)`);
        rows = rows.slice(0, sql.max_rows);
      }
      const imageColumn = configured.image_column;
      const parsed = [];
      for (const [index, raw] of rows.entries()) {
        const row =
          kind === 'deliverables' && imageColumn && imageColumn !== 'image'
            ? renameColumn(raw, imageColumn, 'image')
            : raw;
        const checked = parseRow(kind, row);
        if (checked.ok) parsed.push(checked.row);
        else problems.push(`${kind} row ${index + 1}: ${checked.problem}`);
      }
      const evidence = rowsToEvidence(kind, parsed, {
        source: 'sql',
        untrustedColumns: configured.untrusted_columns,
        businessName: ctx.config.business.name,
      });
      facts.push(...evidence.facts);
      artefacts.push(...evidence.artefacts);
    }
    if (open) await client.query('ROLLBACK');
    await close(false);
  } catch (error) {
    problems.push(ctx.signal?.aborted ? 'stopped: out of time' : errorMessage(error));
    // A connection that failed mid-transaction is not handed to the next case.
    await close(true);
  } finally {
    ctx.signal?.removeEventListener('abort', stop);
  }
  return { ...result, facts, artefacts, ...(problems.length > 0 ? { problem: problems.join('; ') } : {}) };
}

/**
 * The business's SQL as one statement whatever it holds: always the extended protocol, which runs exactly one. A
 * query without parameters would otherwise go as a simple query, where `…) AS t; COMMIT; INSERT …` closes the
 * wrapper and ends the read-only transaction, and the insert runs outside it. (pg has `queryMode` since 8.12; the
 * installed type definitions do not list it yet.)
 */
export function oneStatement(text: string, values: unknown[]): pg.QueryConfig {
  const query: pg.QueryConfig & { queryMode: 'extended' } = { text, values, queryMode: 'extended' };
  return query;
}

/** The business's query with a row limit around it (a trailing semicolon dropped; a trailing comment kept harmless). */
export function withRowLimit(query: string, limit: number): string {
  // A statement's own end (a semicolon, perhaps with line comments after it) would end the wrapped one early.
  const body = query.trim().replace(/;+\s*(?:--[^\n]*\s*)*$/, '');
  return `SELECT * FROM (\n${body}\n) AS rebut_rows LIMIT ${Math.max(1, Math.floor(limit))}`;
}

function renameColumn(row: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
  const { [from]: moved, ...rest } = row;
  return { ...rest, [to]: moved };
}
