import type { Pool, PoolClient } from '../db/pool.js';
import {
  type CaseJobName,
  DEFAULT_MAX_ATTEMPTS,
  JOBS,
  type JobName,
  type JobPayload,
  queueNameSql,
  type WarningJobName,
} from './definitions.js';

/**
 * Adding jobs. Jobs are rows in rebut's own PostgreSQL, so a job is added in the same transaction as the row that
 * needs it: a case is never stored without its next step, nor a step queued for a change that rolled back.
 */
type Db = Pool | PoolClient;

export interface EnqueueOptions {
  /** A job with the same key replaces a waiting one instead of adding a second. */
  jobKey?: string;
  /** Runs this long after now, on the database's clock (an instance's own clock may be off). */
  delayMs?: number;
  maxAttempts?: number;
}

export async function enqueue<N extends JobName>(
  db: Db,
  name: N,
  payload: JobPayload<N>,
  options: EnqueueOptions = {},
): Promise<void> {
  const key = `$2::json->>'${'caseId' in payload ? 'caseId' : 'warningId' in payload ? 'warningId' : 'disputeId'}'`;
  await db.query(
    `SELECT graphile_worker.add_job($1, $2::json, run_at => now() + make_interval(secs => $3::float8 / 1000),
                                    max_attempts => $4, job_key => $5, queue_name => ${queueNameSql(name, key)},
                                    priority => $6)`,
    [
      name,
      JSON.stringify(payload),
      options.delayMs ?? 0,
      options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      options.jobKey ?? null,
      JOBS[name].priority,
    ],
  );
}

/** The key of a case's job: one waiting job of each kind per case. */
export function caseJobKey(name: CaseJobName, caseId: number): string {
  return `${name}:${caseId}`;
}

function enqueueForCase(db: Db, name: CaseJobName, caseId: number): Promise<void> {
  return enqueue(db, name, { caseId }, { jobKey: caseJobKey(name, caseId) });
}

export const queuePreparation = (db: Db, caseId: number) => enqueueForCase(db, 'prepare-case', caseId);
export const queueDraft = (db: Db, caseId: number) => enqueueForCase(db, 'draft-case', caseId);
export const queueAutopilot = (db: Db, caseId: number) => enqueueForCase(db, 'autopilot-case', caseId);
export const queuePost = (db: Db, caseId: number) => enqueueForCase(db, 'post-case', caseId);
export const queuePacket = (db: Db, caseId: number) => enqueueForCase(db, 'post-packet', caseId);
export const queueMessageUpdate = (db: Db, caseId: number) => enqueueForCase(db, 'update-case-message', caseId);
export const queueReminder = (db: Db, caseId: number) => enqueueForCase(db, 'remind-case', caseId);
export const queueOutcome = (db: Db, caseId: number) => enqueueForCase(db, 'post-outcome', caseId);

function enqueueForWarning(db: Db, name: WarningJobName, warningId: string, delayMs?: number): Promise<void> {
  return enqueue(db, name, { warningId }, { jobKey: `${name}:${warningId}`, ...(delayMs ? { delayMs } : {}) });
}

/**
 * A warning's message waits this long before it is posted, so the warnings of a burst (a card-testing attack reported
 * together) are posted as one message; a warning's review window is a day, so two seconds cost nothing.
 */
export const WARNING_POST_DELAY_MS = 2_000;

export const queueWarningPost = (db: Db, warningId: string) =>
  enqueueForWarning(db, 'post-warning', warningId, WARNING_POST_DELAY_MS);
export const queueWarningUpdate = (db: Db, warningId: string) =>
  enqueueForWarning(db, 'update-warning-message', warningId);
export const queueWarningRefund = (db: Db, warningId: string) => enqueueForWarning(db, 'refund-warning', warningId);

/**
 * SQL for many jobs in one statement: `graphile_worker.add_jobs(<sql>)` adds one `name` job for each row of `from`,
 * with the payload `{<key>: <column>}`, queued, prioritised and retried as `enqueue` adds one; a case's job is
 * keyed as `caseJobKey` keys it. One add_jobs for a page of rows: add_job row by row cost about ten times as much.
 * Its parameters are `$first` and `$first + 1`.
 */
export function jobSpecsSql<N extends JobName>(
  name: N,
  rows: { from: string; payload: keyof JobPayload<N> & string; column: string },
  first: number,
): { sql: string; params: unknown[] } {
  const column = `job_rows.${rows.column}`;
  const key = rows.payload === 'caseId' ? `'${name}:' || ${column}` : 'NULL';
  return {
    sql: `ARRAY(SELECT ROW('${name}', json_build_object('${rows.payload}', ${column}),
                           ${queueNameSql(name, column)}, NULL, $${first}, ${key}, $${first + 1},
                           NULL)::graphile_worker.job_spec
                  FROM ${rows.from} AS job_rows ORDER BY ${column})`,
    params: [DEFAULT_MAX_ATTEMPTS, JOBS[name].priority],
  };
}
