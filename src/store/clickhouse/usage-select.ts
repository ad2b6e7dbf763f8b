/**
 * Builds the one SELECT that answers a UsageQuery on ClickHouse. Values enter the text only
 * through sql-literal.ts; column names come only from the dimension and metric allow-lists.
 *
 * ClickHouse 18.16 has no query parameters, no range joins and no lambdas that read a column
 * inside an aggregation, so:
 * - each row's window is computed as a 1-based index `w` into the query's windows: one window is
 *   1, windows of one length (hours, days in a fixed-offset zone) are arithmetic, and any others
 *   (months, days across a DST change) are the first window whose end is past the bucket;
 *   the caller maps `w` back to the window;
 * - the parts (deliveries, billed bytes, meters) are each grouped, then put together with
 *   UNION ALL and grouped once more (every metric comes from one part, the others give 0), where
 *   DuckDB uses full outer joins.
 * `unique_viewers` is uniqExact over the viewer arrays of every row in the window and group, across
 * shards (their states merge exactly), never a sum of per-bucket or per-shard counts.
 */
import type { Dimension } from '../../domain/dimensions.js';
import {
  isBilledMetric,
  isMeterMetric,
  METER_DIMENSION,
  type Metric,
  type SummedMetric,
} from '../../domain/metrics.js';
import type { TimeWindow } from '../../domain/time-window.js';
import type { UsageQuery } from '../../domain/usage-query.js';
import type { ClickHouseLayout } from './clickhouse-layout.js';
import { int64Literal, stringLiteral } from './sql-literal.js';

/** Metrics read as doubles; every other metric is a 64-bit integer. */
function isDouble(metric: Metric): boolean {
  return metric === 'view_seconds' || isMeterMetric(metric);
}

function zero(metric: Metric): string {
  return isDouble(metric) ? 'toFloat64(0)' : 'toInt64(0)';
}

/** A metric's expression over the rows of the deliveries table. */
function deliverySql(metric: SummedMetric | 'unique_viewers'): string {
  if (metric === 'unique_viewers') return 'toInt64(uniqExactArray(viewers))';
  if (metric === 'view_seconds') return 'toFloat64(sum(view_seconds))';
  return `toInt64(sum(${metric}))`;
}

/** The 1-based index of the window each row's `bucket` falls in (windows are consecutive). */
export function windowIndexSql(windows: readonly TimeWindow[]): string {
  const first = windows[0];
  if (first === undefined || windows.length === 1) return 'toUInt32(1)';
  const length = first.end - first.start;
  if (windows.every((w) => w.end - w.start === length))
    return `toUInt32(intDiv(bucket - ${int64Literal(first.start)}, ${int64Literal(length)}) + 1)`;
  // Every element typed alike: a Distributed table re-reads the literal on each shard.
  const ends = windows.map((w) => `toInt64(${int64Literal(w.end)})`).join(', ');
  return `toUInt32(arrayFirstIndex((e, b) -> b < e, [${ends}], arrayResize(emptyArrayInt64(), ${windows.length}, bucket)))`;
}

function inList(values: readonly string[]): string {
  return values.map(stringLiteral).join(', ');
}

/**
 * `paged` (the default) reads the query's page: `limit + 1` rows from `offset`, so the caller can
 * tell whether more remain. Unpaged reads every row.
 */
