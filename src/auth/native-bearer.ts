/** Authenticates `Authorization: Bearer <secret>` for the native API: which account (or admin) is calling. */
import { AppError } from '../domain/errors.js';
import type { Registry } from '../store/registry.js';
import { keyIdOfToken, secretMatches } from './keys.js';
import { resolveKey } from './resolve-key.js';
import { sameText } from './same-text.js';

export interface Principal {
  keyId: string;
  /** null for an admin key: every account. */
  account: string | null;
  /**
   * The token a server leaves in its data dir for the CLI on the same machine: an admin that may
   * also import and follow any file the server can read (its holder can read the data dir, so it
   * is the server's own user). Keys never are.
   */
  local?: boolean;
}

export async function authenticateBearer(registry: Registry, header: string | undefined): Promise<Principal> {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AppError('unauthorized', 'missing bearer key (Authorization: Bearer <key>)');
  const token = match[1] as string;
  const id = keyIdOfToken(token);
  const resolved =
    id === undefined
      ? undefined
      : await resolveKey(registry, id, 'native', Date.now(), { account: false, sealedSecret: false });
  if (!resolved?.ok || !secretMatches(token, resolved.key.secretHash)) {
    throw new AppError('unauthorized', 'invalid or revoked key');
  }
  return { keyId: resolved.key.id, account: resolved.key.account };
}

/** The account a principal may read: its own, or any for an admin. */
export function authorizeAccount(principal: Principal, account: string): void {
  if (principal.account !== null && principal.account !== account) {
    throw new AppError('forbidden', `account: this key is scoped to account '${principal.account}'`, {
      param: 'account',
    });
  }
}

/** The principal of the server's own data-dir token, when `header` carries it (compared in constant time). */
export function localPrincipal(header: string | undefined, localToken: string): Principal | undefined {
  const token = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (token === undefined || !sameText(localToken, token)) return undefined;
  return { keyId: 'local', account: null, local: true };
}

export function requireAdmin(principal: Principal): void {
  if (principal.account !== null) throw new AppError('forbidden', 'this operation needs an admin key');
}
