// Token buckets per method (and per channel where Slack limits per channel), like Slack's Web API tiers.

export interface RateLimitRule {
  /** Sustained calls per second. */
  perSecond: number;
  /** Calls allowed at once before the sustained rate applies. */
  burst: number;
  /** `channel`: one bucket per channel (chat.postMessage); `workspace`: one bucket for the method. */
  scope: 'channel' | 'workspace';
}

/** chat.postMessage is "about one message per second per channel, short bursts allowed" (Slack's rate-limit docs). */
export const DEFAULT_RATE_LIMITS: Record<string, RateLimitRule> = {
  'chat.postMessage': { perSecond: 1, burst: 5, scope: 'channel' },
};

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly rules = new Map<string, RateLimitRule>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(rules: Record<string, RateLimitRule>) {
    for (const [method, rule] of Object.entries(rules)) this.rules.set(method, rule);
  }

  set(method: string, rule: RateLimitRule | null): void {
    if (rule === null) this.rules.delete(method);
    else this.rules.set(method, rule);
    for (const key of this.buckets.keys()) if (key.startsWith(`${method}|`)) this.buckets.delete(key);
  }

  /** Takes one call's token; returns 0 when allowed, otherwise the whole seconds to wait (Retry-After). */
  take(method: string, channel: string | undefined, now: number): number {
    const rule = this.rules.get(method);
    if (rule === undefined) return 0;
    const key = `${method}|${rule.scope === 'channel' ? (channel ?? '') : ''}`;
    const bucket = this.buckets.get(key) ?? { tokens: rule.burst, updatedAt: now };
    bucket.tokens = Math.min(rule.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rule.perSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rule.perSecond));
  }
}
