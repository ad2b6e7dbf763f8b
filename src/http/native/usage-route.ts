/** `GET /v1/usage`: the native usage query (DESIGN section 7). */
import type { FastifyInstance } from 'fastify';
import { authorizeAccount } from '../../auth/native-bearer.js';
import { badParameter } from '../../domain/errors.js';
import { runUsageQuery } from '../../query/run-usage-query.js';
import type { UsageStore } from '../../store/store.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { errorSchema, usageBodySchema, usageQuerySchema } from './schemas.js';

export function registerUsageRoute(app: FastifyInstance, store: UsageStore): void {
  app.get(
    '/v1/usage',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Usage of one account over [from, to), by window and dimensions',
        security: [{ bearer: [] }],
        querystring: usageQuerySchema,
        response: { 200: usageBodySchema, '4xx': errorSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const params = { ...(request.query as Record<string, string>) };
      if (!params.account) {
        if (principal.account === null) throw badParameter('account', 'is required with an admin key');
        params.account = principal.account;
      }
      authorizeAccount(principal, params.account);
      return (await runUsageQuery(store, params)).body;
    },
  );
}
