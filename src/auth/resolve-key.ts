/**
 * Key resolution, the same for every API: the stored key of an id, for one scheme, live, bound to
 * an account when the API serves one account, with its sealed secret when the API checks an HMAC;
 * then that account, active. Each step that fails gives a typed reason; each API maps reasons to
 * its own documented status and message at its edge (most say no more than "invalid key", so a
 * caller cannot probe which keys exist). Checking the presented secret or signature is the
 * scheme's own step, between the two.
 */
import type { Account } from '../domain/account.js';
import type { KeyScheme, StoredKey } from '../domain/api-key.js';
import type { Registry } from '../store/registry.js';
import { keyIsLive } from './keys.js';

export type KeyRefusal = 'unknown-key' | 'wrong-scheme' | 'not-live' | 'no-account' | 'no-sealed-secret';

export interface KeyNeeds {
  /** The API serves one account: an admin key (no account) is refused with `no-account`. */
  account: boolean;
  /** The API recomputes an HMAC: a key without a sealed secret is refused with `no-sealed-secret`. */
  sealedSecret: boolean;
}

export type ResolvedKey<N extends KeyNeeds> = StoredKey &
  (N['account'] extends true ? { account: string } : unknown) &
  (N['sealedSecret'] extends true ? { sealedSecret: string } : unknown);

export type KeyResolution<N extends KeyNeeds> =
  | { ok: true; key: ResolvedKey<N> }
  | { ok: false; reason: KeyRefusal };

export async function resolveKey<N extends KeyNeeds>(
  registry: Registry,
  id: string,
  scheme: KeyScheme,
  now: number,
  needs: N,
): Promise<KeyResolution<N>> {
  const key = await registry.getKey(id);
  if (key === undefined) return { ok: false, reason: 'unknown-key' };
  if (key.scheme !== scheme) return { ok: false, reason: 'wrong-scheme' };
  if (!keyIsLive(key, now)) return { ok: false, reason: 'not-live' };
  if (needs.account && key.account === null) return { ok: false, reason: 'no-account' };
  if (needs.sealedSecret && key.sealedSecret === null) return { ok: false, reason: 'no-sealed-secret' };
  return { ok: true, key: key as ResolvedKey<N> };
}

export type AccountRefusal = 'unknown-account' | 'suspended';

export type AccountResolution = { ok: true; account: Account } | { ok: false; reason: AccountRefusal };

/** The account a key serves, when it exists and is not suspended. */
export async function resolveAccount(registry: Registry, id: string): Promise<AccountResolution> {
  const account = await registry.getAccount(id);
  if (account === undefined) return { ok: false, reason: 'unknown-account' };
  if (account.suspended) return { ok: false, reason: 'suspended' };
  return { ok: true, account };
}
