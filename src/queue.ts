import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type Runner, run, type Task, type WorkerEvents, Logger as WorkerLogger } from 'graphile-worker';
import type { Pool, PoolClient } from './db/pool.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';

/**
 * The durable job queue: graphile-worker on rebut's own PostgreSQL (chosen over pg-boss by
 * measurement: ~20 ms pickup through LISTEN/NOTIFY against pg-boss 10's ≥0.5 s polling;
 * see README → Design decisions). Jobs are added with SQL, so a job can be enqueued in the
 * same transaction as the row that needs it.
 */
export type TaskName =
  | 'process-event' // a stored Stripe event: re-read the dispute, open or close its case
  | 'prepare-case' // evidence → packet → triage → staged on Stripe
  | 'draft-case' // the rebuttal: LLM (grounded) or template
  | 'post-case' // the case message in Slack, or autopilot's submission and notice
  | 'update-case-message' // the Slack message after any state change
  | 'remind-case'; // a reminder in the case's thread before the automatic submission

export type TaskHandler = (payload: unknown, job: { attempts: number; maxAttempts: number }) => Promise<void>;

export interface EnqueueOptions {
  /** A job with the same key replaces a waiting one instead of adding a second. */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
}

/** Retries back off exponentially (e^attempt seconds, graphile-worker's rule): 12 attempts span about 9 hours. */
export const DEFAULT_MAX_ATTEMPTS = 12;

/**
 * Tasks that run one at a time across all instances (a graphile-worker named queue). Slack takes about one message
 * per second per channel: posted one by one, a backlog of posts holds one worker, not all of them while drafting
 * waits, and never meets Slack's 429s several at once.
 */
export const SERIAL_QUEUES: Partial<Record<TaskName, string>> = {
  'post-case': 'slack-channel',
  'remind-case': 'slack-channel',
};

/**
 * Jobs nearer the end of a case's way to Slack go first (graphile-worker takes the lowest number first;
 * 0 is the default, which the webhook's `process-event` jobs keep): a burst of disputes then reaches
 * Slack case by case instead of every case waiting for every other case's evidence.
 */
export const JOB_PRIORITY: Record<TaskName, number> = {
  'process-event': 0,
  'prepare-case': -1,
  'draft-case': -2,
  'post-case': -3,
  'update-case-message': -3,
  'remind-case': -3,
};

export async function enqueue(
  db: Pool | PoolClient,
  task: TaskName,
  payload: Record<string, unknown>,
  options: EnqueueOptions = {},
): Promise<void> {
  await db.query(
    `SELECT graphile_worker.add_job($1, $2::json, run_at => $3, max_attempts => $4, job_key => $5, queue_name => $6,
                                    priority => $7)`,
    [
      task,
      JSON.stringify(payload),
      options.runAt ?? null,
      options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      options.jobKey ?? null,
      SERIAL_QUEUES[task] ?? null,
      JOB_PRIORITY[task],
    ],
  );
}

/**
 * SQL for `add_jobs`: an array of job specs, one `task` job for each row of `from` by its `id` column (a case id),
 * queued, keyed, prioritised and retried as `enqueue` queues one. Its values are `$first` to `$first + 2`.
 */
export function caseJobSpecsSql(task: TaskName, from: string, first: number): { sql: string; params: unknown[] } {
  return {
    sql: `ARRAY(SELECT ROW('${task}', json_build_object('caseId', id), $${first}, NULL, $${first + 1}, '${task}:' || id,
                           $${first + 2}, NULL)::graphile_worker.job_spec FROM ${from} ORDER BY id)`,
    params: [SERIAL_QUEUES[task] ?? null, DEFAULT_MAX_ATTEMPTS, JOB_PRIORITY[task]],
  };
}

export interface Queue {
  instanceId: string;
  /** Stops taking jobs and waits (at most `timeoutMs`) for the running ones. */
  stop(timeoutMs?: number): Promise<void>;
  /** Hands the jobs of workers that stopped beating to the queue again; returns how many workers were reaped. */
  reap(): Promise<number>;
}

export interface QueueOptions {
  pool: Pool;
  tasks: Partial<Record<TaskName, TaskHandler>>;
  log: Logger;
  metrics: Metrics;
  concurrency?: number;
  /** A worker silent this long is presumed dead (killed instance) and its locked jobs are released. */
  leaseMs: number;
}

