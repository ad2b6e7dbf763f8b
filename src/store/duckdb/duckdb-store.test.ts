import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { splitWindows } from '../../domain/time-window.js';
import { parseUsageQuery } from '../../domain/usage-query.js';
import { rollupRow } from '../../test-support/rollup-row.js';
import { sourceState } from '../../test-support/source-state.js';
import { describeStoreContract } from '../store-contract.js';
import { DuckDbDatabase } from './duckdb-database.js';
import { DuckDbStore } from './duckdb-store.js';
import { MIGRATIONS } from './migrations/index.js';

describeStoreContract('duckdb (in memory)', () => DuckDbStore.open(':memory:'));

describe('DuckDbStore on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-duckdb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const T0 = Date.parse('2024-07-01T00:00:00Z');
  const bytes = async (store: DuckDbStore) => {
    const q = parseUsageQuery(
      { account: 'acme', from: '2024-07-01', to: '2024-07-02', metrics: 'bytes_out' },
      'UTC',
    );
    return (await store.usage.queryUsage(q, splitWindows(q.from, q.to, q.granularity, q.tz)))[0]?.metrics;
  };
  const commit = (store: DuckDbStore, source: string, bytesOut: number) =>
    store.usage.commitImport({
      from: 0,
      source: sourceState(source, 10),
      rollups: [rollupRow({ account: 'acme', bucket: T0, bytesOut })],
    });

  test('data survives reopening and migrations run once', async () => {
    const file = join(dir, 'a.duckdb');
    const first = await DuckDbStore.open(file);
    await first.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
    await first.close();
    const second = await DuckDbStore.open(file);
    expect((await second.registry.listAccounts()).map((a) => a.id)).toEqual(['acme']);
    await second.close();
  });

  test('migration 9 keeps the cells of a store made before it, without the primary key', async () => {
    const file = join(dir, 'before-9.duckdb');
    const row = rollupRow({ account: 'acme', bucket: T0, bytesOut: 100 });
    const c = row.cell;
    const raw = await DuckDBInstance.create(file);
    const connection = await raw.connect();
    await connection.run(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    for (const migration of MIGRATIONS.filter((m) => m.version < 9)) {
      await connection.run(migration.sql);
      await connection.run('INSERT INTO schema_migrations VALUES ($1, 0)', [migration.version]);
    }
    await connection.run(
      `INSERT INTO accounts (id, name, timezone, created_at) VALUES ('acme', 'Acme', 'UTC', 0)`,
    );
    await connection.run(
      `INSERT INTO sources VALUES ('a', 1, '/logs/a.log', 10, 'hash-a', 10, 1, 1, 0, 100, 1, 2, NULL)`,
    );
    await connection.run('INSERT INTO cells VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
      c.id,
      c.account,
      c.app,
      c.resource,
      c.kind,
      c.target,
      c.rendition,
      c.protocol,
      c.zone,
      c.country,
    ]);
    await connection.run('INSERT INTO delivery_rollups VALUES (1, $1, $2, 1, 1, 0, 0, 0, 100, 0, 0, 0, 0)', [
      BigInt(T0),
      c.id,
    ]);
    connection.closeSync();
    raw.closeSync();

    const store = await DuckDbStore.open(file);
    expect(await bytes(store)).toEqual({ bytes_out: 100 });
    await commit(store, 'b', 20);
    expect(await bytes(store)).toEqual({ bytes_out: 120 });
    await store.close();
    const after = await DuckDBInstance.create(file);
    const check = await after.connect();
    const keys = await check.runAndReadAll(
      `SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'cells' AND constraint_type = 'PRIMARY KEY'`,
    );
    expect(Number(keys.getRowsJS()[0]?.[0])).toBe(0);
    check.closeSync();
    after.closeSync();
  });

  test('a cell stored before is added again without a clash, and a stored cell whose id another cell hashes to refuses the batch', async () => {
    const file = join(dir, 'clash.duckdb');
    const first = await DuckDbStore.open(file);
    await first.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
    await commit(first, 'a', 100);
    await first.close();
    // A new process does not know which cells are stored: it stages the cell again.
    const second = await DuckDbStore.open(file);
    await commit(second, 'b', 20);
    expect(await bytes(second)).toEqual({ bytes_out: 120 });
    await second.close();

    // The stored cell now has other dimensions under the same id: as if another cell hashed to it.
    const raw = await DuckDBInstance.create(file);
    const connection = await raw.connect();
    await connection.run(`UPDATE cells SET resource = 'other.mp4'`);
    connection.closeSync();
    raw.closeSync();
    const third = await DuckDbStore.open(file);
    await expect(commit(third, 'c', 3)).rejects.toThrow(/two different cells share a 64-bit cell id/);
    expect((await third.registry.listSources()).map((source) => source.id).sort()).toEqual(['a', 'b']);
    expect(await bytes(third)).toEqual({ bytes_out: 120 });
    await third.close();
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
