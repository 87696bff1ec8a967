import Stripe from 'stripe';
import { type Settings, settingsSchema } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { type App, startApp } from '../../src/main.js';

export const TEST_STRIPE_KEY = 'sk_test_rebut';
export const TEST_WEBHOOK_SECRET = 'whsec_rebut_test';

export function testSettings(overrides: Record<string, string>): Settings {
  return settingsSchema.parse({
    PORT: '0',
    STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    REBUT_WORKER_LEASE: '2s',
    // The weekly digest would otherwise post on its day and hour in any test running then; its tests turn it on.
    REBUT_DIGEST_CHANNEL: 'off',
    ...overrides,
  });
}

/** The real app on a loopback port, with its log lines kept for assertions. */
export async function startTestApp(
  overrides: Record<string, string>,
  options: { workers?: boolean; env?: NodeJS.ProcessEnv } = {},
) {
  const lines: string[] = [];
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'debug', {
    write: (line: string) => {
      lines.push(line);
      if (process.env.TEST_LOG_LEVEL) process.stdout.write(line);
    },
  });
  const app: App = await startApp(testSettings(overrides), {
    log,
    host: '127.0.0.1',
    workers: options.workers,
    ...(options.env ? { env: options.env } : {}),
  });
  return Object.assign(app, { logLines: lines });
}

/** A Stripe-Signature header exactly as Stripe makes it. */
export function stripeSignature(payload: string, options: { secret?: string; timestamp?: number } = {}): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? TEST_WEBHOOK_SECRET,
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
  });
}

export async function postWebhook(
  url: string,
  payload: string,
  headers: Record<string, string> = { 'stripe-signature': stripeSignature(payload) },
  path = '/stripe/webhook',
): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: payload,
  });
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

export function disputeEvent(
  disputeId: string,
  options: { type?: string; id?: string; livemode?: boolean; account?: string; created?: number } = {},
): string {
  return JSON.stringify({
    id: options.id ?? `evt_${Math.random().toString(36).slice(2, 14)}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: options.created ?? Math.floor(Date.now() / 1000),
    type: options.type ?? 'charge.dispute.created',
    livemode: options.livemode ?? false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    ...(options.account ? { account: options.account } : {}),
    data: { object: { id: disputeId, object: 'dispute', status: 'needs_response' } },
  });
}
