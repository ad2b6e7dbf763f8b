/**
 * The one executor for usage queries: parameters -> UsageQuery -> windows -> store -> the body of
 * `GET /v1/usage` (DESIGN section 7). `tally report --format json` prints exactly this body.
 *
 * Two ways to read: `runUsageQuery` answers one page (the API's `limit`/`cursor`), and
 * `streamAllUsage` every row a batch at a time (reports of any size in flat memory). Internal
 * readers (the compatible APIs) ask typed questions through read-usage.ts instead.
 */
import { AppError, badParameter } from '../domain/errors.js';
import { formatInstant, splitWindows } from '../domain/time-window.js';
import { encodeCursor, parseUsageQuery, type UsageParams, type UsageQuery } from '../domain/usage-query.js';
import type { Store } from '../store/store.js';
import type { UsageRow } from '../store/usage-store.js';

export type UsageBodyRow = Record<string, string | number>;

/** The body of `GET /v1/usage` without its rows and cursor: what every reading starts with. */
export interface UsageHead {
  account: string;
  from: string;
  to: string;
  tz: string;
  granularity: string;
}

export interface UsageBody extends UsageHead {
  rows: UsageBodyRow[];
  next_cursor: string | null;
}

interface ReadOptions {
  /** Further accounts counted with this one (Ooyala's includeSubAccounts); not a URL parameter. */
  alsoAccounts?: string[];
}

async function prepare(store: Store, params: UsageParams, options: ReadOptions) {
  const accountId = params.account?.trim();
  const account = accountId ? await store.registry.getAccount(accountId) : undefined;
  if (accountId && !account)
    throw new AppError('not-found', `account: unknown account '${accountId}'`, { param: 'account' });
  const query = parseUsageQuery(params, account?.timezone ?? 'UTC', options);
  const windows = splitWindows(query.from, query.to, query.granularity, query.tz);
  const head: UsageHead = {
    account: query.account,
    from: formatInstant(query.from, query.tz),
    to: formatInstant(query.to, query.tz),
    tz: query.tz,
    granularity: query.granularity,
  };
  return { query, windows, head, toRow: bodyRowOf(query) };
}

/**
 * Turns store rows into body rows. Window bounds are formatted once each (a time-zone-aware
 * format per row took a quarter of a 758k-row report's time, docs/PERFORMANCE.md).
 */
function bodyRowOf(query: UsageQuery): (row: UsageRow) => UsageBodyRow {
  const texts = new Map<number, string>();
  const text = (ms: number): string => {
    let t = texts.get(ms);
    if (t === undefined) {
      t = formatInstant(ms, query.tz);
      texts.set(ms, t);
    }
    return t;
  };
  return (row) => bodyRow(query, row, text);
}

function bodyRow(query: UsageQuery, row: UsageRow, text: (ms: number) => string): UsageBodyRow {
  const out: UsageBodyRow = {
    window_start: text(row.windowStart),
    window_end: text(row.windowEnd),
  };
  for (const d of query.groupBy) out[d] = row.dimensions[d] ?? '';
  for (const m of query.metrics) out[m] = row.metrics[m] ?? 0;
  return out;
}

/** Readers of every row have no page: a `limit` or `cursor` given to them is a mistake, not a cut. */
function refusePaging(params: UsageParams): void {
  for (const name of ['limit', 'cursor'] as const)
    if (params[name] !== undefined) throw badParameter(name, 'does not apply when every row is read');
}

/** One page of rows, as `GET /v1/usage` answers it. */
export async function runUsageQuery(
  store: Store,
  params: UsageParams,
  options: ReadOptions = {},
): Promise<{ query: UsageQuery; body: UsageBody }> {
  const { query, windows, head, toRow } = await prepare(store, params, options);
  const found = await store.usage.queryUsage(query, windows);
  const more = found.length > query.limit;
  const rows = (more ? found.slice(0, query.limit) : found).map(toRow);
  return {
    query,
    body: { ...head, rows, next_cursor: more ? encodeCursor(query, query.offset + query.limit) : null },
  };
}

/**
 * Every row of the query, a batch at a time, in the query's order. The query is validated (and
 * the account looked up) before this returns, so errors come before any output is written.
 */
export async function streamAllUsage(
  store: Store,
  params: UsageParams,
  options: ReadOptions = {},
): Promise<{ query: UsageQuery; head: UsageHead; batches: AsyncIterable<UsageBodyRow[]> }> {
  refusePaging(params);
  const { query, windows, head, toRow } = await prepare(store, params, options);
  async function* batches(): AsyncIterable<UsageBodyRow[]> {
    for await (const rows of store.usage.streamUsage(query, windows)) yield rows.map(toRow);
  }
  return { query, head, batches: batches() };
}
