/** In-process requests to the native API with a bearer key, for HTTP tests. */
import type { FastifyInstance } from 'fastify';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** `call(method, url, key, body?)` against `app()` (read at each call: apps are made per test). */
export function bearerCaller(app: () => FastifyInstance) {
  return (method: Method, url: string, key: string, payload?: object) =>
    app().inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload ? { payload } : {}),
    });
}
