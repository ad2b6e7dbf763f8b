/**
 * Creating, listing and revoking keys: the one implementation behind `tally keys` and
 * `/v1/keys`, so both accept the same keys, refuse the same mistakes and show keys the same way.
 * Secrets are returned once, at creation; they are stored hashed (and sealed for HMAC schemes).
 */

import type { KeyScheme, StoredKey } from '../domain/api-key.js';
import { AppError, badParameter } from '../domain/errors.js';
import type { Registry } from '../store/registry.js';
import { issueKey, KEY_SCHEMES, keyIsLive } from './keys.js';
import type { Sealer } from './sealed-secret.js';

/** Active keys per account and compatible scheme: enough to rotate (create the new, switch, revoke the old). */
export const MAX_ACTIVE_PER_SCHEME = 2;

export interface KeyRequest {
  scheme: string;
  /** The account the key may read; or `admin` for an admin key (native only): exactly one. */
  account?: string | undefined;
  admin?: boolean | undefined;
  /** ISO 8601 instant after which the key is refused; absent: no expiry. */
  expires?: string | undefined;
}

/** A new key as `tally keys create --json` prints it and `POST /v1/keys` answers (DESIGN section 6). */
export interface CreatedKey {
  account: string;
  scheme: KeyScheme;
  /** For wowza, the wsc-api-key; else the key id. */
  key: string;
  /** Shown once. For wowza, the wsc-access-key (the key's id in lists and revocation). */
  secret: string;
}

/** A key as `tally keys list --json` and `GET /v1/keys` show it: never its secret. */
export interface KeyView {
  key: string;
  account: string;
  scheme: KeyScheme;
  created: string;
  revoked: string | null;
  expires: string | null;
}

/**
 * Validates and issues a key. `names` says how the fields are called where the request came from
 * (`--scheme` on the command line, `scheme` in a body), so errors name what the user typed.
 */
export async function createKey(
  registry: Registry,
  sealer: Sealer,
  request: KeyRequest,
  names: { scheme: string; account: string; expires: string; admin: string },
  now = Date.now(),
): Promise<CreatedKey> {
  if (!(KEY_SCHEMES as readonly string[]).includes(request.scheme))
    throw badParameter(names.scheme, `'${request.scheme}' is not one of ${KEY_SCHEMES.join(', ')}`);
  const scheme = request.scheme as KeyScheme;
  let expiresAt: number | null = null;
  if (request.expires !== undefined) {
    expiresAt = Date.parse(request.expires);
    if (Number.isNaN(expiresAt) || expiresAt <= now)
      throw badParameter(names.expires, `'${request.expires}' is not a future ISO 8601 instant`);
  }
  if ((request.account === undefined) === (request.admin !== true))
    throw badParameter(names.account, `give exactly one of ${names.account} or ${names.admin}`);
  const account = request.account ?? null;
  if (account === null && scheme !== 'native')
    throw badParameter(names.admin, `${scheme} keys belong to one account: give the account`);
  if (account !== null && !(await registry.getAccount(account)))
    throw badParameter(names.account, `unknown account '${account}'`);
  const active = (await registry.listKeys()).filter(
    (k) => k.scheme === scheme && k.account === account && keyIsLive(k, now),
  );
  if (scheme !== 'native' && active.length >= MAX_ACTIVE_PER_SCHEME) {
    throw new AppError(
      'conflict',
      `account '${account}' already has ${active.length} active ${scheme} keys (${active.map((k) => k.id).join(', ')}): revoke one first`,
    );
  }
  const issued = issueKey(scheme, account, { seal: sealer.seal, expiresAt, now });
  await registry.putKey(issued.stored);
  // For wowza, `key` is the wsc-api-key and `secret` the wsc-access-key (DESIGN section 6); the
  // access key is the stored id (it is what lists show and revocation takes).
  return {
    account: account ?? '*',
    scheme,
    key: scheme === 'wowza' ? issued.secret : issued.stored.id,
    secret: scheme === 'wowza' ? issued.stored.id : issued.secret,
  };
}

export function keyView(k: StoredKey): KeyView {
  return {
    key: k.id,
    account: k.account ?? '*',
    scheme: k.scheme,
    created: new Date(k.createdAt).toISOString(),
    revoked: k.revokedAt === null ? null : new Date(k.revokedAt).toISOString(),
    expires: k.expiresAt ? new Date(k.expiresAt).toISOString() : null,
  };
}
