import { describe, expect, test } from 'vitest';
import { sleep } from './abortable-sleep.js';

describe('sleep', () => {
  test('ends when the signal aborts, and at once when it already has', async () => {
    const started = Date.now();
    const aborted = new AbortController();
    aborted.abort();
    await sleep(3_600_000, aborted.signal);
    const later = new AbortController();
    setTimeout(() => later.abort(), 20);
    await sleep(3_600_000, later.signal);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
