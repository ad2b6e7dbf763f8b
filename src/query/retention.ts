/**
 * Retention (`retentionDays` in the config): usage older than the limit is deleted, per account,
 * in whole days of the account's time zone. An account keeps today and the `retentionDays` days
 * before it; the buckets before the local midnight that starts the oldest kept day go. Every UTC
 * offset in use is a multiple of 15 minutes, so that midnight is a bucket boundary and no bucket
 * is cut in two. Billed bytes (billing snapshots) are never deleted. `tally retention apply` runs
 * it on demand; the server once at start and then once a day.
 */
import { DateTime } from 'luxon';
import type { Store } from '../store/store.js';
import { sleep } from './abortable-sleep.js';

const DAY_MS = 86_400_000;

export interface RetentionResult {
  account: string;
  /** Usage before this instant was deleted (the local midnight that starts the oldest kept day). */
  keptFrom: number;
  deletedRows: number;
}

/** The first instant an account in `timezone` keeps at `now`, with `days` days of retention. */
export function retentionStart(timezone: string, days: number, now: number): number {
  return DateTime.fromMillis(now, { zone: timezone }).startOf('day').minus({ days }).toMillis();
}

/** Deletes every account's usage older than `days` whole days, as of `now`. */
export async function applyRetention(
  store: Store,
  days: number,
  now = Date.now(),
): Promise<RetentionResult[]> {
  const results: RetentionResult[] = [];
  for (const account of await store.registry.listAccounts()) {
    const keptFrom = retentionStart(account.timezone, days, now);
    results.push({
      account: account.id,
      keptFrom,
      deletedRows: await store.usage.deleteUsageBefore(account.id, keptFrom),
    });
  }
  return results;
}

/** A result as `tally retention apply --json` prints it. */
export function retentionOut(r: RetentionResult) {
  return { account: r.account, kept_from: new Date(r.keptFrom).toISOString(), deleted_rows: r.deletedRows };
}

export interface RetentionReport {
  /** null when the config sets no `retentionDays`: everything is kept, nothing deleted. */
  retention_days: number | null;
  accounts: ReturnType<typeof retentionOut>[];
}

/** Applies the configured retention now: what `tally retention apply --json` prints and `POST /v1/retention` answers. */
export async function retentionReport(store: Store, days: number | undefined): Promise<RetentionReport> {
  if (days === undefined) return { retention_days: null, accounts: [] };
  return { retention_days: days, accounts: (await applyRetention(store, days)).map(retentionOut) };
}

/** The server's retention loop: at start, then every day, until `signal` aborts. */
export async function runRetentionSchedule(store: Store, days: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    await applyRetention(store, days);
    await sleep(DAY_MS, signal);
  }
}