export function buildUsageSelect(
  layout: ClickHouseLayout,
  query: UsageQuery,
  windows: readonly TimeWindow[],
  { paged = true }: { paged?: boolean } = {},
): string {
  const dims = query.groupBy;
  const metrics = query.metrics;
  const w = windowIndexSql(windows);
  const accounts = inList([query.account, ...query.alsoAccounts]);
  const range = `bucket >= ${int64Literal(query.from)} AND bucket < ${int64Literal(query.to)}`;
  const filters = Object.entries(query.filters) as [Dimension, string[]][];
  const cellWhere = [
    `account IN (${accounts})`,
    range,
    ...filters.map(([d, v]) => `${d} IN (${inList(v)})`),
  ].join(' AND ');
  const dimList = dims.map((d) => `, ${d}`).join('');

  const meters = metrics.filter(isMeterMetric);
  const billed = metrics.filter(isBilledMetric);
  const delivery = metrics.filter((m) => !isMeterMetric(m) && !isBilledMetric(m));

  /**
   * One part's SELECT list: every metric of the query, its own computed, the rest 0. The names
   * are prefixed: ClickHouse resolves an alias anywhere in its SELECT, so `0 AS bytes_out` would
   * turn the billed part's `sum(bytes_out)` into a sum of zeros.
   */
  const partColumns = (own: (m: Metric) => string | undefined) =>
    metrics.map((m) => `, ${own(m) ?? zero(m)} AS m_${m}`).join('');
  // GROUP BY a constant (one window) gives a row of zeros for no rows on 18.16: HAVING drops it.
  const grouped = (keys: string) => `GROUP BY ${keys} HAVING count() > 0`;
  const parts: string[] = [];
  if (delivery.length > 0) {
    const own = (m: Metric) =>
      isMeterMetric(m) || isBilledMetric(m) ? undefined : deliverySql(m as SummedMetric | 'unique_viewers');
    parts.push(`SELECT ${w} AS w${dimList}${partColumns(own)}
      FROM ${layout.table('deliveries')} WHERE ${cellWhere} ${grouped(`w${dimList}`)}`);
  }
  if (billed.length > 0) {
    const own = (m: Metric) => (isBilledMetric(m) ? 'toInt64(sum(bytes_out))' : undefined);
    parts.push(`SELECT ${w} AS w${dimList}${partColumns(own)}
      FROM ${layout.table('billed')} WHERE ${cellWhere} ${grouped(`w${dimList}`)}`);
  }
  if (meters.length > 0) {
    // Meters have one dimension, target (their subject); UsageQuery refuses any other.
    const where = [`account IN (${accounts})`, range];
    const targets = query.filters[METER_DIMENSION];
    if (targets !== undefined) where.push(`subject IN (${inList(targets)})`);
    const byTarget = dims.includes(METER_DIMENSION);
    const own = (m: Metric) => {
      if (!isMeterMetric(m)) return undefined;
      const name = stringLiteral(m);
      return m === 'storage_peak_bytes'
        ? `toFloat64(maxIf(value, meter = ${name}))`
        : `toFloat64(sumIf(value, meter = ${name}))`;
    };
    parts.push(`SELECT ${w} AS w${byTarget ? ', subject AS target' : ''}${partColumns(own)}
      FROM ${layout.table('meters')} WHERE ${where.join(' AND ')} ${grouped(`w${byTarget ? ', subject' : ''}`)}`);
  }

  const order: string[] = [];
  for (const term of query.orderBy) {
    const field = term.field === 'window_start' ? 'w' : term.field;
    order.push(`${field} ${term.descending ? 'DESC' : 'ASC'}`);
  }
  // The default order is always the tie-breaker, so pages are stable.
  order.push('w ASC', ...dims.map((d) => `${d} ASC`));
  const page = paged ? ` LIMIT ${int64Literal(query.offset)}, ${int64Literal(query.limit + 1)}` : '';

  // One part is only renamed; several are put together, each metric coming from one part while
  // the others add 0 (a peak's max is kept by a sum over one non-zero row).
  if (parts.length === 1) {
    const renamed = metrics.map((m) => `, m_${m} AS ${m}`).join('');
    return `SELECT w${dimList}${renamed} FROM (${parts[0]}) ORDER BY ${order.join(', ')}${page}`;
  }
  const summed = metrics
    .map((m) => `, ${isDouble(m) ? 'toFloat64' : 'toInt64'}(sum(m_${m})) AS ${m}`)
    .join('');
  return `SELECT w${dimList}${summed} FROM (${parts.join(' UNION ALL ')})
    GROUP BY w${dimList} ORDER BY ${order.join(', ')}${page}`;
}
