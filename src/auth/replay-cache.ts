/**
 * Signatures accepted within the timestamp window: a request replayed inside the window is
 * refused, before and after a server restart alike (the store keeps them). After twice the window
 * (a timestamp may be that far either way of the clock) its timestamp is refused anyway, so
 * entries expire then. Only a digest of each signature is stored.
 */
import { createHash } from 'node:crypto';
import type { KeyScheme } from '../domain/api-key.js';
import type { Registry } from '../store/registry.js';

export class ReplayCache {
  constructor(
    private readonly registry: Registry,
    private readonly scheme: KeyScheme,
    private readonly windowMs: number,
  ) {}

  /** Records `signature` at `now`; false when it was already used within the window. */
  firstUse(signature: string, now: number): Promise<boolean> {
    const digest = createHash('sha256').update(signature).digest('hex');
    return this.registry.claimSignature(this.scheme, digest, now, now + this.windowMs * 2);
  }
}
