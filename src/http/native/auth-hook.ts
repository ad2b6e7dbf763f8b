/** Request decoration: the authenticated principal of a native API call. */
import type { FastifyRequest } from 'fastify';
import { authenticateBearer, type Principal } from '../../auth/native-bearer.js';
import type { Store } from '../../store/store.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function bearerAuth(store: Store) {
  return async (request: FastifyRequest): Promise<void> => {
    // The server's own data-dir token was recognised before (app.ts); anything else is a stored key.
    request.principal ??= await authenticateBearer(store.registry, request.headers.authorization);
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route is missing the bearer hook');
  return request.principal;
}
