/**
 * The one executor for usage queries: parameters -> UsageQuery -> windows -> store -> the body of
 * `GET /v1/usage` (DESIGN section 7). `tally report --format json` prints exactly this body.
 */
import { AppError } from '../domain/errors.js';
import { formatInstant, splitWindows } from '../domain/time-window.js';
import { encodeCursor, parseUsageQuery, type UsageParams, type UsageQuery } from '../domain/usage-query.js';
import type { UsageStore } from '../store/store.js';

export type UsageBodyRow = Record<string, string | number>;

export interface UsageBody {
  account: string;
  from: string;
  to: string;
  tz: string;
  granularity: string;
  rows: UsageBodyRow[];
  next_cursor: string | null;
}

export async function runUsageQuery(
  store: UsageStore,
  params: UsageParams,
  options: { alsoAccounts?: string[] } = {},
): Promise<{ query: UsageQuery; body: UsageBody }> {
  const accountId = params.account?.trim();
  const account = accountId ? await store.getAccount(accountId) : undefined;
  if (accountId && !account)
    throw new AppError('not-found', `account: unknown account '${accountId}'`, { param: 'account' });
  // Further accounts counted with this one (Ooyala's includeSubAccounts) are not a URL parameter.
  const query = parseUsageQuery(params, account?.timezone ?? 'UTC', options);
  const windows = splitWindows(query.from, query.to, query.granularity, query.tz);
  const found = await store.queryUsage(query, windows);
  const more = found.length > query.limit;
  const rows = (more ? found.slice(0, query.limit) : found).map((row) => {
    const out: UsageBodyRow = {
      window_start: formatInstant(row.windowStart, query.tz),
      window_end: formatInstant(row.windowEnd, query.tz),
    };
    for (const d of query.groupBy) out[d] = row.dimensions[d] ?? '';
    for (const m of query.metrics) out[m] = row.metrics[m] ?? 0;
    return out;
  });
  return {
    query,
    body: {
      account: query.account,
      from: formatInstant(query.from, query.tz),
      to: formatInstant(query.to, query.tz),
      tz: query.tz,
      granularity: query.granularity,
      rows,
      next_cursor: more ? encodeCursor(query, query.offset + query.limit) : null,
    },
  };
}
