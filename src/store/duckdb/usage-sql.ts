/**
 * Builds the one SQL statement that answers a UsageQuery on DuckDB. Values are always bound
 * parameters; column names come only from the dimension and metric allow-lists.
 *
 * Windows arrive as two parallel lists (starts, ends) and are joined by range, so every
 * granularity in every time zone is the same statement. `unique_viewers` is an exact
 * COUNT(DISTINCT) over the viewer rows of each window and group, never a sum of bucket counts.
 */
import { BIGINT, type DuckDBType, type DuckDBValue, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { Dimension } from '../../domain/dimensions.js';
import {
  isBilledMetric,
  isMeterMetric,
  METER_DIMENSION,
  type MeterMetric,
  type SummedMetric,
} from '../../domain/metrics.js';
import type { TimeWindow } from '../../domain/time-window.js';
import type { UsageQuery } from '../../domain/usage-query.js';

/** SQL for each summed metric over the rollup table `d`. */
export const METRIC_SQL: Record<SummedMetric, string> = {
  requests: 'sum(d.requests)::BIGINT',
  ok_requests: 'sum(d.ok_requests)::BIGINT',
  client_errors: 'sum(d.client_errors)::BIGINT',
  auth_failures: 'sum(d.auth_failures)::BIGINT',
  server_errors: 'sum(d.server_errors)::BIGINT',
  bytes_out: 'sum(d.bytes_out)::BIGINT',
  bytes_in: 'sum(d.bytes_in)::BIGINT',
  view_seconds: 'sum(d.view_seconds)::DOUBLE',
  commands: 'sum(d.commands)::BIGINT',
  starts: 'sum(d.starts)::BIGINT',
};

/** SQL for each meter metric over the meters table `d` (the meter's name is bound, never spliced). */
function meterSql(metric: MeterMetric, name: string): string {
  return metric === 'storage_peak_bytes'
    ? `max(d.value) FILTER (WHERE d.meter = ${name})::DOUBLE`
    : `sum(d.value) FILTER (WHERE d.meter = ${name})::DOUBLE`;
}

export interface BuiltSql {
  sql: string;
  params: DuckDBValue[];
  types: DuckDBType[];
}

/** Where each dimension lives: the cells dictionary `c`, or the sources table `s`. */
function column(dimension: Dimension): string {
  return dimension === 'source' ? 's.id' : `c.${dimension}`;
}

/**
 * `paged` (the default) reads the query's page: `limit + 1` rows from `offset`, so the caller can
 * tell whether more remain. Unpaged reads every row, for readers that stream or need them all.
 */
export function buildUsageSql(
  query: UsageQuery,
  windows: readonly TimeWindow[],
  { paged = true }: { paged?: boolean } = {},
): BuiltSql {
  const params: DuckDBValue[] = [];
  const types: DuckDBType[] = [];
  const bind = (value: DuckDBValue, type: DuckDBType): string => {
    params.push(value);
    types.push(type);
    return `$${params.length}`;
  };

  const starts = bind(listValue(windows.map((w) => BigInt(w.start))), LIST(BIGINT));
  const ends = bind(listValue(windows.map((w) => BigInt(w.end))), LIST(BIGINT));
  // Every parameter bound must be used by the statement: these serve every part alike.
  const accounts = bind(listValue([query.account, ...query.alsoAccounts]), LIST(VARCHAR));
  const lo = bind(BigInt(query.from), BIGINT);
  const hi = bind(BigInt(query.to), BIGINT);
  const dims = query.groupBy;
  const filters = Object.entries(query.filters) as [Dimension, string[]][];
  const inList = (values: string[]) => values.map((v) => bind(v, VARCHAR)).join(', ');
  // Bound on first use: DuckDB refuses a parameter the statement does not use (meters-only queries).
  let cellWhere: string | undefined;
  const cellWhereSql = (): string => {
    if (cellWhere === undefined) {
      const terms = [`list_contains(${accounts}, c.account)`, `d.bucket >= ${lo}`, `d.bucket < ${hi}`];
      for (const [dimension, values] of filters) terms.push(`${column(dimension)} IN (${inList(values)})`);
      cellWhere = terms.join(' AND ');
    }
    return cellWhere;
  };

  const needsSources = dims.includes('source') || query.filters.source !== undefined;
  const dimSelect = dims.map((d) => `, ${column(d)} AS ${d}`).join('');
  const dimGroup = dims.map((d) => `, ${column(d)}`).join('');
  const windowTable = `w AS (SELECT unnest(${starts}) AS ws, unnest(${ends}) AS we)`;
  const fromCells = (table: string, sources: boolean) =>
    `${table} d JOIN cells c ON c.cell = d.cell${sources ? ' JOIN sources s ON s.seq = d.source' : ''} JOIN w ON d.bucket >= w.ws AND d.bucket < w.we`;

  const meters = query.metrics.filter(isMeterMetric);
  const billed = query.metrics.filter(isBilledMetric);
  const delivery = query.metrics.filter((m) => !isMeterMetric(m) && !isBilledMetric(m));
  const summed = delivery.filter((m): m is SummedMetric => m !== 'unique_viewers');

  // Each part is a table (ws, we, dims..., its metrics); the result joins them on window and dims.
  const ctes = [windowTable];
  const parts: string[] = [];
  if (summed.length > 0) {
    ctes.push(`r AS (SELECT w.ws, w.we${dimSelect}${summed.map((m) => `, ${METRIC_SQL[m]} AS ${m}`).join('')}
    FROM ${fromCells('delivery_rollups', needsSources)} WHERE ${cellWhereSql()} GROUP BY w.ws, w.we${dimGroup})`);
    parts.push('r');
  }
  if (delivery.includes('unique_viewers')) {
    ctes.push(`v AS (SELECT w.ws, w.we${dimSelect}, count(DISTINCT d.viewer)::BIGINT AS unique_viewers
    FROM ${fromCells('viewers', needsSources)} WHERE ${cellWhereSql()} GROUP BY w.ws, w.we${dimGroup})`);
    parts.push('v');
  }
  if (billed.length > 0) {
    ctes.push(`b AS (SELECT w.ws, w.we${dimSelect}, sum(d.bytes_out)::BIGINT AS billed_bytes_out
    FROM ${fromCells('billed_rollups', false)} WHERE ${cellWhereSql()} GROUP BY w.ws, w.we${dimGroup})`);
    parts.push('b');
  }
  if (meters.length > 0) {
    // Meters have one dimension, target (their subject); UsageQuery refuses any other.
    const meterWhere = [`list_contains(${accounts}, d.account)`, `d.bucket >= ${lo}`, `d.bucket < ${hi}`];
    const targets = query.filters[METER_DIMENSION];
    if (targets !== undefined) meterWhere.push(`d.subject IN (${inList(targets)})`);
    const byTarget = dims.includes(METER_DIMENSION);
    const columns = meters.map((m) => `, ${meterSql(m, bind(m, VARCHAR))} AS ${m}`).join('');
    ctes.push(`m AS (SELECT w.ws, w.we${byTarget ? ', d.subject AS target' : ''}${columns}
    FROM meters d JOIN w ON d.bucket >= w.ws AND d.bucket < w.we
    WHERE ${meterWhere.join(' AND ')} GROUP BY w.ws, w.we${byTarget ? ', d.subject' : ''})`);
    parts.push('m');
  }

  // FULL JOIN ... USING merges the key columns, so a row exists wherever any part has one.
  const keys = ['ws', 'we', ...dims].join(', ');
  // Viewer rows exist only beside rollup rows (same cell and bucket), so they join to them with a
  // cheaper LEFT JOIN; the other parts have rows of their own.
  const joinOf = (p: string) => (p === 'v' && parts[0] === 'r' ? 'LEFT JOIN' : 'FULL OUTER JOIN');
  const base = parts.map((p, i) => (i === 0 ? p : `${joinOf(p)} ${p} USING (${keys})`)).join(' ');
  const metricColumn = (m: (typeof query.metrics)[number]): string => {
    // A meter's FILTER over no matching rows is NULL even in a single part.
    if (parts.length === 1 && !isMeterMetric(m)) return m;
    return isMeterMetric(m) || m === 'view_seconds'
      ? `coalesce(${m}, 0)::DOUBLE AS ${m}`
      : `coalesce(${m}, 0)::BIGINT AS ${m}`;
  };
  const select = ['ws', 'we', ...dims, ...query.metrics.map(metricColumn)].join(', ');

  const order: string[] = [];
  for (const term of query.orderBy) {
    const field = term.field === 'window_start' ? 'ws' : term.field;
    order.push(`t.${field} ${term.descending ? 'DESC' : 'ASC'}`);
  }
  // The default order is always the tie-breaker, so pages are stable.
  order.push('t.ws ASC', ...dims.map((d) => `t.${d} ASC`));

  const page = paged
    ? ` LIMIT ${bind(BigInt(query.limit + 1), BIGINT)} OFFSET ${bind(BigInt(query.offset), BIGINT)}`
    : '';
  const sql = `WITH ${ctes.join(', ')}
SELECT * FROM (SELECT ${select} FROM ${base}) t ORDER BY ${order.join(', ')}${page}`;
  return { sql, params, types };
}
