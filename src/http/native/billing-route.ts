/** `POST /v1/billing/snapshots` (admin): take a billing snapshot now, while the server holds the data dir. */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../auth/native-bearer.js';
import { snapshotOut, takeSnapshot } from '../../query/billing-snapshots.js';
import type { UsageStore } from '../../store/store.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { errorSchema } from './schemas.js';

export function registerBillingRoutes(app: FastifyInstance, store: UsageStore): void {
  app.post(
    '/v1/billing/snapshots',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Freeze billed delivery bytes of every ended 15-minute bucket (admin key)',
        security: [{ bearer: [] }],
        response: {
          201: {
            type: 'object',
            properties: {
              taken_at: { type: 'string' },
              cutoff: { type: 'string' },
              changed_rows: { type: 'integer' },
            },
          },
          '4xx': errorSchema,
        },
      },
    },
    async (request, reply) => {
      requireAdmin(principalOf(request));
      return reply.status(201).send(snapshotOut(await takeSnapshot(store)));
    },
  );
}
