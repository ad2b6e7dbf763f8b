/**
 * The one way the Wowza-compatible API reads usage: UsageQuery parameters for the account and the
 * resolved range, through the usage executor. Every number in a response is a value of one query
 * row; nothing is summed here.
 */
import { readAllUsage, type UsageBodyRow } from '../../../query/run-usage-query.js';
import type { UsageStore } from '../../../store/store.js';
import type { Range } from './time-range.js';

export const VIEW_METRICS = 'bytes_out,view_seconds,unique_viewers';

export type Ask = (params: Record<string, string>) => Promise<UsageBodyRow[]>;

export function usageSource(store: UsageStore, account: string, range: Range): Ask {
  return async (params) => {
    const { body } = await readAllUsage(store, {
      account,
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      tz: 'UTC',
      ...params,
    });
    return body.rows;
  };
}

/** Wowza's viewing fields of a row (zeros when the query found nothing). */
export function viewing(row: UsageBodyRow | undefined) {
  const n = (name: string) => Number(row?.[name] ?? 0);
  return {
    unique_viewers: n('unique_viewers'),
    // Seconds are whole in Wowza's API; stored seconds are whole unless a rule gives fractions.
    viewing_time: Math.round(n('view_seconds')),
    bytes: n('bytes_out'),
  };
}

/** `{limits}` of a response: the effective range as ISO instants. */
export function limits(range: Range) {
  return { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() };
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** English name of an ISO 3166 alpha-2 code; `Unknown` for '' (no geo data). */
export function countryName(code: string): string {
  if (code === '') return 'Unknown';
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}
