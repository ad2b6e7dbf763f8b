/**
 * The store contract (store-contract.ts), unchanged, on the ClickHouse backend: usage on Debian's
 * ClickHouse 18.16 as one server and as the 2 x 2 cluster, and on a current ClickHouse (embedded,
 * chdb), with the registry on Debian's PostgreSQL in every case. Then what only this backend does:
 * recovering a write its client gave up half-way (clickhouse-usage-store.ts, step 2).
 */
import { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { splitWindows } from '../../domain/time-window.js';
import { parseUsageQuery } from '../../domain/usage-query.js';
import { rollupRow } from '../../test-support/rollup-row.js';
import { sourceState } from '../../test-support/source-state.js';
import { describeStoreContract } from '../store-contract.js';
import { ClickHouseLayout } from './clickhouse-layout.js';
import type { ClickHouseRow, ClickHouseSession, InsertOptions } from './clickhouse-session.js';
import { ClickHouseStore } from './clickhouse-store.js';
import { HttpSession } from './http-session.js';
import { ChdbSession } from './test-support/chdb-session.js';
import { SCALE_OUT_INSTALLED, ScaleOutServers } from './test-support/scale-out-servers.js';

/**
 * A session that keeps the statements it ran and loses its connection on the next insert when told:
 * before the rows are sent, or after the server stored them but before the answer arrived.
 */
class LosingSession implements ClickHouseSession {
  readonly commands: string[] = [];
  lose: 'before-insert' | 'after-insert' | undefined;

  constructor(private readonly inner: ClickHouseSession) {}

  command(sql: string, settings?: Record<string, number>): Promise<void> {
    this.commands.push(sql);
    return this.inner.command(sql, settings);
  }

  select(sql: string): Promise<ClickHouseRow[]> {
    return this.inner.select(sql);
  }

  stream(sql: string): AsyncIterable<ClickHouseRow[]> {
    return this.inner.stream(sql);
  }

  async insert(table: string, rows: readonly ClickHouseRow[], options?: InsertOptions): Promise<void> {
    const lose = this.lose;
    this.lose = undefined;
    if (lose === 'before-insert') throw new Error('connection lost before the insert');
    await this.inner.insert(table, rows, options);
    if (lose === 'after-insert') throw new Error('connection lost after the insert');
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

const T0 = Date.parse('2024-07-01T00:00:00Z');

describe.skipIf(!SCALE_OUT_INSTALLED)('the ClickHouse backend', () => {
  const servers = new ScaleOutServers();
  let chdb: Session | undefined;
  beforeAll(() => servers.start(), 180_000);
  afterAll(() => {
    chdb?.cleanup();
    servers.stop();
  }, 120_000);

  const open = async (cluster: boolean) => {
    const name = servers.freshName();
    const node = servers.nodes[0];
    if (node === undefined) throw new Error('the cluster did not start');
    const layout = new ClickHouseLayout(name, cluster ? servers.cluster : undefined);
    return ClickHouseStore.open(new HttpSession(node.url), layout, await servers.registryUrl(name));
  };

  describeStoreContract('clickhouse 18.16, one server', () => open(false));
  describeStoreContract('clickhouse 18.16, 2 shards x 2 replicas', () => open(true));
  describeStoreContract('clickhouse current (chdb), one server', async () => {
    chdb ??= new Session();
    const name = servers.freshName();
    return ClickHouseStore.open(
      new ChdbSession(chdb),
      new ClickHouseLayout(name, undefined),
      await servers.registryUrl(name),
    );
  });

  describe.each([
    ['one server', false],
    ['2 shards x 2 replicas', true],
  ])('a write given up half-way, on %s', (_, cluster) => {
    const openLosing = async () => {
      const name = servers.freshName();
      const node = servers.nodes[0];
      if (node === undefined) throw new Error('the cluster did not start');
      const session = new LosingSession(new HttpSession(node.url));
      const layout = new ClickHouseLayout(name, cluster ? servers.cluster : undefined);
      const store = await ClickHouseStore.open(session, layout, await servers.registryUrl(name));
      await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
      return { session, store };
    };
    const batch = {
      from: 0,
      source: sourceState('s1', 10),
      rollups: [
        rollupRow({ bucket: T0, bytesOut: 100, viewers: [1n] }),
        rollupRow({ bucket: T0, resource: 'b.mp4', bytesOut: 20, viewers: [2n] }),
        rollupRow({ bucket: T0 + 86_400_000, bytesOut: 3, viewers: [1n] }),
      ],
    };
    const total = async (store: ClickHouseStore) => {
      const q = parseUsageQuery(
        {
          account: 'acme',
          from: '2024-07-01',
          to: '2024-07-03',
          metrics: 'bytes_out,requests,unique_viewers',
        },
        'UTC',
      );
      return (await store.usage.queryUsage(q, splitWindows(q.from, q.to, q.granularity, q.tz)))[0]?.metrics;
    };
    const deletes = (session: LosingSession) => session.commands.filter((c) => /\bDELETE WHERE\b/.test(c));
    const once = { bytes_out: 123, requests: 3, unique_viewers: 2 };

    test('rows stored before the answer was lost are deleted by the next write, which counts once', async () => {
      const { session, store } = await openLosing();
      try {
        session.lose = 'after-insert';
        await expect(store.usage.commitImport(batch)).rejects.toThrow(/after the insert/);
        // The rows are stored, but the checkpoint did not move, so the batch is not done.
        expect((await store.registry.listSources()).map((s) => s.offset)).toEqual([]);
        expect(deletes(session)).toEqual([]);
        await store.usage.commitImport(batch);
        expect(deletes(session)).toHaveLength(1);
        expect(deletes(session)[0]).toMatch(/deliveries/);
        expect(await total(store)).toEqual(once);
        expect((await store.registry.listSources()).map((s) => s.offset)).toEqual([10]);
      } finally {
        await store.close();
      }
    }, 180_000);

    test('a write lost before its rows were sent needs no delete: none is issued', async () => {
      const { session, store } = await openLosing();
      try {
        session.lose = 'before-insert';
        await expect(store.usage.commitImport(batch)).rejects.toThrow(/before the insert/);
        await store.usage.commitImport(batch);
        expect(deletes(session)).toEqual([]);
        expect(await total(store)).toEqual(once);
        // Applied again, it counts once still, and still deletes nothing.
        await store.usage.commitImport(batch);
        expect(deletes(session)).toEqual([]);
        expect(await total(store)).toEqual(once);
      } finally {
        await store.close();
      }
    }, 180_000);
  });
});
