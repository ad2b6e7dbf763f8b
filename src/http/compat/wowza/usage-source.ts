/**
 * The one way the Wowza-compatible API reads usage: questions for the account over the resolved
 * range, through the usage reader. Every number in a response is a value of one query row;
 * nothing is summed here.
 */
import type { Dimension } from '../../../domain/dimensions.js';
import type { Metric } from '../../../domain/metrics.js';
import { readUsage } from '../../../query/read-usage.js';
import type { Store } from '../../../store/store.js';
import type { UsageRow } from '../../../store/usage-store.js';
import type { Range } from './time-range.js';

export const VIEW_METRICS: Metric[] = ['bytes_out', 'view_seconds', 'unique_viewers'];

export type Filters = Partial<Record<Dimension, string[]>>;

/** What a handler asks: the range's total (no groupBy) or its rows grouped by some dimensions. */
export interface Question {
  metrics: Metric[];
  groupBy?: Dimension[];
  filters?: Filters;
}

export type Ask = (question: Question) => Promise<UsageRow[]>;

export function usageSource(store: Store, account: string, range: Range): Ask {
  return (question) =>
    readUsage(store, {
      account,
      from: range.from,
      to: range.to,
      tz: 'UTC',
      granularity: 'total',
      ...question,
    });
}

/** Wowza's viewing fields of a row (zeros when the query found nothing). */
export function viewing(row: UsageRow | undefined) {
  const n = (name: Metric) => row?.metrics[name] ?? 0;
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
