/** `tally report`: the same query as `GET /v1/usage`, printed as a table, JSON (the API body) or CSV. */
import type { Command } from 'commander';
import { badParameter } from '../domain/errors.js';
import type { UsageParams } from '../domain/usage-query.js';
import { runUsageQuery } from '../query/run-usage-query.js';
import { type CommonOptions, withContext } from './context.js';
import { formatCsv, formatTable } from './output.js';

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
    .option('--limit <n>', 'rows per page (default 1000)')
    .option('--cursor <cursor>', 'next page (from a previous next_cursor)')
    .action(async (flags: ReportFlags) => {
      if (!['table', 'json', 'csv'].includes(flags.format))
        throw badParameter('--format', `'${flags.format}' is not table, json or csv`);
      await withContext(flags, async ({ store }) => {
        const { query, body } = await runUsageQuery(store, reportParams(flags));
        if (flags.format === 'json') {
          process.stdout.write(`${JSON.stringify(body)}\n`);
          return;
        }
        const columns = ['window_start', 'window_end', ...query.groupBy, ...query.metrics];
        const rows = body.rows.map((r) => columns.map((c) => r[c]));
        if (flags.format === 'csv') {
          process.stdout.write(`${formatCsv(columns, rows)}\r\n`);
          return;
        }
        process.stdout.write(
          `${body.account}  ${body.from} .. ${body.to}  (${body.tz}, ${body.granularity})\n\n`,
        );
        process.stdout.write(
          `${rows.length > 0 ? formatTable(columns, rows) : '(no usage in this window)'}\n`,
        );
        if (body.next_cursor) process.stdout.write(`\nmore rows: add --cursor ${body.next_cursor}\n`);
      });
    });
}
