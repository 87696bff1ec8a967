import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../log.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Route {
  method: string;
  path: string;
  handler: Handler;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The one HTTP server of an instance. rebut's own routes are matched first; anything else goes
 * to `fallback` (Bolt's HTTP receiver for `/slack/events`), so Stripe and Slack share a port.
 */
export function createHttpServer(routes: Route[], log: Logger, fallback?: Handler): Server {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routes.find((candidate) => candidate.path === path);
    const handler: Handler | undefined =
      route && route.method === req.method
        ? route.handler
        : route
          ? (_req, response) =>
              sendJson(response, 405, { error: `use ${route.method} ${route.path}` }, { allow: route.method })
          : fallback;
    if (!handler) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    // A handler that rejects must never take the process down; it answers 500 instead.
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        log.error({ err: error, path }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
      });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  return server;
}
