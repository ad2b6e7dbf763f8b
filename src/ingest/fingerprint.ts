/**
 * Source identity (DESIGN section 4): a SHA-256 of the first 64 KiB of the file's content
 * (decompressed, for `.gz`/`.zst`), so a renamed, rotated or compressed file is recognised. A
 * file shorter than that is identified by its whole content and recognised again after it grows,
 * by hashing the same prefix length. The head is read once per import of a file (import.ts) and
 * also serves format detection.
 */
import { createHash } from 'node:crypto';
import type { SourceState } from '../domain/source.js';

export const HEAD_BYTES = 64 * 1024;

export interface FileHead {
  /** The first HEAD_BYTES content bytes, or the whole content when shorter. */
  bytes: Buffer;
  length: number;
  hash: string;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function headOf(bytes: Buffer): FileHead {
  return { bytes, length: bytes.length, hash: sha256(bytes) };
}

/**
 * The known source this file continues, if any: same 64 KiB head, or (for a source recorded
 * while shorter) the same bytes over the length recorded then.
 */
export function findKnownSource(head: FileHead, sources: readonly SourceState[]): SourceState | undefined {
  const exact = sources.find((s) => s.headLength === head.length && s.headHash === head.hash);
  if (exact) return exact;
  const prefixHashes = new Map<number, string>();
  for (const source of sources) {
    if (source.headLength >= head.length || source.headLength >= HEAD_BYTES || source.headLength === 0)
      continue;
    let hash = prefixHashes.get(source.headLength);
    if (hash === undefined) {
      // A shorter source's length is within the head already read: no second read of the file.
      hash = sha256(head.bytes.subarray(0, source.headLength));
      prefixHashes.set(source.headLength, hash);
    }
    if (hash === source.headHash) return source;
  }
  return undefined;
}
