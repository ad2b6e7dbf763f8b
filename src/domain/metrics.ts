/** Delivery metrics and how each is computed from records (DESIGN section 2). */

export const METRICS = [
  'requests',
  'ok_requests',
  'client_errors',
  'auth_failures',
  'server_errors',
  'bytes_out',
  'bytes_in',
  'view_seconds',
  'commands',
  'starts',
  'unique_viewers',
] as const;

export type Metric = (typeof METRICS)[number];

/** Metrics that are plain sums of per-bucket counters; `unique_viewers` is the one that is not. */
export type SummedMetric = Exclude<Metric, 'unique_viewers'>;

export const SUMMED_METRICS: readonly SummedMetric[] = METRICS.filter(
  (m): m is SummedMetric => m !== 'unique_viewers',
);

const metricSet: ReadonlySet<string> = new Set(METRICS);

export function isMetric(name: string): name is Metric {
  return metricSet.has(name);
}

/** What a query returns when it names no metrics: every delivery metric. */
export const DEFAULT_METRICS: readonly Metric[] = METRICS;

/** Status classes, shared by the aggregator and by tests that recompute totals independently. */
export function isOk(status: number): boolean {
  return status >= 200 && status <= 299;
}
export function isClientError(status: number): boolean {
  return status >= 400 && status <= 499;
}
export function isAuthFailure(status: number): boolean {
  return status === 401 || status === 403;
}
export function isServerError(status: number): boolean {
  return status >= 500 && status <= 599;
}
