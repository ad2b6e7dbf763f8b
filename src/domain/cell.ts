/** What a stored usage row is about: an account and the dimensions it is keyed by. */

/** The dimensions every stored row is keyed by, besides account, bucket and source. */
export interface RowDimensions {
  app: string;
  resource: string;
  kind: string;
  target: string;
  rendition: string;
  protocol: string;
  zone: string;
  country: string;
}

/** An account plus dimensions: what a usage row is about, besides its bucket and source. */
export interface CellInfo extends RowDimensions {
  account: string;
  /** `cellIdOf(cellKey(account, dimensions))` (cell-id.ts): stable across processes. */
  id: bigint;
}
