/**
 * The store contract: one suite every Store backend must pass unchanged. A backend's test
 * file calls `describeStoreContract('name', () => openFreshStore())`. Expected values are worked
 * out by hand from the rows written here, never read back from the store under test.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { StoredKey } from '../domain/api-key.js';
import { toColumns } from '../domain/rollup-columns.js';
import { splitWindows } from '../domain/time-window.js';
import { parseUsageQuery } from '../domain/usage-query.js';
import { rollupRow } from '../test-support/rollup-row.js';
import { sourceState } from '../test-support/source-state.js';
import type { Store } from './store.js';

const T0 = Date.parse('2024-07-01T00:00:00Z');
const Q = 15 * 60_000;

const row = rollupRow;

const source = sourceState;

async function usage(store: Store, params: Record<string, string>, tz = 'UTC') {
  const q = parseUsageQuery({ account: 'acme', from: '2024-07-01', to: '2024-07-03', ...params }, tz);
  return store.usage.queryUsage(q, splitWindows(q.from, q.to, q.granularity, q.tz));
}

export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
      await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
    });
    afterEach(async () => {
      await store.close();
    });

    test('accounts get stable numbers in creation order; suspension is kept unless changed', async () => {
      await store.registry.putAccount({ id: 'zeta', name: 'Z', timezone: 'UTC', parent: null });
      await store.registry.putAccount({ id: 'alpha', name: 'A', timezone: 'UTC', parent: null });
      await store.registry.putAccount({
        id: 'zeta',
        name: 'Z2',
        timezone: 'UTC',
        parent: null,
        suspended: true,
      });
      await store.registry.putAccount({ id: 'zeta', name: 'Z3', timezone: 'UTC', parent: null });
      const numbers = Object.fromEntries(
        (await store.registry.listAccounts()).map((a) => [a.id, [a.number, a.suspended]]),
      );
      const zeta = numbers.zeta as [number, boolean];
      const alpha = numbers.alpha as [number, boolean];
      expect(alpha[0]).toBe(zeta[0] + 1);
      expect(zeta[1]).toBe(true);
      expect(alpha[1]).toBe(false);
      await store.registry.putAccount({
        id: 'zeta',
        name: 'Z3',
        timezone: 'UTC',
        parent: null,
        suspended: false,
      });
      expect((await store.registry.getAccount('zeta'))?.suspended).toBe(false);
    });

    test('a number given is kept, unique, and left alone when not given; the next new account takes the next', async () => {
      const account = (id: string, number?: number) => ({
        id,
        name: id,
        timezone: 'UTC',
        parent: null,
        ...(number === undefined ? {} : { number }),
      });
      await store.registry.putAccount(account('migrated', 158));
      expect((await store.registry.getAccount('migrated'))?.number).toBe(158);
      await store.registry.putAccount(account('fresh'));
      expect((await store.registry.getAccount('fresh'))?.number).toBe(159);
      await expect(store.registry.putAccount(account('thief', 158))).rejects.toMatchObject({
        code: 'conflict',
        message: "number: 158 is the number of account 'migrated'",
      });
      expect(await store.registry.getAccount('thief')).toBeUndefined();
      await store.registry.putAccount(account('migrated'));
      expect((await store.registry.getAccount('migrated'))?.number).toBe(158);
      await store.registry.putAccount(account('fresh', 7));
      expect((await store.registry.getAccount('fresh'))?.number).toBe(7);
      await store.registry.putAccount(account('migrated', 158));
      expect((await store.registry.getAccount('migrated'))?.number).toBe(158);
    });

    test('a signature is claimed once until it expires', async () => {
      expect(await store.registry.claimSignature('scaleengine', 'd1', 1000, 5000)).toBe(true);
      expect(await store.registry.claimSignature('scaleengine', 'd1', 4999, 9999)).toBe(false);
      expect(await store.registry.claimSignature('ooyala', 'd1', 4999, 9999)).toBe(true);
      expect(await store.registry.claimSignature('scaleengine', 'd2', 4999, 9999)).toBe(true);
      // Expired: the same digest may be used again (its timestamp is refused long before).
      expect(await store.registry.claimSignature('scaleengine', 'd1', 5000, 9000)).toBe(true);
      expect(await store.registry.claimSignature('scaleengine', 'd1', 5001, 9000)).toBe(false);
    });

    test('accounts round-trip and update in place', async () => {
      await store.registry.putAccount({
        id: 'kol',
        name: 'K',
        timezone: 'Asia/Kolkata',
        parent: 'acme',
        match: { hosts: ['k.example'] },
      });
      await store.registry.putAccount({
        id: 'kol',
        name: 'Kolkata',
        timezone: 'Asia/Kolkata',
        parent: 'acme',
        match: { hosts: ['k.example'] },
      });
      expect(await store.registry.getAccount('kol')).toEqual({
        id: 'kol',
        name: 'Kolkata',
        timezone: 'Asia/Kolkata',
        parent: 'acme',
        match: { hosts: ['k.example'] },
        number: 2,
        suspended: false,
        billingDay: 1,
      });
      expect((await store.registry.listAccounts()).map((a) => a.id)).toEqual(['acme', 'kol']);
      expect(await store.registry.getAccount('nobody')).toBeUndefined();
    });

    test('sums per window and group, exact distinct viewers across buckets and sources', async () => {
      await store.usage.commitImport({
        from: 0,
        source: source('s1'),
        rollups: [
          row({ bucket: T0, bytesOut: 100, viewers: [1n, 2n] }),
          row({
            bucket: T0 + Q,
            bytesOut: 50,
            requests: 2,
            okRequests: 1,
            clientErrors: 1,
            authFailures: 1,
            viewers: [2n, 3n],
          }),
          row({ bucket: T0 + 24 * 3600_000, resource: 'b.mp4', bytesOut: 7, viewers: [3n] }),
        ],
      });
      await store.usage.commitImport({
        from: 0,
        source: source('s2'),
        rollups: [row({ bucket: T0, bytesOut: 1, viewers: [1n, 18446744073709551615n] })],
      });

      const total = await usage(store, {
        metrics: 'requests,bytes_out,client_errors,auth_failures,unique_viewers',
      });
      expect(total).toHaveLength(1);
      // viewers 1, 2, 3 and 2^64-1: four distinct, although the per-row counts add up to 7.
      expect(total[0]?.metrics).toEqual({
        requests: 5,
        bytes_out: 158,
        client_errors: 1,
        auth_failures: 1,
        unique_viewers: 4,
      });

      const byDay = await usage(store, {
        granularity: 'day',
        group_by: 'resource',
        metrics: 'bytes_out,unique_viewers',
      });
      expect(
        byDay.map((r) => [
          r.windowStart - T0,
          r.dimensions.resource,
          r.metrics.bytes_out,
          r.metrics.unique_viewers,
        ]),
      ).toEqual([
        [0, 'a.mp4', 151, 4],
        [24 * 3600_000, 'b.mp4', 7, 1],
      ]);
    });

    test('rows handed over column by column are stored as the same rows would be', async () => {
      // Parts longer than one DuckDB chunk (2048 rows), more viewers than one chunk, rows without
      // viewers, viewers of their own per row (so one given to the wrong row shows), and a cell that
      // only the columns bring.
      const rows = Array.from({ length: 5500 }, (_, i) =>
        row({
          bucket: T0 + (i % 96) * Q,
          resource: i % 3 === 0 ? 'c.mp4' : 'a.mp4',
          requests: 1,
          okRequests: 1,
          bytesOut: i,
          viewers: i % 4 === 0 ? [] : [BigInt(2 * i), BigInt(2 * i + 1)],
        }),
      );
      const single = row({ bucket: T0, bytesOut: 5, viewers: [1n] });
      await store.usage.commitImport({
        from: 0,
        source: source('s1'),
        rollups: [single],
        columns: [toColumns(rows.slice(0, 2500)), toColumns(rows.slice(2500))],
      });
      const expected = new Map<string, { requests: number; bytes: number; viewers: Set<bigint> }>();
      for (const r of [single, ...rows]) {
        const key = `${r.bucket - T0} ${r.cell.resource}`;
        const group = expected.get(key) ?? { requests: 0, bytes: 0, viewers: new Set() };
        group.requests += r.requests;
        group.bytes += r.bytesOut;
        for (const v of r.viewers) group.viewers.add(v);
        expected.set(key, group);
      }
      const stored = await usage(store, {
        granularity: '15m',
        group_by: 'resource',
        metrics: 'requests,bytes_out,unique_viewers',
      });
      expect(
        new Map(stored.map((r) => [`${r.windowStart - T0} ${r.dimensions.resource}`, r.metrics])),
      ).toEqual(
        new Map(
          [...expected].map(([key, g]) => [
            key,
            { requests: g.requests, bytes_out: g.bytes, unique_viewers: g.viewers.size },
          ]),
        ),
      );
    });

    test('filters, ordering, limit and offset', async () => {
      await store.usage.commitImport({
        from: 0,
        source: source('s1'),
        rollups: [
          row({ bucket: T0, resource: 'a', bytesOut: 10 }),
          row({ bucket: T0, resource: 'b', bytesOut: 30 }),
          row({ bucket: T0, resource: 'c', bytesOut: 20, country: 'US' }),
        ],
      });
      const ordered = await usage(store, {
        group_by: 'resource',
        metrics: 'bytes_out',
        order_by: '-bytes_out',
      });
      expect(ordered.map((r) => r.dimensions.resource)).toEqual(['b', 'c', 'a']);
      const filtered = await usage(store, { resource: 'a,c', metrics: 'bytes_out' });
      expect(filtered[0]?.metrics.bytes_out).toBe(30);
      const unknownCountry = await usage(store, { country: '', metrics: 'bytes_out' });
      expect(unknownCountry[0]?.metrics.bytes_out).toBe(40);
      const bySource = await usage(store, { group_by: 'source', metrics: 'requests' });
      expect(bySource.map((r) => r.dimensions.source)).toEqual(['s1']);

      const q = parseUsageQuery(
        {
          account: 'acme',
          from: '2024-07-01',
          to: '2024-07-02',
          group_by: 'resource',
          metrics: 'bytes_out',
          limit: '1',
        },
        'UTC',
      );
      const windows = splitWindows(q.from, q.to, q.granularity, q.tz);
      const first = await store.usage.queryUsage(q, windows);
      expect(first.map((r) => r.dimensions.resource)).toEqual(['a', 'b']); // limit + 1 tells "more"
      const last = await store.usage.queryUsage({ ...q, offset: 2 }, windows);
      expect(last.map((r) => r.dimensions.resource)).toEqual(['c']);
    });

    test('dimension text is stored exactly, control characters, quotes and the cell key separator included', async () => {
      // A cell key joins the dimensions with U+0001 (cell-id.ts); a decoded path can hold it too.
      const odd = ['a\u0001b', '\u0001', 'it\'s "quoted"\\', 'tab\there\nline', 'Zürich 東京 🎬', ''];
      await store.usage.commitImport({
        from: 0,
        source: source('s1'),
        rollups: odd.map((resource, i) =>
          row({ bucket: T0, resource, app: i === 1 ? 'x\u0001' : 'vod', bytesOut: 10 ** i }),
        ),
      });
      const rows = await usage(store, { group_by: 'app,resource', metrics: 'bytes_out' });
      const got = new Map(
        rows.map((r) => [`${r.dimensions.app}|${r.dimensions.resource}`, r.metrics.bytes_out]),
      );
      expect(got).toEqual(
        new Map(odd.map((resource, i) => [`${i === 1 ? 'x\u0001' : 'vod'}|${resource}`, 10 ** i])),
      );
    });

    test('streamUsage gives every row in order, in batches, whatever the limit and offset', async () => {
      const n = 5000;
      await store.usage.commitImport({
        from: 0,
        source: source('s1'),
        rollups: Array.from({ length: n }, (_, i) =>
          row({ bucket: T0, resource: `r${String(i).padStart(5, '0')}`, bytesOut: i }),
        ),
      });
      const q = parseUsageQuery(
        { account: 'acme', from: '2024-07-01', to: '2024-07-02', group_by: 'resource', metrics: 'bytes_out' },
        'UTC',
      );
      const windows = splitWindows(q.from, q.to, q.granularity, q.tz);
      const batches: number[] = [];
      const seen: string[] = [];
      for await (const batch of store.usage.streamUsage({ ...q, limit: 10, offset: 7 }, windows)) {
        batches.push(batch.length);
        for (const r of batch) seen.push(`${r.dimensions.resource}=${r.metrics.bytes_out}`);
      }
      expect(seen).toEqual(Array.from({ length: n }, (_, i) => `r${String(i).padStart(5, '0')}=${i}`));
      expect(batches.length).toBeGreaterThan(1);
      // Ended early, the stream lets go: the store still answers and closes.
      for await (const batch of store.usage.streamUsage(q, windows)) if (batch.length > 0) break;
      expect((await usage(store, { metrics: 'bytes_out' }))[0]?.metrics.bytes_out).toBe((n * (n - 1)) / 2);
    });

    test('windows follow the query time zone', async () => {
      // 18:30 UTC on 1 July is midnight of 2 July in Kolkata.
      await store.usage.commitImport({
        from: 0,
        source: source('s1'),
        rollups: [
          row({ bucket: T0 + 18 * 3600_000 + 2 * Q, bytesOut: 5 }),
          row({ bucket: T0 + 18 * 3600_000 + Q, bytesOut: 3 }),
        ],
      });
      const rows = await usage(store, { granularity: 'day', metrics: 'bytes_out', tz: 'Asia/Kolkata' });
      expect(rows.map((r) => [new Date(r.windowStart).toISOString(), r.metrics.bytes_out])).toEqual([
        ['2024-06-30T18:30:00.000Z', 3],
        ['2024-07-01T18:30:00.000Z', 5],
      ]);
    });

    test('other accounts and times outside [from, to) are not counted', async () => {
      await store.usage.commitImport({
        from: 0,
        source: source('s1'),
        rollups: [
          row({ bucket: T0 - Q }),
          row({ bucket: T0 + 2 * 86_400_000 }),
          row({ bucket: T0, account: 'other', bytesOut: 9 }),
        ],
      });
      expect(await usage(store, { metrics: 'bytes_out' })).toEqual([]);
    });

    test('a commit is atomic with its checkpoint, and forget removes exactly one source', async () => {
      await store.usage.commitImport({
        from: 0,
        source: source('s1', 10),
        rollups: [row({ bucket: T0, bytesOut: 100, viewers: [1n] })],
      });
      await store.usage.commitImport({
        from: 0,
        source: source('s2', 20),
        rollups: [row({ bucket: T0, bytesOut: 1, viewers: [2n] })],
      });
      await store.usage.commitImport({
        from: 10,
        source: { ...source('s1', 30), records: 2 },
        rollups: [row({ bucket: T0, bytesOut: 10 })],
      });
      const sources = await store.registry.listSources();
      expect(sources.map((s) => [s.id, s.offset, s.records])).toEqual([
        ['s1', 30, 2],
        ['s2', 20, 1],
      ]);
      expect(await store.usage.forgetSource('s1')).toBe(true);
      expect(await store.usage.forgetSource('s1')).toBe(false);
      const left = await usage(store, { metrics: 'bytes_out,unique_viewers' });
      expect(left[0]?.metrics).toEqual({ bytes_out: 1, unique_viewers: 1 });
      expect((await store.registry.listSources()).map((s) => s.id)).toEqual(['s2']);
    });

    test('a batch is identified by (source, from, to): applied again, it counts once', async () => {
      const first = {
        from: 0,
        source: source('s1', 10),
        rollups: [row({ bucket: T0, bytesOut: 100, viewers: [1n] })],
      };
      const second = {
        from: 10,
        source: { ...source('s1', 30), records: 2 },
        rollups: [row({ bucket: T0, bytesOut: 10, viewers: [2n] })],
      };
      await store.usage.commitImport(first);
      await store.usage.commitImport(first);
      await store.usage.commitImport(second);
      // A retry of either, after both landed (a crash before the caller saw the answer), changes nothing.
      await store.usage.commitImport(second);
      await store.usage.commitImport(first);
      const total = await usage(store, { metrics: 'bytes_out,unique_viewers' });
      expect(total[0]?.metrics).toEqual({ bytes_out: 110, unique_viewers: 2 });
      const sources = await store.registry.listSources();
      expect(sources.map((s) => [s.id, s.offset, s.records])).toEqual([['s1', 30, 2]]);
    });

    test('a batch that does not continue the checkpoint is refused and writes nothing', async () => {
      await store.usage.commitImport({
        from: 0,
        source: source('s1', 10),
        rollups: [row({ bucket: T0, bytesOut: 100 })],
      });
      // Another import of the same file read from 0 too and now ends past the checkpoint.
      const stale = { from: 0, source: source('s1', 25), rollups: [row({ bucket: T0, bytesOut: 250 })] };
      await expect(store.usage.commitImport(stale)).rejects.toMatchObject({ code: 'conflict' });
      // A gap: a batch from past the checkpoint.
      const gap = { from: 20, source: source('s1', 40), rollups: [row({ bucket: T0, bytesOut: 7 })] };
      await expect(store.usage.commitImport(gap)).rejects.toMatchObject({ code: 'conflict' });
      expect((await usage(store, { metrics: 'bytes_out' }))[0]?.metrics).toEqual({ bytes_out: 100 });
      expect((await store.registry.listSources()).map((s) => s.offset)).toEqual([10]);
    });

    // Backends may answer reads from a cache (DuckDB does, read-cache.ts): a read after a write
    // must see it, whatever the same read answered before.
    test('a read after each kind of write sees it, though the same read was made before', async () => {
      const bytes = async () => (await usage(store, { metrics: 'bytes_out,billed_bytes_out' }))[0]?.metrics;
      expect(await bytes()).toBeUndefined();
      await store.usage.commitImport({
        from: 0,
        source: source('s1', 10),
        rollups: [row({ bucket: T0, bytesOut: 7 })],
      });
      expect(await bytes()).toEqual({ bytes_out: 7, billed_bytes_out: 0 });
      await store.usage.commitImport({
        from: 10,
        source: source('s1', 20),
        rollups: [row({ bucket: T0, bytesOut: 5 })],
      });
      expect(await bytes()).toEqual({ bytes_out: 12, billed_bytes_out: 0 });
      // Rows handed over column by column, in a bucket no earlier write touched.
      await store.usage.commitImport({
        from: 20,
        source: source('s1', 30),
        rollups: [],
        columns: [toColumns([row({ bucket: T0 + 5 * Q, bytesOut: 1000 })])],
      });
      expect(await bytes()).toEqual({ bytes_out: 1012, billed_bytes_out: 0 });
      // Meters alone, in a bucket of their own.
      const transcoded = async () => (await usage(store, { metrics: 'transcode_seconds' }))[0]?.metrics;
      expect(await transcoded()).toBeUndefined();
      await store.usage.commitEvents({
        ids: [],
        rollups: [],
        meters: [
          { account: 'acme', bucket: T0 + 6 * Q, meter: 'transcode_seconds', subject: 't', value: 60 },
        ],
        accepted: 1,
        receivedAt: T0 + 7 * Q,
        forgetIdsBefore: 0,
      });
      expect(await transcoded()).toEqual({ transcode_seconds: 60 });
      await store.usage.commitEvents({
        ids: [],
        rollups: [row({ bucket: T0 + Q, bytesOut: 3 })],
        meters: [],
        accepted: 1,
        receivedAt: T0 + 2 * Q,
        forgetIdsBefore: 0,
      });
      expect(await bytes()).toEqual({ bytes_out: 1015, billed_bytes_out: 0 });
      await store.usage.takeBillingSnapshot(T0 + 8 * Q, T0 + 8 * Q);
      expect(await bytes()).toEqual({ bytes_out: 1015, billed_bytes_out: 1015 });
      await store.usage.deleteUsageBefore('acme', T0 + Q);
      expect(await bytes()).toEqual({ bytes_out: 1003, billed_bytes_out: 1015 });
      await store.usage.forgetSource('events');
      expect((await bytes())?.bytes_out).toBe(1000);
      expect(await transcoded()).toBeUndefined();

      expect((await store.registry.getAccount('acme'))?.timezone).toBe('UTC');
      await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'Europe/Berlin', parent: null });
      expect((await store.registry.getAccount('acme'))?.timezone).toBe('Europe/Berlin');
      expect(await store.registry.getKey('tk_late')).toBeUndefined();
      const key: StoredKey = {
        id: 'tk_late',
        account: 'acme',
        scheme: 'native',
        secretHash: 'ef',
        sealedSecret: null,
        createdAt: 1,
        revokedAt: null,
      };
      await store.registry.putKey(key);
      expect(await store.registry.getKey('tk_late')).toMatchObject(key);
    });

    test('keys: stored, listed, revoked once', async () => {
      await store.registry.putKey({
        id: 'tk_1',
        account: null,
        scheme: 'native',
        secretHash: 'ab',
        sealedSecret: null,
        createdAt: 5,
        revokedAt: null,
      });
      const second: StoredKey = {
        id: 'tk_2',
        account: 'acme',
        scheme: 'native',
        secretHash: 'cd',
        sealedSecret: 'sealed',
        createdAt: 6,
        revokedAt: null,
        expiresAt: 1_900_000_000_000,
      };
      await store.registry.putKey(second);
      // Read back field for field, sealed secret included.
      expect(await store.registry.getKey('tk_2')).toEqual(second);
      expect(await store.registry.revokeKey('tk_2', 9)).toBe(true);
      expect(await store.registry.revokeKey('tk_2', 10)).toBe(false);
      expect((await store.registry.getKey('tk_2'))?.revokedAt).toBe(9);
      expect((await store.registry.listKeys()).map((k) => k.id)).toEqual(['tk_1', 'tk_2']);
    });

    test('events: ids remembered with their digest for the window, meters summed or peaked, forget removes both', async () => {
      await store.usage.commitEvents({
        ids: [{ account: 'acme', id: 'e1', digest: 'd1' }],
        rollups: [row({ account: 'acme', bucket: T0, bytesOut: 7, viewers: [1n] })],
        meters: [
          { account: 'acme', bucket: T0, meter: 'storage_peak_bytes', subject: '', value: 10 },
          { account: 'acme', bucket: T0 + Q, meter: 'storage_peak_bytes', subject: '', value: 30 },
          { account: 'acme', bucket: T0, meter: 'transcode_seconds', subject: 't', value: 450 },
          { account: 'acme', bucket: T0 + Q, meter: 'transcode_seconds', subject: 't', value: 900 },
          { account: 'globex', bucket: T0, meter: 'transcode_seconds', subject: 't', value: 5 },
        ],
        accepted: 1,
        receivedAt: 1000,
        forgetIdsBefore: 0,
      });
      const found = await store.registry.findEventIds([
        { account: 'acme', id: 'e1' },
        { account: 'acme', id: 'e2' },
        { account: 'globex', id: 'e1' },
      ]);
      expect(found).toEqual([{ account: 'acme', id: 'e1', digest: 'd1' }]);
      const total = await usage(store, { metrics: 'bytes_out,storage_peak_bytes,transcode_seconds' });
      expect(total.map((r) => r.metrics)).toEqual([
        { bytes_out: 7, storage_peak_bytes: 30, transcode_seconds: 1350 },
      ]);

      // A later batch forgets ids received before its window start.
      await store.usage.commitEvents({
        ids: [],
        rollups: [],
        meters: [],
        accepted: 0,
        receivedAt: 5000,
        forgetIdsBefore: 2000,
      });
      expect(await store.registry.findEventIds([{ account: 'acme', id: 'e1' }])).toEqual([]);

      expect(await store.usage.forgetSource('events')).toBe(true);
      const left = await usage(store, { metrics: 'bytes_out,transcode_seconds' });
      expect(left).toEqual([]);
    });

    test('an event batch is identified by its ids: applied again it counts once; sharing some ids it is refused', async () => {
      const batch = {
        ids: [
          { account: 'acme', id: 'e1', digest: 'd1' },
          { account: 'acme', id: 'e2', digest: 'd2' },
        ],
        rollups: [row({ account: 'acme', bucket: T0, bytesOut: 7, viewers: [1n] })],
        meters: [
          { account: 'acme', bucket: T0, meter: 'transcode_seconds' as const, subject: 't', value: 60 },
        ],
        accepted: 2,
        receivedAt: 1000,
        forgetIdsBefore: 0,
      };
      await store.usage.commitEvents(batch);
      await store.usage.commitEvents(batch);
      const overlapping = {
        ...batch,
        ids: [
          { account: 'acme', id: 'e2', digest: 'd2' },
          { account: 'acme', id: 'e3', digest: 'd3' },
        ],
      };
      await expect(store.usage.commitEvents(overlapping)).rejects.toMatchObject({ code: 'conflict' });
      const total = await usage(store, { metrics: 'bytes_out,transcode_seconds' });
      expect(total.map((r) => r.metrics)).toEqual([{ bytes_out: 7, transcode_seconds: 60 }]);
      const events = (await store.registry.listSources()).find((s) => s.id === 'events');
      expect(events?.records).toBe(2);
      expect(await store.registry.findEventIds([{ account: 'acme', id: 'e3' }])).toEqual([]);
    });

    test('meters group and filter by target (their subject)', async () => {
      await store.usage.commitEvents({
        ids: [],
        rollups: [],
        meters: [
          { account: 'acme', bucket: T0, meter: 'transcode_seconds', subject: 'aaaa1111', value: 450 },
          { account: 'acme', bucket: T0 + Q, meter: 'transcode_seconds', subject: 'aaaa1111', value: 900 },
          { account: 'acme', bucket: T0, meter: 'transcode_seconds', subject: 'bbbb2222', value: 60 },
          { account: 'acme', bucket: T0, meter: 'transcode_egress_bytes', subject: 'bbbb2222', value: 7 },
        ],
        accepted: 4,
        receivedAt: 1000,
        forgetIdsBefore: 0,
      });
      const byTarget = await usage(store, {
        group_by: 'target',
        metrics: 'transcode_seconds,transcode_egress_bytes',
      });
      expect(byTarget.map((r) => [r.dimensions.target, r.metrics])).toEqual([
        ['aaaa1111', { transcode_seconds: 1350, transcode_egress_bytes: 0 }],
        ['bbbb2222', { transcode_seconds: 60, transcode_egress_bytes: 7 }],
      ]);
      const one = await usage(store, { target: 'bbbb2222', metrics: 'transcode_seconds' });
      expect(one.map((r) => r.metrics)).toEqual([{ transcode_seconds: 60 }]);
    });

    test('alsoAccounts counts further accounts in the same windows, viewers distinct across them', async () => {
      await store.registry.putAccount({ id: 'child', name: 'C', timezone: 'UTC', parent: 'acme' });
      await store.usage.commitImport({
        from: 0,
        source: source('s1'),
        rollups: [
          row({ account: 'acme', bucket: T0, bytesOut: 10, viewers: [1n, 2n] }),
          row({ account: 'child', bucket: T0, bytesOut: 5, viewers: [2n, 3n] }),
          row({ account: 'globex', bucket: T0, bytesOut: 1000, viewers: [9n] }),
        ],
      });
      const q = parseUsageQuery(
        { account: 'acme', from: '2024-07-01', to: '2024-07-03', metrics: 'bytes_out,unique_viewers' },
        'UTC',
      );
      const alone = await store.usage.queryUsage(q, splitWindows(q.from, q.to, q.granularity, q.tz));
      expect(alone.map((r) => r.metrics)).toEqual([{ bytes_out: 10, unique_viewers: 2 }]);
      const family = parseUsageQuery(
        { account: 'acme', from: '2024-07-01', to: '2024-07-03', metrics: 'bytes_out,unique_viewers' },
        'UTC',
        { alsoAccounts: ['child'] },
      );
      const both = await store.usage.queryUsage(family, splitWindows(q.from, q.to, q.granularity, q.tz));
      expect(both.map((r) => r.metrics)).toEqual([{ bytes_out: 15, unique_viewers: 3 }]);
    });

    test('catalog entries round-trip; events describe transcoders of their own account only', async () => {
      const target = {
        kind: 'stream_target' as const,
        id: 'nlyjxjbc',
        account: 'acme',
        name: 'My Stream Target',
        type: 'fastly',
        billingMode: '',
        archived: false,
        deleted: false,
        match: { apps: ['live'], resources: ['news*'] },
      };
      await store.registry.putCatalogEntry(target);
      await store.registry.putCatalogEntry({
        ...target,
        kind: 'vod_stream',
        id: 'zwry3gj7',
        match: undefined,
      });
      expect(await store.registry.getCatalogEntry('stream_target', 'nlyjxjbc')).toEqual(target);
      await store.registry.putCatalogEntry({ ...target, archived: true, deleted: true });
      expect((await store.registry.getCatalogEntry('stream_target', 'nlyjxjbc'))?.deleted).toBe(true);
      expect(await store.registry.getCatalogEntry('transcoder', 'nlyjxjbc')).toBeUndefined();

      const transcoder = {
        kind: 'transcoder' as const,
        id: '1237abcd',
        account: 'acme',
        name: 'RTMP-Pull-Street',
        type: 'transcoded',
        billingMode: 'pay_as_you_go',
        archived: true,
        deleted: false,
      };
      await store.registry.putCatalogEntry(transcoder);
      const batch = { ids: [], rollups: [], meters: [], accepted: 0, receivedAt: 1, forgetIdsBefore: 0 };
      await store.usage.commitEvents({
        ...batch,
        transcoders: [{ ...transcoder, name: 'Renamed', archived: false, billingMode: 'twentyfour_seven' }],
      });
      // Name and billing mode follow the events; the archived flag is the catalog's own.
      expect(await store.registry.getCatalogEntry('transcoder', '1237abcd')).toEqual({
        ...transcoder,
        name: 'Renamed',
        billingMode: 'twentyfour_seven',
      });
      await store.usage.commitEvents({
        ...batch,
        transcoders: [{ ...transcoder, account: 'globex', name: 'Hijack' }],
      });
      expect((await store.registry.getCatalogEntry('transcoder', '1237abcd'))?.name).toBe('Renamed');
      expect((await store.registry.listCatalog('acme')).map((e) => `${e.kind}:${e.id}`)).toEqual([
        'stream_target:nlyjxjbc',
        'transcoder:1237abcd',
        'vod_stream:zwry3gj7',
      ]);
      expect(await store.registry.listCatalog('globex')).toEqual([]);
    });

    test('billing snapshots freeze bytes before their cut-off; late data is billed by the next one', async () => {
      expect(await store.usage.lastBillingSnapshot()).toBeUndefined();
      await store.usage.commitImport({
        from: 0,
        source: source('s1'),
        rollups: [row({ bucket: T0, bytesOut: 100 }), row({ bucket: T0 + 4 * Q, bytesOut: 50 })],
      });
      const billed = async () =>
        (await usage(store, { metrics: 'bytes_out,billed_bytes_out' })).map((r) => r.metrics);
      expect(await billed()).toEqual([{ bytes_out: 150, billed_bytes_out: 0 }]);

      // Cut-off after the first bucket only.
      expect(await store.usage.takeBillingSnapshot(T0 + 2 * Q + 1, T0 + 2 * Q)).toEqual({
        takenAt: T0 + 2 * Q + 1,
        cutoff: T0 + 2 * Q,
        changedRows: 1,
      });
      expect(await billed()).toEqual([{ bytes_out: 150, billed_bytes_out: 100 }]);

      // Late data for the billed bucket changes usage at once, billing only at the next snapshot.
      await store.usage.commitImport({
        from: 0,
        source: source('s2'),
        rollups: [row({ bucket: T0, bytesOut: 7 })],
      });
      expect(await billed()).toEqual([{ bytes_out: 157, billed_bytes_out: 100 }]);
      await store.usage.takeBillingSnapshot(T0 + 8 * Q, T0 + 8 * Q);
      expect(await billed()).toEqual([{ bytes_out: 157, billed_bytes_out: 157 }]);
      expect(await store.usage.lastBillingSnapshot()).toEqual({
        takenAt: T0 + 8 * Q,
        cutoff: T0 + 8 * Q,
        changedRows: 2,
      });
      // Nothing changed since: a third snapshot records nothing new.
      expect((await store.usage.takeBillingSnapshot(T0 + 9 * Q, T0 + 9 * Q)).changedRows).toBe(0);
    });

    test("retention deletes one account's usage before an instant; what was billed stays billed", async () => {
      await store.registry.putAccount({ id: 'globex', name: 'G', timezone: 'UTC', parent: null });
      await store.usage.commitImport({
        from: 0,
        source: source('s1'),
        rollups: [
          row({ bucket: T0, bytesOut: 100, viewers: [1n] }),
          row({ bucket: T0 + 4 * Q, bytesOut: 50, viewers: [2n] }),
          row({ account: 'globex', bucket: T0, bytesOut: 9, viewers: [3n] }),
        ],
      });
      await store.usage.commitEvents({
        ids: [],
        rollups: [],
        meters: [
          { account: 'acme', bucket: T0, meter: 'transcode_seconds', subject: 't', value: 60 },
          { account: 'acme', bucket: T0 + 4 * Q, meter: 'transcode_seconds', subject: 't', value: 30 },
        ],
        accepted: 2,
        receivedAt: T0 + 8 * Q,
        forgetIdsBefore: 0,
      });
      await store.usage.takeBillingSnapshot(T0 + 8 * Q, T0 + 8 * Q);

      // acme keeps from T0 + 4Q: one rollup, its viewer and one meter row go (3 rows).
      expect(await store.usage.deleteUsageBefore('acme', T0 + 4 * Q)).toBe(3);
      const metrics = 'bytes_out,unique_viewers,transcode_seconds,billed_bytes_out';
      expect((await usage(store, { metrics }))[0]?.metrics).toEqual({
        bytes_out: 50,
        unique_viewers: 1,
        transcode_seconds: 30,
        billed_bytes_out: 150,
      });
      // Another account is untouched; the next snapshot bills nothing new and un-bills nothing.
      const globex = parseUsageQuery({ account: 'globex', from: '2024-07-01', to: '2024-07-03' }, 'UTC');
      const [g] = await store.usage.queryUsage(
        globex,
        splitWindows(globex.from, globex.to, globex.granularity, globex.tz),
      );
      expect(g?.metrics.bytes_out).toBe(9);
      expect((await store.usage.takeBillingSnapshot(T0 + 9 * Q, T0 + 9 * Q)).changedRows).toBe(0);
      expect((await usage(store, { metrics: 'billed_bytes_out' }))[0]?.metrics.billed_bytes_out).toBe(150);
      // Applied again, or to an earlier instant, it deletes nothing more.
      expect(await store.usage.deleteUsageBefore('acme', T0 + 4 * Q)).toBe(0);
      expect(await store.usage.deleteUsageBefore('acme', T0)).toBe(0);
      expect((await store.usage.takeBillingSnapshot(T0 + 10 * Q, T0 + 10 * Q)).changedRows).toBe(0);
    });
  });
}
