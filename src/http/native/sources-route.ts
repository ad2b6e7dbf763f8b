/**
 * `GET /v1/sources` (admin): what has been imported, with checkpoints and counts;
 * `DELETE /v1/sources/{id}` (admin): forget a source and every row it contributed.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../auth/native-bearer.js';
import { AppError } from '../../domain/errors.js';
import { latestRejects } from '../../query/latest-rejects.js';
import { sourceView } from '../../query/source-view.js';
import type { Store } from '../../store/store.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { errorSchema } from './schemas.js';

/** Rejects shown per request at most (`limit`); the answer says how many the source has in all. */
const MAX_REJECTS = 1000;

export interface SourcesRouteOptions {
  /** Where imports keep rejected lines (`GET /v1/sources/{id}/rejects` reads them back). */
  rejectsDir?: string | undefined;
  /** Files this server follows (`serve --follow`): their sources carry `follow_lag_bytes`. */
  followed?: readonly string[] | undefined;
}

/** Bytes of a followed file not committed yet: its size past the source's checkpoint (0 when unreadable). */
async function followLag(path: string, offset: number): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  return info ? Math.max(0, info.size - offset) : 0;
}

export function registerSourcesRoute(
  app: FastifyInstance,
  store: Store,
  { rejectsDir, followed = [] }: SourcesRouteOptions = {},
): void {
  const following = new Set(followed.map((f) => resolve(f)));
  if (rejectsDir !== undefined) {
    app.get(
      '/v1/sources/:id/rejects',
      {
        preHandler: bearerAuth(store),
        schema: {
          summary:
            'The latest rejected lines of a source: line numbers and reasons, newest first (admin key)',
          security: [{ bearer: [] }],
          params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
          querystring: {
            type: 'object',
            properties: { limit: { type: 'integer', minimum: 1, maximum: MAX_REJECTS, default: 50 } },
            additionalProperties: false,
          },
          response: {
            200: {
              type: 'object',
              properties: {
                source: { type: 'string' },
                path: { type: 'string' },
                rejected: {
                  type: 'integer',
                  description: 'all rejects of the source, of which rejects are the latest',
                },
                rejects: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      line: { type: 'integer' },
                      reason: { type: 'string' },
                      rejects_file: { type: 'string', description: 'the file that keeps the line as read' },
                    },
                  },
                },
              },
            },
            '4xx': errorSchema,
          },
        },
      },
      async (request) => {
        requireAdmin(principalOf(request));
        const { id } = request.params as { id: string };
        const { limit } = request.query as { limit: number };
        const source = (await store.registry.listSources()).find((s) => s.id === id);
        if (!source)
          throw new AppError('not-found', `id: no source '${id}' (GET /v1/sources lists them)`, {
            param: 'id',
          });
        return {
          source: source.id,
          path: source.path,
          rejected: source.rejected,
          rejects: await latestRejects(rejectsDir, source.path, limit),
        };
      },
    );
  }

  app.get(
    '/v1/sources',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Imported sources (admin key)',
        security: [{ bearer: [] }],
        response: {
          200: {
            type: 'object',
            properties: {
              sources: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    path: {
                      type: 'string',
                      description: 'where it was last imported from (identity is the content)',
                    },
                    format: { type: ['string', 'null'], description: 'the format its lines were read as' },
                    follow_lag_bytes: {
                      type: 'integer',
                      description:
                        'a file this server follows: its bytes past the checkpoint, not yet imported',
                    },
                    offset: { type: 'integer', description: 'bytes committed: the checkpoint' },
                    lines: { type: 'integer' },
                    records: { type: 'integer' },
                    rejected: { type: 'integer' },
                    bytes_out: { type: 'integer' },
                    first_imported: { type: 'string' },
                    last_imported: { type: 'string' },
                  },
                },
              },
            },
          },
          '4xx': errorSchema,
        },
      },
    },
    async (request) => {
      requireAdmin(principalOf(request));
      const sources = await store.registry.listSources();
      return {
        sources: await Promise.all(
          sources.map(async (s) =>
            following.has(s.path)
              ? { ...sourceView(s), follow_lag_bytes: await followLag(s.path, s.offset) }
              : sourceView(s),
          ),
        ),
      };
    },
  );

  app.delete(
    '/v1/sources/:id',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary:
          'Forget a source (admin key): its rows and checkpoint are removed, so it can be imported again',
        security: [{ bearer: [] }],
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        response: {
          200: { type: 'object', properties: { forgotten: { type: 'string' } } },
          '4xx': errorSchema,
        },
      },
    },
    async (request) => {
      requireAdmin(principalOf(request));
      const { id } = request.params as { id: string };
      if (!(await store.usage.forgetSource(id)))
        throw new AppError('not-found', `id: no source '${id}' (GET /v1/sources lists them)`, {
          param: 'id',
        });
      return { forgotten: id };
    },
  );
}
