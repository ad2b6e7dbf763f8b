/**
 * Ooyala's request signing (api-notes.md): base64 of SHA-256 over the secret, the HTTP method,
 * the path, the query's `name=value` pairs sorted by name (without `signature`, no separators)
 * and the body; truncated to 43 characters with trailing `=` removed. Compared in constant time.
 */
import { createHash } from 'node:crypto';
import { sameText } from './same-text.js';

/** How far ahead a signed request's `expires` may be. */
export const MAX_EXPIRES_AHEAD_S = 86_400;

export function ooyalaSignature(
  secret: string,
  method: string,
  path: string,
  params: Readonly<Record<string, string>>,
  body = '',
): string {
  const pairs = Object.keys(params)
    .filter((name) => name !== 'signature')
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('');
  const digest = createHash('sha256')
    .update(`${secret}${method.toUpperCase()}${path}${pairs}${body}`)
    .digest('base64');
  return digest.slice(0, 43).replace(/=+$/, '');
}

export function ooyalaSignatureMatches(
  secret: string,
  method: string,
  path: string,
  params: Readonly<Record<string, string>>,
  presented: string,
  body = '',
): boolean {
  return sameText(ooyalaSignature(secret, method, path, params, body), presented);
}
