// The SQL builder, table-driven: for each query shape the exact statement (whitespace aside), the
// bound parameters in order and their types. A change to the SQL shows here line by line, and a
// value is never spliced into the statement: every one is a $n.
import { describe, expect, test } from 'vitest';
import type { UsageQuery } from '../../domain/usage-query.js';
import { buildUsageSql } from './usage-sql.js';

const DAY = { start: Date.UTC(2024, 6, 1), end: Date.UTC(2024, 6, 2) };
const base: UsageQuery = {
  account: 'acme',
  alsoAccounts: [],
  from: DAY.start,
  to: DAY.end,
  tz: 'UTC',
  granularity: 'total',
  groupBy: [],
  metrics: ['requests', 'bytes_out'],
  filters: {},
  orderBy: [],
  limit: 1000,
  offset: 0,
};

const FROM_DELIVERY =
  'FROM delivery_rollups d JOIN cells c ON c.cell = d.cell JOIN w ON d.bucket >= w.ws AND d.bucket < w.we';
const WINDOWS = 'WITH w AS (SELECT unnest($1) AS ws, unnest($2) AS we)';
const IN_RANGE = 'list_contains($3, c.account) AND d.bucket >= $4 AND d.bucket < $5';
const FIRST_PARAMS = [[BigInt(DAY.start)], [BigInt(DAY.end)], ['acme'], BigInt(DAY.start), BigInt(DAY.end)];
const FIRST_TYPES = ['BIGINT[]', 'BIGINT[]', 'VARCHAR[]', 'BIGINT', 'BIGINT'];

const cases: {
  name: string;
  query: UsageQuery;
  paged: boolean;
  sql: string;
  params: unknown[];
  types: string[];
}[] = [
  {
    name: 'a total of summed metrics, one page',
    query: base,
    paged: true,
    sql: `${WINDOWS}, r AS (SELECT w.ws, w.we, sum(d.requests)::BIGINT AS requests, sum(d.bytes_out)::BIGINT AS bytes_out
      ${FROM_DELIVERY} WHERE ${IN_RANGE} GROUP BY w.ws, w.we)
      SELECT * FROM (SELECT ws, we, requests, bytes_out FROM r) t ORDER BY t.ws ASC LIMIT $6 OFFSET $7`,
    params: [...FIRST_PARAMS, 1001n, 0n],
    types: [...FIRST_TYPES, 'BIGINT', 'BIGINT'],
  },
  {
    name: 'by resource, filtered by app, with exact unique viewers beside the sums',
    query: {
      ...base,
      groupBy: ['resource'],
      metrics: ['bytes_out', 'unique_viewers'],
      filters: { app: ['news', 'vod'] },
    },
    paged: true,
    sql: `${WINDOWS}, r AS (SELECT w.ws, w.we, c.resource AS resource, sum(d.bytes_out)::BIGINT AS bytes_out
      ${FROM_DELIVERY} WHERE ${IN_RANGE} AND c.app IN ($6, $7) GROUP BY w.ws, w.we, c.resource),
      v AS (SELECT w.ws, w.we, c.resource AS resource, count(DISTINCT d.viewer)::BIGINT AS unique_viewers
      FROM viewers d JOIN cells c ON c.cell = d.cell JOIN w ON d.bucket >= w.ws AND d.bucket < w.we
      WHERE ${IN_RANGE} AND c.app IN ($6, $7) GROUP BY w.ws, w.we, c.resource)
      SELECT * FROM (SELECT ws, we, resource, coalesce(bytes_out, 0)::BIGINT AS bytes_out,
      coalesce(unique_viewers, 0)::BIGINT AS unique_viewers FROM r LEFT JOIN v USING (ws, we, resource)) t
      ORDER BY t.ws ASC, t.resource ASC LIMIT $8 OFFSET $9`,
    params: [...FIRST_PARAMS, 'news', 'vod', 1001n, 0n],
    types: [...FIRST_TYPES, 'VARCHAR', 'VARCHAR', 'BIGINT', 'BIGINT'],
  },
  {
    name: 'by source, ordered by a metric, every row',
    query: {
      ...base,
      groupBy: ['source'],
      metrics: ['requests'],
      orderBy: [{ field: 'requests', descending: true }],
    },
    paged: false,
    sql: `${WINDOWS}, r AS (SELECT w.ws, w.we, s.id AS source, sum(d.requests)::BIGINT AS requests
      FROM delivery_rollups d JOIN cells c ON c.cell = d.cell JOIN sources s ON s.seq = d.source
      JOIN w ON d.bucket >= w.ws AND d.bucket < w.we WHERE ${IN_RANGE} GROUP BY w.ws, w.we, s.id)
      SELECT * FROM (SELECT ws, we, source, requests FROM r) t ORDER BY t.requests DESC, t.ws ASC, t.source ASC`,
    params: FIRST_PARAMS,
    types: FIRST_TYPES,
  },
  {
    name: 'billed bytes and a meter by target, the meter name bound, never spliced',
    query: {
      ...base,
      groupBy: ['target'],
      metrics: ['billed_bytes_out', 'storage_peak_bytes'],
      filters: { target: ['t1'] },
    },
    paged: false,
    sql: `${WINDOWS}, b AS (SELECT w.ws, w.we, c.target AS target, sum(d.bytes_out)::BIGINT AS billed_bytes_out
      FROM billed_rollups d JOIN cells c ON c.cell = d.cell JOIN w ON d.bucket >= w.ws AND d.bucket < w.we
      WHERE ${IN_RANGE} AND c.target IN ($6) GROUP BY w.ws, w.we, c.target),
      m AS (SELECT w.ws, w.we, d.subject AS target, max(d.value) FILTER (WHERE d.meter = $8)::DOUBLE AS storage_peak_bytes
      FROM meters d JOIN w ON d.bucket >= w.ws AND d.bucket < w.we
      WHERE list_contains($3, d.account) AND d.bucket >= $4 AND d.bucket < $5 AND d.subject IN ($7)
      GROUP BY w.ws, w.we, d.subject)
      SELECT * FROM (SELECT ws, we, target, coalesce(billed_bytes_out, 0)::BIGINT AS billed_bytes_out,
      coalesce(storage_peak_bytes, 0)::DOUBLE AS storage_peak_bytes FROM b FULL OUTER JOIN m USING (ws, we, target)) t
      ORDER BY t.ws ASC, t.target ASC`,
    params: [...FIRST_PARAMS, 't1', 't1', 'storage_peak_bytes'],
    types: [...FIRST_TYPES, 'VARCHAR', 'VARCHAR', 'VARCHAR'],
  },
];

/** One space for every run of whitespace, none after `(` or before `)`. */
const flat = (sql: string) => sql.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();

/** A bound value as plain data: lists as arrays. */
const plain = (value: unknown) =>
  typeof value === 'object' && value !== null && 'items' in value
    ? (value as { items: unknown[] }).items
    : value;

describe('buildUsageSql', () => {
  test.each(cases)('$name', ({ query, paged, sql, params, types }) => {
    const built = buildUsageSql(query, [DAY], { paged });
    expect(flat(built.sql)).toBe(flat(sql));
    expect(built.params.map(plain)).toEqual(params);
    expect(built.types.map((t) => t.toString())).toEqual(types);
    // Every value is bound: none of the names, filter values or numbers appear in the text.
    for (const value of params.flat())
      if (typeof value === 'string') expect(built.sql).not.toContain(`'${value}'`);
  });
});
