/**
 * RollupRows packed into typed arrays (and one JSON string for cell texts) so an import worker can
 * hand a batch to the main thread by transfer instead of cloning one object per row.
 */
import type { CellInfo, RollupRow } from '../../store/store.js';

const NUMERIC = [
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

export interface PackedRows {
  count: number;
  /** Column-major: NUMERIC.length columns of `count` values (all exact in a double). */
  numbers: Float64Array;
  cellIndex: Int32Array;
  cellIds: BigInt64Array;
  /** JSON array of [account, app, resource, kind, target, rendition, protocol, zone, country] per cell. */
  cellTexts: string;
  viewerOffsets: Int32Array;
  viewers: BigUint64Array;
}

export function packRows(rows: readonly RollupRow[]): PackedRows {
  const count = rows.length;
  const numbers = new Float64Array(count * NUMERIC.length);
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
    for (let c = 0; c < NUMERIC.length; c++)
      numbers[c * count + r] = row[NUMERIC[c] as (typeof NUMERIC)[number]];
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

/** The buffers to transfer with a PackedRows message. */
export function transferables(p: PackedRows): ArrayBuffer[] {
  return [p.numbers, p.cellIndex, p.cellIds, p.viewerOffsets, p.viewers].map((a) => a.buffer as ArrayBuffer);
}

export function unpackRows(p: PackedRows): RollupRow[] {
  const texts = JSON.parse(p.cellTexts) as string[][];
  const cells: CellInfo[] = texts.map((t, i) => ({
    id: p.cellIds[i] as bigint,
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
  const n = p.count;
  const col = (c: number, r: number) => p.numbers[c * n + r] as number;
  const rows: RollupRow[] = new Array(n);
  for (let r = 0; r < n; r++) {
    rows[r] = {
      cell: cells[p.cellIndex[r] as number] as CellInfo,
      bucket: col(0, r),
      requests: col(1, r),
      okRequests: col(2, r),
      clientErrors: col(3, r),
      authFailures: col(4, r),
      serverErrors: col(5, r),
      bytesOut: col(6, r),
      bytesIn: col(7, r),
      viewSeconds: col(8, r),
      commands: col(9, r),
      starts: col(10, r),
      viewers: Array.from(p.viewers.subarray(p.viewerOffsets[r], p.viewerOffsets[r + 1])),
    };
  }
  return rows;
}
