// A local stand-in for api.stripe.com that the official `stripe` SDK talks to unchanged, plus
// in-process controls for tests and the demo (scenarios, events, webhook delivery, faults).
import Stripe from 'stripe';
import { DEFAULT_API_VERSION, type Delivery, SandboxCore, type WebhookTarget } from './core.js';
import {
  type CreateDisputeInput,
  createDispute,
  type DisputeScenario,
  getDispute,
  type SeedOptions,
  seedDisputes,
  setDisputeStatus,
} from './scenarios.js';
import { type DelayRule, type FaultRule, type RecordedRequest, SandboxServer } from './server.js';
import {
  type CreateWarningInput,
  createEarlyFraudWarning,
  disputeCharge,
  getWarning,
  type WarningScenario,
} from './warnings.js';
import type { DeliverOptions } from './webhooks.js';

export { EVIDENCE_LIMITS } from './evidence.js';
export { signStripePayload } from './webhooks.js';
export type {
  CreateDisputeInput,
  CreateWarningInput,
  DelayRule,
  DeliverOptions,
  Delivery,
  DisputeScenario,
  FaultRule,
  RecordedRequest,
  SeedOptions,
  WarningScenario,
};

export interface StripeSandboxOptions {
  webhook?: WebhookTarget;
  apiVersion?: string;
  /** Requests per second before 429s; default unlimited. */
  requestsPerSecond?: number;
  /**
   * Automatic deliveries the receiver refuses (not 2xx) or does not answer are sent again after each of
   * these delays in turn, as Stripe retries with backoff. Default none: tests redeliver explicitly.
   */
  webhookRetryDelaysMs?: readonly number[];
}

export interface StripeSandbox {
  /** Base URL, e.g. `http://127.0.0.1:54321`; give it to the app as `STRIPE_API_URL`. */
  url: string;
  port: number;
  /** An official SDK client pointed at the sandbox (API calls and file uploads), no retries. */
  stripe(key?: string): Stripe;
  createDispute(input: CreateDisputeInput): DisputeScenario;
  /** The stored dispute, wherever it lives (platform or connected account). */
  dispute(id: string): Stripe.Dispute;
  setDisputeStatus(id: string, status: Stripe.Dispute.Status): Stripe.Dispute;
  /** A card payment and Radar's early fraud warning on it (`radar.early_fraud_warning.created`). */
  createEarlyFraudWarning(input?: CreateWarningInput): WarningScenario;
  /** The issuer disputes an existing charge (a warned one): the dispute's events, and the warning's update. */
  disputeCharge(chargeId: string, options?: { reason?: string; account?: string }): Stripe.Dispute;
  /** The stored early fraud warning, wherever it lives. */
  warning(id: string): Stripe.Radar.EarlyFraudWarning;
  /** The stored charge (test mode), of the platform or of `account`. */
  charge(id: string, account?: string): Stripe.Charge | undefined;
  emit(
    type: string,
    object: { object: string; livemode?: boolean },
    options?: { account?: string; livemode?: boolean; previousAttributes?: Record<string, unknown> },
  ): Stripe.Event;
  deliver(event: Stripe.Event, options?: DeliverOptions & { url?: string }): Promise<Response[]>;
  /** Waits until every automatic webhook delivery started so far (and its redeliveries) has been answered. */
  webhooksSettled(): Promise<void>;
  /** Every automatic or explicit delivery with the receiver's status. */
  deliveries: Delivery[];
  setWebhook(webhook: WebhookTarget | undefined): void;
  seedDisputes(count: number, options?: SeedOptions): void;
  /**
   * Connects an account: `Stripe-Account: id` is let through and `/v1/accounts` lists it (scenarios add theirs). With
   * `platformKey`, to that key's platform only: other keys neither list it nor may name it (403), as for two Stripe
   * accounts' own connected accounts. Call it before creating the account's disputes.
   */
  addAccount(id: string, options?: { platformKey?: string }): void;
  /** Makes `key` a restricted key with these permissions only (`dispute_write`, `charge_read`, …). */
  restrictKey(key: string, permissions: readonly string[]): void;
  /** Makes Stripe refuse `key` (401), as after it is rolled or deleted. */
  revokeKey(key: string): void;
  /** Bytes of an uploaded file. */
  fileContents(id: string, account?: string): Buffer | undefined;
  /** Ids of the files created (an upload replayed under its idempotency key creates none), test mode. */
  fileIds(account?: string): string[];
  requests: RecordedRequest[];
  failNext(rule: FaultRule): void;
  delay(rule: DelayRule): void;
  clearFaults(): void;
  setRateLimit(requestsPerSecond: number | undefined): void;
  close(): Promise<void>;
}

