/**
 * ScaleEngine request signatures: `signature = base64(HMAC-SHA256(secret, json))`, where `json` is
 * the request object without `signature` as the client JSON-encoded it. Two forms are accepted
 * (docs/api/scaleengine.md): the PHP `json_encode` text rebuilt from the decoded request (what the
 * seed's own example signs), and the received text with the `signature` member cut out (clients
 * whose encoder differs from PHP's). Comparisons are constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { phpJsonEncode } from './php-json.js';

/** The received JSON text with its top-level `"signature":"..."` member removed, or undefined. */
export function withoutSignatureMember(text: string): string | undefined {
  const member = /"signature"\s*:\s*"(?:[^"\\]|\\.)*"/.exec(text);
  if (!member) return undefined;
  const before = text.slice(0, member.index);
  const after = text.slice(member.index + member[0].length);
  // Drop one adjoining comma: the one after (first member), else the one before (last member).
  const afterComma = /^\s*,/.exec(after);
  if (afterComma) return before + after.slice(afterComma[0].length);
  const beforeComma = /,\s*$/.exec(before);
  return beforeComma ? before.slice(0, beforeComma.index) + after : before + after;
}

function sign(secret: string, text: string): Buffer {
  return createHmac('sha256', secret).update(text, 'utf8').digest();
}

/** True when `signature` (base64) is the HMAC of the request in one of the accepted forms. */
export function signatureMatches(
  secret: string,
  request: Record<string, unknown>,
  receivedText: string,
  signature: string,
): boolean {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(signature) || signature.length % 4 !== 0) return false;
  const presented = Buffer.from(signature, 'base64');
  if (presented.length !== 32) return false;
  const { signature: _ignored, ...unsigned } = request;
  const forms = [phpJsonEncode(unsigned), withoutSignatureMember(receivedText)];
  let ok = false;
  for (const form of forms) {
    // Every form is checked (no early exit), so timing does not tell which one matched.
    if (form !== undefined && timingSafeEqual(sign(secret, form), presented)) ok = true;
  }
  return ok;
}
