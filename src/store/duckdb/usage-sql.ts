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
import type { SummedMetric } from '../../domain/metrics.js';
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

export interface BuiltSql {
  sql: string;
  params: DuckDBValue[];
  types: DuckDBType[];
}

/** Where each dimension lives: the cells dictionary `c`, or the sources table `s`. */
function column(dimension: Dimension): string {
  return dimension === 'source' ? 's.id' : `c.${dimension}`;
}

export function buildUsageSql(query: UsageQuery, windows: readonly TimeWindow[]): BuiltSql {
  const params: DuckDBValue[] = [];
  const types: DuckDBType[] = [];
  const bind = (value: DuckDBValue, type: DuckDBType): string => {
    params.push(value);
    types.push(type);
    return `$${params.length}`;
  };

  const starts = bind(listValue(windows.map((w) => BigInt(w.start))), LIST(BIGINT));
  const ends = bind(listValue(windows.map((w) => BigInt(w.end))), LIST(BIGINT));
  const where = [
    `c.account = ${bind(query.account, VARCHAR)}`,
    `d.bucket >= ${bind(BigInt(query.from), BIGINT)}`,
    `d.bucket < ${bind(BigInt(query.to), BIGINT)}`,
  ];
  for (const [dimension, values] of Object.entries(query.filters) as [Dimension, string[]][]) {
    where.push(`${column(dimension)} IN (${values.map((v) => bind(v, VARCHAR)).join(', ')})`);
  }

  const dims = query.groupBy;
  const needsSources = dims.includes('source') || query.filters.source !== undefined;
  const dimSelect = dims.map((d) => `, ${column(d)} AS ${d}`).join('');
  const dimGroup = dims.map((d) => `, ${column(d)}`).join('');
  const windowTable = `w AS (SELECT unnest(${starts}) AS ws, unnest(${ends}) AS we)`;
  const from = (table: string) =>
    `${table} d JOIN cells c ON c.cell = d.cell${needsSources ? ' JOIN sources s ON s.seq = d.source' : ''} JOIN w ON d.bucket >= w.ws AND d.bucket < w.we`;
  const whereSql = where.join(' AND ');

  const summed = query.metrics.filter((m): m is SummedMetric => m !== 'unique_viewers');
  const wantsViewers = query.metrics.includes('unique_viewers');
  const rollupCte = `r AS (SELECT w.ws, w.we${dimSelect}${summed.map((m) => `, ${METRIC_SQL[m]} AS ${m}`).join('')}
    FROM ${from('delivery_rollups')} WHERE ${whereSql} GROUP BY w.ws, w.we${dimGroup})`;
  const viewerCte = `v AS (SELECT w.ws${dimSelect}, count(DISTINCT d.viewer)::BIGINT AS unique_viewers
    FROM ${from('viewers')} WHERE ${whereSql} GROUP BY w.ws${dimGroup})`;

  const select = [
    'r.ws',
    'r.we',
    ...dims.map((d) => `r.${d}`),
    ...query.metrics.map((m) =>
      m === 'unique_viewers' ? 'coalesce(v.unique_viewers, 0)::BIGINT AS unique_viewers' : `r.${m}`,
    ),
  ].join(', ');
  const join = wantsViewers
    ? ` LEFT JOIN v ON v.ws = r.ws${dims.map((d) => ` AND v.${d} = r.${d}`).join('')}`
    : '';

  const order: string[] = [];
  for (const term of query.orderBy) {
    const field =
      term.field === 'window_start'
        ? 'r.ws'
        : term.field === 'unique_viewers'
          ? 'unique_viewers'
          : `r.${term.field}`;
    order.push(`${field} ${term.descending ? 'DESC' : 'ASC'}`);
  }
  // The default order is always the tie-breaker, so pages are stable.
  order.push('r.ws ASC', ...dims.map((d) => `r.${d} ASC`));

  const limit = bind(BigInt(query.limit + 1), BIGINT);
  const offset = bind(BigInt(query.offset), BIGINT);
  const sql = `WITH ${windowTable}, ${rollupCte}${wantsViewers ? `, ${viewerCte}` : ''}
SELECT ${select} FROM r${join} ORDER BY ${order.join(', ')} LIMIT ${limit} OFFSET ${offset}`;
  return { sql, params, types };
}