export async function startStripeSandbox(options: StripeSandboxOptions = {}): Promise<StripeSandbox> {
  const core = new SandboxCore(options.apiVersion ?? DEFAULT_API_VERSION, options.webhook);
  core.webhookRetryDelaysMs = options.webhookRetryDelaysMs ?? [];
  const server = new SandboxServer(core, options.requestsPerSecond);
  const url = await server.listen();
  const port = server.port;
  return {
    url,
    port,
    stripe: (key = 'sk_test_sandbox') => stripeClient(url, key),
    createDispute: (input) => createDispute(core, input),
    dispute: (id) => getDispute(core, id),
    setDisputeStatus: (id, status) => setDisputeStatus(core, id, status),
    createEarlyFraudWarning: (input) => createEarlyFraudWarning(core, input),
    disputeCharge: (chargeId, disputeOptions) => disputeCharge(core, chargeId, disputeOptions),
    warning: (id) => getWarning(core, id),
    charge: (id, account) => {
      const charge = core.store.partition(account, false).charges.get(id);
      return charge ? structuredClone(charge) : undefined;
    },
    emit: (type, object, emitOptions = {}) => core.emit(type, object, emitOptions),
    deliver: (event, deliverOptions) => core.deliver(event, deliverOptions),
    webhooksSettled: () => core.settled(),
    deliveries: core.deliveries,
    setWebhook: (webhook) => {
      core.webhook = webhook;
    },
    seedDisputes: (count, seedOptions) => seedDisputes(core, count, seedOptions),
    addAccount: (id, accountOptions) => core.store.addAccount(id, accountOptions?.platformKey),
    restrictKey: (key, permissions) => {
      core.restrictedKeys.set(key, new Set(permissions));
    },
    revokeKey: (key) => {
      core.revokedKeys.add(key);
    },
    fileContents: (id, account) => {
      for (const livemode of [false, true]) {
        const content = core.store.partition(account, livemode).fileContents.get(id);
        if (content) return content.data;
      }
      return undefined;
    },
    fileIds: (account) => [...core.store.partition(account, false).fileContents.keys()],
    requests: server.requests,
    failNext: (rule) => server.failNext(rule),
    delay: (rule) => server.delay(rule),
    clearFaults: () => server.clearFaults(),
    setRateLimit: (rps) => server.setRateLimit(rps),
    close: async () => {
      core.cancelRetries();
      await core.settled();
      await server.close();
    },
  };
}

/**
 * How the app points the SDK at another Stripe base URL (`STRIPE_API_URL`). A non-default `host`
 * also redirects uploads: stripe-node's `resolveBaseAddress` uses the instance host for
 * `files.stripe.com` whenever `host` is not `api.stripe.com`.
 */
export function stripeClient(baseUrl: string, key: string, config: Stripe.StripeConfig = {}): Stripe {
  const parsed = new URL(baseUrl);
  const protocol = parsed.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(key, {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : protocol === 'http' ? 80 : 443,
    protocol,
    maxNetworkRetries: 0,
    telemetry: false,
    ...config,
  });
}