/**
 * Starts workers for `tasks`. graphile-worker keeps a crashed worker's jobs locked for 4 hours;
 * rebut shortens that to `leaseMs`: every instance records its workers' heartbeats in
 * `queue_workers` and releases the jobs of workers whose heartbeat has stopped.
 */
export async function startQueue(options: QueueOptions): Promise<Queue> {
  const { pool, log, metrics, leaseMs } = options;
  const instanceId = randomUUID();
  const workerIds = new Set<string>();

  const taskList: Record<string, Task> = {};
  for (const [name, handler] of Object.entries(options.tasks)) {
    if (!handler) continue;
    taskList[name] = async (payload, helpers) => {
      const stopTimer = metrics.jobDuration.startTimer({ task: name });
      try {
        await handler(payload, { attempts: helpers.job.attempts, maxAttempts: helpers.job.max_attempts });
        stopTimer({ outcome: 'success' });
      } catch (error) {
        stopTimer({ outcome: 'error' });
        log.warn(
          { task: name, jobId: helpers.job.id, attempt: helpers.job.attempts, err: error },
          `job ${name} failed (attempt ${helpers.job.attempts} of ${helpers.job.max_attempts}); it will be retried with backoff`,
        );
        throw error;
      }
    };
  }

  const beat = async () => {
    if (workerIds.size === 0) return;
    await pool.query(
      `INSERT INTO queue_workers (worker_id, instance_id, heartbeat_at)
       SELECT unnest($1::text[]), $2, now()
       ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = now()`,
      [[...workerIds], instanceId],
    );
  };

  const reap = async (): Promise<number> => {
    // Jobs locked by a worker with no fresh heartbeat (its instance died) go back to the queue.
    const { rows } = await pool.query<{ worker_id: string }>(
      `SELECT DISTINCT j.locked_by AS worker_id
         FROM graphile_worker.jobs j
        WHERE j.locked_by IS NOT NULL
          AND j.locked_at < now() - make_interval(secs => $1)
          AND j.locked_by <> ALL($2::text[])
          AND NOT EXISTS (SELECT 1 FROM queue_workers w
                           WHERE w.worker_id = j.locked_by AND w.heartbeat_at > now() - make_interval(secs => $1))`,
      // An instance never reaps its own pools: a late heartbeat on a busy machine must not rerun its running jobs.
      [leaseMs / 1000, [...workerIds]],
    );
    const dead = rows.map((row) => row.worker_id);
    if (dead.length > 0) {
      await pool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [dead]);
      await pool.query('DELETE FROM queue_workers WHERE worker_id = ANY($1::text[])', [dead]);
      log.warn({ workers: dead }, `released the jobs of ${dead.length} queue worker(s) that stopped responding`);
    }
    await pool.query(`DELETE FROM queue_workers WHERE heartbeat_at < now() - interval '1 day'`);
    await releaseOrphans();
    return dead.length;
  };

  // Jobs this instance's workers started, with the attempt they started: a job locked by this (live) instance that
  // none of its workers started was locked by a "take a job" whose answer was lost with the connection. Nobody
  // would run it for graphile-worker's 4 hours, so it goes back to the queue after the lease.
  const started = new Map<string, { attempts: number; at: number }>();
  const releaseOrphans = async () => {
    if (workerIds.size === 0) return;
    const asked = Date.now();
    const { rows } = await pool.query<{ id: string; attempts: number; old: boolean }>(
      `SELECT id::text AS id, attempts, locked_at < now() - make_interval(secs => $2) AS old
         FROM graphile_worker.jobs WHERE locked_by = ANY($1::text[])`,
      [[...workerIds], leaseMs / 1000],
    );
    const locked = new Set(rows.map((row) => row.id));
    // Forgotten once released; a job started while the question was on its way is not in the answer yet.
    for (const [id, start] of started) if (!locked.has(id) && start.at < asked) started.delete(id);
    const orphans = rows
      .filter((row) => row.old && started.get(row.id)?.attempts !== row.attempts)
      .map((row) => row.id);
    if (orphans.length === 0) return;
    // What graphile_worker.force_unlock_workers does, for single jobs and their named queues.
    await pool.query(
      `WITH released AS (
         UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL
          WHERE id = ANY($1::bigint[]) AND locked_by = ANY($2::text[])
         RETURNING job_queue_id)
       UPDATE graphile_worker._private_job_queues SET locked_at = NULL, locked_by = NULL
        WHERE id IN (SELECT job_queue_id FROM released) AND locked_by = ANY($2::text[])`,
      [orphans, [...workerIds]],
    );
    log.warn({ jobs: orphans }, `released ${orphans.length} job(s) this instance locked but never started`);
  };

  // graphile-worker locks jobs in the name of its worker pool (`locked_by` is the pool's id, not a worker's), so
  // the pool's id is what the heartbeat records. Pools are created inside run(): listen before it starts.
  const events = new EventEmitter() as WorkerEvents;
  events.on('pool:create', ({ workerPool }) => {
    workerIds.add(workerPool.id);
    void beat().catch(() => {});
  });
  events.on('pool:release', ({ workerPool }) => {
    workerIds.delete(workerPool.id);
  });
  events.on('job:start', ({ job }) => {
    started.set(String(job.id), { attempts: job.attempts, at: Date.now() });
  });

  const runner: Runner = await run({
    pgPool: retryingLostConnections(pool),
    concurrency: options.concurrency ?? 4,
    noHandleSignals: true,
    pollInterval: 1_000,
    taskList,
    logger: new WorkerLogger((scope) => (level, message, meta) => {
      const line = { scope: { ...scope, ...(meta ?? {}) } };
      // Job failures are already logged, readably, by the task wrapper above.
      if (meta && 'failure' in meta) log.debug(line, message);
      else if (level === 'error') log.error(line, message);
      else if (level === 'warning') log.warn(line, message);
      else log.debug(line, message);
    }),
    events,
  });

  const heartbeatEvery = Math.max(200, Math.floor(leaseMs / 3));
  const timer = setInterval(() => {
    beat()
      .then(reap)
      .catch((error: unknown) => log.warn({ err: error }, 'queue heartbeat failed; will try again'));
  }, heartbeatEvery);
  timer.unref();
  await beat().catch(() => {});

  return {
    instanceId,
    reap,
    async stop(timeoutMs = 15_000) {
      clearInterval(timer);
      // Finish running jobs, but not forever: one still running is released to another instance
      // once this instance's heartbeat is gone (REBUT_WORKER_LEASE) and runs again there.
      const stopped = await Promise.race([runner.stop().then(() => true), delay(timeoutMs).then(() => false)]);
      if (!stopped) log.warn(`queue workers still busy after ${timeoutMs / 1000} s; leaving their jobs to be retried`);
      await pool.query('DELETE FROM queue_workers WHERE instance_id = $1', [instanceId]).catch(() => {});
    },
  };
}

