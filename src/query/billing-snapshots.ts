/**
 * Billing snapshots (Wowza's `bytes_billed`): a snapshot freezes the billed delivery bytes of every
 * bucket that has ended, as they stand at that instant. The server takes one every
 * `billing.snapshotHours` (12 by default, like Wowza's billing updates); `tally billing snapshot`
 * and `POST /v1/billing/snapshots` take one on demand.
 */
import { bucketStart } from '../domain/bucket.js';
import type { Store } from '../store/store.js';
import type { BillingSnapshot } from '../store/usage-store.js';
import { sleep } from './abortable-sleep.js';

export const DEFAULT_SNAPSHOT_HOURS = 12;

/** Takes a snapshot at `now`: buckets that ended by then are billed as they stand. */
export function takeSnapshot(store: Store, now = Date.now()): Promise<BillingSnapshot> {
  return store.usage.takeBillingSnapshot(now, bucketStart(now));
}

/** A snapshot as `tally billing snapshot --json` and `POST /v1/billing/snapshots` show it. */
export function snapshotOut(s: BillingSnapshot) {
  return {
    taken_at: new Date(s.takenAt).toISOString(),
    cutoff: new Date(s.cutoff).toISOString(),
    changed_rows: s.changedRows,
  };
}

/**
 * The server's snapshot loop: one as soon as the last is older than the interval (or none was
 * ever taken), then one per interval, until `signal` aborts.
 */
export async function runSnapshotSchedule(
  store: Store,
  intervalMs: number,
  signal: AbortSignal,
  onSnapshot: (snapshot: BillingSnapshot) => void = () => undefined,
): Promise<void> {
  while (!signal.aborted) {
    const last = await store.usage.lastBillingSnapshot();
    const due = last === undefined ? Date.now() : last.takenAt + intervalMs;
    const wait = due - Date.now();
    if (wait > 0) {
      await sleep(wait, signal);
      continue;
    }
    onSnapshot(await takeSnapshot(store));
  }
}
