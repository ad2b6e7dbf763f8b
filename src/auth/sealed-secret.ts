/**
 * Secrets that must be recovered, not just compared (an HMAC key such as a ScaleEngine API secret),
 * are stored sealed: AES-256-GCM under a key derived (HKDF-SHA256) from the install secret in the
 * data dir (`install.key`, mode 0600), or from the config's `sealingKey`. A copy of the store
 * without that key reveals nothing.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.js';

const VERSION = 'v1';

export interface Sealer {
  seal(secret: string): string;
  open(sealed: string): string;
}

/** The sealer of a data dir: keyed by the config's `sealingKey` when set, else by its install secret. */
export function sealerFor(config: { sealingKey?: string | undefined }, installSecret: () => Buffer): Sealer {
  return createSealer(config.sealingKey ? Buffer.from(config.sealingKey, 'hex') : installSecret());
}

export function createSealer(installSecret: Buffer): Sealer {
  const key = Buffer.from(hkdfSync('sha256', installSecret, Buffer.alloc(0), 'tally sealed secrets v1', 32));
  return {
    seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(sealed) {
      const [version, data] = sealed.split('.');
      const raw = Buffer.from(data ?? '', 'base64url');
      if (version !== VERSION || raw.length < 28)
        throw new AppError('internal', 'a sealed key secret is malformed');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        throw new AppError(
          'internal',
          'a sealed key secret does not open with this data dir (install.key changed?)',
        );
      }
    },
  };
}
