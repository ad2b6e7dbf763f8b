/**
 * What the request log may show: never a signature, secret, access key or bearer token. Fastify
 * logs each request's URL, and signed APIs carry their proof in the query string (Ooyala's
 * `signature`), so the URL is logged with those values replaced; headers that carry credentials
 * are redacted wherever a log line includes them.
 */
import type { FastifyRequest } from 'fastify';

export const REDACTED = '[redacted]';

/** Query parameters whose values prove or grant access (lower case). */
const SECRET_PARAMS = new Set([
  'signature',
  'sig',
  'secret',
  'secret_key',
  'access_key',
  'access_token',
  'token',
  'key',
  'password',
  'wsc-access-key',
]);

/** Header paths pino removes from any logged object that holds request headers. */
export const REDACTED_HEADER_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["wsc-access-key"]',
  'req.headers["wsc-signature"]',
  'headers.authorization',
  'headers.cookie',
  'headers["wsc-access-key"]',
  'headers["wsc-signature"]',
];

/** `url` with the value of every secret-bearing query parameter replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: judged as written.
      }
      return eq >= 0 && SECRET_PARAMS.has(decoded.toLowerCase()) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

/** Fastify's request serializer, with the URL redacted. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
  };
}
