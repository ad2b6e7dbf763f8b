/**
 * A Cell is everything that keys a stored row except the bucket: account plus dimensions, with
 * its key and id computed once. Normalisation returns shared Cells so the import hot path
 * allocates nothing per line for them.
 */
import { cellIdOf } from '../store/cell-id.js';
import type { CellInfo, RowDimensions } from '../store/store.js';

export interface Cell extends CellInfo {
  /** Account and dimensions joined: unique per distinct cell. */
  key: string;
  /** A small integer, unique within one import, that the aggregator keys rows by. */
  serial: number;
}

let nextSerial = 0;

/**
 * A new Cell for `account` and `d`. `key` is `cellKey(account, d)`, passed in because callers
 * compute it first to look up a cell they already have, and pay for a new one (and its SHA-256
 * id) only when there is none.
 */
export function makeCell(account: string, d: RowDimensions, key: string): Cell {
  nextSerial = (nextSerial + 1) % 0x3fffffff; // stays a small integer (V8 Smi)
  // Built field by field: object spread is several times slower here, and this runs once per new cell.
  return {
    account,
    app: d.app,
    resource: d.resource,
    kind: d.kind,
    target: d.target,
    rendition: d.rendition,
    protocol: d.protocol,
    zone: d.zone,
    country: d.country,
    key,
    id: cellIdOf(key),
    serial: nextSerial,
  };
}
