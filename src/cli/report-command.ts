/** `tally report`: the same query as `GET /v1/usage`, printed as a table, JSON (the API body) or CSV. */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { AppError, badParameter } from '../domain/errors.js';
import { parseUsageQuery, type UsageParams, type UsageQuery } from '../domain/usage-query.js';
import {
  runUsageQuery,
  streamAllUsage,
  type UsageBody,
  type UsageBodyRow,
  type UsageHead,
} from '../query/run-usage-query.js';
import { csvLines, usageColumns, usageCsvLines } from '../query/usage-csv.js';
import type { Store } from '../store/store.js';
import { type CommonOptions, withTarget } from './context.js';
import { type Cell, formatTable, StdoutWriter } from './output.js';
import type { ServerClient } from './remote/server-client.js';

interface ReportFlags extends CommonOptions {
  account: string;
  from: string;
  to: string;
  tz?: string;
  granularity?: string;
  groupBy?: string;
  metrics?: string;
  filter: string[];
  format: string;
  limit?: string;
  cursor?: string;
  orderBy?: string;
}

/** Turns flags into the exact parameters the HTTP API takes. */
export function reportParams(flags: ReportFlags): UsageParams {
  const params: UsageParams = {
    account: flags.account,
    from: flags.from,
    to: flags.to,
    tz: flags.tz,
    granularity: flags.granularity,
    group_by: flags.groupBy,
    metrics: flags.metrics,
    limit: flags.limit,
    cursor: flags.cursor,
    order_by: flags.orderBy,
  };
  for (const filter of flags.filter) {
    const eq = filter.indexOf('=');
    if (eq <= 0) throw badParameter('--filter', `'${filter}' is not DIM=V[,V...]`);
    const dim = filter.slice(0, eq);
    const values = filter.slice(eq + 1);
    params[dim] = params[dim] === undefined ? values : `${params[dim]},${values}`;
  }
  for (const key of Object.keys(params)) if (params[key] === undefined) delete params[key];
  return params;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('usage of one account over [from, to)')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--from <time>', 'start (ISO date or instant, on a 15-minute boundary)')
    .requiredOption('--to <time>', 'end, exclusive')
    .option('--tz <zone>', "IANA time zone (default: the account's)")
    .option('--granularity <g>', '15m|hour|day|week|isoweek|month|quarter|year|total', 'total')
    .option('--group-by <dims>', 'comma-separated dimensions')
    .option('--metrics <metrics>', 'comma-separated metrics (default: all)')
    .option(
      '--filter <DIM=V,...>',
      'filter (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--format <format>', 'table | json | csv', 'table')
    .option('--order-by <fields>', 'e.g. -bytes_out')
    .option('--limit <n>', 'print at most n rows (a page: more rows are announced on stderr)')
    .option('--cursor <cursor>', 'the next page (from a previous next_cursor)')
    .action(async (flags: ReportFlags) => {
      if (!['table', 'json', 'csv'].includes(flags.format))
        throw badParameter('--format', `'${flags.format}' is not table, json or csv`);
      const params = reportParams(flags);
      const paged = params.limit !== undefined || params.cursor !== undefined;
      await withTarget(flags, {
        local: ({ store }) => {
          const reader = storeReader(store);
          return paged ? printPage(reader, params, flags.format) : printAll(reader, params, flags.format);
        },
        remote: (server) => {
          const reader = serverReader(server);
          return paged ? printPage(reader, params, flags.format) : printAll(reader, params, flags.format);
        },
      });
    });
}

/** Where a report reads its rows: the store in this process, or a server. Both give the API's body. */
interface UsageReader {
  /** One page (`--limit`, `--cursor`), as `GET /v1/usage` answers it. */
  page(params: UsageParams): Promise<{ query: UsageQuery; body: UsageBody }>;
  /** Every row, a batch at a time, from one consistent read. */
  all(
    params: UsageParams,
  ): Promise<{ columns: string[]; head: UsageHead; batches: AsyncIterable<UsageBodyRow[]> }>;
}

