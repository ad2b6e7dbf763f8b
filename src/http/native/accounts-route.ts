/**
 * `GET /v1/accounts` (what the key may see), `POST /v1/accounts` (admin: create or replace) and
 * `PATCH /v1/accounts/{id}` (admin: change some fields, suspend or resume).
 */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../auth/native-bearer.js';
import { parseAccountInput } from '../../config/config.js';
import { AppError } from '../../domain/errors.js';
import { accountView } from '../../query/account-view.js';
import type { Store } from '../../store/store.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { accountOutSchema, accountSchema, errorSchema } from './schemas.js';

export function registerAccountRoutes(app: FastifyInstance, store: Store): void {
  app.get(
    '/v1/accounts',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Accounts visible to the key',
        security: [{ bearer: [] }],
        response: {
          200: { type: 'object', properties: { accounts: { type: 'array', items: accountOutSchema } } },
          '4xx': errorSchema,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const accounts = await store.registry.listAccounts();
      const visible =
        principal.account === null ? accounts : accounts.filter((a) => a.id === principal.account);
      return { accounts: visible.map(accountView) };
    },
  );

  app.post(
    '/v1/accounts',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Create or update an account (admin key)',
        security: [{ bearer: [] }],
        // The account's own fields; only `id` is required (name defaults to it, timezone to UTC).
        body: {
          type: 'object',
          properties: accountSchema.properties,
          required: ['id'],
          additionalProperties: false,
        },
        response: { 201: accountOutSchema, '4xx': errorSchema },
      },
    },
    async (request, reply) => {
      requireAdmin(principalOf(request));
      // The same validation as accounts in the config file, so both paths accept the same ids and zones.
      const account = parseAccountInput(request.body, 'body');
      await store.registry.putAccount(account);
      return reply.status(201).send(accountView((await store.registry.getAccount(account.id)) ?? account));
    },
  );

  app.patch(
    '/v1/accounts/:id',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Change an account (admin key): the fields given; suspended true/false suspends or resumes',
        security: [{ bearer: [] }],
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        body: {
          type: 'object',
          properties: {
            ...Object.fromEntries(Object.entries(accountSchema.properties).filter(([name]) => name !== 'id')),
            suspended: {
              type: 'boolean',
              description:
                "a suspended account's compatible APIs answer that the service is not active; its usage is kept",
            },
          },
          additionalProperties: false,
        },
        response: { 200: accountOutSchema, '4xx': errorSchema },
      },
    },
    async (request) => {
      requireAdmin(principalOf(request));
      const { id } = request.params as { id: string };
      const existing = await store.registry.getAccount(id);
      if (!existing) throw new AppError('not-found', `id: unknown account '${id}'`, { param: 'id' });
      const { suspended, ...changes } = request.body as Record<string, unknown> & { suspended?: boolean };
      // The merged account goes through the same validation as a new one.
      const { id: _id, suspended: _suspended, ...kept } = existing;
      const account = parseAccountInput({ ...kept, id, ...changes }, 'body');
      await store.registry.putAccount({ ...account, ...(suspended === undefined ? {} : { suspended }) });
      return accountView((await store.registry.getAccount(id)) ?? account);
    },
  );
}
