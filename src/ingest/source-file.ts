/**
 * A log file's content: the bytes as written, or decompressed for `.gz` and `.zst` files (told by
 * their magic bytes, not their names). Offsets and fingerprints count content bytes (DESIGN
 * section 4), so a log rotated and then compressed is still recognised as the same source.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';

export type Compression = 'none' | 'gzip' | 'zstd';

export async function compressionOf(path: string): Promise<Compression> {
  const handle = await open(path, 'r');
  try {
    const magic = Buffer.alloc(4);
    const { bytesRead } = await handle.read(magic, 0, 4, 0);
    if (bytesRead >= 2 && magic[0] === 0x1f && magic[1] === 0x8b) return 'gzip';
    if (bytesRead === 4 && magic.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
    return 'none';
  } finally {
    await handle.close();
  }
}

/** zstd through fzstd (pure JavaScript, streaming), as a Node stream. */
function zstdStream(input: Readable): Readable {
  const output = new PassThrough();
  const decoder = new Decompress((data) => {
    output.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
  input.on('data', (chunk: Buffer) => {
    try {
      decoder.push(chunk);
    } catch (error) {
      input.destroy();
      output.destroy(new Error(`not a valid zstd stream (${(error as Error).message})`));
    }
  });
  input.on('end', () => {
    try {
      decoder.push(new Uint8Array(0), true);
      output.end();
    } catch (error) {
      output.destroy(new Error(`truncated zstd stream (${(error as Error).message})`));
    }
  });
  input.on('error', (error) => output.destroy(error));
  return output;
}

export interface ContentStream {
  /**
   * Content bytes from the requested start, in chunks. A chunk may be overwritten once the next
   * one is asked for (plain files are read into one buffer): copy what you keep.
   */
  chunks: AsyncIterable<Buffer>;
  /** Bytes of the file itself read so far (compressed bytes for compressed files): for progress. */
  fileBytesRead: () => number;
}

/**
 * Content from byte `start` on. Compressed content is decompressed from the beginning and the
 * first `start` bytes are dropped: a compressed stream cannot be entered in the middle.
 */
export function openContent(
  path: string,
  compression: Compression,
  start: number,
  chunkBytes: number,
): ContentStream {
  if (compression === 'none') {
    const progress = { position: start };
    return { chunks: plainChunks(path, progress, chunkBytes), fileBytesRead: () => progress.position };
  }
  const raw = createReadStream(path, { highWaterMark: chunkBytes });
  const content = compression === 'gzip' ? raw.pipe(createGunzip({ chunkSize: 64 * 1024 })) : zstdStream(raw);
  if (compression === 'gzip') {
    raw.on('error', (error) => content.destroy(error));
  }
  return { chunks: skipBytes(content, start), fileBytesRead: () => raw.bytesRead };
}

/**
 * A plain file from `progress.position` to its end, read into one buffer again and again: a read
 * stream allocates a buffer per read, and at a megabyte each that keeps the collector busy.
 */
async function* plainChunks(
  path: string,
  progress: { position: number },
  chunkBytes: number,
): AsyncIterable<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafeSlow(chunkBytes);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, progress.position);
      if (bytesRead === 0) return;
      progress.position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function* skipBytes(stream: Readable, count: number): AsyncIterable<Buffer> {
  let toSkip = count;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (toSkip >= chunk.length) {
      toSkip -= chunk.length;
      continue;
    }
    yield toSkip > 0 ? chunk.subarray(toSkip) : chunk;
    toSkip = 0;
  }
}

/** The first `length` content bytes (fewer when the content is shorter); pass `compression` when known. */
export async function readContentPrefix(path: string, length: number, known?: Compression): Promise<Buffer> {
  const compression = known ?? (await compressionOf(path));
  const parts: Buffer[] = [];
  let filled = 0;
  if (length === 0) return Buffer.alloc(0);
  const { chunks } = openContent(path, compression, 0, 64 * 1024);
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    while (filled < length) {
      const next = await iterator.next();
      if (next.done) break;
      const part = next.value.subarray(0, length - filled);
      parts.push(Buffer.from(part));
      filled += part.length;
    }
  } finally {
    await iterator.return?.();
  }
  return Buffer.concat(parts);
}
