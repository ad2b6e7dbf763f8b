/**
 * A Cell is everything that keys a stored row except the bucket: account plus dimensions, with
 * its key string built once. Normalisation returns shared Cells so the import hot path allocates
 * nothing per line for them.
 */
import type { RowDimensions } from '../store/store.js';

export interface Cell extends RowDimensions {
  account: string;
  /** Account and dimensions joined by \u0001: unique per distinct cell. */
  key: string;
}

export function makeCell(account: string, d: RowDimensions): Cell {
  const key = `${account}\u0001${d.app}\u0001${d.resource}\u0001${d.kind}\u0001${d.target}\u0001${d.rendition}\u0001${d.protocol}\u0001${d.zone}\u0001${d.country}`;
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
  };
}
