/**
 * `POST /v1/follows` (admin): the server follows log files as they grow (and are rotated), as
 * `tally import --follow` does, for as long as the request lasts. The answer is NDJSON, written as
 * it happens: `{"follow":ID}` first, then `{"pass":OUTCOME}` for each pass that imported
 * something, and `{"summary":SUMMARY}` once the follow has stopped and committed (or
 * `{"error":{code,message}}`). `DELETE /v1/follows/{id}` stops it (that is Ctrl-C of
 * `tally import --follow` through a server); so do the client going away and the server stopping.
 * Files are those an import by path may read (import-paths.ts); a file not written yet is allowed.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { authorizeAccount, requireAdmin } from '../../auth/native-bearer.js';
import type { TallyConfig } from '../../config/config.js';
import { AppError, badParameter } from '../../domain/errors.js';
import { isValidTimeZone } from '../../domain/time-window.js';
import { followFiles } from '../../ingest/follow.js';
import { checkFormat } from '../../ingest/formats/index.js';
import type { Store } from '../../store/store.js';
import { toAppError } from '../errors.js';
import type { ServerMetrics } from '../metrics.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { allowedPath } from './import-paths.js';
import { errorSchema } from './schemas.js';

export interface FollowsRouteOptions {
  store: Store;
  config: TallyConfig;
  secret: Buffer;
  rejectsDir: string;
  metrics?: Pick<ServerMetrics, 'countImport'> | undefined;
}

export function registerFollowsRoutes(app: FastifyInstance, options: FollowsRouteOptions): void {
  /** Follows under way, by id: each stops when aborted. */
  const running = new Map<string, AbortController>();
  app.addHook('preClose', async () => {
    for (const follow of running.values()) follow.abort();
  });

  app.post(
    '/v1/follows',
    {
      preHandler: bearerAuth(options.store),
      schema: {
        summary: 'Follow log files on the server while this request lasts (admin key); answers NDJSON',
        security: [{ bearer: [] }],
        body: {
          type: 'object',
          properties: {
            paths: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
            format: { type: 'string', description: 'auto (default), combined, common, s3, ...' },
            account: { type: 'string', description: 'every record to this account' },
            log_timezone: { type: 'string', description: 'IANA zone of wall-clock log times (Wowza)' },
          },
          required: ['paths'],
          additionalProperties: false,
        },
        response: {
          200: {
            content: {
              'application/x-ndjson': {
                schema: { type: 'string', description: '{"follow"}, then {"pass"} lines, then {"summary"}' },
              },
            },
          },
          '4xx': errorSchema,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      requireAdmin(principal);
      const body = request.body as {
        paths: string[];
        format?: string;
        account?: string;
        log_timezone?: string;
      };
      const format = checkFormat(body.format ?? 'auto', 'format');
      if (body.account !== undefined) {
        authorizeAccount(principal, body.account);
        if (!(await options.store.registry.getAccount(body.account)))
          throw new AppError('not-found', `account: unknown account '${body.account}'`, { param: 'account' });
      }
      if (body.log_timezone !== undefined && !isValidTimeZone(body.log_timezone))
        throw badParameter('log_timezone', `'${body.log_timezone}' is not an IANA time zone`);
      const paths: string[] = [];
      for (const path of body.paths)
        paths.push(await allowedPath(path, principal, options.config, { mayNotExist: true }));

      const id = `fw_${randomBytes(9).toString('base64url')}`;
      const stop = new AbortController();
      running.set(id, stop);
      const out = new PassThrough();
      const line = (value: unknown) => out.write(`${JSON.stringify(value)}\n`);
      // The client going away stops the follow (what it read so far is committed).
      reply.raw.on('close', () => stop.abort());
      line({ follow: id });
      void followFiles(paths, {
        store: options.store,
        config: options.config,
        format,
        account: body.account,
        logTimezone: body.log_timezone,
        secret: options.secret,
        rejectsDir: options.rejectsDir,
        signal: stop.signal,
        onPass: (outcome) => {
          options.metrics?.countImport(outcome.format, outcome);
          line({ pass: outcome });
        },
      })
        .then(
          (summary) => line({ summary }),
          (error: unknown) => {
            const failure = toAppError(error);
            if (failure.status >= 500) request.log.error({ err: error }, 'follow stopped');
            line({ error: { code: failure.code, message: failure.message } });
          },
        )
        .finally(() => {
          running.delete(id);
          out.end();
        });
      return reply.type('application/x-ndjson').send(out);
    },
  );

  app.delete(
    '/v1/follows/:id',
    {
      preHandler: bearerAuth(options.store),
      schema: {
        summary: 'Stop a follow (admin key): it commits what it read, then its answer ends with the summary',
        security: [{ bearer: [] }],
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        response: {
          200: { type: 'object', properties: { stopped: { type: 'string' } } },
          '4xx': errorSchema,
        },
      },
    },
    async (request) => {
      requireAdmin(principalOf(request));
      const { id } = request.params as { id: string };
      const follow = running.get(id);
      if (!follow) throw new AppError('not-found', `id: no follow '${id}' under way`, { param: 'id' });
      follow.abort();
      return { stopped: id };
    },
  );
}
