/**
 * A Cell is everything that keys a stored row except the bucket: account plus dimensions, with
 * its key and id computed once. Normalisation returns shared Cells so the import hot path
 * allocates nothing per line for them.
 */

import type { CellInfo, RowDimensions } from '../domain/cell.js';
import { cellIdOf } from '../domain/cell-id.js';
import { ownString } from './own-string.js';

/**
 * A cell has one identity, its `id` (stored with every row). `key` is the text that id is the
 * hash of, kept because the interner looks cells up by it; `mapKey` is the aggregator's Map key
 * for the cell in this process (a small integer hashes much faster than a bigint).
 */
export interface Cell extends CellInfo {
  /** Account and dimensions joined (`cellKey`): the text `id` is the hash of. */
  key: string;
  /** A small integer, unique within this process, that the aggregator keys rows by. */
  mapKey: number;
}

let nextMapKey = 0;

/**
 * A new Cell for `account` and `d`. `key` is `cellKey(account, d)`, passed in because callers
 * compute it first to look up a cell they already have, and pay for a new one (and its SHA-256
 * id) only when there is none.
 */
export function makeCell(account: string, d: RowDimensions, key: string): Cell {
  nextMapKey = (nextMapKey + 1) % 0x3fffffff; // stays a small integer (V8 Smi)
  // Built field by field: object spread is several times slower here, and this runs once per new
  // cell. Strings are copied: a slice of a line would keep its whole chunk of log text alive.
  const owned = ownString(key);
  return {
    account,
    app: ownString(d.app),
    resource: ownString(d.resource),
    kind: ownString(d.kind),
    target: ownString(d.target),
    rendition: ownString(d.rendition),
    protocol: ownString(d.protocol),
    zone: ownString(d.zone),
    country: ownString(d.country),
    key: owned,
    id: cellIdOf(owned),
    mapKey: nextMapKey,
  };
}
