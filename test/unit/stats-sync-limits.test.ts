import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { parseSince, UsageError } from '../../src/stats/cli.js';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay, isRetryable, TokenBucket } from '../../src/sync/limits.js';
import { syncFraction } from '../../src/sync/progress.js';

describe("the sync's request ceiling", () => {
  it('spaces requests at the rate: the 21st request in the same instant waits a full second', () => {
    let now = 0;
    const bucket = new TokenBucket(20, 1, () => now);
    const waits = Array.from({ length: 21 }, () => bucket.reserve());
    expect(waits[0]).toBe(0);
    expect(waits[1]).toBeCloseTo(50, 6);
    expect(waits[20]).toBeCloseTo(1000, 6);
    now = 2000;
    // Idle time refills at most one token (capacity 1): no burst after a pause.
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBeCloseTo(50, 6);
  });

  it('halves its rate on a 429 (never below 1/s) and wins it back slowly, up to the ceiling', () => {
    const bucket = new TokenBucket(20, 1, () => 0);
    bucket.slowDown();
    expect(bucket.currentRate).toBe(10);
    for (let i = 0; i < 10; i++) bucket.slowDown();
    expect(bucket.currentRate).toBe(1);
    for (let i = 0; i < 200; i++) bucket.speedUp();
    expect(bucket.currentRate).toBe(20);
  });

  it('without a ceiling never waits', () => {
    const bucket = new TokenBucket(Number.POSITIVE_INFINITY, 1, () => 0);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
  });
});

describe('backoff', () => {
  it('doubles with each attempt, half of it random, up to the cap', () => {
    expect(backoffDelay(0, () => 0)).toBe(BACKOFF_BASE_MS / 2);
    expect(backoffDelay(0, () => 1)).toBe(BACKOFF_BASE_MS);
    expect(backoffDelay(3, () => 0.5)).toBe(BACKOFF_BASE_MS * 8 * 0.75);
    expect(backoffDelay(30, () => 1)).toBe(BACKOFF_CAP_MS);
  });

  it("retries 429s, Stripe's 5xx and lost connections; not a bad key or a bad request", () => {
    const error = (statusCode: number, type: string) =>
      Object.assign(new Error('x'), { statusCode, type }) as Error & { statusCode: number };
    expect(isRetryable(error(429, 'StripeRateLimitError'))).toBe(true);
    expect(isRetryable(error(503, 'StripeAPIError'))).toBe(true);
    expect(isRetryable(new Stripe.errors.StripeConnectionError({ message: 'socket hang up' }))).toBe(true);
    expect(isRetryable(error(401, 'StripeAuthenticationError'))).toBe(false);
    expect(isRetryable(error(400, 'StripeInvalidRequestError'))).toBe(false);
    expect(isRetryable('nope')).toBe(false);
  });
});

describe('sync progress', () => {
  const day = (d: string) => new Date(`${d}T00:00:00Z`);
  it('is how far back in time the listing has come between the newest dispute and the floor', () => {
    expect(
      syncFraction({ done: false, head: day('2026-11-01'), floor: day('2026-01-01'), reachedBack: day('2026-06-01') }),
    ).toBeCloseTo(153 / 304, 6);
    expect(syncFraction({ done: true, head: null, floor: null, reachedBack: null })).toBe(1);
  });

  it('is unknown (an indeterminate bar) with nothing to measure against', () => {
    expect(syncFraction({ done: false, head: day('2026-11-01'), floor: null, reachedBack: day('2026-06-01') })).toBe(
      null,
    );
    // A dispute older than the estimated floor never shows more than 99% before the end.
    expect(
      syncFraction({ done: false, head: day('2026-11-01'), floor: day('2026-06-01'), reachedBack: day('2025-01-01') }),
    ).toBe(0.99);
  });
});

describe('rebut sync --since', () => {
  it('takes a calendar date and means its start in UTC', () => {
    expect(parseSince('2024-02-29').toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it.each(['2023-02-29', '2024-13-01', '24-01-01', 'yesterday', '2999-01-01'])(
    'refuses %s with a usage error',
    (text) => {
      expect(() => parseSince(text)).toThrow(UsageError);
    },
  );
});
