import { describe, expect, test } from 'vitest';
import { ReadCache } from './read-cache.js';

describe('the read cache', () => {
  test('answers from memory only at the generation it read at; a large answer is not kept', async () => {
    const cache = new ReadCache();
    let reads = 0;
    const read = (value: number[]) => async () => {
      reads += 1;
      return value;
    };
    const first = await cache.get('k', 1, read([1]), (v) => v.length);
    expect(await cache.get('k', 1, read([2]), (v) => v.length)).toBe(first);
    expect(reads).toBe(1);
    // A commit since: read again.
    expect(await cache.get('k', 2, read([3]), (v) => v.length)).toEqual([3]);
    expect(reads).toBe(2);
    // Shared answers cannot be changed by one of their readers.
    expect(() => (first as number[]).push(4)).toThrow();

    const big = Array.from({ length: 20_001 }, (_, i) => i);
    await cache.get('big', 2, read(big), (v) => v.length);
    await cache.get('big', 2, read(big), (v) => v.length);
    expect(reads).toBe(4);
  });
});
