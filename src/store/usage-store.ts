/**
 * UsageStore: where usage lives. It appends batches of rows idempotently, answers usage queries,
 * forgets a source's rows and freezes billed bytes. Everything else a backend keeps (accounts,
 * keys, catalog, sources) is the registry's (registry.ts).
 */

import type { CatalogEntry } from '../domain/catalog.js';
import type { Dimension } from '../domain/dimensions.js';
import type { EventId } from '../domain/event-id.js';
import type { MeterMetric, Metric } from '../domain/metrics.js';
import type { RollupColumns } from '../domain/rollup-columns.js';
import type { RollupRow } from '../domain/rollup-row.js';
import type { SourceState } from '../domain/source.js';
import type { TimeWindow } from '../domain/time-window.js';
import type { UsageQuery } from '../domain/usage-query.js';

/**
 * One import batch: the rows of a source's bytes [from, source.offset) and the checkpoint after
 * them. The pair (source.id, from, source.offset) identifies it (see `UsageStore.commitImport`).
 */
export interface ImportBatch {
  /** The checkpoint the batch continues: the source's offset before it (0 for a new source). */
  from: number;
  /** The source as it stands after the batch: its checkpoint and counters. */
  source: SourceState;
  rollups: readonly RollupRow[];
  /**
   * More rows in the same shape, column by column (domain/rollup-columns.ts): how import workers
   * hand them over. `rowsOf` turns them into RollupRows for a backend that takes rows only.
   */
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

/** Everything one event batch writes (the 2xx is sent only after it is durable). */
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

/** One result row: a window, the group-by values, and the requested metrics. */
export interface UsageRow {
  windowStart: number;
  windowEnd: number;
  dimensions: Partial<Record<Dimension, string>>;
  metrics: Partial<Record<Metric, number>>;
}

export interface UsageStore {
  /**
   * Appends an import batch's rows and moves its source's checkpoint to `source.offset`.
   *
   * The contract every backend meets, transactions or not (store-contract.ts tests it):
   * - a batch is identified by (source id, `from`, `source.offset`); applying it again, after it
   *   was applied, changes nothing: its rows count once;
   * - the checkpoint moves only after the rows are durable, so a crash at any moment leaves either
   *   the batch applied and the checkpoint past it, or a checkpoint still at `from` (the batch is
   *   read again from there; a backend without transactions keeps rows tagged with their batch
   *   and counts a batch written twice once);
   * - a batch whose `from` is not the source's checkpoint (another import moved the source) is
   *   refused with `conflict` and writes nothing.
   * DuckDB meets it in one transaction.
   */
  commitImport(batch: ImportBatch): Promise<void>;
  /**
   * Writes an event batch: rows, meters, its ids (remembered for de-duplication) and the events
   * source's counters. A batch is identified by its event ids: when every one of them is stored
   * already with the same payload digest, applying it again changes nothing; when only some are,
   * another batch took them meanwhile and this one is refused with `conflict`, writing nothing.
   * (A batch of events without ids cannot be recognised again: its sender chose that.) Its caller
   * answers the sender only after this resolves, so an answered batch is durable.
   */
  commitEvents(batch: EventBatch): Promise<void>;

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
   * Retention: deletes the account's usage (deliveries, viewers, meters) in buckets before
   * `before`. Billed bytes stay, and billing snapshots no longer look at those buckets, so what
   * was billed stays billed. Returns the number of rows deleted.
   */
  deleteUsageBefore(account: string, before: number): Promise<number>;
  /** Removes a source, its checkpoint and every row it contributed; false when there is no such source. */
  forgetSource(id: string): Promise<boolean>;

  /**
   * Freezes billed bytes: for every (cell, bucket) before `cutoff`, records the difference between
   * the delivery bytes now and those billed so far, as one snapshot.
   */
  takeBillingSnapshot(takenAt: number, cutoff: number): Promise<BillingSnapshot>;
  /** The latest snapshot, or undefined when none was taken. */
  lastBillingSnapshot(): Promise<BillingSnapshot | undefined>;
}
