/** `GET /v1/sources` (admin): what has been imported, with checkpoints and counts. */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../auth/native-bearer.js';
import type { UsageStore } from '../../store/store.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { errorSchema } from './schemas.js';

export function registerSourcesRoute(app: FastifyInstance, store: UsageStore): void {
  app.get(
    '/v1/sources',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Imported sources (admin key)',
        security: [{ bearer: [] }],
        response: { '4xx': errorSchema },
      },
    },
    async (request) => {
      requireAdmin(principalOf(request));
      const sources = await store.listSources();
      return {
        sources: sources.map((s) => ({
          id: s.id,
          path: s.path,
          offset: s.offset,
          lines: s.lines,
          records: s.records,
          rejected: s.rejected,
          bytes_out: s.bytesOut,
          first_imported: new Date(s.firstImported).toISOString(),
          last_imported: new Date(s.lastImported).toISOString(),
        })),
      };
    },
  );
}
