/**
 * Viewer ids are stored as keyed 64-bit hashes (HMAC-SHA256 with the install's secret, first 8
 * bytes), never as raw addresses. Exact distinct counts stay exact: a 64-bit collision among a
 * month's viewers is about as likely as a cosmic-ray bit flip.
 */
import { createHmac } from 'node:crypto';

export function createViewerHasher(secret: Buffer): (viewer: string) => bigint {
  const cache = new Map<string, bigint>();
  return (viewer) => {
    let hash = cache.get(viewer);
    if (hash === undefined) {
      hash = createHmac('sha256', secret).update(viewer).digest().readBigUInt64BE(0);
      if (cache.size >= 500_000) cache.clear();
      cache.set(viewer, hash);
    }
    return hash;
  };
}
