/**
 * Whether a request arrived over HTTPS, for the APIs that require it: the server's own TLS, or a
 * TLS-terminating proxy that says so in `X-Forwarded-Proto`, believed only from the configured
 * proxy addresses (anyone else could send the header). `--insecure-http` lifts the requirement.
 */
import type { FastifyRequest } from 'fastify';

export interface TransportPolicy {
  insecureHttp: boolean;
  /** Addresses of TLS-terminating proxies whose `X-Forwarded-Proto` is trusted. */
  trustedProxies: readonly string[];
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are the same peer. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export function isSecure(request: FastifyRequest, policy: TransportPolicy): boolean {
  if (policy.insecureHttp) return true;
  if (request.protocol === 'https') return true;
  const peer = plainAddress(request.socket.remoteAddress ?? '');
  if (!policy.trustedProxies.map(plainAddress).includes(peer)) return false;
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}
