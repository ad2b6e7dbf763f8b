/**
 * The usage reader for internal callers (the compatible APIs): a typed request in, every row of
 * it out as typed rows (window instants in milliseconds, dimension values, metric numbers), read
 * to the end in the query's order. No parameter strings, no body shape, no page to stop at.
 */
import { splitWindows } from '../domain/time-window.js';
import { type UsageRequest, usageQueryOf } from '../domain/usage-query.js';
import type { Store } from '../store/store.js';
import type { UsageRow } from '../store/usage-store.js';

export async function readUsage(store: Store, request: UsageRequest): Promise<UsageRow[]> {
  const query = usageQueryOf(request);
  const rows: UsageRow[] = [];
  for await (const batch of store.usage.streamUsage(
    query,
    splitWindows(query.from, query.to, query.granularity, query.tz),
  ))
    for (const row of batch) rows.push(row);
  return rows;
}
