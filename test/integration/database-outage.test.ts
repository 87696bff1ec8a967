import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disputeEvent, postWebhook, startTestApp } from '../support/app.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { startTcpProxy, viaPort } from '../support/tcp-proxy.js';

let db: TestDatabase;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  db = await freshDatabase();
  const target = new URL(db.url);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  app = await startTestApp(
    { DATABASE_URL: viaPort(db.url, proxy.port), STRIPE_API_URL: 'http://127.0.0.1:9' },
    { workers: false },
  );
});
afterAll(async () => {
  proxy.restore();
  await app.stop();
  await proxy.close();
  await db.drop();
});

describe('PostgreSQL unreachable', () => {
  it('the webhook answers 503 so Stripe retries, /readyz says why, and both recover', async () => {
    proxy.cut();
    const event = disputeEvent('du_outage', { id: 'evt_outage' });
    const during = await postWebhook(app.url, event);
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('10');

    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { ready: boolean; checks: { database: string } };
    expect(body.ready).toBe(false);
    expect(body.checks.database).toMatch(/^unreachable: .+\(check DATABASE_URL\)$/);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);

    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM stripe_events`);
    expect(rows[0]).toEqual({ n: 0 });

    proxy.restore();
    const after = await postWebhook(app.url, event);
    expect(after.status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    const stored = await db.pool.query(`SELECT id FROM stripe_events`);
    expect(stored.rows).toEqual([{ id: 'evt_outage' }]);
  });
});
