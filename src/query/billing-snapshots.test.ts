import { expect, test } from 'vitest';
import { DuckDbStore } from '../store/duckdb/duckdb-store.js';
import { runSnapshotSchedule } from './billing-snapshots.js';

test('the schedule takes one snapshot at once when none exists, then one per interval, until aborted', async () => {
  const store = await DuckDbStore.open(':memory:');
  const taken: number[] = [];
  const stop = new AbortController();
  const loop = runSnapshotSchedule(store, 100, stop.signal, (s) => taken.push(s.takenAt));
  await new Promise((done) => setTimeout(done, 600));
  stop.abort();
  await loop;
  // At 0, ~100, ~200 ... ms: timers may run late (a loaded machine), never early.
  expect(taken.length).toBeGreaterThanOrEqual(2);
  expect(taken.length).toBeLessThanOrEqual(7);
  for (let i = 1; i < taken.length; i++)
    expect((taken[i] as number) - (taken[i - 1] as number)).toBeGreaterThanOrEqual(100);
  expect((await store.usage.lastBillingSnapshot())?.takenAt).toBe(taken.at(-1));
  await store.close();
});
