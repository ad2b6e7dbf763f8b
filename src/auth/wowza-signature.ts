/**
 * Wowza Streaming Cloud's HMAC request signing (api-notes.md): `wsc-signature` is the hex
 * HMAC-SHA256, keyed with the API key, of `timestamp:path:apiKey`, where `path` is the request
 * path without its query string. Compared in constant time.
 */
import { createHmac } from 'node:crypto';
import { sameText } from './same-text.js';

export function wowzaSignature(apiKey: string, timestamp: string, path: string): string {
  return createHmac('sha256', apiKey).update(`${timestamp}:${path}:${apiKey}`).digest('hex');
}

export function wowzaSignatureMatches(
  apiKey: string,
  timestamp: string,
  path: string,
  presented: string,
): boolean {
  return sameText(wowzaSignature(apiKey, timestamp, path), presented.toLowerCase());
}
