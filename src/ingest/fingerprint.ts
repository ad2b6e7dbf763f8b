/**
 * Source identity (DESIGN section 4): a SHA-256 of the file's first 64 KiB, so a renamed or
 * rotated file is recognised. A file shorter than that is identified by its whole content and
 * recognised again after it grows, by hashing the same prefix length.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { SourceState } from '../store/store.js';

export const HEAD_BYTES = 64 * 1024;

export interface FileHead {
  length: number;
  hash: string;
}

async function readPrefix(path: string, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function fileHead(path: string): Promise<FileHead> {
  const head = await readPrefix(path, HEAD_BYTES);
  return { length: head.length, hash: sha256(head) };
}

/**
 * The known source this file continues, if any: same 64 KiB head, or (for a source recorded
 * while shorter) the same bytes over the length recorded then.
 */
export async function findKnownSource(
  path: string,
  head: FileHead,
  sources: readonly SourceState[],
): Promise<SourceState | undefined> {
  const exact = sources.find((s) => s.headLength === head.length && s.headHash === head.hash);
  if (exact) return exact;
  const prefixHashes = new Map<number, string>();
  for (const source of sources) {
    if (source.headLength >= head.length || source.headLength >= HEAD_BYTES || source.headLength === 0)
      continue;
    let hash = prefixHashes.get(source.headLength);
    if (hash === undefined) {
      hash = sha256(await readPrefix(path, source.headLength));
      prefixHashes.set(source.headLength, hash);
    }
    if (hash === source.headHash) return source;
  }
  return undefined;
}
