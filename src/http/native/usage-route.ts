/**
 * `GET /v1/usage`: the native usage query (DESIGN section 7). JSON by default, one page at a
 * time (`limit`, `cursor`); CSV when asked (`format=csv`, or `Accept: text/csv`), every row,
 * streamed a batch at a time as the store reads them.
 */
import { Readable } from 'node:stream';
import accepts from 'accepts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorizeAccount } from '../../auth/native-bearer.js';
import { badParameter } from '../../domain/errors.js';
import { runUsageQuery, streamAllUsage, type UsageBodyRow } from '../../query/run-usage-query.js';
import { csvLines, usageColumns, usageCsvLines } from '../../query/usage-csv.js';
import type { UsageStore } from '../../store/store.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { errorSchema, usageBodySchema, usageQuerySchema } from './schemas.js';

/** `format` wins; else the Accept header's preference between JSON and CSV (JSON when neither). */
function wantsCsv(request: FastifyRequest, format: string | undefined): boolean {
  if (format !== undefined) {
    if (format !== 'json' && format !== 'csv') throw badParameter('format', `'${format}' is not json or csv`);
    return format === 'csv';
  }
  return accepts(request.raw).type(['application/json', 'text/csv']) === 'text/csv';
}

/** The CSV text of every row: a header line, then a batch of lines at a time. */
async function* csvText(columns: string[], batches: AsyncIterable<UsageBodyRow[]>): AsyncIterable<string> {
  yield csvLines([columns]);
  for await (const batch of batches) if (batch.length > 0) yield usageCsvLines(columns, batch);
}

export function registerUsageRoute(app: FastifyInstance, store: UsageStore): void {
  app.get(
    '/v1/usage',
    {
      preHandler: bearerAuth(store),
      schema: {
        summary: 'Usage of one account over [from, to), by window and dimensions',
        security: [{ bearer: [] }],
        querystring: usageQuerySchema,
        response: {
          200: {
            content: {
              'application/json': { schema: usageBodySchema },
              'text/csv': {
                schema: {
                  type: 'string',
                  description: 'RFC 4180, a header line then every row (format=csv or Accept: text/csv)',
                },
              },
            },
          },
          '4xx': errorSchema,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { format, ...params } = request.query as Record<string, string>;
      if (!params.account) {
        if (principal.account === null) throw badParameter('account', 'is required with an admin key');
        params.account = principal.account;
      }
      authorizeAccount(principal, params.account);
      if (!wantsCsv(request, format)) return (await runUsageQuery(store, params)).body;
      // Validated (and the account found) before the first byte, so errors keep their status.
      const { query, batches } = await streamAllUsage(store, params);
      // A client that goes away ends the stream, which ends the store's read.
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `inline; filename="usage-${params.account}.csv"`)
        .send(Readable.from(csvText(usageColumns(query), batches)));
    },
  );
}
