/** `GET /v1/accounts` (what the key may see) and `POST /v1/accounts` (admin: create or update). */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../auth/native-bearer.js';
import { parseAccountInput } from '../../config/config.js';
import type { UsageStore } from '../../store/store.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { accountOutSchema, accountSchema, errorSchema } from './schemas.js';

export function registerAccountRoutes(app: FastifyInstance, store: UsageStore): void {
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
      const accounts = await store.listAccounts();
      return {
        accounts: principal.account === null ? accounts : accounts.filter((a) => a.id === principal.account),
      };
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
      await store.putAccount(account);
      return reply.status(201).send((await store.getAccount(account.id)) ?? account);
    },
  );
}