function storeReader(store: Store): UsageReader {
  return {
    page: (params) => runUsageQuery(store, params),
    all: async (params) => {
      const { query, head, batches } = await streamAllUsage(store, params);
      return { columns: usageColumns(query), head, batches };
    },
  };
}

/** The query the server answered (it has validated `params`; the head's tz is the zone it resolved). */
function queryOf(params: UsageParams, head: UsageHead): UsageQuery {
  return parseUsageQuery({ ...params, tz: head.tz }, head.tz);
}

/** Rows per batch read from the server's NDJSON (a batch is what a table or CSV writes at once). */
const NDJSON_BATCH = 1000;

function serverReader(server: ServerClient): UsageReader {
  return {
    page: async (params) => {
      const body = await server.json<UsageBody>('GET', '/v1/usage', { query: params });
      return { query: queryOf(params, body), body };
    },
    all: async (params) => {
      // NDJSON: the head, then every row from one read (pages could see a commit between two).
      const response = await server.open('GET', '/v1/usage', {
        query: { ...params, format: 'ndjson' },
        accept: 'application/x-ndjson',
      });
      const lines = createInterface({ input: response.body, crlfDelay: Number.POSITIVE_INFINITY })[
        Symbol.asyncIterator
      ]();
      const first = await lines.next();
      if (first.done)
        throw new AppError('internal', `${server.target.label} ended its answer before the rows`);
      const head = JSON.parse(first.value) as UsageHead;
      async function* batches(): AsyncIterable<UsageBodyRow[]> {
        let batch: UsageBodyRow[] = [];
        for (let line = await lines.next(); !line.done; line = await lines.next()) {
          if (line.value === '') continue;
          batch.push(JSON.parse(line.value) as UsageBodyRow);
          if (batch.length >= NDJSON_BATCH) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length > 0) yield batch;
      }
      return { columns: usageColumns(queryOf(params, head)), head, batches: batches() };
    },
  };
}

/** Every row, streamed a batch at a time (CSV, JSON) or held to align the columns (table). */
async function printAll(reader: UsageReader, params: UsageParams, format: string): Promise<void> {
  const { columns, head, batches } = await reader.all(params);
  const out = new StdoutWriter();
  if (format === 'table') {
    const rows: Cell[][] = [];
    for await (const batch of batches) for (const r of batch) rows.push(columns.map((c) => r[c]));
    await out.write(tableText(head, columns, rows));
  } else if (format === 'csv') {
    await out.write(csvLines([columns]));
    for await (const batch of batches) await out.write(usageCsvLines(columns, batch));
  } else {
    // The body of GET /v1/usage for the same query, written row by row: every row, no next page.
    const headText = JSON.stringify(head);
    await out.write(`${headText.slice(0, -1)},"rows":[`);
    let first = true;
    for await (const batch of batches) {
      const text = batch.map((r) => JSON.stringify(r)).join(',');
      if (text === '') continue;
      await out.write(first ? text : `,${text}`);
      first = false;
    }
    await out.write('],"next_cursor":null}\n');
  }
}

/** The page `--limit`/`--cursor` ask for; when rows remain, stderr says how many were shown and how to go on. */
async function printPage(reader: UsageReader, params: UsageParams, format: string): Promise<void> {
  const { query, body } = await reader.page(params);
  const columns = usageColumns(query);
  const rows = body.rows.map((r) => columns.map((c) => r[c]));
  const out = new StdoutWriter();
  if (format === 'json') await out.write(`${JSON.stringify(body)}\n`);
  else if (format === 'csv') await out.write(csvLines([columns, ...rows]));
  else await out.write(tableText(body, columns, rows));
  if (body.next_cursor)
    process.stderr.write(
      `tally report: ${rows.length} rows shown, more remain (--limit ${query.limit}); next page: --cursor ${body.next_cursor}\n`,
    );
}

function tableText(head: UsageHead, columns: string[], rows: Cell[][]): string {
  const title = `${head.account}  ${head.from} .. ${head.to}  (${head.tz}, ${head.granularity})\n\n`;
  return `${title}${rows.length > 0 ? formatTable(columns, rows) : '(no usage in this window)'}\n`;
}
