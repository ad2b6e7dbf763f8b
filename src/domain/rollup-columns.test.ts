import { describe, expect, test } from 'vitest';
import { rollupRow } from '../test-support/rollup-row.js';
import type { CellInfo } from './cell.js';
import { columnBuffers, numericColumn, type RollupColumns, rowsOf, toColumns } from './rollup-columns.js';
import type { RollupRow } from './rollup-row.js';

/** The rows back as objects, read from the columns as the format describes them. */
function fromColumns(c: RollupColumns): RollupRow[] {
  return Array.from({ length: c.count }, (_, r) => ({
    cell: c.cells[r] as CellInfo,
    bucket: numericColumn(c, 'bucket')[r] as number,
    requests: numericColumn(c, 'requests')[r] as number,
    okRequests: numericColumn(c, 'okRequests')[r] as number,
    clientErrors: numericColumn(c, 'clientErrors')[r] as number,
    authFailures: numericColumn(c, 'authFailures')[r] as number,
    serverErrors: numericColumn(c, 'serverErrors')[r] as number,
    bytesOut: numericColumn(c, 'bytesOut')[r] as number,
    bytesIn: numericColumn(c, 'bytesIn')[r] as number,
    viewSeconds: numericColumn(c, 'viewSeconds')[r] as number,
    commands: numericColumn(c, 'commands')[r] as number,
    starts: numericColumn(c, 'starts')[r] as number,
    viewers: [...c.viewers.subarray(c.viewerOffsets[r], c.viewerOffsets[r + 1])],
  }));
}

describe('rollup columns', () => {
  test('round-trip keeps every field, shared cells and awkward texts', () => {
    const shared = rollupRow({
      bucket: 900_000,
      resource: 'a "quoted"\u0000,\n path',
      viewers: [1n, 18446744073709551615n],
    });
    const rows = [
      shared,
      { ...shared, bucket: 1_800_000, bytesOut: 2 ** 53 - 1, viewSeconds: 1.5, viewers: [] },
      rollupRow({
        bucket: 0,
        account: 'other',
        country: 'US',
        requests: 7,
        okRequests: 3,
        clientErrors: 2,
        authFailures: 1,
        serverErrors: 2,
        bytesIn: 9,
        commands: 4,
        starts: 1,
      }),
    ];
    const columns = toColumns(rows);
    expect(new Set(columns.cells).size).toBe(2);
    expect(columnBuffers(columns)).toHaveLength(3);
    const back = fromColumns(structuredClone(columns));
    expect(back).toEqual(rows);
    expect(back[0]?.cell).toBe(back[1]?.cell);
    expect(rowsOf(columns)).toEqual(back);
  });

  test('an empty batch', () => {
    expect(fromColumns(toColumns([]))).toEqual([]);
    expect(rowsOf(toColumns([]))).toEqual([]);
  });
});
