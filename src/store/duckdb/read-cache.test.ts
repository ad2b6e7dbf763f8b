import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Changes, ReadCache, type Reads } from './read-cache.js';

/** A read of these accounts' usage over [from, to). */
const reading = (accounts: string[], from = 0, to = 100): Reads => ({
  usageOf: accounts,
  span: { from, to },
});
/** A commit of usage of these accounts over [from, to). */
const usage = (accounts: string[], from = 0, to = 100): Changes => ({
  usage: new Map(accounts.map((a) => [a, { from, to }])),
});

/** Gets key `k` reading `reads`; each read answers how many reads there have been. */
function numbering(cache: ReadCache, reads: Reads): () => Promise<number> {
  let count = 0;
  return () =>
    cache.get(
      'k',
      reads,
      async () => {
        count += 1;
        return count;
      },
      () => 1,
    );
}

describe('the read cache', () => {
  test('answers from memory until a commit changes what it read; a large answer is not kept', async () => {
    const cache = new ReadCache();
    let reads = 0;
    const read = (value: number[]) => async () => {
      reads += 1;
      return value;
    };
    const acme = reading(['acme']);
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
      await get('acme+beta', reading(['acme', 'beta']));
      await get('key', 'registry');
    };
    await both();
    expect(asked).toEqual(['acme+beta', 'key']);
    for (const changes of ['nothing', usage(['gamma'])] as Changes[]) {
      cache.changed(changes);
      await both();
    }
    expect(asked).toHaveLength(2);
    // Usage of one of its accounts: read again; a registry read stays (it reads no usage).
    cache.changed(usage(['beta']));
    await both();
    expect(asked).toEqual(['acme+beta', 'key', 'acme+beta']);
    cache.changed('everything');
    await both();
    expect(asked).toEqual(['acme+beta', 'key', 'acme+beta', 'acme+beta', 'key']);
  });

  test('a read that raced a commit of what it reads is not served afterwards', async () => {
    const cache = new ReadCache();
    const acme = reading(['acme']);
    // The read saw the data before the commit, which became visible while it ran.
    await cache.get(
      'k',
      acme,
      async () => {
        cache.changed(usage(['acme']));
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
    const acme = reading(['acme']);
    const pending: ((value: string) => void)[] = [];
    const read = () => new Promise<string>((resolve) => pending.push(resolve));
    const get = () => cache.get('k', acme, read, () => 1);
    const [a, b] = [get(), get()];
    expect(pending).toHaveLength(1);
    pending[0]?.('one');
    expect([await a, await b]).toEqual(['one', 'one']);

    cache.changed('everything');
    const c = get();
    cache.changed(usage(['acme']));
    // The running read may have seen the data before that commit: a new one is needed.
    const d = get();
    const e = get();
    expect(pending).toHaveLength(3);
    pending[2]?.('three');
    pending[1]?.('two');
    expect([await c, await d, await e]).toEqual(['two', 'three', 'three']);
    cache.changed(usage(['beta']));
    expect(await get()).toBe('three');
    expect(pending).toHaveLength(3);
  });

  test("a commit of an account's usage at other times leaves its answers; one overlapping them does not", async () => {
    const cache = new ReadCache();
    const get = numbering(cache, reading(['acme'], 100, 200));
    await get();
    for (const [from, to] of [
      [0, 100],
      [200, 300],
    ] as const) {
      cache.changed(usage(['acme'], from, to));
      expect(await get()).toBe(1);
    }
    cache.changed(usage(['acme'], 199, 200));
    expect(await get()).toBe(2);
    cache.changed(usage(['acme'], 50, 101));
    expect(await get()).toBe(3);
  });

  test('past the changes it remembers per account, an older answer of that account is read again', async () => {
    const cache = new ReadCache();
    const get = numbering(cache, reading(['acme'], 100, 200));
    await get();
    // One overlapping change, then many that do not: the overlapping one is forgotten.
    cache.changed(usage(['acme'], 150, 160));
    for (let i = 0; i < 300; i++) cache.changed(usage(['acme'], 500 + i, 501 + i));
    expect(await get()).toBe(2);
    // Another account's changes, however many, do not count.
    for (let i = 0; i < 300; i++) cache.changed(usage(['beta'], 150, 160));
    expect(await get()).toBe(2);
  });

  test('whatever the commits, requests and order reads end in, no answer is older than the data when asked', async () => {
    const accounts = ['a', 'b', 'c'];
    // Time in four slots: spans are [from, to) over 0..4.
    const span = fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 4 }))
      .filter(([from, to]) => from < to)
      .map(([from, to]) => ({ from, to }));
    const readsOf = fc.oneof(
      fc.constant<Reads>('registry'),
      fc.record({ usageOf: fc.subarray(accounts, { minLength: 1 }), span }).map((r): Reads => r),
    );
    const op = fc.oneof(
      fc.record({
        commit: fc.oneof(
          fc.constantFrom<Changes>('everything', 'nothing'),
          fc
            .uniqueArray(fc.tuple(fc.constantFrom(...accounts), span), { selector: ([a]) => a, maxLength: 3 })
            .map((changes): Changes => ({ usage: new Map(changes) })),
        ),
      }),
      fc.record({ get: readsOf }),
      // A running read ends: which one, of those running.
      fc.record({ end: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const cache = new ReadCache();
        // The data: a version per account and time slot, and one for the registry.
        const version = new Map<string, number>();
        const bump = (k: string) => version.set(k, (version.get(k) ?? 0) + 1);
        const slots = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
        const parts = (reads: Reads) =>
          reads === 'registry'
            ? ['registry']
            : [
                ...reads.usageOf.flatMap((a) =>
                  slots(reads.span.from, reads.span.to).map((t) => `${a}:${t}`),
                ),
                'registry',
              ];
        const now = (reads: Reads) => parts(reads).map((k) => version.get(k) ?? 0);
        const running: { seen: number[]; end: (seen: number[]) => void }[] = [];
        const answers: { asked: number[]; answer: Promise<number[]> }[] = [];
        const settle = () => new Promise((r) => setImmediate(r));
        for (const o of ops) {
          if ('commit' in o) {
            const c = o.commit;
            if (c === 'everything') {
              bump('registry');
              for (const a of accounts) for (const t of slots(0, 4)) bump(`${a}:${t}`);
            } else if (c !== 'nothing') {
              for (const [a, { from, to }] of c.usage) for (const t of slots(from, to)) bump(`${a}:${t}`);
            }
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
