import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DuckDbStore } from '../store/duckdb/duckdb-store.js';
import type { Store } from '../store/store.js';
import { rollupRow } from '../test-support/rollup-row.js';
import { sourceState } from '../test-support/source-state.js';
import { applyRetention, retentionStart } from './retention.js';
import { runUsageQuery } from './run-usage-query.js';

describe('retentionStart', () => {
  test.each([
    // today's local midnight, minus the days kept before it
    ['UTC', 30, '2026-11-29T16:00:00Z', '2026-10-30T00:00:00.000Z'],
    ['Asia/Kolkata', 1, '2026-11-29T20:00:00Z', '2026-11-28T18:30:00.000Z'], // already the 30th there
    ['Asia/Kathmandu', 1, '2026-11-29T12:00:00Z', '2026-11-27T18:15:00.000Z'],
    // across the end of summer time: 400 days back from Berlin's winter lands in its summer
    ['Europe/Berlin', 400, '2026-11-29T12:00:00Z', '2025-10-24T22:00:00.000Z'],
    ['America/New_York', 0, '2026-03-08T12:00:00Z', '2026-03-08T05:00:00.000Z'],
  ])('%s, %i days, at %s: kept from %s', (zone, days, now, expected) => {
    const start = retentionStart(zone, days, Date.parse(now));
    expect(new Date(start).toISOString()).toBe(expected);
    expect(start % (15 * 60_000)).toBe(0);
  });
});

describe('applyRetention', () => {
  let store: Store;
  beforeEach(async () => {
    store = await DuckDbStore.open(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  test('each account loses whole days before its own local midnight, nothing after', async () => {
    await store.registry.putAccount({ id: 'berlin', name: 'B', timezone: 'Europe/Berlin', parent: null });
    await store.registry.putAccount({ id: 'kolkata', name: 'K', timezone: 'Asia/Kolkata', parent: null });
    const now = Date.parse('2026-11-29T12:00:00Z');
    // Around each account's cut-off (2 days kept): the bucket just before goes, the one at it stays.
    const berlinCut = Date.parse('2026-11-26T23:00:00Z'); // 27 Nov 00:00 in Berlin
    const kolkataCut = Date.parse('2026-11-26T18:30:00Z'); // 27 Nov 00:00 in Kolkata
    const Q = 15 * 60_000;
    await store.usage.commitImport({
      from: 0,
      source: sourceState('s'),
      rollups: [
        rollupRow({ account: 'berlin', bucket: berlinCut - Q, bytesOut: 1 }),
        rollupRow({ account: 'berlin', bucket: berlinCut, bytesOut: 10 }),
        rollupRow({ account: 'kolkata', bucket: kolkataCut - Q, bytesOut: 100 }),
        rollupRow({ account: 'kolkata', bucket: kolkataCut, bytesOut: 1000 }),
        rollupRow({ account: 'kolkata', bucket: berlinCut - Q, bytesOut: 10_000 }),
      ],
    });
    const results = await applyRetention(store, 2, now);
    expect(results.map((r) => [r.account, new Date(r.keptFrom).toISOString(), r.deletedRows])).toEqual([
      ['berlin', '2026-11-26T23:00:00.000Z', 1],
      ['kolkata', '2026-11-26T18:30:00.000Z', 1],
    ]);
    const total = async (account: string) =>
      (
        await runUsageQuery(store, {
          account,
          from: '2026-11-01T00:00:00Z',
          to: '2026-12-01T00:00:00Z',
          metrics: 'bytes_out',
        })
      ).body.rows[0]?.bytes_out;
    expect(await total('berlin')).toBe(10);
    expect(await total('kolkata')).toBe(11_000);
  });
});
