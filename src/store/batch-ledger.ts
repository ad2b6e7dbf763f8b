/**
 * BatchLedger: what a usage store without transactions over its rows (ClickHouse) needs of the
 * registry to apply every batch exactly once (docs/SCALE.md, "Exactly once without transactions").
 *
 * A batch's rows are written with a write id nobody else uses. Before they are written, the write
 * id is recorded as pending for its source; the checkpoint moves, and the pending mark goes, in
 * one registry transaction after the rows are durable. A writer that stopped in between leaves a
 * pending mark, and the next writer of that source removes the rows of that write before anything
 * else: so rows are counted only when their checkpoint moved, and never twice.
 */
import type { EventId } from '../domain/event-id.js';
import type { SourceState } from '../domain/source.js';
import type { BillingSnapshot, EventBatch } from './usage-store.js';

export interface LedgerSource {
  /** The source's checkpoint: 0 for a source never committed. */
  readonly checkpoint: number;
  /** Whether the source has been committed at least once. */
  readonly exists: boolean;
  /** The write id of a write that began and never finished (its writer stopped), or null. */
  readonly pending: string | null;
  /** Records `write` as begun, durably, before any of its rows are written. */
  begin(write: string): Promise<void>;
  /** The pending write's rows are removed: forgets the mark. */
  abandon(): Promise<void>;
  /** The rows of the begun write are durable: moves the checkpoint and counters, ends the write. */
  finishImport(source: SourceState): Promise<void>;
  /**
   * The rows of the begun write (if any) are durable: remembers the batch's ids, describes its
   * transcoders, adds to the events source's counters and ends the write, in one transaction.
   */
  finishEvents(batch: EventBatch, bytesOut: number): Promise<void>;
  /** Removes the source (and, for the events source, every remembered event id). */
  forget(): Promise<void>;
  /** The event ids given that are stored, read while holding the source. */
  storedEventIds(ids: readonly { account: string; id: string }[]): Promise<EventId[]>;
}

export interface BatchLedger {
  /**
   * Runs `work` as the only writer of source `id` among every process sharing the registry. A
   * process that dies holding it lets it go (its connection ends).
   */
  withSource<T>(id: string, work: (source: LedgerSource) => Promise<T>): Promise<T>;
  /** Runs `work` as the only process taking a billing snapshot. */
  withBilling<T>(work: () => Promise<T>): Promise<T>;

  /** Per account, the start of the oldest bucket retention kept. */
  retention(): Promise<Map<string, number>>;
  /** Records that the account's usage before `before` was deleted (kept only when later than the last). */
  retain(account: string, before: number): Promise<void>;

  /** Records a snapshot taken. */
  putSnapshot(snapshot: BillingSnapshot): Promise<void>;
  lastSnapshot(): Promise<BillingSnapshot | undefined>;
}
