/**
 * Appends RollupColumns (import workers' batches) to `delivery_rollups` and `viewers` one
 * DataChunk of 2048 rows at a time, filling each vector from its column in one loop: no object or
 * array per row, which at the end of a large import is time nothing else overlaps.
 */
import {
  BIGINT,
  DOUBLE,
  type DuckDBAppender,
  DuckDBDataChunk,
  type DuckDBValue,
  INTEGER,
  UBIGINT,
} from '@duckdb/node-api';
import { NUMERIC_FIELDS, type RollupColumns } from '../rollup-columns.js';

/** Rows per DataChunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;

/** `delivery_rollups` (migration 1): source, bucket, cell, then the counters in NUMERIC_FIELDS order. */
export const ROLLUP_TYPES = [
  INTEGER,
  BIGINT,
  BIGINT,
  INTEGER,
  INTEGER,
  INTEGER,
  INTEGER,
  INTEGER,
  BIGINT,
  BIGINT,
  DOUBLE,
  INTEGER,
  INTEGER,
];
/** `viewers`: source, bucket, cell, viewer. */
export const VIEWER_TYPES = [INTEGER, BIGINT, BIGINT, UBIGINT];

function bigints(values: Float64Array, from: number, size: number): bigint[] {
  const out = new Array<bigint>(size);
  for (let i = 0; i < size; i++) out[i] = BigInt(values[from + i] as number);
  return out;
}

export function appendRollupColumns(appender: DuckDBAppender, seq: number, c: RollupColumns): void {
  const n = c.count;
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const size = Math.min(CHUNK_ROWS, n - start);
    const cells = new Array<bigint>(size);
    for (let i = 0; i < size; i++) cells[i] = c.cellIds[c.cellIndex[start + i] as number] as bigint;
    // bucket is NUMERIC_FIELDS[0]; the counters follow in the table's order.
    const columns: DuckDBValue[][] = [new Array(size).fill(seq), bigints(c.numbers, start, size), cells];
    for (let f = 1; f < NUMERIC_FIELDS.length; f++) {
      const from = f * n + start;
      columns.push(
        ROLLUP_TYPES[f + 2] === BIGINT
          ? bigints(c.numbers, from, size)
          : Array.from(c.numbers.subarray(from, from + size)),
      );
    }
    const chunk = DuckDBDataChunk.create(ROLLUP_TYPES, size);
    chunk.setColumns(columns);
    appender.appendDataChunk(chunk);
  }
}

export function appendViewerColumns(appender: DuckDBAppender, seq: number, c: RollupColumns): void {
  const total = c.viewers.length;
  let row = 0;
  for (let start = 0; start < total; start += CHUNK_ROWS) {
    const size = Math.min(CHUNK_ROWS, total - start);
    const buckets = new Array<bigint>(size);
    const cells = new Array<bigint>(size);
    const viewers = new Array<bigint>(size);
    for (let k = 0; k < size; k++) {
      const at = start + k;
      // The row whose viewers these are (rows without viewers are passed over).
      while ((c.viewerOffsets[row + 1] as number) <= at) row++;
      buckets[k] = BigInt(c.numbers[row] as number);
      cells[k] = c.cellIds[c.cellIndex[row] as number] as bigint;
      viewers[k] = c.viewers[at] as bigint;
    }
    const chunk = DuckDBDataChunk.create(VIEWER_TYPES, size);
    chunk.setColumns([new Array(size).fill(seq), buckets, cells, viewers]);
    appender.appendDataChunk(chunk);
  }
}
