import type Stripe from 'stripe';
import { eventObject } from './objects.js';
import { Store } from './store.js';
import { type DeliverOptions, postEvent } from './webhooks.js';

export const DEFAULT_API_VERSION = '2026-10-28.endive';

export interface WebhookTarget {
  url: string;
  secret: string;
}

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
  readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Automatic deliveries go out one at a time, in emit order, so tests are deterministic. */
  private queue: Promise<unknown> = Promise.resolve();

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
      const delivery = this.queue.then(() => this.deliver(event)).catch(() => undefined);
      this.queue = delivery;
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    }
    return structuredClone(event);
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
      const ok = responses.every((response) => response.status >= 200 && response.status < 300);
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
