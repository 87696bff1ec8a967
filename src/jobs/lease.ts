import type { Pool } from '../db/pool.js';
import type { Logger } from '../log.js';

/**
 * Leases on the jobs an instance's workers hold. graphile-worker keeps a crashed worker's jobs locked for 4 hours;
 * rebut shortens that to the lease (`REBUT_WORKER_LEASE`): every instance records its worker pools' heartbeats in
 * `queue_workers`, and releases the jobs of pools whose heartbeat has stopped, and of jobs its own pools locked but
 * never started (a "take a job" whose answer was lost with the connection).
 */
export class WorkerLease {
  /** This instance's live worker pools. */
  private readonly pools = new Set<string>();
  /**
   * Jobs this instance's workers started, with the attempt they started: a job locked by this (live) instance that
   * none of its workers started was locked by a "take a job" whose answer was lost with the connection. Nobody
   * would run it for graphile-worker's 4 hours, so it goes back to the queue after the lease.
   */
  private readonly started = new Map<string, { attempts: number; at: number }>();

  constructor(
    private readonly pool: Pool,
    private readonly log: Logger,
    private readonly instanceId: string,
    private readonly leaseMs: number,
  ) {}

  poolCreated(id: string): void {
    this.pools.add(id);
    void this.beat().catch(() => {});
  }

  poolReleased(id: string): void {
    this.pools.delete(id);
  }

  jobStarted(id: string, attempts: number): void {
    this.started.set(id, { attempts, at: Date.now() });
  }

  /** Records that this instance's pools are alive. */
  async beat(): Promise<void> {
    if (this.pools.size === 0) return;
    await this.pool.query(
      `INSERT INTO queue_workers (worker_id, instance_id, heartbeat_at)
       SELECT unnest($1::text[]), $2, now()
       ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = now()`,
      [[...this.pools], this.instanceId],
    );
  }

  /** Hands the jobs of pools that stopped beating, and this instance's orphans, to the queue again. */
  async reap(): Promise<number> {
    const { pool, log, leaseMs } = this;
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
      [leaseMs / 1000, [...this.pools]],
    );
    const dead = rows.map((row) => row.worker_id);
    if (dead.length > 0) {
      await pool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [dead]);
      await pool.query('DELETE FROM queue_workers WHERE worker_id = ANY($1::text[])', [dead]);
      log.warn({ workers: dead }, `released the jobs of ${dead.length} queue worker(s) that stopped responding`);
    }
    await pool.query(`DELETE FROM queue_workers WHERE heartbeat_at < now() - interval '1 day'`);
    await this.releaseOrphans();
    return dead.length;
  }

  private async releaseOrphans(): Promise<void> {
    const { pool, log, started } = this;
    if (this.pools.size === 0) return;
    const asked = Date.now();
    const { rows } = await pool.query<{ id: string; attempts: number; old: boolean }>(
      `SELECT id::text AS id, attempts, locked_at < now() - make_interval(secs => $2) AS old
         FROM graphile_worker.jobs WHERE locked_by = ANY($1::text[])`,
      [[...this.pools], this.leaseMs / 1000],
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
      [orphans, [...this.pools]],
    );
    log.warn({ jobs: orphans }, `released ${orphans.length} job(s) this instance locked but never started`);
  }
}
