import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { splitWindows } from '../../domain/time-window.js';
import { parseUsageQuery } from '../../domain/usage-query.js';
import { rollupRow } from '../../test-support/rollup-row.js';
import { sourceState } from '../../test-support/source-state.js';
import { describeStoreContract } from '../store-contract.js';
import { DuckDbDatabase } from './duckdb-database.js';
import { DuckDbStore } from './duckdb-store.js';

describeStoreContract('duckdb (in memory)', () => DuckDbStore.open(':memory:'));

describe('DuckDbStore on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-duckdb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('data survives reopening and migrations run once', async () => {
    const file = join(dir, 'a.duckdb');
    const first = await DuckDbStore.open(file);
    await first.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
    await first.close();
    const second = await DuckDbStore.open(file);
    expect((await second.registry.listAccounts()).map((a) => a.id)).toEqual(['acme']);
    await second.close();
  });
});

describe('DuckDbStore read cache', () => {
  const T0 = Date.parse('2024-07-01T00:00:00Z');

  test("an import keeps other accounts' answers, answers about other times, and every key and account lookup cached", async () => {
    const store = await DuckDbStore.open(':memory:');
    const reads = vi.spyOn(DuckDbDatabase.prototype, 'read');
    try {
      for (const id of ['acme', 'beta'])
        await store.registry.putAccount({ id, name: id, timezone: 'UTC', parent: null });
      const bytes = async (account: string) => {
        const q = parseUsageQuery(
          { account, from: '2024-07-01', to: '2024-07-02', metrics: 'bytes_out' },
          'UTC',
        );
        return (await store.usage.queryUsage(q, splitWindows(q.from, q.to, q.granularity, q.tz)))[0]?.metrics;
      };
      const commit = (
        account: string,
        source: string,
        from: number,
        to: number,
        bytesOut: number,
        bucket = T0,
      ) =>
        store.usage.commitImport({
          from,
          source: sourceState(source, to),
          rollups: [rollupRow({ account, bucket, bytesOut })],
        });
      await commit('acme', 'a', 0, 10, 100);
      await commit('beta', 'b', 0, 10, 5);
      expect(await bytes('acme')).toEqual({ bytes_out: 100 });
      expect(await store.registry.getAccount('acme')).toMatchObject({ id: 'acme' });
      reads.mockClear();

      await commit('beta', 'b', 10, 20, 7);
      expect(await bytes('acme')).toEqual({ bytes_out: 100 });
      expect(await store.registry.getAccount('acme')).toMatchObject({ id: 'acme' });
      expect(reads).not.toHaveBeenCalled();
      expect(await bytes('beta')).toEqual({ bytes_out: 12 });
      expect(reads).toHaveBeenCalledTimes(1);

      // The same account's usage of another day (the day after the one asked): kept too.
      await commit('acme', 'a', 10, 15, 1000, T0 + 86_400_000);
      expect(await bytes('acme')).toEqual({ bytes_out: 100 });
      expect(reads).toHaveBeenCalledTimes(1);
      await commit('acme', 'a', 15, 20, 1);
      expect(await bytes('acme')).toEqual({ bytes_out: 101 });
      expect(reads).toHaveBeenCalledTimes(2);
      // A registry change: every answer is read again.
      await store.registry.putAccount({ id: 'gamma', name: 'gamma', timezone: 'UTC', parent: null });
      expect(await bytes('acme')).toEqual({ bytes_out: 101 });
      expect(await store.registry.getAccount('acme')).toMatchObject({ id: 'acme' });
      expect(reads).toHaveBeenCalledTimes(4);
    } finally {
      reads.mockRestore();
      await store.close();
    }
  });
});
