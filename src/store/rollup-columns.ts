/**
 * Rollup rows column by column: typed arrays, plus one JSON string for the cells' texts. Import
 * workers hand their batches over in this form (the arrays move by transfer instead of one object
 * being cloned per row), and the DuckDB store writes it a column at a time.
 */
import type { CellInfo, RollupRow } from './store.js';

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
  /** Per row, its cell's index in `cellIds` and `cellTexts`. */
  cellIndex: Int32Array;
  cellIds: BigInt64Array;
  /** JSON array of [account, app, resource, kind, target, rendition, protocol, zone, country] per cell. */
  cellTexts: string;
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
  const cellIndex = new Int32Array(count);
  const cellsSeen = new Map<CellInfo, number>();
  const cellIds: bigint[] = [];
  const texts: string[][] = [];
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
    let index = cellsSeen.get(row.cell);
    if (index === undefined) {
      const cell = row.cell;
      index = cellIds.length;
      cellsSeen.set(cell, index);
      cellIds.push(cell.id);
      texts.push([
        cell.account,
        cell.app,
        cell.resource,
        cell.kind,
        cell.target,
        cell.rendition,
        cell.protocol,
        cell.zone,
        cell.country,
      ]);
    }
    cellIndex[r] = index;
    viewerOffsets[r] = v;
    for (const viewer of row.viewers) viewers[v++] = viewer;
  }
  viewerOffsets[count] = v;
  return {
    count,
    numbers,
    cellIndex,
    cellIds: BigInt64Array.from(cellIds),
    cellTexts: JSON.stringify(texts),
    viewerOffsets,
    viewers,
  };
}

/** The buffers to transfer with a RollupColumns message. */
export function columnBuffers(c: RollupColumns): ArrayBuffer[] {
  return [c.numbers, c.cellIndex, c.cellIds, c.viewerOffsets, c.viewers].map((a) => a.buffer as ArrayBuffer);
}

/** The cells the rows refer to, in `cellIds` order. */
export function cellsOf(c: RollupColumns): CellInfo[] {
  const texts = JSON.parse(c.cellTexts) as string[][];
  return texts.map((t, i) => ({
    id: c.cellIds[i] as bigint,
    account: t[0] as string,
    app: t[1] as string,
    resource: t[2] as string,
    kind: t[3] as string,
    target: t[4] as string,
    rendition: t[5] as string,
    protocol: t[6] as string,
    zone: t[7] as string,
    country: t[8] as string,
  }));
}
