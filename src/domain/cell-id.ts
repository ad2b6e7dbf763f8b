/**
 * Cell ids: a stable 64-bit id for (account, dimensions), the first 8 bytes of the SHA-256 of the
 * cell key. Stored rows reference their cell by this id, so the dimension strings are written
 * once per distinct cell instead of once per row. Backends check for collisions when they add a
 * cell, so a collision fails loudly instead of merging two cells' usage.
 */
import * as crypto from 'node:crypto';
import type { RowDimensions } from './cell.js';

export function cellKey(account: string, d: RowDimensions): string {
  return `${account}\u0001${d.app}\u0001${d.resource}\u0001${d.kind}\u0001${d.target}\u0001${d.rendition}\u0001${d.protocol}\u0001${d.zone}\u0001${d.country}`;
}

/**
 * The one-shot hash where Node has it (20.12 and later): a Hash object per cell costs 40% more,
 * and high-cardinality logs (a new object key per request) make a cell per line.
 */
const sha256: (key: string) => Buffer =
  typeof crypto.hash === 'function'
    ? (key) => crypto.hash('sha256', key, 'buffer')
    : (key) => crypto.createHash('sha256').update(key).digest();

/** A signed 64-bit integer: the one 64-bit integer type every SQL engine has (BIGINT, Int64). */
export function cellIdOf(key: string): bigint {
  return sha256(key).readBigInt64BE(0);
}
