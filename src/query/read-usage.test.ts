import { describe, expect, test } from 'vitest';
import { useMemoryStore } from '../test-support/memory-store.js';
import { rollupRow } from '../test-support/rollup-row.js';
import { sourceState } from '../test-support/source-state.js';
import { readUsage } from './read-usage.js';

const T0 = Date.parse('2024-07-01T00:00:00Z');
const DAY = 86_400_000;

describe('readUsage', () => {
  const store = useMemoryStore([{ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null }]);

  test('every row to the end, typed, past any page size', async () => {
    // 2,500 resources: more than a page (1,000) of the native API, each with its own bytes.
    const n = 2500;
    const rollups = Array.from({ length: n }, (_, i) =>
      rollupRow({ account: 'acme', bucket: T0 + (i % 96) * 900_000, resource: `v${i}.mp4`, bytesOut: i + 1 }),
    );
    await store().usage.commitImport({ from: 0, source: sourceState('s', 10), rollups });
    const rows = await readUsage(store(), {
      account: 'acme',
      from: T0,
      to: T0 + DAY,
      tz: 'UTC',
      granularity: 'total',
      groupBy: ['resource'],
      metrics: ['bytes_out'],
    });
    expect(rows).toHaveLength(n);
    expect(rows.reduce((sum, r) => sum + (r.metrics.bytes_out ?? 0), 0)).toBe((n * (n + 1)) / 2);
    expect(rows[0]).toMatchObject({ windowStart: T0, windowEnd: T0 + DAY });
    expect(typeof rows[0]?.dimensions.resource).toBe('string');
  });

  test('filter values are a list: a value may hold a comma', async () => {
    await store().usage.commitImport({
      from: 0,
      source: sourceState('s', 10),
      rollups: [
        rollupRow({ account: 'acme', bucket: T0, resource: 'a,b.mp4', bytesOut: 5 }),
        rollupRow({ account: 'acme', bucket: T0, resource: 'a', bytesOut: 7 }),
        rollupRow({ account: 'acme', bucket: T0, resource: 'b.mp4', bytesOut: 11 }),
      ],
    });
    const rows = await readUsage(store(), {
      account: 'acme',
      from: T0,
      to: T0 + DAY,
      tz: 'UTC',
      granularity: 'day',
      metrics: ['bytes_out'],
      filters: { resource: ['a,b.mp4'] },
    });
    expect(rows.map((r) => r.metrics)).toEqual([{ bytes_out: 5 }]);
  });
});
