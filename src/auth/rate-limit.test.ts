import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { RateLimiter } from './rate-limit.js';

/** The largest number of `accepted` times (ms, sorted) inside any window (t - W, t]. */
function busiestWindow(accepted: readonly number[], windowMs: number): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < accepted.length; last++) {
    while ((accepted[first] as number) <= (accepted[last] as number) - windowMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('RateLimiter', () => {
  test.each([
    // The three limits whose headers promised less than they let through.
    ['ZenDRIVE 10;w=20, a request every second for 20 s', 10, 20, 20, 1000],
    ['Wowza 60;w=60, a request every half second for 60 s', 60, 60, 120, 500],
    ['Ooyala 100;w=60, a burst of 110', 100, 60, 110, 0],
  ])('%s: no more than the policy in any window', (_name, capacity, windowSeconds, requests, everyMs) => {
    const limiter = new RateLimiter({ capacity, windowSeconds });
    const start = 1_700_000_000_000;
    const accepted: number[] = [];
    for (let i = 0; i < requests; i++) {
      const at = start + i * everyMs;
      if (limiter.take('k', at).allowed) accepted.push(at);
    }
    expect(accepted).toHaveLength(capacity);
    expect(busiestWindow(accepted, windowSeconds * 1000)).toBe(capacity);
  });

  test('any arrival pattern: at most N in any window, and a request is refused only when N are in it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 200 }),
        (capacity, windowSeconds, gaps) => {
          const windowMs = windowSeconds * 1000;
          const limiter = new RateLimiter({ capacity, windowSeconds });
          const accepted: number[] = [];
          let now = 0;
          for (const gap of gaps) {
            now += gap;
            const inWindow = accepted.filter((t) => t > now - windowMs).length;
            const decision = limiter.take('k', now);
            expect(decision.allowed).toBe(inWindow < capacity);
            if (decision.allowed) accepted.push(now);
            expect(decision.remaining).toBe(capacity - accepted.filter((t) => t > now - windowMs).length);
            if (!decision.allowed) {
              // Retry-After is enough: at that time the oldest counted request has left the window.
              const oldest = accepted.filter((t) => t > now - windowMs)[0] as number;
              expect(now + decision.retryAfter * 1000).toBeGreaterThanOrEqual(oldest + windowMs);
            }
          }
          expect(busiestWindow(accepted, windowMs)).toBeLessThanOrEqual(capacity);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('keys are counted apart; headers say the policy, what remains and when to retry', () => {
    const limiter = new RateLimiter({ capacity: 2, windowSeconds: 10 });
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.take('a', 1000).allowed).toBe(true);
    expect(limiter.take('b', 1000).allowed).toBe(true);
    const refused = limiter.take('a', 2500);
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfter: 8, reset: 9 });
    expect(limiter.headers(refused)).toEqual({
      'RateLimit-Policy': '2;w=10',
      RateLimit: 'limit=2, remaining=0, reset=9',
      'Retry-After': '8',
    });
    expect(limiter.take('a', 10_000).allowed).toBe(true);
  });
});
