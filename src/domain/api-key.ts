/** An API key as stored: its scheme, account, hashed (and for HMAC schemes sealed) secret and life. */

export type KeyScheme = 'native' | 'scaleengine' | 'wowza' | 'ooyala' | 'zendrive';

export interface StoredKey {
  id: string;
  /** null for an admin key. */
  account: string | null;
  scheme: KeyScheme;
  /** SHA-256 of the secret (hex). */
  secretHash: string;
  /** The secret sealed with the data dir's key, for schemes that must recompute an HMAC; else null. */
  sealedSecret: string | null;
  createdAt: number;
  revokedAt: number | null;
  /** After this instant the key is refused (Wowza access keys can expire); null or absent: never. */
  expiresAt?: number | null;
}
