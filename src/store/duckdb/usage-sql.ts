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
import { isMeterMetric, type MeterMetric, type SummedMetric } from '../../domain/metrics.js';
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
  // Every parameter bound must be used by the statement: these three serve deliveries and meters alike.
  const account = bind(query.account, VARCHAR);
  const lo = bind(BigInt(query.from), BIGINT);
  const hi = bind(BigInt(query.to), BIGINT);
  const where = [`c.account = ${account}`, `d.bucket >= ${lo}`, `d.bucket < ${hi}`];
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

  const meters = query.metrics.filter(isMeterMetric);
  const delivery = query.metrics.filter((m) => !isMeterMetric(m));
  const summed = delivery.filter((m): m is SummedMetric => m !== 'unique_viewers');
  const wantsViewers = delivery.includes('unique_viewers');
  const wantsRollups = delivery.length > 0;
  const ctes = [windowTable];
  if (wantsRollups) {
    ctes.push(`r AS (SELECT w.ws, w.we${dimSelect}${summed.map((m) => `, ${METRIC_SQL[m]} AS ${m}`).join('')}
    FROM ${from('delivery_rollups')} WHERE ${whereSql} GROUP BY w.ws, w.we${dimGroup})`);
  }
  if (wantsViewers) {
    ctes.push(`v AS (SELECT w.ws${dimSelect}, count(DISTINCT d.viewer)::BIGINT AS unique_viewers
    FROM ${from('viewers')} WHERE ${whereSql} GROUP BY w.ws${dimGroup})`);
  }
  if (meters.length > 0) {
    // Meters have no dimensions (UsageQuery refuses group_by and filters with them): per account and window.
    const columns = meters.map((m) => `, ${meterSql(m, bind(m, VARCHAR))} AS ${m}`).join('');
    ctes.push(`m AS (SELECT w.ws, w.we${columns}
    FROM meters d JOIN w ON d.bucket >= w.ws AND d.bucket < w.we
    WHERE d.account = ${account} AND d.bucket >= ${lo} AND d.bucket < ${hi} GROUP BY w.ws, w.we)`);
  }

  // The rows of the result, as table t: deliveries (r, with v), meters (m), or both joined by window.
  const metricColumn = (m: (typeof query.metrics)[number]): string => {
    if (isMeterMetric(m)) return wantsRollups ? `coalesce(m.${m}, 0)::DOUBLE AS ${m}` : `m.${m}`;
    if (m === 'unique_viewers') return 'coalesce(v.unique_viewers, 0)::BIGINT AS unique_viewers';
    return meters.length > 0 ? `coalesce(r.${m}, 0) AS ${m}` : `r.${m}`;
  };
  let base: string;
  let ws: string;
  let we: string;
  if (!wantsRollups) {
    base = 'm';
    ws = 'm.ws';
    we = 'm.we';
  } else if (meters.length === 0) {
    base = 'r';
    ws = 'r.ws';
    we = 'r.we';
  } else {
    base = 'r FULL OUTER JOIN m ON m.ws = r.ws';
    ws = 'coalesce(r.ws, m.ws)';
    we = 'coalesce(r.we, m.we)';
  }
  const join = wantsViewers
    ? ` LEFT JOIN v ON v.ws = ${ws}${dims.map((d) => ` AND v.${d} = r.${d}`).join('')}`
    : '';
  const select = [
    `${ws} AS ws`,
    `${we} AS we`,
    ...dims.map((d) => `r.${d} AS ${d}`),
    ...query.metrics.map(metricColumn),
  ].join(', ');

  const order: string[] = [];
  for (const term of query.orderBy) {
    const field = term.field === 'window_start' ? 'ws' : term.field;
    order.push(`t.${field} ${term.descending ? 'DESC' : 'ASC'}`);
  }
  // The default order is always the tie-breaker, so pages are stable.
  order.push('t.ws ASC', ...dims.map((d) => `t.${d} ASC`));

  const limit = bind(BigInt(query.limit + 1), BIGINT);
  const offset = bind(BigInt(query.offset), BIGINT);
  const sql = `WITH ${ctes.join(', ')}
SELECT * FROM (SELECT ${select} FROM ${base}${join}) t ORDER BY ${order.join(', ')} LIMIT ${limit} OFFSET ${offset}`;
  return { sql, params, types };
}
