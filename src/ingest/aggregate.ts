/**
 * In-memory aggregation: deliveries fold into one row per (15-minute bucket, cell) with the set
 * of viewers seen there. The importer drains it at every commit, which keeps memory bounded by
 * the number of distinct cells and viewers, not by the number of lines.
 *
 * This is the import hot path, so its keys avoid string hashing: cells are shared objects
 * (identity-keyed), buckets are small integers, and viewers are interned to integer ids that are
 * hashed (HMAC) once per distinct viewer at drain time.
 */
import { isAuthFailure, isClientError, isOk, isServerError } from '../domain/metrics.js';
import type { DeliveryRecord } from '../domain/record.js';
import { BUCKET_MS } from '../domain/time-window.js';
import type { RollupRow } from '../store/store.js';
import { type Cell, makeCell } from './cell.js';
import { ownString } from './own-string.js';

interface PendingRow extends Omit<RollupRow, 'viewers'> {
  viewerIds: Set<number>;
}

export class Aggregator {
  private cells = new Map<Cell, Map<number, PendingRow>>();
  private viewerIds = new Map<string, number>();
  private viewerNames: string[] = [];
  private rowCount = 0;
  private viewerEntries = 0;
  /** Cells built by `add(record)`, interned so equal records share one cell. */
  private interned = new Map<string, Cell>();

  constructor(private readonly hashViewer: (viewer: string) => bigint) {}

  /** Rows plus viewer entries held: what the importer compares against its flush threshold. */
  get weight(): number {
    return this.rowCount + this.viewerEntries;
  }

  /** Adds one normalised record. */
  add(record: DeliveryRecord): void {
    const fresh = makeCell(record.account, record, record.zone, record.country);
    let cell = this.interned.get(fresh.key);
    if (cell === undefined) {
      cell = fresh;
      this.interned.set(fresh.key, fresh);
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
   * The hot path of `add`: positional, so a log line costs no allocation once its cell and
   * bucket exist. Cells must be shared objects (normalisation caches them).
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
  ): void {
    const bucketIndex = Math.floor(time / BUCKET_MS);
    let byBucket = this.cells.get(cell);
    if (byBucket === undefined) {
      byBucket = new Map();
      this.cells.set(cell, byBucket);
    }
    let row = byBucket.get(bucketIndex);
    if (row === undefined) {
      row = {
        account: cell.account,
        cellId: cell.id,
        bucket: bucketIndex * BUCKET_MS,
        app: cell.app,
        resource: cell.resource,
        kind: cell.kind,
        target: cell.target,
        rendition: cell.rendition,
        protocol: cell.protocol,
        zone: cell.zone,
        country: cell.country,
        requests: 0,
        okRequests: 0,
        clientErrors: 0,
        authFailures: 0,
        serverErrors: 0,
        bytesOut: 0,
        bytesIn: 0,
        viewSeconds: 0,
        commands: 0,
        starts: 0,
        viewerIds: new Set(),
      };
      byBucket.set(bucketIndex, row);
      this.rowCount += 1;
    }
    row.requests += 1;
    if (isOk(status)) row.okRequests += 1;
    else if (isClientError(status)) {
      row.clientErrors += 1;
      if (isAuthFailure(status)) row.authFailures += 1;
    } else if (isServerError(status)) row.serverErrors += 1;
    row.bytesOut += bytesOut;
    row.bytesIn += bytesIn;
    row.viewSeconds += seconds;
    row.commands += commands;
    row.starts += starts;
    if (viewer !== '') {
      let id = this.viewerIds.get(viewer);
      if (id === undefined) {
        id = this.viewerNames.length;
        const owned = ownString(viewer);
        this.viewerIds.set(owned, id);
        this.viewerNames.push(owned);
      }
      const before = row.viewerIds.size;
      row.viewerIds.add(id);
      this.viewerEntries += row.viewerIds.size - before;
    }
  }

  /** Hands over every row, viewers hashed, and starts empty. */
  drain(): RollupRow[] {
    const hashes: bigint[] = new Array(this.viewerNames.length);
    const out: RollupRow[] = [];
    for (const byBucket of this.cells.values()) {
      for (const row of byBucket.values()) {
        const viewers: bigint[] = [];
        for (const id of row.viewerIds) {
          let hash = hashes[id];
          if (hash === undefined) {
            hash = this.hashViewer(this.viewerNames[id] as string);
            hashes[id] = hash;
          }
          viewers.push(hash);
        }
        out.push({
          account: row.account,
          cellId: row.cellId,
          bucket: row.bucket,
          app: row.app,
          resource: row.resource,
          kind: row.kind,
          target: row.target,
          rendition: row.rendition,
          protocol: row.protocol,
          zone: row.zone,
          country: row.country,
          requests: row.requests,
          okRequests: row.okRequests,
          clientErrors: row.clientErrors,
          authFailures: row.authFailures,
          serverErrors: row.serverErrors,
          bytesOut: row.bytesOut,
          bytesIn: row.bytesIn,
          viewSeconds: row.viewSeconds,
          commands: row.commands,
          starts: row.starts,
          viewers,
        });
      }
    }
    this.cells = new Map();
    this.viewerIds = new Map();
    this.viewerNames = [];
    this.rowCount = 0;
    this.viewerEntries = 0;
    return out;
  }
}
