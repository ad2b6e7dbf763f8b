/**
 * Rollup rows column by column: typed arrays, plus each row's cell. Import workers hand their
 * batches over in this form (the arrays move by transfer instead of one object being cloned per
 * row), and the DuckDB store writes it a column at a time.
 */

import type { CellInfo } from './cell.js';
import type { RollupRow } from './rollup-row.js';

/** The numeric fields of a RollupRow, in the order of `RollupColumns.numbers`. */
export const NUMERIC_FIELDS = [
  'bucket',
  'requests',
  'okRequests',
  'clientErrors',
  'authFailures',
  'serverErrors',
  'bytesOut',
  'bytesIn',
  'viewSeconds',
  'commands',
  'starts',
] as const;

export type NumericField = (typeof NUMERIC_FIELDS)[number];

export interface RollupColumns {
  count: number;
  /** Column-major: NUMERIC_FIELDS.length columns of `count` values (all exact in a double). */
  numbers: Float64Array;
  /**
   * Per row, its cell: the rows' own objects, so rows of one cell share one (a worker's message
   * copies each distinct cell once: structured cloning keeps shared references shared).
   */
  cells: CellInfo[];
  /** Row r's viewers are `viewers[viewerOffsets[r]] .. viewers[viewerOffsets[r + 1] - 1]`. */
  viewerOffsets: Int32Array;
  viewers: BigUint64Array;
}

/** Column `field` of `columns`: a view, not a copy. */
export function numericColumn(columns: RollupColumns, field: NumericField): Float64Array {
  const at = NUMERIC_FIELDS.indexOf(field) * columns.count;
  return columns.numbers.subarray(at, at + columns.count);
}

export function toColumns(rows: readonly RollupRow[]): RollupColumns {
  const count = rows.length;
  const numbers = new Float64Array(count * NUMERIC_FIELDS.length);
  const cells = new Array<CellInfo>(count);
  const viewerOffsets = new Int32Array(count + 1);
  let viewerTotal = 0;
  for (const row of rows) viewerTotal += row.viewers.length;
  const viewers = new BigUint64Array(viewerTotal);
  let v = 0;
  // Plain loops: this runs on every row of a worker's batch, at the end of the import too.
  for (let r = 0; r < count; r++) {
    const row = rows[r] as RollupRow;
    for (let c = 0; c < NUMERIC_FIELDS.length; c++)
      numbers[c * count + r] = row[NUMERIC_FIELDS[c] as NumericField];
    cells[r] = row.cell;
    viewerOffsets[r] = v;
    for (const viewer of row.viewers) viewers[v++] = viewer;
  }
  viewerOffsets[count] = v;
  return { count, numbers, cells, viewerOffsets, viewers };
}

/** The buffers to transfer with a RollupColumns message. */
export function columnBuffers(c: RollupColumns): ArrayBuffer[] {
  return [c.numbers, c.viewerOffsets, c.viewers].map((a) => a.buffer as ArrayBuffer);
}

/** The rows of `columns` as RollupRows, for a backend that writes rows one at a time. */
export function rowsOf(columns: RollupColumns): RollupRow[] {
  const rows = new Array<RollupRow>(columns.count);
  const n = columns.count;
  const at = (field: NumericField, r: number): number =>
    columns.numbers[NUMERIC_FIELDS.indexOf(field) * n + r] as number;
  for (let r = 0; r < n; r++) {
    rows[r] = {
      cell: columns.cells[r] as CellInfo,
      bucket: at('bucket', r),
      requests: at('requests', r),
      okRequests: at('okRequests', r),
      clientErrors: at('clientErrors', r),
      authFailures: at('authFailures', r),
      serverErrors: at('serverErrors', r),
      bytesOut: at('bytesOut', r),
      bytesIn: at('bytesIn', r),
      viewSeconds: at('viewSeconds', r),
      commands: at('commands', r),
      starts: at('starts', r),
      viewers: [...columns.viewers.subarray(columns.viewerOffsets[r], columns.viewerOffsets[r + 1])],
    };
  }
  return rows;
}
