/**
 * API keys: a public id plus a high-entropy secret that is shown once and stored only as a
 * SHA-256 hash (a slow hash buys nothing against 256 random bits). Comparison is constant-time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyScheme, StoredKey } from '../store/store.js';

export const KEY_SCHEMES: readonly KeyScheme[] = ['native', 'scaleengine', 'wowza', 'ooyala', 'zendrive'];

export interface IssuedKey {
  stored: StoredKey;
  /** The secret, to be shown once. For `native` it is the bearer token. */
  secret: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares a presented secret against a stored hash in constant time. */
export function secretMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Issues a key. A native secret embeds its key id (`tally_<id>_<random>`) so a bearer token can
 * be looked up without scanning every key.
 */
export function issueKey(scheme: KeyScheme, account: string | null, now = Date.now()): IssuedKey {
  const id = `tk_${randomBytes(9).toString('base64url')}`;
  const random = randomBytes(32).toString('base64url');
  const secret = scheme === 'native' ? `tally_${id}_${random}` : random;
  return {
    stored: { id, account, scheme, secretHash: hashSecret(secret), createdAt: now, revokedAt: null },
    secret,
  };
}

/** The key id inside a native bearer token, or undefined when the token is not one of ours. */
export function keyIdOfToken(token: string): string | undefined {
  const match = /^tally_(tk_[A-Za-z0-9_-]{12})_[A-Za-z0-9_-]{43}$/.exec(token);
  return match?.[1];
}
