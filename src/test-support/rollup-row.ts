/** Builds a RollupRow from a flat description (defaults for everything not given), for store tests. */

import type { RowDimensions } from '../domain/cell.js';
import { cellIdOf, cellKey } from '../domain/cell-id.js';
import type { RollupRow } from '../domain/rollup-row.js';

export type FlatRow = Partial<RowDimensions & Omit<RollupRow, 'cell'> & { account: string }> & {
  bucket: number;
};

export function rollupRow(flat: FlatRow): RollupRow {
  const dims: RowDimensions & { account: string } = {
    account: flat.account ?? 'acme',
    app: flat.app ?? 'vod',
    resource: flat.resource ?? 'a.mp4',
    kind: flat.kind ?? 'vod',
    target: flat.target ?? '',
    rendition: flat.rendition ?? '',
    protocol: flat.protocol ?? 'hls',
    zone: flat.zone ?? 'global',
    country: flat.country ?? '',
  };
  return {
    cell: { ...dims, id: cellIdOf(cellKey(dims.account, dims)) },
    bucket: flat.bucket,
    requests: flat.requests ?? 1,
    okRequests: flat.okRequests ?? 1,
    clientErrors: flat.clientErrors ?? 0,
    authFailures: flat.authFailures ?? 0,
    serverErrors: flat.serverErrors ?? 0,
    bytesOut: flat.bytesOut ?? 100,
    bytesIn: flat.bytesIn ?? 0,
    viewSeconds: flat.viewSeconds ?? 0,
    commands: flat.commands ?? 0,
    starts: flat.starts ?? 0,
    viewers: flat.viewers ?? [],
  };
}
