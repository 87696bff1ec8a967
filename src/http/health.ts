import type { IncomingMessage, ServerResponse } from 'node:http';
import { pendingMigrations } from '../db/migrate.js';
import type { Pool } from '../db/pool.js';
import { messageOf } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { sendJson } from './server.js';

export function healthz(_req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, { ok: true });
}

/** `GET /readyz`: ready when PostgreSQL answers and every migration is applied; otherwise 503 saying why. */
export function readyz(pool: Pool) {
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
      checks.database = `unreachable: ${messageOf(error)} (check DATABASE_URL)`;
    }
    const ready = checks.database === 'ok' && checks.migrations === 'ok';
    sendJson(res, ready ? 200 : 503, { ready, checks });
  };
}

export function metricsRoute(metrics: Metrics) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { contentType, body } = await metrics.render().catch(async () => {
      // The queue gauge needs the database; without it, still serve the in-process counters.
      return { contentType: metrics.registry.contentType, body: '# queue depth unavailable: database unreachable\n' };
    });
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
