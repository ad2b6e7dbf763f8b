/**
 * Per-key rate limits for the compatible APIs: a token bucket per key (a burst of `capacity`
 * requests, refilled at `capacity` per `windowSeconds`), reported in the IETF RateLimit header
 * fields so well-behaved clients can pace themselves.
 */

export interface RateLimitPolicy {
  /** Requests allowed in a burst, and per window. */
  capacity: number;
  windowSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until a request would be allowed again (0 when allowed). */
  retryAfter: number;
  /** Seconds until the bucket is full again. */
  reset: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_BUCKETS = 100_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(readonly policy: RateLimitPolicy) {}

  /** Takes one token for `key` at `now` (ms), if there is one. */
  take(key: string, now = Date.now()): RateDecision {
    const { capacity, windowSeconds } = this.policy;
    const perMs = capacity / (windowSeconds * 1000);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
      bucket = { tokens: capacity, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    return {
      allowed,
      remaining: Math.floor(bucket.tokens),
      retryAfter: allowed ? 0 : Math.ceil((1 - bucket.tokens) / perMs / 1000),
      reset: Math.ceil((capacity - bucket.tokens) / perMs / 1000),
    };
  }

  /** `RateLimit-Policy` and `RateLimit` header values (draft-ietf-httpapi-ratelimit-headers). */
  headers(decision: RateDecision): Record<string, string> {
    const { capacity, windowSeconds } = this.policy;
    const headers: Record<string, string> = {
      'RateLimit-Policy': `${capacity};w=${windowSeconds}`,
      RateLimit: `limit=${capacity}, remaining=${decision.remaining}, reset=${decision.reset}`,
    };
    if (!decision.allowed) headers['Retry-After'] = String(decision.retryAfter);
    return headers;
  }
}
