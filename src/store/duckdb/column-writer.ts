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
import type { CellInfo } from '../../domain/cell.js';
import {
  NUMERIC_FIELDS,
  type NumericField,
  numericColumn,
  type RollupColumns,
} from '../../domain/rollup-columns.js';

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

function bigints(values: Float64Array): bigint[] {
  const out = new Array<bigint>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i] as number);
  return out;
}

export function appendRollupColumns(appender: DuckDBAppender, seq: number, c: RollupColumns): void {
  const n = c.count;
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const size = Math.min(CHUNK_ROWS, n - start);
    const cells = new Array<bigint>(size);
    for (let i = 0; i < size; i++) cells[i] = (c.cells[start + i] as CellInfo).id;
    const rows = (field: NumericField) => numericColumn(c, field).subarray(start, start + size);
    const columns: DuckDBValue[][] = [new Array(size).fill(seq), bigints(rows('bucket')), cells];
    // The counters follow in the table's order, which is NUMERIC_FIELDS' after `bucket`.
    for (let f = 1; f < NUMERIC_FIELDS.length; f++) {
      const values = rows(NUMERIC_FIELDS[f] as NumericField);
      columns.push(ROLLUP_TYPES[f + 2] === BIGINT ? bigints(values) : Array.from(values));
    }
    const chunk = DuckDBDataChunk.create(ROLLUP_TYPES, size);
    chunk.setColumns(columns);
    appender.appendDataChunk(chunk);
  }
}

export function appendViewerColumns(appender: DuckDBAppender, seq: number, c: RollupColumns): void {
  const total = c.viewers.length;
  const rowBuckets = numericColumn(c, 'bucket');
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
      buckets[k] = BigInt(rowBuckets[row] as number);
      cells[k] = (c.cells[row] as CellInfo).id;
      viewers[k] = c.viewers[at] as bigint;
    }
    const chunk = DuckDBDataChunk.create(VIEWER_TYPES, size);
    chunk.setColumns([new Array(size).fill(seq), buckets, cells, viewers]);
    appender.appendDataChunk(chunk);
  }
}
