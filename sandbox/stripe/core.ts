import type Stripe from 'stripe';
import { eventObject } from './objects.js';
import { Store } from './store.js';
import { type DeliverOptions, postEvent } from './webhooks.js';

export const DEFAULT_API_VERSION = '2026-10-28.endive';

export interface WebhookTarget {
  url: string;
  secret: string;
  /** The events the endpoint is subscribed to, as `/v1/webhook_endpoints` lists them. Default: every dispute event. */
  enabledEvents?: string[];
  /** The endpoint's API version; null: the account's default. Default: the sandbox's version. */
  apiVersion?: string | null;
}

/** The sandbox platform account's id, as Stripe names the account a key belongs to. */
export const PLATFORM_ACCOUNT = 'acct_1RebutSandbox00';

export interface EmitOptions {
  account?: string;
  livemode?: boolean;
  previousAttributes?: Record<string, unknown>;
  /** The API request that caused the event; automatic changes have none. */
  request?: { id: string | null; idempotency_key: string | null };
}

export interface Delivery {
  event: string;
  type: string;
  status: number | 'error';
  error?: string;
}

/** State shared by the HTTP server and the in-process test controls: data, events, webhook delivery. */
export class SandboxCore {
  readonly store = new Store();
  /** Restricted keys and their permissions (`dispute_write`, `charge_read` …); other keys may call anything. */
  readonly restrictedKeys = new Map<string, ReadonlySet<string>>();
  /** Keys rolled or deleted in the dashboard: Stripe answers them 401, like a key it never issued. */
  readonly revokedKeys = new Set<string>();
  readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Automatic deliveries go out one at a time, in emit order, so tests are deterministic. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Waits before each redelivery of an automatic delivery the receiver did not take (not 2xx, or no answer):
   * Stripe retries with backoff for days (hours in test mode); tests give a short schedule. Empty: no retries.
   */
  webhookRetryDelaysMs: readonly number[] = [];
  /** Redeliveries waiting for their time, with what ends each one's wait early. */
  private readonly retryTimers = new Map<NodeJS.Timeout, () => void>();

  constructor(
    readonly apiVersion: string,
    public webhook: WebhookTarget | undefined,
  ) {}

  /** Records an event (listable through `/v1/events`) and, with a webhook configured, delivers it. */
  emit(type: string, object: { object: string; livemode?: boolean }, options: EmitOptions = {}): Stripe.Event {
    const livemode = options.livemode ?? object.livemode ?? false;
    const event = eventObject({
      type,
      object: structuredClone(object),
      livemode,
      apiVersion: this.apiVersion,
      created: Math.floor(Date.now() / 1000),
      pendingWebhooks: this.webhook ? 1 : 0,
      ...(options.previousAttributes ? { previousAttributes: options.previousAttributes } : {}),
      ...(options.account ? { account: options.account } : {}),
      ...(options.request ? { request: options.request } : {}),
    });
    const partition = this.store.partition(options.account, livemode);
    partition.events.insert(event);
    if (this.webhook) {
      const delivery = this.queue.then(() => this.deliverAutomatically(event, 0));
      this.queue = delivery;
      this.track(delivery);
    }
    return structuredClone(event);
  }

  /** One automatic attempt; a refusal schedules the next attempt after its delay (out of the emit-order queue). */
  private async deliverAutomatically(event: Stripe.Event, attempt: number): Promise<void> {
    const taken = await this.deliver(event).then(
      (responses) => responses.every((response) => response.ok),
      () => false,
    );
    const delay = this.webhookRetryDelaysMs[attempt];
    if (taken || delay === undefined || !this.webhook) return;
    this.track(
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.retryTimers.delete(timer);
          resolve(this.deliverAutomatically(event, attempt + 1));
        }, delay);
        this.retryTimers.set(timer, resolve);
      }),
    );
  }

  private track(work: Promise<unknown>): void {
    const settled = work.catch(() => undefined);
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  /** Drops the redeliveries still waiting (on close). */
  cancelRetries(): void {
    for (const [timer, giveUp] of this.retryTimers) {
      clearTimeout(timer);
      giveUp();
    }
    this.retryTimers.clear();
  }

  /** A signed POST of `event` to the webhook URL, like Stripe's delivery. */
  async deliver(event: Stripe.Event, options: DeliverOptions & { url?: string } = {}): Promise<Response[]> {
    const url = options.url ?? this.webhook?.url;
    const secret = this.webhook?.secret ?? options.secret;
    if (!url || !secret)
      throw new Error('No webhook configured: pass { webhook: { url, secret } } to startStripeSandbox');
    const partition = this.store.partition(event.account, event.livemode);
    try {
      const responses = await postEvent(url, event, secret, options);
      for (const response of responses)
        this.deliveries.push({ event: event.id, type: event.type, status: response.status });
      const ok = responses.every((response) => response.ok); // any 2xx, as Stripe counts a delivery
      partition.deliverySuccess.set(event.id, ok);
      const stored = partition.events.get(event.id);
      if (stored && ok) partition.events.replace({ ...stored, pending_webhooks: 0 });
      return responses;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deliveries.push({ event: event.id, type: event.type, status: 'error', error: message });
      partition.deliverySuccess.set(event.id, false);
      throw error;
    }
  }

  /** Resolves once every automatic delivery started so far has finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
