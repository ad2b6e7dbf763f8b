/**
 * `/v1/keys`: create (admin), list (an admin sees every key, an account key its account's) and
 * revoke (admin) keys of any scheme, as `tally keys` does. A new key's secret is in the creation
 * answer only; it is stored hashed.
 */
import type { FastifyInstance } from 'fastify';
import { KEY_SCHEMES } from '../../auth/keys.js';
import { createKey, keyView } from '../../auth/manage-keys.js';
import { requireAdmin } from '../../auth/native-bearer.js';
import type { Sealer } from '../../auth/sealed-secret.js';
import { AppError } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { errorSchema } from './schemas.js';

const keyViewSchema = {
  type: 'object',
  properties: {
    key: { type: 'string', description: 'the key id (for wowza, the wsc-access-key)' },
    account: { type: 'string', description: "the account, '*' for an admin key" },
    scheme: { type: 'string', enum: [...KEY_SCHEMES] },
    created: { type: 'string' },
    revoked: { type: ['string', 'null'] },
    expires: { type: ['string', 'null'] },
  },
} as const;

export function registerKeysRoutes(app: FastifyInstance, store: Store, sealer: Sealer): void {
  app.post(
    '/v1/keys',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Create a key of any scheme (admin key); the secret is in this answer only',
        security: [{ bearer: [] }],
        body: {
          type: 'object',
          properties: {
            scheme: { type: 'string', enum: [...KEY_SCHEMES], description: 'default native' },
            account: { type: 'string', description: 'the account the key may read' },
            admin: { type: 'boolean', description: 'an admin key (native only), instead of account' },
            expires: { type: 'string', description: 'ISO 8601 instant after which the key is refused' },
          },
          additionalProperties: false,
        },
        response: {
          201: {
            type: 'object',
            properties: {
              account: { type: 'string' },
              scheme: { type: 'string' },
              key: { type: 'string', description: 'for wowza, the wsc-api-key' },
              secret: { type: 'string', description: 'shown once; for wowza, the wsc-access-key' },
            },
          },
          '4xx': errorSchema,
        },
      },
    },
    async (request, reply) => {
      requireAdmin(principalOf(request));
      const body = (request.body ?? {}) as {
        scheme?: string;
        account?: string;
        admin?: boolean;
        expires?: string;
      };
      const created = await createKey(
        store.registry,
        sealer,
        { scheme: body.scheme ?? 'native', account: body.account, admin: body.admin, expires: body.expires },
        { scheme: 'scheme', account: 'account', expires: 'expires', admin: 'admin' },
      );
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/v1/keys',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Keys visible to the key (never their secrets)',
        security: [{ bearer: [] }],
        response: {
          200: { type: 'object', properties: { keys: { type: 'array', items: keyViewSchema } } },
          '4xx': errorSchema,
        },
      },
    },
    async (request) => {
      const { account } = principalOf(request);
      const keys = await store.registry.listKeys();
      return { keys: keys.filter((k) => account === null || k.account === account).map(keyView) };
    },
  );

  app.delete(
    '/v1/keys/:id',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Revoke a key (admin key): every API refuses it from now on',
        security: [{ bearer: [] }],
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        response: { 200: keyViewSchema, '4xx': errorSchema },
      },
    },
    async (request) => {
      requireAdmin(principalOf(request));
      const { id } = request.params as { id: string };
      if (!(await store.registry.revokeKey(id, Date.now())))
        throw new AppError('not-found', `id: no active key '${id}'`, { param: 'id' });
      const revoked = await store.registry.getKey(id);
      if (!revoked) throw new AppError('not-found', `id: no key '${id}'`, { param: 'id' });
      return keyView(revoked);
    },
  );
}
