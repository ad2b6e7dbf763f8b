/**
 * `GET /v1/usage`: the native usage query (DESIGN section 7). JSON by default, one page at a
 * time (`limit`, `cursor`); CSV when asked (`format=csv`, or `Accept: text/csv`), every row,
 * streamed a batch at a time as the store reads them; NDJSON likewise (`format=ndjson`, or
 * `Accept: application/x-ndjson`): the body's head (account, from, to, tz, granularity) on the
 * first line, then one row per line, from one consistent read (what `tally report` reads through
 * a server: paging could see a commit between two pages).
 */
import { Readable } from 'node:stream';
import accepts from 'accepts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorizeAccount } from '../../auth/native-bearer.js';
import { badParameter } from '../../domain/errors.js';
import {
  runUsageQuery,
  streamAllUsage,
  type UsageBodyRow,
  type UsageHead,
} from '../../query/run-usage-query.js';
import { csvLines, usageColumns, usageCsvLines } from '../../query/usage-csv.js';
import type { Store } from '../../store/store.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { errorSchema, usageBodySchema, usageQuerySchema } from './schemas.js';

type BodyFormat = 'json' | 'csv' | 'ndjson';

const TYPES: Record<string, BodyFormat> = {
  'application/json': 'json',
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
};

/** `format` wins; else the Accept header's preference (JSON when it names none of them). */
function bodyFormat(request: FastifyRequest, format: string | undefined): BodyFormat {
  if (format !== undefined) {
    if (format !== 'json' && format !== 'csv' && format !== 'ndjson')
      throw badParameter('format', `'${format}' is not json, csv or ndjson`);
    return format;
  }
  const type = accepts(request.raw).type(Object.keys(TYPES));
  return (typeof type === 'string' && TYPES[type]) || 'json';
}

/** The NDJSON text: the head, then a batch of row lines at a time. */
async function* ndjsonText(head: UsageHead, batches: AsyncIterable<UsageBodyRow[]>): AsyncIterable<string> {
  yield `${JSON.stringify(head)}\n`;
  for await (const batch of batches)
    if (batch.length > 0) yield `${batch.map((row) => JSON.stringify(row)).join('\n')}\n`;
}

/** The CSV text of every row: a header line, then a batch of lines at a time. */
async function* csvText(columns: string[], batches: AsyncIterable<UsageBodyRow[]>): AsyncIterable<string> {
  yield csvLines([columns]);
  for await (const batch of batches) if (batch.length > 0) yield usageCsvLines(columns, batch);
}

export function registerUsageRoute(app: FastifyInstance, store: Store): void {
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
              'application/x-ndjson': {
                schema: {
                  type: 'string',
                  description:
                    'the head object, then every row, one JSON object per line (format=ndjson or Accept: application/x-ndjson)',
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
      const wanted = bodyFormat(request, format);
      if (wanted === 'json') return (await runUsageQuery(store, params)).body;
      // Validated (and the account found) before the first byte, so errors keep their status.
      const { query, head, batches } = await streamAllUsage(store, params);
      // A client that goes away ends the stream, which ends the store's read.
      if (wanted === 'ndjson')
        return reply.type('application/x-ndjson').send(Readable.from(ndjsonText(head, batches)));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `inline; filename="usage-${params.account}.csv"`)
        .send(Readable.from(csvText(usageColumns(query), batches)));
    },
  );
}
