import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

/**
 * The floor rebut's webhook ingest is measured against (`npm run bench -- webhook`): a bare Node server doing the
 * same durable work on the same PostgreSQL and nothing else. Raw body → Stripe signature check (HMAC-SHA256 over
 * `t.payload`, 300 s tolerance) → the event id from the JSON → one `INSERT … ON CONFLICT DO NOTHING` → 200.
 * No job, no product, no metrics, no logging: what any receiver has to pay before it may say 200.
 */
export async function startBareWebhookServer(
  databaseUrl: string,
  secret: string,
): Promise<{ url: string; stored(): Promise<number>; stop(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });
  await pool.query('CREATE TABLE IF NOT EXISTS bare_events (id text PRIMARY KEY, payload jsonb NOT NULL)');
  await pool.query('TRUNCATE bare_events');
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const event = verified(raw, String(req.headers['stripe-signature'] ?? ''), secret);
      if (!event) {
        res.writeHead(400).end();
        return;
      }
      pool
        .query('INSERT INTO bare_events (id, payload) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
          event.id,
          raw.toString('utf8'),
        ])
        .then(
          () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}'),
          () => res.writeHead(500).end(),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stored() {
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM bare_events');
      return rows[0]?.n ?? 0;
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

function verified(raw: Buffer, header: string, secret: string): { id: string } | undefined {
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key && value) parts.set(key, [...(parts.get(key) ?? []), value]);
  }
  const timestamp = Number(parts.get('t')?.[0]);
  if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) return undefined;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest();
  const signed = (parts.get('v1') ?? []).some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!signed) return undefined;
  try {
    const event = JSON.parse(raw.toString('utf8')) as { id?: unknown };
    return typeof event.id === 'string' ? { id: event.id } : undefined;
  } catch {
    return undefined;
  }
}
