/**
 * Billing snapshots: `GET /v1/billing/snapshots` (any key: it holds no account's data) says when
 * the last was taken and when the server takes the next; `POST` (admin) takes one now.
 */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../auth/native-bearer.js';
import { snapshotOut, takeSnapshot } from '../../query/billing-snapshots.js';
import type { Store } from '../../store/store.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { errorSchema } from './schemas.js';

const snapshotSchema = {
  type: 'object',
  properties: {
    taken_at: { type: 'string' },
    cutoff: { type: 'string' },
    changed_rows: { type: 'integer' },
  },
} as const;

export function registerBillingRoutes(app: FastifyInstance, store: Store, snapshotHours: number): void {
  app.get(
    '/v1/billing/snapshots',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'The last billing snapshot and when the server takes the next',
        security: [{ bearer: [] }],
        response: {
          200: {
            type: 'object',
            properties: {
              last: { anyOf: [snapshotSchema, { type: 'null' }] },
              every_hours: { type: 'number', description: 'config billing.snapshotHours' },
              next_due: {
                type: 'string',
                description: 'the last one plus every_hours (now when none was taken)',
              },
            },
          },
          '4xx': errorSchema,
        },
      },
    },
    async () => {
      const last = await store.usage.lastBillingSnapshot();
      const due = last === undefined ? Date.now() : last.takenAt + snapshotHours * 3_600_000;
      return {
        last: last === undefined ? null : snapshotOut(last),
        every_hours: snapshotHours,
        next_due: new Date(due).toISOString(),
      };
    },
  );

  app.post(
    '/v1/billing/snapshots',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Freeze billed delivery bytes of every ended 15-minute bucket (admin key)',
        security: [{ bearer: [] }],
        response: { 201: snapshotSchema, '4xx': errorSchema },
      },
    },
    async (request, reply) => {
      requireAdmin(principalOf(request));
      return reply.status(201).send(snapshotOut(await takeSnapshot(store)));
    },
  );
}
