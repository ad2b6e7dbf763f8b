import { describe, expect, test } from 'vitest';
import { rollupRow } from '../../test-support/rollup-row.js';
import { packRows, transferables, unpackRows } from './packed-rows.js';

describe('packed rows', () => {
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
    const packed = packRows(rows);
    expect(JSON.parse(packed.cellTexts)).toHaveLength(2);
    expect(transferables(packed)).toHaveLength(5);
    const back = unpackRows(structuredClone(packed));
    expect(back).toEqual(rows);
    expect(back[0]?.cell).toBe(back[1]?.cell);
  });

  test('an empty batch', () => {
    expect(unpackRows(packRows([]))).toEqual([]);
  });
});
