/**
 * The catalog through the native API: `GET /v1/catalog` (what the key may see),
 * `POST /v1/catalog/{kind}` (admin: create or replace) and `DELETE /v1/catalog/{kind}/{id}`
 * (admin: archive; usage stays). Kinds: stream_targets, transcoders, vod_streams.
 */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../auth/native-bearer.js';
import { parseCatalogInput } from '../../config/catalog-config.js';
import type { CatalogKind } from '../../domain/catalog.js';
import { AppError } from '../../domain/errors.js';
import { catalogEntryOut, retireCatalogEntry, saveCatalogEntry } from '../../query/catalog-entries.js';
import type { Store } from '../../store/store.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { errorSchema } from './schemas.js';

/** URL segment -> kind. */
const KINDS: Record<string, CatalogKind> = {
  stream_targets: 'stream_target',
  transcoders: 'transcoder',
  vod_streams: 'vod_stream',
};

function kindOf(segment: string): CatalogKind {
  const kind = KINDS[segment];
  if (kind === undefined) {
    throw new AppError('not-found', `no catalog '${segment}' (one of ${Object.keys(KINDS).join(', ')})`);
  }
  return kind;
}

const entrySchema = { type: 'object', additionalProperties: true } as const;
const kindParam = {
  type: 'object',
  properties: { kind: { type: 'string', enum: Object.keys(KINDS) } },
  required: ['kind'],
} as const;

export function registerCatalogRoutes(app: FastifyInstance, store: Store): void {
  app.get(
    '/v1/catalog',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Stream targets, transcoders and VOD streams visible to the key',
        security: [{ bearer: [] }],
        querystring: { type: 'object', properties: { account: { type: 'string' } } },
        response: {
          200: { type: 'object', properties: { entries: { type: 'array', items: entrySchema } } },
          '4xx': errorSchema,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const asked = (request.query as { account?: string }).account;
      const account = principal.account ?? asked;
      const entries = await store.registry.listCatalog(account);
      return { entries: entries.map(catalogEntryOut) };
    },
  );

  app.post(
    '/v1/catalog/:kind',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Create or replace a catalog entry (admin key); the id is generated when absent',
        security: [{ bearer: [] }],
        params: kindParam,
        body: { type: 'object' },
        response: { 201: entrySchema, '4xx': errorSchema },
      },
    },
    async (request, reply) => {
      requireAdmin(principalOf(request));
      const kind = kindOf((request.params as { kind: string }).kind);
      // The API speaks snake_case like Wowza; the config schema is camelCase.
      const { transcoder_type, billing_mode, ...rest } = request.body as Record<string, unknown>;
      const input = {
        ...rest,
        ...(transcoder_type === undefined ? {} : { transcoderType: transcoder_type }),
        ...(billing_mode === undefined ? {} : { billingMode: billing_mode }),
      };
      const entry = await saveCatalogEntry(store.registry, parseCatalogInput(kind, input, 'body'));
      return reply.status(201).send(catalogEntryOut(entry));
    },
  );

  app.delete(
    '/v1/catalog/:kind/:id',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Archive a catalog entry (admin key); its usage stays',
        security: [{ bearer: [] }],
        params: {
          type: 'object',
          properties: { ...kindParam.properties, id: { type: 'string' } },
          required: ['kind', 'id'],
        },
        response: { 200: entrySchema, '4xx': errorSchema },
      },
    },
    async (request) => {
      requireAdmin(principalOf(request));
      const { kind: segment, id } = request.params as { kind: string; id: string };
      const retired = await retireCatalogEntry(store.registry, kindOf(segment), id);
      if (!retired) throw new AppError('not-found', `no ${segment.replace(/s$/, '')} '${id}'`);
      return catalogEntryOut(retired);
    },
  );
}
