import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Changes, ReadCache, type Reads } from './read-cache.js';

describe('the read cache', () => {
  test('answers from memory until a commit changes what it read; a large answer is not kept', async () => {
    const cache = new ReadCache();
    let reads = 0;
    const read = (value: number[]) => async () => {
      reads += 1;
      return value;
    };
    const acme: Reads = { usageOf: ['acme'] };
    const first = await cache.get('k', acme, read([1]), (v) => v.length);
    expect(await cache.get('k', acme, read([2]), (v) => v.length)).toBe(first);
    expect(reads).toBe(1);
    // A commit since: read again.
    cache.changed('everything');
    expect(await cache.get('k', acme, read([3]), (v) => v.length)).toEqual([3]);
    expect(reads).toBe(2);
    // Shared answers cannot be changed by one of their readers.
    expect(() => (first as number[]).push(4)).toThrow();

    const big = Array.from({ length: 20_001 }, (_, i) => i);
    await cache.get('big', acme, read(big), (v) => v.length);
    await cache.get('big', acme, read(big), (v) => v.length);
    expect(reads).toBe(4);
  });

  test("another account's usage, or nothing read, changing leaves an answer; its own account's does not", async () => {
    const cache = new ReadCache();
    const asked: string[] = [];
    const get = (key: string, reads: Reads) =>
      cache.get(
        key,
        reads,
        async () => {
          asked.push(key);
          return key;
        },
        () => 1,
      );
    const both = async () => {
      await get('acme+beta', { usageOf: ['acme', 'beta'] });
      await get('key', 'registry');
    };
    await both();
    expect(asked).toEqual(['acme+beta', 'key']);
    for (const changes of ['nothing', { usageOf: ['gamma'] }] as Changes[]) {
      cache.changed(changes);
      await both();
    }
    expect(asked).toHaveLength(2);
    // Usage of one of its accounts: read again; a registry read stays (it reads no usage).
    cache.changed({ usageOf: new Set(['beta']) });
    await both();
    expect(asked).toEqual(['acme+beta', 'key', 'acme+beta']);
    cache.changed('everything');
    await both();
    expect(asked).toEqual(['acme+beta', 'key', 'acme+beta', 'acme+beta', 'key']);
  });

  test('a read that raced a commit of what it reads is not served afterwards', async () => {
    const cache = new ReadCache();
    const acme: Reads = { usageOf: ['acme'] };
    // The read saw the data before the commit, which became visible while it ran.
    await cache.get(
      'k',
      acme,
      async () => {
        cache.changed({ usageOf: ['acme'] });
        return 'before';
      },
      () => 1,
    );
    expect(
      await cache.get(
        'k',
        acme,
        async () => 'after',
        () => 1,
      ),
    ).toBe('after');
  });

  test('requests for an answer being read share the read, unless what it reads changed after it started', async () => {
    const cache = new ReadCache();
    const acme: Reads = { usageOf: ['acme'] };
    const pending: ((value: string) => void)[] = [];
    const read = () => new Promise<string>((resolve) => pending.push(resolve));
    const get = () => cache.get('k', acme, read, () => 1);
    const [a, b] = [get(), get()];
    expect(pending).toHaveLength(1);
    pending[0]?.('one');
    expect([await a, await b]).toEqual(['one', 'one']);

    cache.changed('everything');
    const c = get();
    cache.changed({ usageOf: ['acme'] });
    // The running read may have seen the data before that commit: a new one is needed.
    const d = get();
    const e = get();
    expect(pending).toHaveLength(3);
    pending[2]?.('three');
    pending[1]?.('two');
    expect([await c, await d, await e]).toEqual(['two', 'three', 'three']);
    cache.changed({ usageOf: ['beta'] });
    expect(await get()).toBe('three');
    expect(pending).toHaveLength(3);
  });

  test('whatever the commits, requests and order reads end in, no answer is older than the data when asked', async () => {
    const accounts = ['a', 'b', 'c'];
    const readsOf = fc.oneof(
      fc.constant<Reads>('registry'),
      fc.subarray(accounts, { minLength: 1 }).map((usageOf): Reads => ({ usageOf })),
    );
    const op = fc.oneof(
      fc.record({
        commit: fc.oneof(
          fc.constantFrom<Changes>('everything', 'nothing'),
          fc.subarray(accounts).map((usageOf): Changes => ({ usageOf })),
        ),
      }),
      fc.record({ get: readsOf }),
      // A running read ends: which one, of those running.
      fc.record({ end: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const cache = new ReadCache();
        // The data: a version per account's usage, and one for the registry.
        const version = new Map<string, number>([...accounts, 'registry'].map((k) => [k, 0]));
        const parts = (reads: Reads) =>
          reads === 'registry' ? ['registry'] : [...reads.usageOf, 'registry'];
        const now = (reads: Reads) => parts(reads).map((k) => version.get(k) ?? 0);
        const running: { seen: number[]; end: (seen: number[]) => void }[] = [];
        const answers: { asked: number[]; answer: Promise<number[]> }[] = [];
        const settle = () => new Promise((r) => setImmediate(r));
        for (const o of ops) {
          if ('commit' in o) {
            const c = o.commit;
            if (c === 'everything') for (const k of version.keys()) version.set(k, (version.get(k) ?? 0) + 1);
            else if (c !== 'nothing') for (const a of c.usageOf) version.set(a, (version.get(a) ?? 0) + 1);
            cache.changed(c);
          } else if ('get' in o) {
            const reads = o.get;
            // A read sees the data as it is when it starts.
            const read = () => new Promise<number[]>((end) => running.push({ seen: now(reads), end }));
            answers.push({
              asked: now(reads),
              answer: cache.get(JSON.stringify(reads), reads, read, () => 1),
            });
          } else if (running.length > 0) {
            const [ending] = running.splice(o.end % running.length, 1);
            ending?.end(ending.seen);
            await settle();
          }
        }
        for (const r of running.splice(0)) r.end(r.seen);
        for (const { asked, answer } of answers) {
          const got = await answer;
          for (const [i, v] of got.entries()) expect(v).toBeGreaterThanOrEqual(asked[i] ?? 0);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
