import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { useTempDir } from '../test-support/temp-dir.js';
import { compressionOf, DamagedContent, openContent } from './source-file.js';

const dir = useTempDir('tally-source-file-');

/**
 * A zstd frame of `blocks` RLE blocks of 128 KiB of `byte` each: 4 bytes a block, so a few
 * kilobytes stand for gigabytes (RFC 8878: frame header without content size, 128 KiB window).
 */
function zstdBomb(blocks: number, byte: number): Buffer {
  const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])];
  for (let i = 0; i < blocks; i++) {
    const header = (131_072 << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, byte]));
  }
  return Buffer.concat(parts);
}

/** Reads all of a file's content, returning its length and the most memory held outside the heap meanwhile. */
async function drain(path: string): Promise<{ bytes: number; newlines: number; peakExternal: number }> {
  const base = process.memoryUsage().arrayBuffers;
  let peakExternal = 0;
  let bytes = 0;
  let newlines = 0;
  const { chunks } = openContent(path, await compressionOf(path), 0, 1 << 20);
  for await (const chunk of chunks) {
    bytes += chunk.length;
    if (chunk[0] === 10) newlines += chunk.length;
    peakExternal = Math.max(peakExternal, process.memoryUsage().arrayBuffers - base);
  }
  return { bytes, newlines, peakExternal };
}

describe('compressed content', () => {
  test('a zstd bomb (34 KB -> 1.1 GB of newlines) decompresses in bounded memory', async () => {
    const blocks = 8500;
    const path = join(dir, 'bomb.zst');
    writeFileSync(path, zstdBomb(blocks, 10));
    const { bytes, newlines, peakExternal } = await drain(path);
    expect(bytes).toBe(blocks * 131_072);
    expect(newlines).toBe(bytes);
    // Whole, it is over a gigabyte (the reader before this one held all of it); read as a stream,
    // a few blocks at a time plus what the collector has not freed yet (under 80 MiB seen).
    expect(peakExternal).toBeLessThan(256 << 20);
  });

  test('truncated and corrupt gzip and zstd: the clean content first, then DamagedContent placed in it', async () => {
    const text = Buffer.from('line one\nline two\n'.repeat(20_000));
    const gz = gzipSync(text);
    const cases: [string, Buffer, 'gzip' | 'zstd'][] = [
      ['truncated.gz', gz.subarray(0, gz.length >> 1), 'gzip'],
      ['corrupt.gz', Buffer.concat([gz.subarray(0, 200), Buffer.alloc(64, 0xff), gz.subarray(264)]), 'gzip'],
      ['truncated.zst', zstdBomb(10, 10).subarray(0, 6 + 4 * 5 + 2), 'zstd'],
    ];
    for (const [name, bytes, compression] of cases) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      let delivered = 0;
      const error = await (async () => {
        for await (const chunk of openContent(path, compression, 0, 1 << 16).chunks)
          delivered += chunk.length;
      })().catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(DamagedContent);
      expect((error as DamagedContent).compression).toBe(compression);
      expect((error as DamagedContent).contentOffset, name).toBe(delivered);
    }
  });
});
