import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type Runner, run, type Task, type WorkerEvents, Logger as WorkerLogger } from 'graphile-worker';
import type { Pool, PoolClient } from '../db/pool.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { JOB_NAMES, type JobName, type JobPayload, parsePayload } from './definitions.js';
import { WorkerLease } from './lease.js';

/**
 * The durable job queue: graphile-worker on rebut's own PostgreSQL (chosen over pg-boss by measurement: ~20 ms
 * pickup through LISTEN/NOTIFY against pg-boss 10's ≥0.5 s polling; docs/architecture.md → "Decisions"). Runs the
 * handlers of `jobs/handlers.ts`, each given its payload as `jobs/definitions.ts` parses it, and hands the jobs of
 * an instance that died to the others after a lease.
 */
export interface JobInfo {
  attempts: number;
  maxAttempts: number;
}

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, job: JobInfo) => Promise<void>;
export type JobHandlers = { [N in JobName]?: JobHandler<N> };

export interface Queue {
  instanceId: string;
  /** Stops taking jobs and waits (at most `timeoutMs`) for the running ones. */
  stop(timeoutMs?: number): Promise<void>;
  /** Hands the jobs of workers that stopped beating to the queue again; returns how many workers were reaped. */
  reap(): Promise<number>;
}

export interface QueueOptions {
  pool: Pool;
  handlers: JobHandlers;
  log: Logger;
  metrics: Metrics;
  concurrency?: number;
  /** A worker silent this long is presumed dead (killed instance) and its locked jobs are released. */
  leaseMs: number;
}

/**
 * Starts workers for `handlers`, with leases on their jobs (jobs/lease.ts): a killed instance's jobs run
 * elsewhere after `leaseMs`, not graphile-worker's 4 hours.
 */
export async function startQueue(options: QueueOptions): Promise<Queue> {
  const { pool, log, metrics, leaseMs } = options;
  const instanceId = randomUUID();

  const taskList: Record<string, Task> = {};
  for (const name of JOB_NAMES) {
    const task = taskFor(name, options.handlers, log, metrics);
    if (task) taskList[name] = task;
  }

  const lease = new WorkerLease(pool, log, instanceId, leaseMs);
  // graphile-worker locks jobs in the name of its worker pool (`locked_by` is the pool's id, not a worker's), so
  // the pool's id is what the heartbeat records. Pools are created inside run(): listen before it starts.
  const events = new EventEmitter() as WorkerEvents;
  events.on('pool:create', ({ workerPool }) => lease.poolCreated(workerPool.id));
  events.on('pool:release', ({ workerPool }) => lease.poolReleased(workerPool.id));
  events.on('job:start', ({ job }) => lease.jobStarted(String(job.id), job.attempts));

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

  await wakeOnQueueUnlock(pool).catch((error: unknown) =>
    log.warn({ err: error }, 'could not install the named-queue wake-up; a queued Slack post may wait up to a second'),
  );

  const heartbeatEvery = Math.max(200, Math.floor(leaseMs / 3));
  const timer = setInterval(() => {
    lease
      .beat()
      .then(() => lease.reap())
      .catch((error: unknown) => log.warn({ err: error }, 'queue heartbeat failed; will try again'));
  }, heartbeatEvery);
  timer.unref();
  await lease.beat().catch(() => {});

  return {
    instanceId,
    reap: () => lease.reap(),
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

/**
 * Wakes an idle worker when a named queue is unlocked (docs/architecture.md → "The pipeline"). graphile-worker
 * 0.17 does not await a finished job's completion before its worker looks for the next job, so the next job of the
 * same queue is often still behind the lock; that worker then sleeps its poll interval (1 s), and a backlog of Slack
 * posts went out one a second at the end of a burst. A NOTIFY from the unlocking statement is delivered at its
 * commit, exactly when the next job can be taken; `jobs:insert` is the channel graphile-worker's pools listen on.
 * Installed after graphile-worker's own migrations (which run() applies), under a lock so instances starting
 * together do not race on the DDL.
 */
async function wakeOnQueueUnlock(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('rebut:queue-wake-up'))");
    await client.query(`
      CREATE OR REPLACE FUNCTION graphile_worker.rebut_wake_on_unlock() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('jobs:insert', '{"count":1}');
        RETURN NULL;
      END $$`);
    await client.query('DROP TRIGGER IF EXISTS rebut_wake_on_unlock ON graphile_worker._private_job_queues');
    await client.query(`
      CREATE TRIGGER rebut_wake_on_unlock AFTER UPDATE OF locked_at ON graphile_worker._private_job_queues
      FOR EACH ROW WHEN (OLD.locked_at IS NOT NULL AND NEW.locked_at IS NULL)
      EXECUTE FUNCTION graphile_worker.rebut_wake_on_unlock()`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The graphile-worker task of a job: its payload parsed, its duration measured, its failure logged readably. */
function taskFor<N extends JobName>(name: N, handlers: JobHandlers, log: Logger, metrics: Metrics): Task | undefined {
  const handler = handlers[name] as JobHandler<N> | undefined;
  if (!handler) return undefined;
  return async (payload, helpers) => {
    const stopTimer = metrics.jobDuration.startTimer({ task: name });
    try {
      await handler(parsePayload(name, payload), {
        attempts: helpers.job.attempts,
        maxAttempts: helpers.job.max_attempts,
      });
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
