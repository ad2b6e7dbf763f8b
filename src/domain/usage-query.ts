/**
 * UsageQuery: the one question every reader asks the store. `parseUsageQuery` turns the flat
 * parameters shared by `GET /v1/usage` and `tally report` into a validated query; every problem
 * is a 400 that names its parameter.
 */
import { DIMENSIONS, type Dimension, isDimension } from './dimensions.js';
import { AppError, badParameter } from './errors.js';
import {
  DEFAULT_METRICS,
  isBilledMetric,
  isMeterMetric,
  isMetric,
  METER_DIMENSION,
  type Metric,
} from './metrics.js';
import {
  BUCKET_MS,
  checkTimeZone,
  GRANULARITIES,
  type Granularity,
  isGranularity,
  parseInstant,
} from './time-window.js';

export interface OrderTerm {
  /** `window_start`, a group-by dimension or a requested metric. */
  field: string;
  descending: boolean;
}

export interface UsageQuery {
  account: string;
  /**
   * Further accounts whose usage is counted with `account`'s (Ooyala's `includeSubAccounts`): one
   * window, one distinct viewer count over all of them. Empty for every other reader.
   */
  alsoAccounts: string[];
  from: number;
  to: number;
  tz: string;
  granularity: Granularity;
  groupBy: Dimension[];
  metrics: Metric[];
  filters: Partial<Record<Dimension, string[]>>;
  orderBy: OrderTerm[];
  limit: number;
  offset: number;
}

/** The flat parameters of `GET /v1/usage` (also what `tally report` flags become). */
export type UsageParams = Partial<Record<string, string>>;

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 100_000;

const RESERVED = new Set([
  'account',
  'from',
  'to',
  'tz',
  'granularity',
  'group_by',
  'metrics',
  'limit',
  'cursor',
  'order_by',
]);

