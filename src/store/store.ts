/**
 * UsageStore: the only way anything reads or writes usage. Backends (`store/duckdb`, later
 * `store/clickhouse`) implement it and pass the same contract suite (store-contract.ts).
 */

import type { Account } from '../domain/account.js';
import type { KeyScheme, StoredKey } from '../domain/api-key.js';
import type { CatalogEntry, CatalogKind } from '../domain/catalog.js';
import type { CellInfo } from '../domain/cell.js';
import type { Dimension } from '../domain/dimensions.js';
import type { MeterMetric, Metric } from '../domain/metrics.js';
import type { SourceState } from '../domain/source.js';
import type { TimeWindow } from '../domain/time-window.js';
import type { UsageQuery } from '../domain/usage-query.js';
import type { RollupColumns } from './rollup-columns.js';

/** Summed counters of one (cell, 15-minute bucket). */
export interface RollupRow {
  cell: CellInfo;
  /** Bucket start, epoch milliseconds (a multiple of 15 minutes). */
  bucket: number;
  requests: number;
  okRequests: number;
  clientErrors: number;
  authFailures: number;
  serverErrors: number;
  bytesOut: number;
  bytesIn: number;
  viewSeconds: number;
  commands: number;
  starts: number;
  /** Keyed 64-bit hashes of the distinct viewers in this row (no repeats). */
  viewers: readonly bigint[];
}

/** Everything one commit writes: usage rows and the source checkpoint, atomically. */
export interface ImportBatch {
  source: SourceState;
  rollups: readonly RollupRow[];
  /** More rows, column by column: how import workers hand their batches over (rollup-columns.ts). */
  columns?: readonly RollupColumns[];
}

/** An amount (or, for storage, a sample) of a meter in one 15-minute bucket. */
export interface MeterRow {
  account: string;
  /** Bucket start, epoch milliseconds. */
  bucket: number;
  meter: MeterMetric;
  /** What it measures: a transcoder id, a stream or '' (the account as a whole). */
  subject: string;
  value: number;
}

/** An accepted event's id and a digest of its payload, for de-duplication. */
export interface EventId {
  account: string;
  id: string;
  digest: string;
}

/** Everything one event batch writes, atomically (the 2xx is sent only after this commits). */
export interface EventBatch {
  ids: readonly EventId[];
  rollups: readonly RollupRow[];
  meters: readonly MeterRow[];
  /** Events accepted in this batch (counted on the `events` source). */
  accepted: number;
  receivedAt: number;
  /** Ids received before this instant are forgotten: the end of the de-duplication window. */
  forgetIdsBefore: number;
  /**
   * Transcoders the batch's sessions name: created in the catalog when new, else their name, type
   * and billing mode are updated (an entry of another account is left alone).
   */
  transcoders?: readonly CatalogEntry[];
}

/** A billing snapshot: the delivery bytes of every bucket before `cutoff`, as they stood at `takenAt`. */
export interface BillingSnapshot {
  takenAt: number;
  /** Buckets before this instant (a 15-minute boundary) are billed by the snapshot. */
  cutoff: number;
  /** (cell, bucket) rows whose billed bytes the snapshot changed. */
  changedRows: number;
}

/** The source every event's usage is stored under (`tally sources forget events` removes it). */
export const EVENTS_SOURCE = 'events';

/** One result row: a window, the group-by values, and the requested metrics. */
export interface UsageRow {
  windowStart: number;
  windowEnd: number;
  dimensions: Partial<Record<Dimension, string>>;
  metrics: Partial<Record<Metric, number>>;
}

export interface UsageStore {
  /** `duckdb`, `clickhouse`, ...: reported by /healthz. */
  readonly backend: string;
  close(): Promise<void>;

  listAccounts(): Promise<Account[]>;
  getAccount(id: string): Promise<Account | undefined>;
  /** Creates or replaces an account. */
  putAccount(account: Account): Promise<void>;

  listSources(): Promise<SourceState[]>;
  /** Writes the rows and the checkpoint in one transaction: both land or neither does. */
  commitImport(batch: ImportBatch): Promise<void>;
  /** Digests of the event ids given that are still remembered, keyed `${account}\u0001${id}`. */
  findEventIds(ids: readonly { account: string; id: string }[]): Promise<Map<string, string>>;
  /** Writes an event batch (ids, rows, meters, the events source's counters) in one transaction. */
  commitEvents(batch: EventBatch): Promise<void>;
  /**
   * Retention: deletes the account's usage (deliveries, viewers, meters) in buckets before
   * `before`. Billed bytes stay, and billing snapshots no longer look at those buckets, so what
   * was billed stays billed. Returns the number of rows deleted.
   */
  deleteUsageBefore(account: string, before: number): Promise<number>;
  /** Removes a source and every row it contributed; false when there is no such source. */
  forgetSource(id: string): Promise<boolean>;

  /**
   * Rows of `query` over `windows` (consecutive, covering [from, to)), ordered as the query says,
   * from `query.offset`, at most `query.limit + 1` rows so the caller can tell whether more remain.
   */
  queryUsage(query: UsageQuery, windows: readonly TimeWindow[]): Promise<UsageRow[]>;
  /**
   * Every row of `query` over `windows` (its limit and offset do not apply), in the query's order,
   * a batch at a time: memory holds one batch however many rows there are. The reader must either
   * consume the iterator or end it early (`break`, `return()`); both release the store's resources.
   */
  streamUsage(query: UsageQuery, windows: readonly TimeWindow[]): AsyncIterable<UsageRow[]>;

  /**
   * Records a signed request's signature digest as used until `expiresAt`; false when it was
   * already used and has not expired (a replay). Durable: a restart does not forget it.
   */
  claimSignature(scheme: KeyScheme, digest: string, now: number, expiresAt: number): Promise<boolean>;

  putKey(key: StoredKey): Promise<void>;
  getKey(id: string): Promise<StoredKey | undefined>;
  listKeys(): Promise<StoredKey[]>;
  /** Marks a key revoked; false when there is no such active key. */
  revokeKey(id: string, at: number): Promise<boolean>;

  /** Catalog entries, of one account or all, ordered by kind and id. */
  listCatalog(account?: string): Promise<CatalogEntry[]>;
  getCatalogEntry(kind: CatalogKind, id: string): Promise<CatalogEntry | undefined>;
  /** Creates or replaces an entry (ids are unique per kind across accounts). */
  putCatalogEntry(entry: CatalogEntry): Promise<void>;

  /**
   * Freezes billed bytes: for every (cell, bucket) before `cutoff`, records the difference between
   * the delivery bytes now and those billed so far, in one transaction.
   */
  takeBillingSnapshot(takenAt: number, cutoff: number): Promise<BillingSnapshot>;
  /** The latest snapshot, or undefined when none was taken. */
  lastBillingSnapshot(): Promise<BillingSnapshot | undefined>;
}