/** PostgreSQL's "cannot connect now", one of the codes graphile-worker retries with backoff. */
const TRANSIENT_CODE = '57P03';
const LOST_CODE = /^(08|57P0[12])|^E(CONNRESET|CONNREFUSED|PIPE)$/;
const LOST_MESSAGE = /Connection terminated|not queryable|timeout exceeded when trying to connect/;

function asTransient(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const lost = typeof code === 'string' ? LOST_CODE.test(code) : LOST_MESSAGE.test(error.message);
  return lost ? Object.assign(new Error(error.message, { cause: error }), { code: TRANSIENT_CODE }) : error;
}

/**
 * The pool as graphile-worker sees it. graphile-worker 0.17 retries its own writes (take a job, mark it done or
 * failed) only for errors it knows as transient, and does not await "done"/"failed": a connection lost there was
 * an unhandled rejection that ended the process. Lost connections are labelled transient, so it retries them.
 */
function retryingLostConnections(pool: Pool): Pool {
  const relabel = <T>(promise: Promise<T>) =>
    promise.catch((error: unknown) => {
      throw asTransient(error);
    });
  const relabelQuery =
    (target: object, query: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const result = query.apply(target, args);
      return result instanceof Promise ? relabel(result) : result;
    };
  const bound = (target: object, property: string | symbol) => {
    const value: unknown = Reflect.get(target, property);
    return typeof value === 'function' ? value.bind(target) : value;
  };
  const client = (target: PoolClient): PoolClient =>
    new Proxy(target, {
      get: (inner, property) =>
        property === 'query'
          ? relabelQuery(inner, inner.query as (...args: unknown[]) => unknown)
          : bound(inner, property),
    });
  return new Proxy(pool, {
    get(inner, property) {
      if (property === 'query') return relabelQuery(inner, inner.query as (...args: unknown[]) => unknown);
      if (property !== 'connect') return bound(inner, property);
      // The callback form is graphile-worker's LISTEN connection, which reconnects by itself.
      return (...args: unknown[]) =>
        args.length > 0
          ? (inner.connect as (...args: unknown[]) => unknown).apply(inner, args)
          : relabel(inner.connect()).then(client);
    },
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
