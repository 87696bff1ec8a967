import type Stripe from 'stripe';
import type { Pool } from '../db/pool.js';
import { jobSpecsSql } from '../jobs/enqueue.js';

export interface IncomingEvent {
  event: Stripe.Event;
  raw: string;
  /** The product whose signing secret the event carried. */
  product: string;
}

/**
 * Stores webhook events with their `process-event` jobs. Under load, events that arrive while a
 * write is in flight are written together in the next statement (group commit): one commit and
 * one fsync for many events, so throughput grows with load while an idle instance writes at once.
 * Each event still gets its own answer: stored, duplicate, or the error.
 */
export function createEventStore(pool: Pool, options: { maxInFlight?: number; maxBatch?: number } = {}) {
  const maxInFlight = options.maxInFlight ?? 2;
  const maxBatch = options.maxBatch ?? 200;
  type Waiter = { item: IncomingEvent; resolve: (duplicate: boolean) => void; reject: (error: unknown) => void };
  let waiting: Waiter[] = [];
  let inFlight = 0;

  const jobs = jobSpecsSql('process-event', { from: 'stored', payload: 'eventId', column: 'id' }, 10);
  const flush = async (batch: Waiter[]) => {
    inFlight++;
    try {
      const { rows } = await pool.query<{ id: string }>(
        `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::bigint[],
                                $8::text[], $9::text[])
             AS t(id, type, account, livemode, api_version, object_id, created, payload, product)),
         stored AS (
           INSERT INTO stripe_events (id, type, account, livemode, api_version, object_id, created, payload, product)
           SELECT id, type, account, livemode, api_version, object_id, to_timestamp(created), payload::jsonb, product
             FROM input
           ON CONFLICT (id) DO NOTHING
           RETURNING id),
         queued AS (SELECT count(*) AS jobs FROM graphile_worker.add_jobs(${jobs.sql}))
         SELECT id FROM stored, queued`,
        [
          batch.map((w) => w.item.event.id),
          batch.map((w) => w.item.event.type),
          batch.map((w) => w.item.event.account ?? null),
          batch.map((w) => w.item.event.livemode),
          batch.map((w) => w.item.event.api_version ?? null),
          batch.map((w) => objectId(w.item.event)),
          batch.map((w) => w.item.event.created),
          batch.map((w) => w.item.raw),
          batch.map((w) => w.item.product),
          ...jobs.params,
        ],
      );
      // The first request carrying a newly stored id gets "stored"; any other copy is a duplicate.
      const fresh = new Set(rows.map((row) => row.id));
      for (const waiter of batch) {
        const isNew = fresh.delete(waiter.item.event.id);
        waiter.resolve(!isNew);
      }
    } catch (error) {
      // One bad event must not fail the others written with it: split the batch and try again.
      if (batch.length > 1) {
        for (const waiter of batch) void flush([waiter]);
      } else {
        for (const waiter of batch) waiter.reject(error);
      }
    } finally {
      inFlight--;
      next();
    }
  };

  const next = () => {
    while (inFlight < maxInFlight && waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(maxBatch);
      void flush(batch);
    }
  };

  return {
    /** Resolves to `true` when the event was already stored (a duplicate delivery). */
    store(item: IncomingEvent): Promise<boolean> {
      return new Promise((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        next();
      });
    },
  };
}

export type EventStore = ReturnType<typeof createEventStore>;

function objectId(event: Stripe.Event): string | null {
  const object = event.data.object as { id?: unknown };
  return typeof object.id === 'string' ? object.id : null;
}
