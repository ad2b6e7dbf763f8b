/** The one shape usage crosses the storage interface in: a (cell, 15-minute bucket) and its counters. */

import type { CellInfo } from './cell.js';

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
