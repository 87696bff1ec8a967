import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pendingMigrations } from '../db/migrate.js';
import type { Pool } from '../db/pool.js';
import { whyUnreachable } from '../db/unreachable.js';
import type { Metrics } from '../metrics.js';
import { sendJson } from './server.js';

export function healthz(_req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, { ok: true });
}

/** `GET /readyz`: ready when PostgreSQL answers and every migration is applied; otherwise 503 saying why. */
export function readyz(pool: Pool, notes: { headless?: string } = {}) {
  let migrationsCurrent = false;
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const checks: Record<string, string> = {};
    try {
      await withTimeout(pool.query('SELECT 1'), 2_000, 'no answer from PostgreSQL within 2 s');
      checks.database = 'ok';
      if (!migrationsCurrent) {
        const pending = await pendingMigrations(pool);
        migrationsCurrent = pending.length === 0;
        checks.migrations = migrationsCurrent ? 'ok' : `pending: ${pending.join(', ')} (run: npx rebut migrate)`;
      } else {
        checks.migrations = 'ok';
      }
    } catch (error) {
      checks.database = `unreachable: ${whyUnreachable(error)} (check DATABASE_URL)`;
    }
    const ready = checks.database === 'ok' && checks.migrations === 'ok';
    // Not a reason to be unready, but worth a look: signed events kept because they could not be stored.
    const detail: Record<string, string> = notes.headless ? { headless: notes.headless } : {};
    if (ready) {
      const { rows } = await pool
        .query<{ n: number }>(
          `SELECT count(*)::int AS n FROM rejected_events WHERE received_at > now() - interval '1 day'`,
        )
        .catch(() => ({ rows: [] as { n: number }[] }));
      const n = rows[0]?.n ?? 0;
      if (n > 0)
        detail.rejectedEvents = `${n} signed Stripe event${n === 1 ? '' : 's'} in the last day could not be stored (see the rejected_events table)`;
    }
    sendJson(res, ready ? 200 : 503, { ready, checks, ...(Object.keys(detail).length > 0 ? { detail } : {}) });
  };
}

/**
 * `GET /metrics`: Prometheus text. With `METRICS_TOKEN` set, only a request carrying it as a bearer token is served
 * (README → Deployment: expose it to Prometheus alone).
 */
export function metricsRoute(metrics: Metrics, token?: string) {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res
          .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' })
          .end('metrics need the token\n');
        return;
      }
    }
    // The figures read from the database leave themselves out when it is down (rebut_database_up says so).
    const { contentType, body } = await metrics.render();
    res.writeHead(200, { 'content-type': contentType });
    res.end(body);
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
