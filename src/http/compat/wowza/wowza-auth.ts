/**
 * Who is calling the Wowza-compatible API (api-notes.md). Either both `wsc-api-key` and
 * `wsc-access-key`, or HMAC: `wsc-access-key`, `wsc-timestamp` (unix seconds, within 300 s of
 * now) and `wsc-signature`. The access key is the stored key id; the API key is stored hashed
 * (checked in constant time) and sealed (to recompute the HMAC). Access keys can expire.
 */
import type { FastifyRequest } from 'fastify';
import { secretMatches } from '../../../auth/keys.js';
import { resolveAccount, resolveKey } from '../../../auth/resolve-key.js';
import type { Sealer } from '../../../auth/sealed-secret.js';
import { wowzaSignatureMatches } from '../../../auth/wowza-signature.js';
import type { Account } from '../../../domain/account.js';
import type { StoredKey } from '../../../domain/api-key.js';
import type { Registry } from '../../../store/registry.js';
import { WowzaError } from './wowza-error.js';

export const TIMESTAMP_WINDOW_SECONDS = 300;

const unauthorized = (code: string, title: string, message: string) =>
  new WowzaError(401, `ERR-401-${code}`, title, message);

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export async function authenticateWowza(
  request: FastifyRequest,
  registry: Registry,
  sealer: Sealer,
  now: number,
): Promise<{ key: StoredKey; account: Account }> {
  const apiKey = header(request, 'wsc-api-key');
  const accessKey = header(request, 'wsc-access-key');
  const signature = header(request, 'wsc-signature');
  const timestamp = header(request, 'wsc-timestamp');
  if (apiKey === undefined && signature === undefined) {
    throw unauthorized('NoApiKey', 'No API Key Error', 'No API key sent in header.');
  }
  if (accessKey === undefined) {
    throw unauthorized('NoAccessKey', 'No Access Key Error', 'No access key sent in header.');
  }
  const resolved = await resolveKey(registry, accessKey, 'wowza', now, {
    account: true,
    sealedSecret: false,
  });
  if (!resolved.ok) throw unauthorized('InvalidAccessKey', 'Invalid Access Key Error', 'Invalid access key.');
  const key = resolved.key;
  if (apiKey !== undefined) {
    if (!secretMatches(apiKey, key.secretHash)) {
      throw unauthorized('InvalidApiKey', 'Invalid Api Key Error', 'Invalid API key.');
    }
  } else {
    const seconds = Number(timestamp);
    if (
      timestamp === undefined ||
      !/^\d+$/.test(timestamp) ||
      Math.abs(now / 1000 - seconds) > TIMESTAMP_WINDOW_SECONDS
    ) {
      throw unauthorized(
        'InvalidTimestamp',
        'Invalid Timestamp Error',
        `wsc-timestamp must be the current unix time (within ${TIMESTAMP_WINDOW_SECONDS} seconds).`,
      );
    }
    const path = request.url.split('?')[0] ?? '';
    if (
      key.sealedSecret === null ||
      !wowzaSignatureMatches(sealer.open(key.sealedSecret), timestamp, path, signature ?? '')
    ) {
      throw unauthorized('InvalidSignature', 'Invalid Signature Error', 'Invalid HMAC signature.');
    }
  }
  const found = await resolveAccount(registry, key.account);
  if (!found.ok) {
    throw unauthorized(
      'BadAccountStatus',
      'Bad Account Status Error',
      "Your account's status doesn't allow this action.",
    );
  }
  return { key, account: found.account };
}
