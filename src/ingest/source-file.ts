/**
 * A log file's content: the bytes as written, or decompressed for `.gz` and `.zst` files (told by
 * their magic bytes, not their names). Offsets and fingerprints count content bytes (DESIGN
 * section 4), so a log rotated and then compressed is still recognised as the same source.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';

export type Compression = 'none' | 'gzip' | 'zstd';

/**
 * Compressed content that cannot be decompressed past some point (a truncated or corrupt file).
 * The content before it was delivered whole; `contentOffset` is where the damage starts in the
 * decompressed content and `fileOffset` how far into the compressed file it was noticed.
 */
export class DamagedContent extends Error {
  constructor(
    readonly compression: Compression,
    readonly contentOffset: number,
    readonly fileOffset: number,
    readonly reason: string,
  ) {
    super(
      `damaged ${compression} content after byte ${contentOffset} (compressed byte ${fileOffset}): ${reason}`,
    );
    this.name = 'DamagedContent';
  }
}

/** A decoder's error, as opposed to one reading the file (those stay I/O errors). */
class DecoderError extends Error {}

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

/**
 * Compressed input is handed to the zstd decoder this many bytes at a time, and what it decoded is
 * passed on before the next slice: a block of one repeated byte (RLE) is 4 bytes that decode to
 * 128 KiB, so a slice bounds the memory a decompression bomb can take (256 B -> at most 8 MiB).
 * The decoder keeps short input in a list until a block is whole, so small slices cost no copies.
 */
const ZSTD_SLICE = 256;

/** zstd through fzstd (pure JavaScript, streaming): content at the pace it is read, never ahead. */
export async function* zstdContent(input: Readable): AsyncIterable<Buffer> {
  const decoded: Buffer[] = [];
  const decoder = new Decompress((data) => {
    decoded.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
  const push = (slice: Uint8Array, final: boolean, what: string) => {
    try {
      decoder.push(slice, final);
    } catch (error) {
      throw new DecoderError(`${what} zstd stream (${(error as Error).message})`);
    }
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    for (let at = 0; at < chunk.length; at += ZSTD_SLICE) {
      push(chunk.subarray(at, at + ZSTD_SLICE), false, 'not a valid');
      while (decoded.length > 0) yield decoded.shift() as Buffer;
    }
  }
  push(new Uint8Array(0), true, 'truncated');
  while (decoded.length > 0) yield decoded.shift() as Buffer;
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
  let content: AsyncIterable<Buffer>;
  if (compression === 'gzip') {
    const gunzip = raw.pipe(createGunzip({ chunkSize: 64 * 1024 }));
    raw.on('error', (error) => gunzip.destroy(error));
    content = gunzip;
  } else {
    content = zstdContent(raw);
  }
  return {
    chunks: skipBytes(reportDamage(content, compression, raw), start),
    fileBytesRead: () => raw.bytesRead,
  };
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

/** Turns a decoder's failure into `DamagedContent`, placed by the bytes delivered before it. */
async function* reportDamage(
  content: AsyncIterable<Buffer>,
  compression: Compression,
  raw: { bytesRead: number },
): AsyncIterable<Buffer> {
  let delivered = 0;
  try {
    for await (const chunk of content) {
      delivered += chunk.length;
      yield chunk;
    }
  } catch (error) {
    // zlib's errors carry a Z_* code (Z_DATA_ERROR, Z_BUF_ERROR for a truncated stream).
    const code = (error as { code?: unknown }).code;
    const fromDecoder = error instanceof DecoderError || (typeof code === 'string' && code.startsWith('Z_'));
    if (!fromDecoder) throw error;
    throw new DamagedContent(compression, delivered, raw.bytesRead, (error as Error).message);
  }
}

async function* skipBytes(stream: AsyncIterable<Buffer>, count: number): AsyncIterable<Buffer> {
  let toSkip = count;
  for await (const chunk of stream) {
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
      // Damage within the prefix: the clean part is the prefix (the import reports the damage).
      const next = await iterator.next().catch((error) => {
        if (error instanceof DamagedContent) return { done: true as const, value: undefined };
        throw error;
      });
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
