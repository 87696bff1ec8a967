/**
 * How hard the sync may press Stripe: a request ceiling that adapts to 429s, and the backoff and
 * retry rules for one page. Pure: no I/O, unit-tested on their own.
 */

/** Stripe's test mode allows 25 requests per second; staying below leaves room for the webhook jobs. */
export const DEFAULT_REQUESTS_PER_SECOND = 20;
/** Retries of one page on 429 / 5xx / network errors before the run gives up (resumable). */
export const MAX_PAGE_ATTEMPTS = 8;
/** Exponential backoff: base × 2^attempt, capped, half of it random (so instances do not retry in step). */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;

/**
 * A token bucket that also adapts: a 429 halves the rate (down to one request a second), each
 * success wins back 5% up to the ceiling. `reserve()` says how long to wait before the next request.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private rate: number;

  constructor(
    private readonly ceiling: number,
    private readonly capacity = 1,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.rate = ceiling;
    this.tokens = capacity;
    this.last = now();
  }

  get currentRate(): number {
    return this.rate;
  }

  /** Takes a token; returns the milliseconds to wait until it is really available. */
  reserve(): number {
    if (!Number.isFinite(this.rate)) return 0;
    const at = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((at - this.last) / 1000) * this.rate);
    this.last = at;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.rate) * 1000;
  }

  slowDown(): void {
    if (Number.isFinite(this.rate)) this.rate = Math.max(1, this.rate / 2);
  }

  speedUp(): void {
    if (Number.isFinite(this.rate)) this.rate = Math.min(this.ceiling, this.rate * 1.05);
  }
}

/** The wait before retry `attempt` (0-based): half fixed, half random, doubling up to the cap. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** 429s, Stripe's 5xx and lost connections pass; a bad key or a bad request will not. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = 'statusCode' in error ? error.statusCode : undefined;
  if (status === 429 || (typeof status === 'number' && status >= 500)) return true;
  return 'type' in error && (error.type === 'StripeConnectionError' || error.type === 'StripeAPIError');
}

/** A 429: Stripe says the rate is too high, not that it failed. */
export function isRateLimited(error: unknown): boolean {
  return error instanceof Error && 'statusCode' in error && error.statusCode === 429;
}
