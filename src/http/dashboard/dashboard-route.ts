/**
 * `GET /` serves the dashboard: the index.html and the hashed assets the build writes to
 * dist/dashboard (scripts/bundle.js), through @fastify/static. The assets' names change with
 * their content, so browsers may keep them for a year; the index is checked on every load. A
 * strict Content-Security-Policy allows nothing but this origin: no inline script, no request to
 * another host. The page reads only the public /v1 API.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function secureHeaders(reply: FastifyReply): void {
  void reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
}

/** Serves the built dashboard from `dir`; without a build, `GET /` says how to make one. */
export async function registerDashboard(app: FastifyInstance, dir: string | undefined): Promise<void> {
  const index = dir === undefined ? undefined : join(dir, 'index.html');
  if (dir === undefined || index === undefined || !existsSync(index)) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.status(503).send({
        error: { code: 'store-unavailable', message: 'the dashboard is not built: run npm run build' },
      }),
    );
    return;
  }
  const html = readFileSync(index);
  await app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    immutable: true,
    maxAge: '365d',
    index: false,
    setHeaders: (res) => {
      res.setHeader('content-security-policy', DASHBOARD_CSP);
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    secureHeaders(reply);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  });
}
