/**
 * In-memory aggregation: deliveries fold into one row per (15-minute bucket, cell) with the set
 * of viewers seen there. The importer drains it at every commit, which keeps memory bounded by
 * the number of distinct rows and viewers, not by the number of lines.
 *
 * This is the import hot path, so it avoids string keys and per-row garbage: rows are found by
 * small integers (bucket index, then cell map key), a row references its shared cell instead of
 * copying its strings, viewers are interned to integer ids (hashed once each, at drain), and a
 * row keeps its first viewer inline, allocating a Set only when a second one arrives.
 */

import { BUCKET_MS } from '../domain/bucket.js';
import { cellKey } from '../domain/cell-id.js';
import { isAuthFailure, isClientError, isOk, isServerError } from '../domain/metrics.js';
import type { DeliveryRecord } from '../domain/record.js';
import type { RollupRow } from '../domain/rollup-row.js';
import { type Cell, makeCell } from './cell.js';
import type { Client } from './clients.js';
import { ownString } from './own-string.js';

const NO_VIEWER = -1;
/** Batch numbers are unique across aggregators, so a Client's id is never taken for another aggregator's. */
let nextBatch = 0;

export class PendingRow implements RollupRow {
  requests = 0;
  okRequests = 0;
  clientErrors = 0;
  authFailures = 0;
  serverErrors = 0;
  bytesOut = 0;
  bytesIn = 0;
  viewSeconds = 0;
  commands = 0;
  starts = 0;
  viewers: readonly bigint[] = [];
  firstViewer = NO_VIEWER;
  moreViewers: Set<number> | null = null;

  constructor(
    readonly cell: Cell,
    readonly bucket: number,
  ) {}

  /** Adds a viewer id; returns 1 when it is new to this row. */
  addViewer(id: number): number {
    if (this.firstViewer === NO_VIEWER) {
      this.firstViewer = id;
      return 1;
    }
    if (this.firstViewer === id) return 0;
    if (this.moreViewers === null) this.moreViewers = new Set();
    const before = this.moreViewers.size;
    this.moreViewers.add(id);
    return this.moreViewers.size - before;
  }
}

export class Aggregator {
  private buckets = new Map<number, Map<number, PendingRow>>();
  private lastBucket = Number.NaN;
  private lastRows: Map<number, PendingRow> | undefined;
  private viewerIds = new Map<string, number>();
  /** Identifies this aggregator's current batch to the Clients that carry viewer ids for it. */
  private batch = nextBatch++;
  /**
   * Per viewer id of this batch, its keyed hash: taken as the viewer joins the batch (the hasher
   * caches per viewer), so handing a batch over hashes nothing at the end of an import.
   */
  private viewerHashes: bigint[] = [];
  private rowCount = 0;
  private viewerEntries = 0;
  /** Cells built by `add(record)`, interned so equal records share one cell. */
  private interned = new Map<string, Cell>();

  constructor(private readonly hashViewer: (viewer: string) => bigint) {}

  /** Rows plus viewer entries held: what the importer compares against its flush threshold. */
  get weight(): number {
    return this.rowCount + this.viewerEntries;
  }

  /** Rows held. */
  get rows(): number {
    return this.rowCount;
  }

  /** Adds one normalised record. */
  add(record: DeliveryRecord): void {
    // Look the cell up by key first: only a new cell pays for its object and SHA-256 id.
    const key = cellKey(record.account, record);
    let cell = this.interned.get(key);
    if (cell === undefined) {
      cell = makeCell(record.account, record, key);
      this.interned.set(key, cell);
    }
    this.addToCell(
      cell,
      record.time,
      record.status,
      record.bytesOut,
      record.bytesIn,
      record.viewer,
      record.seconds,
      record.commands,
      record.starts,
    );
  }

  /**
   * The hot path of `add`: positional, so a log line costs no allocation once its row exists.
   * Cells must be shared objects (normalisation caches them).
   */
  addToCell(
    cell: Cell,
    time: number,
    status: number,
    bytesOut: number,
    bytesIn: number,
    viewer: string,
    seconds: number,
    commands: number,
    starts: number,
    /** Refused for its credentials whatever the status says (S3's access-denied error codes). */
    authFailure = false,
  ): void {
    const row = this.countLine(cell, time, status, bytesOut, bytesIn, seconds, commands, starts, authFailure);
    if (viewer !== '') this.viewerByName(row, viewer);
  }

  /** Counts one line into its (bucket, cell) row; the caller then adds the line's viewer to the row. */
  countLine(
    cell: Cell,
    time: number,
    status: number,
    bytesOut: number,
    bytesIn: number,
    seconds: number,
    commands: number,
    starts: number,
    authFailure: boolean,
  ): PendingRow {
    const bucketIndex = Math.floor(time / BUCKET_MS);
    let rows = this.lastRows;
    if (bucketIndex !== this.lastBucket || rows === undefined) {
      rows = this.buckets.get(bucketIndex);
      if (rows === undefined) {
        rows = new Map();
        this.buckets.set(bucketIndex, rows);
      }
      this.lastBucket = bucketIndex;
      this.lastRows = rows;
    }
    let row = rows.get(cell.mapKey);
    if (row === undefined) {
      row = new PendingRow(cell, bucketIndex * BUCKET_MS);
      rows.set(cell.mapKey, row);
      this.rowCount += 1;
    }
    row.requests += 1;
    if (isOk(status)) row.okRequests += 1;
    else if (isClientError(status)) {
      row.clientErrors += 1;
      if (authFailure || isAuthFailure(status)) row.authFailures += 1;
    } else if (isServerError(status)) row.serverErrors += 1;
    row.bytesOut += bytesOut;
    row.bytesIn += bytesIn;
    row.viewSeconds += seconds;
    row.commands += commands;
    row.starts += starts;
    return row;
  }

  /** Adds a viewer named by a string (a session id) to `row`. */
  viewerByName(row: PendingRow, viewer: string): void {
    let id = this.viewerIds.get(viewer);
    if (id === undefined) {
      id = this.viewerHashes.length;
      this.viewerIds.set(ownString(viewer), id);
      this.viewerHashes.push(this.hashViewer(viewer));
    }
    this.viewerEntries += row.addViewer(id);
  }

  /** Adds a client address as the viewer of `row`, using the id the Client carries for this batch. */
  viewerByClient(row: PendingRow, client: Client): void {
    if (client.batch !== this.batch) {
      client.viewerId = this.viewerHashes.length;
      client.batch = this.batch;
      this.viewerHashes.push(this.hashViewer(client.address));
    }
    this.viewerEntries += row.addViewer(client.viewerId);
  }

  /** Hands over every row, viewers hashed, and starts empty. */
  drain(): RollupRow[] {
    const hashes = this.viewerHashes;
    const out: RollupRow[] = [];
    for (const rows of this.buckets.values()) {
      for (const row of rows.values()) {
        if (row.firstViewer !== NO_VIEWER) {
          const viewers = [hashes[row.firstViewer] as bigint];
          if (row.moreViewers) for (const id of row.moreViewers) viewers.push(hashes[id] as bigint);
          row.viewers = viewers;
        }
        out.push(row);
      }
    }
    this.buckets = new Map();
    this.lastRows = undefined;
    this.lastBucket = Number.NaN;
    this.viewerIds = new Map();
    this.viewerHashes = [];
    this.batch = nextBatch++;
    this.rowCount = 0;
    this.viewerEntries = 0;
    return out;
  }
}
