/**
 * API keys: a public id plus a high-entropy secret that is shown once and stored only as a
 * SHA-256 hash (a slow hash buys nothing against 256 random bits). Comparison is constant-time.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { KeyScheme, StoredKey } from '../domain/api-key.js';
import { sameText } from './same-text.js';

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
  return sameText(storedHash, hashSecret(presented));
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias). */
function randomText(alphabet: string, length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 256 - (256 % alphabet.length)) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Schemes whose APIs recompute an HMAC with the secret: it is stored sealed as well as hashed. */
export const SEALED_SCHEMES: ReadonlySet<KeyScheme> = new Set(['scaleengine', 'wowza', 'ooyala']);

/**
 * Issues a key. A native secret embeds its key id (`tally_<id>_<random>`) so a bearer token can
 * be looked up without scanning every key. Compatible schemes get credentials shaped like the
 * original service's: a ScaleEngine `api_key` (32 upper-case letters and digits) with a 64-hex
 * secret, a ZenDRIVE access key (20 characters) with a 40-character secret key. The public part
 * is the key id.
 */
export function issueKey(
  scheme: KeyScheme,
  account: string | null,
  options: { now?: number; seal?: (secret: string) => string; expiresAt?: number | null } = {},
): IssuedKey {
  let id: string;
  let secret: string;
  switch (scheme) {
    case 'scaleengine':
      id = randomText(UPPER_ALNUM, 32);
      secret = randomBytes(32).toString('hex');
      break;
    case 'zendrive':
      id = `ZD${randomText(UPPER_ALNUM, 18)}`;
      secret = randomText(ALNUM, 40);
      break;
    case 'wowza':
      // The id is the wsc-access-key (sent in clear with HMAC requests); the secret is the
      // wsc-api-key, which keys the HMAC. Both 64 characters, like Wowza's.
      id = randomText(ALNUM, 64);
      secret = randomText(ALNUM, 64);
      break;
    case 'ooyala':
      // Ooyala's API key is `<pcode>.<suffix>`; the pcode is the account id.
      id = `${account ?? ''}.${randomText(ALNUM, 5)}`;
      secret = randomText(ALNUM, 40);
      break;
    default: {
      id = `tk_${randomBytes(9).toString('base64url')}`;
      const random = randomBytes(32).toString('base64url');
      secret = scheme === 'native' ? `tally_${id}_${random}` : random;
    }
  }
  if (SEALED_SCHEMES.has(scheme) && options.seal === undefined) {
    throw new Error(`issueKey: ${scheme} secrets must be sealed`);
  }
  return {
    stored: {
      id,
      account,
      scheme,
      secretHash: hashSecret(secret),
      sealedSecret: SEALED_SCHEMES.has(scheme) && options.seal ? options.seal(secret) : null,
      createdAt: options.now ?? Date.now(),
      revokedAt: null,
      expiresAt: options.expiresAt ?? null,
    },
    secret,
  };
}

/** Whether a key may be used at `now`: not revoked and not expired. */
export function keyIsLive(key: StoredKey, now: number): boolean {
  return (
    key.revokedAt === null && (key.expiresAt === undefined || key.expiresAt === null || key.expiresAt > now)
  );
}

/** The key id inside a native bearer token, or undefined when the token is not one of ours. */
export function keyIdOfToken(token: string): string | undefined {
  const match = /^tally_(tk_[A-Za-z0-9_-]{12})_[A-Za-z0-9_-]{43}$/.exec(token);
  return match?.[1];
}