function list(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseBoundary(params: UsageParams, name: 'from' | 'to', tz: string): number {
  const text = params[name];
  if (text === undefined || text === '') throw badParameter(name, 'is required');
  const ms = parseInstant(text, tz, name);
  if (ms % BUCKET_MS !== 0) {
    throw badParameter(
      name,
      `'${text}' is not on a 15-minute boundary (usage is stored in 15-minute buckets)`,
    );
  }
  return ms;
}

/**
 * Validates the parameters of a usage query. `defaultTz` is the account's time zone, used when
 * `tz` is absent. Unknown parameters are refused rather than ignored, so a typo in a filter
 * never silently widens a query.
 */
export function parseUsageQuery(
  params: UsageParams,
  defaultTz: string,
  options: { alsoAccounts?: string[] } = {},
): UsageQuery {
  const account = params.account?.trim();
  if (!account) throw badParameter('account', 'is required');

  const tz = checkTimeZone(params.tz?.trim() || defaultTz, 'tz');
  const from = parseBoundary(params, 'from', tz);
  const to = parseBoundary(params, 'to', tz);
  if (from >= to) throw badParameter('from', `must be before to (${params.from} >= ${params.to})`);

  const granularityText = params.granularity?.trim() || 'total';
  if (!isGranularity(granularityText)) {
    throw badParameter(
      'granularity',
      `unknown granularity '${granularityText}' (one of ${GRANULARITIES.join(', ')})`,
    );
  }

  const groupBy: Dimension[] = [];
  for (const name of list(params.group_by)) {
    if (!isDimension(name))
      throw badParameter('group_by', `unknown dimension '${name}' (one of ${DIMENSIONS.join(', ')})`);
    if (!groupBy.includes(name)) groupBy.push(name);
  }

  const metricNames = list(params.metrics);
  const metrics: Metric[] = [];
  for (const name of metricNames) {
    if (!isMetric(name)) throw badParameter('metrics', `unknown metric '${name}'`);
    if (!metrics.includes(name)) metrics.push(name);
  }
  if (metrics.length === 0) metrics.push(...DEFAULT_METRICS);

  const filters: Partial<Record<Dimension, string[]>> = {};
  for (const [name, value] of Object.entries(params)) {
    if (RESERVED.has(name) || value === undefined) continue;
    if (!isDimension(name)) throw badParameter(name, `unknown parameter or dimension '${name}'`);
    // A filter value may be '' (e.g. country= for "unknown country"), so split without dropping empties.
    filters[name] = value.split(',').map((v) => v.trim());
  }

  const orderBy: OrderTerm[] = list(params.order_by).map((term) =>
    term.startsWith('-') ? { field: term.slice(1), descending: true } : { field: term, descending: false },
  );
  const query = usageQueryOf({
    account,
    alsoAccounts: options.alsoAccounts ?? [],
    from,
    to,
    tz,
    granularity: granularityText,
    groupBy,
    metrics,
    filters,
    orderBy,
  });

  let limit = DEFAULT_LIMIT;
  if (params.limit !== undefined && params.limit !== '') {
    limit = Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw badParameter('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
    }
  }

  query.limit = limit;
  if (params.cursor) query.offset = decodeCursor(params.cursor, query);
  return query;
}

/**
 * A usage question in typed form: instants in milliseconds, lists of dimensions and metrics. What
 * internal readers (the compatible APIs) ask, and what `parseUsageQuery` makes of parameters.
 */
export interface UsageRequest {
  account: string;
  /** Further accounts counted with `account` (Ooyala's includeSubAccounts). */
  alsoAccounts?: string[];
  /** Instants on 15-minute boundaries, `from` before `to`. */
  from: number;
  to: number;
  tz: string;
  granularity: Granularity;
  groupBy?: Dimension[];
  /** At least one. */
  metrics: Metric[];
  filters?: Partial<Record<Dimension, string[]>>;
  orderBy?: OrderTerm[];
}

/**
 * The query of a typed request, checked by the rules every reader shares (meters have only
 * `target`, billed bytes have no `source`, order terms name something asked for). Its limit is
 * the default page; readers of every row ignore it.
 */
export function usageQueryOf(request: UsageRequest): UsageQuery {
  const { from, to } = request;
  const tz = checkTimeZone(request.tz, 'tz');
  for (const [name, ms] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!Number.isInteger(ms) || ms % BUCKET_MS !== 0)
      throw badParameter(name, `${ms} is not an instant on a 15-minute boundary`);
  }
  if (from >= to) throw badParameter('from', `must be before to (${from} >= ${to})`);
  if (request.metrics.length === 0) throw badParameter('metrics', 'at least one metric is required');
  const groupBy = request.groupBy ?? [];
  const metrics = request.metrics;
  const filters = request.filters ?? {};
  const orderBy = request.orderBy ?? [];

  // Meters (transcoding, storage, packaging) have one dimension, `target` (their subject).
  const meter = metrics.find(isMeterMetric);
  const grouped = groupBy.find((d) => d !== METER_DIMENSION);
  if (meter !== undefined && grouped !== undefined) {
    throw badParameter(
      'group_by',
      `meter metric '${meter}' has no dimension '${grouped}' (meters have only ${METER_DIMENSION})`,
    );
  }
  const filtered = Object.keys(filters).find((d) => d !== METER_DIMENSION);
  if (meter !== undefined && filtered !== undefined) {
    throw badParameter(
      filtered,
      `meter metric '${meter}' has no dimension '${filtered}' (meters have only ${METER_DIMENSION})`,
    );
  }
  // Billed bytes are frozen per cell, without the source that delivered them.
  const billed = metrics.find(isBilledMetric);
  if (billed !== undefined && (groupBy.includes('source') || filters.source !== undefined)) {
    throw badParameter(
      groupBy.includes('source') ? 'group_by' : 'source',
      `billed metric '${billed}' has no dimension 'source'`,
    );
  }

  for (const { field } of orderBy) {
    const known =
      field === 'window_start' || groupBy.includes(field as Dimension) || metrics.includes(field as Metric);
    if (!known) {
      throw badParameter(
        'order_by',
        `'${field}' is not window_start, a group_by dimension or a requested metric`,
      );
    }
  }

  return {
    account: request.account,
    alsoAccounts: request.alsoAccounts ?? [],
    from,
    to,
    tz,
    granularity: request.granularity,
    groupBy,
    metrics,
    filters,
    orderBy,
    limit: DEFAULT_LIMIT,
    offset: 0,
  };
}

/** A stable digest of everything that defines the result set (not the page), so a cursor cannot be replayed on another query. */
function queryDigest(q: UsageQuery): string {
  const text = JSON.stringify([
    q.account,
    q.alsoAccounts,
    q.from,
    q.to,
    q.tz,
    q.granularity,
    q.groupBy,
    q.metrics,
    q.filters,
    q.orderBy,
  ]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

export function encodeCursor(query: UsageQuery, offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, q: queryDigest(query) })).toString('base64url');
}

function decodeCursor(cursor: string, query: UsageQuery): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const o = (parsed as { o?: unknown } | undefined)?.o;
  const q = (parsed as { q?: unknown } | undefined)?.q;
  if (typeof o !== 'number' || !Number.isInteger(o) || o < 0 || typeof q !== 'string') {
    throw new AppError('bad-cursor', 'cursor: not a cursor returned by this API', { param: 'cursor' });
  }
  if (q !== queryDigest(query)) {
    throw new AppError(
      'bad-cursor',
      'cursor: belongs to a different query (keep every other parameter unchanged)',
      {
        param: 'cursor',
      },
    );
  }
  return o;
}
