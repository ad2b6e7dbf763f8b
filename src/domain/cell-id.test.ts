import * as crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellIdOf } from './cell-id.js';

/** The definition, computed the plain way: the first 8 bytes of the SHA-256 of the UTF-8 key. */
function reference(key: string): bigint {
  return crypto.createHash('sha256').update(key, 'utf8').digest().readBigInt64BE(0);
}

describe('cellIdOf', () => {
  it('is the first 8 bytes of the SHA-256 of the key, as a signed big-endian integer', () => {
    // Fixed values: ids are stored, so they must never change between versions.
    expect(cellIdOf('')).toBe(-2039914840885289964n); // e3b0c442 98fc1c14
    expect(cellIdOf('abc')).toBe(-5010229573455851542n); // ba7816bf 8f01cfea
    expect(
      cellIdOf('default\u0001news\u0001film.mp4\u0001vod\u0001\u0001720p\u0001hls\u0001global\u0001DE'),
    ).toBe(
      reference('default\u0001news\u0001film.mp4\u0001vod\u0001\u0001720p\u0001hls\u0001global\u0001DE'),
    );
  });

  it('equals the reference on any text, high bit set or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (key) => {
        expect(cellIdOf(key)).toBe(reference(key));
      }),
      { numRuns: 5000 },
    );
  });
});
