/**
 * Per-key rate limits for the compatible APIs: at most `capacity` requests in any window of
 * `windowSeconds`, exactly what each API's `RateLimit-Policy: N;w=W` header and docs promise,
 * reported in the IETF RateLimit header fields so well-behaved clients can pace themselves.
 *
 * Hand-written on purpose: the libraries at hand count fixed windows or refill token buckets, and
 * both let up to twice the advertised number through across a window boundary (a token bucket of
 * 10 per 20 s accepted 19 requests in 20 s). Keeping the times of the last `capacity` accepted
 * requests per key answers exactly, in memory bounded by `capacity` per key.
 */

export interface RateLimitPolicy {
  /** Requests allowed in any window. */
  capacity: number;
  windowSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Requests still allowed in the window ending now. */
  remaining: number;
  /** Seconds until a request would be allowed again (0 when allowed). */
  retryAfter: number;
  /** Seconds until the whole quota is free again (no counted request left in the window). */
  reset: number;
}

/** The times (ms) of a key's last `capacity` accepted requests, oldest at `next`, as a ring. */
interface Log {
  times: Float64Array;
  next: number;
}

const MAX_KEYS = 100_000;

export class RateLimiter {
  private readonly logs = new Map<string, Log>();

  constructor(readonly policy: RateLimitPolicy) {}

  /** Counts one request for `key` at `now` (ms) if the window ending now has room for it. */
  take(key: string, now = Date.now()): RateDecision {
    const { capacity } = this.policy;
    const windowMs = this.policy.windowSeconds * 1000;
    let log = this.logs.get(key);
    if (log === undefined) {
      // A bound on memory. Ooyala counts requests before the key is checked, so anyone can fill
      // this map; starting over then only forgets counts, it never refuses a request.
      if (this.logs.size >= MAX_KEYS) this.logs.clear();
      log = { times: new Float64Array(capacity).fill(Number.NEGATIVE_INFINITY), next: 0 };
      this.logs.set(key, log);
    }
    // The window is (now - W, now]: the oldest of the last `capacity` accepted requests must have
    // left it for one more to fit.
    const oldest = log.times[log.next] as number;
    const allowed = oldest <= now - windowMs;
    if (allowed) {
      log.times[log.next] = now;
      log.next = (log.next + 1) % capacity;
    }
    let inWindow = 0;
    let newest = Number.NEGATIVE_INFINITY;
    for (const t of log.times) {
      if (t > now - windowMs) inWindow += 1;
      if (t > newest) newest = t;
    }
    const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));
    return {
      allowed,
      remaining: capacity - inWindow,
      // The oldest counted request leaves the window at oldest + W.
      retryAfter: allowed ? 0 : Math.max(1, seconds(oldest + windowMs - now)),
      reset: inWindow === 0 ? 0 : seconds(newest + windowMs - now),
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
