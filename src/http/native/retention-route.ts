/** `POST /v1/retention` (admin): apply the config's `retentionDays` now, as `tally retention apply`. */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../auth/native-bearer.js';
import { retentionReport } from '../../query/retention.js';
import type { Store } from '../../store/store.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { errorSchema } from './schemas.js';

export function registerRetentionRoute(
  app: FastifyInstance,
  store: Store,
  retentionDays: number | undefined,
): void {
  app.post(
    '/v1/retention',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary:
          "Delete each account's usage older than retentionDays whole days in its time zone, now (admin key; billed bytes stay)",
        security: [{ bearer: [] }],
        response: {
          200: {
            type: 'object',
            properties: {
              retention_days: { type: ['integer', 'null'], description: 'null: the config sets none' },
              accounts: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    account: { type: 'string' },
                    kept_from: { type: 'string' },
                    deleted_rows: { type: 'integer' },
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
      return retentionReport(store, retentionDays);
    },
  );
}
